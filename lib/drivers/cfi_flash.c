/* SPDX-License-Identifier: MIT */
/* QEMU's pflash_cfi01 (x86: 8 bits wide, 4 KiB blocks): read array, write-to-buffer and byte
 * program, block erase. */
#include "lib/drivers/cfi_flash.h"
#include "lib/drivers/io.h"

/* Intel/Sharp command set (CFI primary command set 0x0001). */
#define CMD_READ_ARRAY 0xff
#define CMD_QUERY 0x98
#define CMD_PROGRAM 0x40
#define CMD_ERASE 0x20
#define CMD_CONFIRM 0xd0
#define CMD_CLEAR_STATUS 0x50
#define CMD_WRITE_BUFFER 0xe8

#define STATUS_READY 0x80
#define STATUS_ERASE_ERROR 0x20
#define STATUS_PROGRAM_ERROR 0x10
#define STATUS_VPP_LOW 0x08
#define STATUS_LOCKED 0x02
#define STATUS_ERRORS (STATUS_ERASE_ERROR | STATUS_PROGRAM_ERROR | STATUS_VPP_LOW | STATUS_LOCKED)

/* QEMU finishes every command at once; real parts take up to seconds for an erase. */
#define POLL_LIMIT 50000000u

/* CFI query table offsets (in bytes, x8 mode). */
#define QRY 0x10
#define QRY_COMMAND_SET 0x13
#define QRY_REGIONS 0x2c
#define QRY_REGION0 0x2d
#define QRY_WRITE_BUFFER 0x2a /* log2 of the write buffer's bytes, 0 if none */

/* The x8 count cycle of write-to-buffer holds 8 bits: at most 256 bytes per buffer. */
#define MAX_BUFFER 256

static struct cfi_flash *of(struct flash_device *dev)
{
	return (struct cfi_flash *)dev;
}

static BOOLEAN in_range(struct flash_device *dev, UINT32 offset, UINT32 size)
{
	return offset <= dev->size && size <= dev->size - offset;
}

EFI_STATUS cfi_flash_read(struct flash_device *dev, UINT32 offset, void *buf, UINT32 size)
{
	UINT64 a = of(dev)->base + offset;
	UINT8 *p = buf;

	if (!in_range(dev, offset, size))
		return EFI_INVALID_PARAMETER;
	/* In read-array mode the device is plain memory (QEMU maps it ROM-like). */
	for (UINT32 i = 0; i < size; i++)
		p[i] = mmio_read8(a + i);
	return EFI_SUCCESS;
}

/* Wait for the command at a to finish; its error bits, cleared, as an EFI_STATUS. */
static EFI_STATUS wait_ready(UINT64 a)
{
	UINT8 status = 0;

	for (UINT32 n = 0; n < POLL_LIMIT; n++) {
		status = mmio_read8(a);
		if (status & STATUS_READY)
			break;
		cpu_relax();
	}
	if (!(status & STATUS_READY)) {
		mmio_write8(a, CMD_READ_ARRAY);
		return EFI_TIMEOUT;
	}
	if (status & STATUS_ERRORS) {
		mmio_write8(a, CMD_CLEAR_STATUS);
		mmio_write8(a, CMD_READ_ARRAY);
		/* A read-only drive (readonly=on) answers every program with a program error. */
		return (status & STATUS_LOCKED) || (status & STATUS_VPP_LOW) ? EFI_WRITE_PROTECTED
									      : EFI_DEVICE_ERROR;
	}
	return EFI_SUCCESS;
}

/*
 * The write buffer's size in bytes from the CFI query at the device's base (1: none, program
 * byte by byte), asked once. QEMU writes its backing file once per buffer but once per byte
 * program, so buffers make a 1 KiB variable cost a few file writes instead of a thousand.
 */
static UINT32 write_buffer_size(struct cfi_flash *f)
{
	UINT8 q, r, y, log2;

	if (f->write_buffer)
		return f->write_buffer;
	mmio_write8(f->base, CMD_QUERY);
	q = mmio_read8(f->base + QRY);
	r = mmio_read8(f->base + QRY + 1);
	y = mmio_read8(f->base + QRY + 2);
	log2 = mmio_read8(f->base + QRY_WRITE_BUFFER);
	mmio_write8(f->base, CMD_READ_ARRAY);
	f->write_buffer = 1;
	if (q == 'Q' && r == 'R' && y == 'Y' && log2 && (1u << log2 <= MAX_BUFFER))
		f->write_buffer = 1u << log2;
	return f->write_buffer;
}

