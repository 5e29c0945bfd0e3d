/* SPDX-License-Identifier: MIT */
/* fw_cfg over the x86 I/O ports (QEMU docs/specs/fw_cfg.rst: facts only). */
#include "lib/drivers/fw_cfg.h"
#include "lib/drivers/io.h"
#include "lib/platform/virtio_mmio_acpi.h"
#include "lib/string.h"

/* A test build moves the ports where QEMU decodes nothing, to run as with no fw_cfg device. */
#ifndef FW_CFG_PORT_BASE
#define FW_CFG_PORT_BASE 0x510
#endif
#define FW_CFG_PORT_SEL FW_CFG_PORT_BASE
#define FW_CFG_PORT_DATA (FW_CFG_PORT_BASE + 1)
#define FW_CFG_PORT_DMA (FW_CFG_PORT_BASE + 4)

#define FW_CFG_FEATURE_DMA 0x02
/* QEMU's FW_CFG_MAX_ENTRY: no directory lists more files than the device has items. */
#define FW_CFG_MAX_FILES 0x4000

enum fw_cfg_dma_control {
	FW_CFG_DMA_ERROR = 0x01,
	FW_CFG_DMA_READ = 0x02,
	FW_CFG_DMA_SKIP = 0x04,
	FW_CFG_DMA_SELECT = 0x08,
	FW_CFG_DMA_WRITE = 0x10,
};

/* Big-endian, as the device reads it. */
struct fw_cfg_dma_access {
	UINT32 control;
	UINT32 length;
	UINT64 address;
} __attribute__((aligned(16)));

struct fw_cfg_file {
	UINT32 size;	/* big-endian */
	UINT16 select;	/* big-endian */
	UINT16 reserved;
	char name[56];
};

static BOOLEAN fw_cfg_dma;

static UINT32 be32(UINT32 v) { return __builtin_bswap32(v); }
static UINT16 be16(UINT16 v) { return __builtin_bswap16(v); }

/* One DMA transfer; FALSE when the device set the error bit (e.g. a write it refuses). */
static BOOLEAN fw_cfg_dma_transfer(UINT32 control, void *buf, UINT32 size)
{
	volatile struct fw_cfg_dma_access access = {
		.control = be32(control),
		.length = be32(size),
		.address = __builtin_bswap64((UINTN)buf),
	};
	UINT64 addr = (UINTN)&access;

	barrier();
	/* The write of the low half starts the transfer. */
	outl(FW_CFG_PORT_DMA, be32((UINT32)(addr >> 32)));
	outl(FW_CFG_PORT_DMA + 4, be32((UINT32)addr));
	/* QEMU completes the transfer inside the port write; the loop covers other implementations. */
	while (be32(access.control) & ~FW_CFG_DMA_ERROR)
		cpu_relax();
	barrier();
	return !(be32(access.control) & FW_CFG_DMA_ERROR);
}

static void fw_cfg_read_selected(void *buf, UINTN size)
{
	UINT8 *p = buf;

	if (fw_cfg_dma && size) {
		fw_cfg_dma_transfer(FW_CFG_DMA_READ, buf, (UINT32)size);
		return;
	}
	while (size--)
		*p++ = inb(FW_CFG_PORT_DATA);
}

BOOLEAN fw_cfg_init(void)
{
	char sig[4];
	UINT32 features = 0;

	outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(FW_CFG_PORT_DATA);
	if (memcmp(sig, "QEMU", 4) != 0)
		return FALSE;
	outw(FW_CFG_PORT_SEL, FW_CFG_ID);
	for (int i = 0; i < 4; i++)
		features |= (UINT32)inb(FW_CFG_PORT_DATA) << (8 * i);
	fw_cfg_dma = (features & FW_CFG_FEATURE_DMA) != 0;
	return TRUE;
}

BOOLEAN fw_cfg_has_dma(void)
{
	return fw_cfg_dma;
}

void fw_cfg_read_item(UINT16 item, void *buf, UINTN size)
{
	outw(FW_CFG_PORT_SEL, item);
	fw_cfg_read_selected(buf, size);
}

EFI_STATUS fw_cfg_find(const char *name, UINT16 *ret_select, UINT32 *ret_size)
{
	struct fw_cfg_file file;
	UINT32 count;

	fw_cfg_read_item(FW_CFG_FILE_DIR, &count, sizeof(count));
	count = be32(count);
	/* No device reads as all ones: 4 billion entries would hang whoever asks. */
	if (count > FW_CFG_MAX_FILES)
		return EFI_NOT_FOUND;
	for (UINT32 i = 0; i < count; i++) {
		fw_cfg_read_selected(&file, sizeof(file));
		file.name[sizeof(file.name) - 1] = '\0';
		if (strcmp(file.name, name) == 0) {
			*ret_select = be16(file.select);
			*ret_size = be32(file.size);
			return EFI_SUCCESS;
		}
	}
	return EFI_NOT_FOUND;
}

EFI_STATUS fw_cfg_read_file(const char *name, void *buf, UINTN size, UINTN *ret_size)
{
	UINT16 select;
	UINT32 file_size;
	EFI_STATUS status;

	status = fw_cfg_find(name, &select, &file_size);
	if (EFI_ERROR(status))
		return status;
	*ret_size = file_size;
	if (file_size > size)
		return EFI_BUFFER_TOO_SMALL;
	fw_cfg_read_item(select, buf, file_size);
	return EFI_SUCCESS;
}

/*
 * microvm's tables blob is a few KiB (its DSDT first); q35's, larger, is read whole by stage1's
 * table loader only. A table past the part read is not found.
 */
#define ACPI_BLOB_READ 16384

const void *fw_cfg_acpi_table(const char sig[4], UINTN *ret_size)
{
	static UINT8 blob[ACPI_BLOB_READ];
	static UINT32 blob_size;
	static BOOLEAN read;
	const UINT8 *table;
	UINT16 select;

	if (!read) {
		read = TRUE;
		if (EFI_ERROR(fw_cfg_find("etc/acpi/tables", &select, &blob_size)))
			blob_size = 0;
		if (blob_size > sizeof(blob))
			blob_size = sizeof(blob);
		if (blob_size)
			fw_cfg_read_item(select, blob, blob_size);
	}
	table = acpi_blob_find_table(blob, blob_size, sig);
	*ret_size = table ? blob_size - (UINTN)(table - blob) : 0;
	return table;
}

EFI_STATUS fw_cfg_write_file(const char *name, UINT32 offset, const void *buf, UINTN size)
{
	UINT16 select;
	UINT32 file_size;
	EFI_STATUS status;

	if (!fw_cfg_dma)
		return EFI_UNSUPPORTED;
	status = fw_cfg_find(name, &select, &file_size);
	if (EFI_ERROR(status))
		return status;
	if (offset > file_size || size > file_size - offset)
		return EFI_INVALID_PARAMETER;
	if (!fw_cfg_dma_transfer((UINT32)select << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_SKIP, NULL,
				 offset) ||
	    !fw_cfg_dma_transfer(FW_CFG_DMA_WRITE, (void *)buf, (UINT32)size))
		return EFI_DEVICE_ERROR; /* QEMU refuses writes to most files */
	return EFI_SUCCESS;
}