/*
 * Program n bytes (1..buffer size, within one buffer-aligned window) with one write-to-buffer.
 * The buffer takes every byte as written, so each is ANDed with what the flash holds: a 0xff
 * byte of the data leaves the flash as it is, as a byte program skipped would.
 */
static EFI_STATUS program_buffer(UINT64 a, const UINT8 *p, UINT32 n)
{
	UINT8 data[MAX_BUFFER];
	EFI_STATUS status;

	for (UINT32 i = 0; i < n; i++)
		data[i] = p[i] & mmio_read8(a + i);
	mmio_write8(a, CMD_WRITE_BUFFER);
	status = wait_ready(a);
	if (EFI_ERROR(status))
		return status;
	mmio_write8(a, (UINT8)(n - 1));
	for (UINT32 i = 0; i < n; i++)
		mmio_write8(a + i, data[i]);
	mmio_write8(a, CMD_CONFIRM);
	status = wait_ready(a);
	if (!EFI_ERROR(status))
		mmio_write8(a, CMD_READ_ARRAY);
	return status;
}

EFI_STATUS cfi_flash_program(struct flash_device *dev, UINT32 offset, const void *buf,
			     UINT32 size)
{
	UINT64 a = of(dev)->base + offset;
	const UINT8 *p = buf;
	EFI_STATUS status = EFI_SUCCESS;
	UINT32 buffer;

	if (!in_range(dev, offset, size))
		return EFI_INVALID_PARAMETER;
	buffer = write_buffer_size(of(dev));
	/* Window by window of the buffer's alignment, each without its erased ends, in order, so a
	 * power loss leaves a prefix of the data written. */
	for (UINT32 i = 0; buffer > 1 && i < size;) {
		UINT32 end = i + buffer - (offset + i) % buffer, last;

		if (end > size)
			end = size;
		while (i < end && p[i] == 0xff)
			i++;
		for (last = end; last > i && p[last - 1] == 0xff;)
			last--;
		if (last > i) {
			status = program_buffer(a + i, p + i, last - i);
			if (EFI_ERROR(status))
				return status;
		}
		i = end;
	}
	if (buffer > 1)
		return EFI_SUCCESS;
	for (UINT32 i = 0; i < size; i++) {
		/* An erased byte needs no programming (and QEMU's model stores, not ANDs, bytes). */
		if (p[i] == 0xff)
			continue;
		mmio_write8(a + i, CMD_PROGRAM);
		mmio_write8(a + i, p[i]);
		status = wait_ready(a + i);
		if (EFI_ERROR(status))
			return status;
	}
	mmio_write8(a, CMD_READ_ARRAY);
	return status;
}

EFI_STATUS cfi_flash_erase(struct flash_device *dev, UINT32 offset)
{
	UINT64 a = of(dev)->base + offset;
	EFI_STATUS status;

	if (!dev->block_size || offset % dev->block_size || offset >= dev->size)
		return EFI_INVALID_PARAMETER;
	mmio_write8(a, CMD_ERASE);
	mmio_write8(a, CMD_CONFIRM);
	status = wait_ready(a);
	if (!EFI_ERROR(status))
		mmio_write8(a, CMD_READ_ARRAY);
	return status;
}

EFI_STATUS cfi_flash_probe(UINT64 end, UINT64 *ret_base, UINT32 *ret_size, UINT32 *ret_block)
{
	/*
	 * QEMU's x8 model answers the query at any 256-byte boundary (it looks at the low 8 bits
	 * of the address), so the table can be read at the device's end before its base is known.
	 */
	UINT64 q = end - 0x100;
	UINT32 blocks, block;
	UINT8 t[0x31];

	mmio_write8(q, CMD_QUERY);
	for (UINT32 i = 0; i < sizeof(t); i++)
		t[i] = mmio_read8(q + i);
	mmio_write8(q, CMD_READ_ARRAY);
	if (t[QRY] != 'Q' || t[QRY + 1] != 'R' || t[QRY + 2] != 'Y' || t[QRY_COMMAND_SET] != 1 ||
	    t[QRY_REGIONS] != 1)
		return EFI_NOT_FOUND;
	blocks = (t[QRY_REGION0] | (UINT32)t[QRY_REGION0 + 1] << 8) + 1;
	block = (t[QRY_REGION0 + 2] | (UINT32)t[QRY_REGION0 + 3] << 8) * 256;
	if (!block || block & (block - 1) || (UINT64)blocks * block > end)
		return EFI_NOT_FOUND;
	*ret_size = blocks * block;
	*ret_block = block;
	*ret_base = end - *ret_size;
	return EFI_SUCCESS;
}
