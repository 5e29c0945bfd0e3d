/* SPDX-License-Identifier: MIT */
/* IDE channels in legacy or native mode, bus-master DMA and polled PIO commands, reset and retry. */
#include "lib/drivers/ide.h"
#include "lib/drivers/io.h"
#include "lib/drivers/retry.h"
#include "lib/drivers/timer.h"
#include "lib/container_of.h"

#define LOG_PREFIX "ide: "
#include "lib/log.h"

#define IDE_CLASS 0x0101	/* mass storage, IDE; the interface byte says how it is addressed */
/* Programming interface bits (PCI IDE Controller Specification 1.0 §2.1). */
#define PROGIF_PRIMARY_NATIVE 0x01
#define PROGIF_SECONDARY_NATIVE 0x04

/* The ISA-compatible ports of each channel. */
static const UINT16 legacy_command[IDE_CHANNELS] = { 0x1f0, 0x170 };
static const UINT16 legacy_control[IDE_CHANNELS] = { 0x3f6, 0x376 };
/* In native mode BAR1/BAR3 is 4 bytes whose third is the device control register. */
#define NATIVE_CONTROL_OFFSET 2

#define RESET_MS 2000		/* BSY after a soft reset: ATA/ATAPI-7 allows 31 s, QEMU takes none */
#define SELECT_MS 100
#define COMMAND_MS 5000
#define FLUSH_MS 30000
/* A failed or timed-out command is retried after a channel reset this many more times. */
#define RETRIES 2

/* Bus-master IDE registers (SFF-8038i §2), per channel from BAR4 + 8 * channel. */
#define BM_COMMAND 0
#define BM_STATUS 2
#define BM_PRD_TABLE 4
#define BM_COMMAND_START 0x01
#define BM_COMMAND_TO_MEMORY 0x08	/* the device's data go to memory: a read */
#define BM_STATUS_ACTIVE 0x01
#define BM_STATUS_ERROR 0x02
#define BM_STATUS_INTERRUPT 0x04
/* Sectors a DMA command moves: 1 MiB, 17 PRD entries at most with the 64 KiB boundaries. */
#define DMA_MAX_SECTORS 2048
#define PRD_ENTRIES 32

/*
 * One table for every channel: commands are polled to the end, one at a time. 256 bytes
 * aligned to 256 never cross a 64 KiB boundary, as SFF-8038i asks of the table.
 */
static struct ide_prd prd_table[PRD_ENTRIES] __attribute__((aligned(256)));

static UINT8 reg_read(const struct ide_channel *ch, UINT8 reg)
{
	return inb(ch->command + reg);
}

static void reg_write(const struct ide_channel *ch, UINT8 reg, UINT8 v)
{
	outb(ch->command + reg, v);
}

/* The alternate status: reading it does not acknowledge the device's interrupt. */
static UINT8 alt_status(const struct ide_channel *ch)
{
	return inb(ch->control);
}

/* The 400 ns a device may take to show BSY after a command (ATA/ATAPI-7 §9.1): four reads. */
static void settle(const struct ide_channel *ch)
{
	for (int i = 0; i < 4; i++)
		alt_status(ch);
}

/* Wait for BSY to clear; the status then, or EFI_TIMEOUT. */
static EFI_STATUS wait_not_busy(const struct ide_channel *ch, UINT32 ms, UINT8 *ret_status)
{
	UINT64 deadline = timer_deadline(ms);
	UINT8 status;

	while ((status = alt_status(ch)) & IDE_STATUS_BSY) {
		if (timer_expired(deadline))
			return EFI_TIMEOUT;
		cpu_relax();
	}
	*ret_status = status;
	return EFI_SUCCESS;
}

/*
 * Software reset of the whole channel (both units): how a device that timed out is stopped,
 * so nothing it still had to transfer can be taken as a later command's data.
 */
static EFI_STATUS channel_reset(const struct ide_channel *ch)
{
	UINT8 status;

	outb(ch->control, IDE_CONTROL_NIEN | IDE_CONTROL_SRST);
	timer_delay_ms(1);	/* SRST held at least 5 us */
	outb(ch->control, IDE_CONTROL_NIEN);
	timer_delay_ms(2);	/* a device may take 2 ms to set BSY */
	return wait_not_busy(ch, RESET_MS, &status);
}

BOOLEAN ide_match(struct pci_address a)
{
	return pci_read32(a, PCI_CLASS_REVISION) >> 16 == IDE_CLASS;
}

static void channel_setup(struct ide_controller *ctrl, UINT8 n, UINT8 progif)
{
	struct ide_channel *ch = &ctrl->channel[n];
	struct pci_address a = ctrl->pci;
	struct pci_bar command, control, bus_master;

	pci_get_bar(a, 4, &bus_master);
	*ch = (struct ide_channel){ .command = legacy_command[n], .control = legacy_control[n] };
	if (progif & (n ? PROGIF_SECONDARY_NATIVE : PROGIF_PRIMARY_NATIVE)) {
		pci_get_bar(a, 2 * n, &command);
		pci_get_bar(a, 2 * n + 1, &control);
		/* Unassigned BARs: nothing to reach the channel through. */
		if (!command.io || !control.io || !command.base || !control.base)
			return;
		ch->command = (UINT16)command.base;
		ch->control = (UINT16)(control.base + NATIVE_CONTROL_OFFSET);
		ch->native = TRUE;
	}
	if (bus_master.io && bus_master.base && (UINTN)prd_table < 0x100000000ull)
		ch->bus_master = (UINT16)(bus_master.base + 8 * n);
	/* A channel nothing drives floats: every register reads all ones. */
	if (alt_status(ch) == 0xff && reg_read(ch, IDE_REG_LBA_MID) == 0xff)
		return;
	if (EFI_ERROR(channel_reset(ch))) {
		log_warn("%02x:%02x.%x channel %u: busy after a reset", a.bus, a.device, a.function, n);
		return;
	}
	ch->present = TRUE;
	if (ch->bus_master)
		log_info("%02x:%02x.%x channel %u: bus-master DMA at io 0x%x", a.bus, a.device,
			 a.function, n, ch->bus_master);
}

EFI_STATUS ide_controller_init(struct ide_controller *ctrl, struct pci_address a)
{
	UINT8 progif = pci_read8(a, PCI_CLASS_REVISION + 1);

	*ctrl = (struct ide_controller){ .pci = a };
	/*
	 * A real PIIX also wants IDETIM bit 15 (82371AB §5.2.2) before its legacy ports decode;
	 * QEMU's decodes them from reset, and stage0 has no room for what it does not need.
	 */
	pci_write16(a, PCI_COMMAND, pci_read16(a, PCI_COMMAND) | PCI_COMMAND_IO | PCI_COMMAND_MASTER);
	for (UINT8 n = 0; n < IDE_CHANNELS; n++)
		channel_setup(ctrl, n, progif);
	return ctrl->channel[0].present || ctrl->channel[1].present ? EFI_SUCCESS : EFI_NOT_FOUND;
}

/* Make unit the selected device and wait until it can take a command. */
static EFI_STATUS select_unit(const struct ide_channel *ch, UINT8 unit, UINT8 device)
{
	UINT8 status;

	reg_write(ch, IDE_REG_DEVICE, device | (UINT8)(unit << 4));
	settle(ch);
	return wait_not_busy(ch, SELECT_MS, &status);
}

enum ide_device_kind ide_probe(struct ide_controller *ctrl, UINT8 channel, UINT8 unit)
{
	const struct ide_channel *ch = &ctrl->channel[channel];

	if (channel >= IDE_CHANNELS || unit >= IDE_UNITS || !ch->present)
		return IDE_DEVICE_NONE;
	if (EFI_ERROR(select_unit(ch, unit, IDE_DEVICE_OBSOLETE)))
		return IDE_DEVICE_NONE;
	return ide_signature_kind(alt_status(ch), reg_read(ch, IDE_REG_LBA_MID),
				  reg_read(ch, IDE_REG_LBA_HIGH));
}

/*
 * Write a task file to the selected channel's registers, the command last. Inlined into its
 * two callers: as a call it costs stage0, which only has the ATA one, bytes it has not got.
 */
static inline __attribute__((always_inline)) EFI_STATUS issue(const struct ide_channel *ch, const struct ide_taskfile *tf)
{
	UINT8 device = tf->reg[IDE_REG_DEVICE];
	EFI_STATUS status = select_unit(ch, device >> 4 & 1, device);

	if (EFI_ERROR(status))
		return status;
	if (tf->lba48)
		for (UINT8 r = IDE_REG_FEATURES; r <= IDE_REG_LBA_HIGH; r++)
			reg_write(ch, r, tf->hob[r]);
	for (UINT8 r = IDE_REG_FEATURES; r <= IDE_REG_COMMAND; r++)
		reg_write(ch, r, tf->reg[r]);
	settle(ch);
	return EFI_SUCCESS;
}

/* The device is done with a data block or the command: not busy, no error; DRQ as wanted. */
static EFI_STATUS wait_ready(const struct ide_channel *ch, BOOLEAN drq, UINT32 ms)
{
	UINT8 status;
	EFI_STATUS efi = wait_not_busy(ch, ms, &status);

	if (EFI_ERROR(efi))
		return efi;
	/* Reading the status register (not the alternate) acknowledges the interrupt. */
	status = reg_read(ch, IDE_REG_STATUS);
	if (status & (IDE_STATUS_ERR | IDE_STATUS_DF))
		return EFI_DEVICE_ERROR;
	if (!!(status & IDE_STATUS_DRQ) != drq)
		return EFI_DEVICE_ERROR;
	return EFI_SUCCESS;
}

/*
 * Run a DMA command the device has been given: the engine moves the PRD table's bytes and
 * clears ACTIVE when the device is done. Interrupts are off (nIEN), so QEMU never sets the
 * INTERRUPT bit: ACTIVE and BSY say when it is over.
 */
static EFI_STATUS dma_wait(const struct ide_channel *ch, BOOLEAN write, UINT32 ms)
{
	UINT64 deadline = timer_deadline(ms);
	UINT8 direction = write ? 0 : BM_COMMAND_TO_MEMORY;
	UINT8 bm;

	outb(ch->bus_master + BM_COMMAND, direction | BM_COMMAND_START);
	while ((bm = inb(ch->bus_master + BM_STATUS)) & BM_STATUS_ACTIVE ||
	       alt_status(ch) & IDE_STATUS_BSY) {
		if (timer_expired(deadline))
			return EFI_TIMEOUT;	/* the recovery stops the engine */
		cpu_relax();
	}
	outb(ch->bus_master + BM_COMMAND, direction);
	outb(ch->bus_master + BM_STATUS, BM_STATUS_ERROR | BM_STATUS_INTERRUPT);
	return bm & BM_STATUS_ERROR ? EFI_DEVICE_ERROR : wait_ready(ch, FALSE, ms);
}

/*
 * One command of n sectors of size bytes each, one attempt: by DMA when dma (the PRD table
 * then describes buf), else by PIO.
 */
static EFI_STATUS run_command(const struct ide_channel *ch, const struct ide_taskfile *tf,
			      UINT8 *buf, UINT32 n, UINT32 size, BOOLEAN write, BOOLEAN dma,
			      UINT32 ms)
{
	EFI_STATUS status;

	if (dma) {
		outb(ch->bus_master + BM_COMMAND, 0);
		outl(ch->bus_master + BM_PRD_TABLE, (UINT32)(UINTN)prd_table);
		outb(ch->bus_master + BM_STATUS, BM_STATUS_ERROR | BM_STATUS_INTERRUPT);
	}
	status = issue(ch, tf);
	if (!EFI_ERROR(status) && dma)
		return dma_wait(ch, write, ms);
	for (UINT32 i = 0; !EFI_ERROR(status) && i < n; i++, buf += size) {
		status = wait_ready(ch, TRUE, ms);
		if (EFI_ERROR(status))
			break;
		if (write)
			outsl(ch->command + IDE_REG_DATA, buf, size / 4);
		else
			insl(ch->command + IDE_REG_DATA, buf, size / 4);
		settle(ch);
	}
	if (!EFI_ERROR(status) && (write || n == 0))
		status = wait_ready(ch, FALSE, ms);
	return status;
}

/* A command for retry_bounded. */
struct command_try {
	const struct ide_channel *ch;
	struct ide_taskfile tf;
	UINT8 *buf;
	UINT32 n, size, ms;
	BOOLEAN write, dma;
};

static EFI_STATUS command_try_once(void *ctx, UINT32 attempt)
{
	struct command_try *p = ctx;

	return run_command(p->ch, &p->tf, p->buf, p->size ? p->n : 0, p->size, p->write, p->dma,
			   p->ms);
}

/*
 * A channel reset makes the device drop the command, and the engine is stopped first: no
 * late data is read or written for a later command.
 */
static EFI_STATUS command_recover(void *ctx)
{
	const struct ide_channel *ch = ((struct command_try *)ctx)->ch;

	if (ch->bus_master)
		outb(ch->bus_master + BM_COMMAND, 0);
	return channel_reset(ch);
}

/* One command, retried after a channel reset when it fails or times out; DMA when dma. */
static EFI_STATUS ide_command(struct ide_disk *d, UINT8 command, UINT64 lba, UINT32 n,
			      UINT8 *buf, UINT32 size, BOOLEAN write, BOOLEAN dma, UINT32 ms)
{
	const struct ide_channel *ch = &d->ctrl->channel[d->channel];
	struct command_try p = {
		.ch = ch, .buf = buf, .n = n, .size = size, .ms = ms, .write = write, .dma = dma
	};
	EFI_STATUS status = ide_taskfile_build(&p.tf, command, d->unit, lba, n, d->id.lba48);

	if (EFI_ERROR(status))
		return status;
	status = retry_bounded(RETRIES, command_try_once, command_recover, &p);
	if (!EFI_ERROR(status))
		return EFI_SUCCESS;
	return log_error_status(status, "channel %u unit %u: command %02x of %u sectors at %llu "
				"(status %02x, error %02x)", d->channel, d->unit, command, n, lba,
				alt_status(ch), reg_read(ch, IDE_REG_ERROR));
}

static EFI_STATUS sectors_command(void *ctx, EFI_LBA lba, UINT32 n, UINT8 *data, BOOLEAN write)
{
	struct ide_disk *d = ctx;
	UINT32 bytes = n * d->block.block_size;
	/* DMA where the engine reaches the buffer (even, below 4 GiB), PIO otherwise. */
	BOOLEAN dma = d->ctrl->channel[d->channel].bus_master &&
		      ide_prd_build(prd_table, PRD_ENTRIES, (UINTN)data, bytes);
	static const UINT8 commands[2][2][2] = {
		/* PIO, DMA; each 28-bit then 48-bit */
		{ { ATA_CMD_READ_SECTORS, ATA_CMD_READ_SECTORS_EXT },
		  { ATA_CMD_READ_DMA, ATA_CMD_READ_DMA_EXT } },
		{ { ATA_CMD_WRITE_SECTORS, ATA_CMD_WRITE_SECTORS_EXT },
		  { ATA_CMD_WRITE_DMA, ATA_CMD_WRITE_DMA_EXT } },
	};

	return ide_command(d, commands[write][dma][d->id.lba48], lba, n, data,
			   d->block.block_size, write, dma, COMMAND_MS);
}

static EFI_STATUS ide_transfer(struct ide_disk *d, EFI_LBA lba, UINTN count, UINT8 *buf,
			       BOOLEAN write)
{
	/* DMA or the CPU moves the data in place: a buffer DMA cannot reach goes by PIO. */
	struct block_split split = {
		.block_size = d->block.block_size, .max_blocks = d->max_blocks, .direct = TRUE
	};

	return block_transfer_split(&split, lba, count, buf, write, sectors_command, d);
}

static EFI_STATUS ide_disk_read(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf)
{
	return ide_transfer((struct ide_disk *)dev, lba, count, buf, FALSE);
}

EFI_STATUS ide_disk_write(struct ide_disk *disk, EFI_LBA lba, UINTN count, const void *buf)
{
	if (lba >= disk->block.block_count || count > disk->block.block_count - lba)
		return EFI_INVALID_PARAMETER;
	/* The device only reads the buffer of a write. */
	return ide_transfer(disk, lba, count, (UINT8 *)buf, TRUE);
}

EFI_STATUS ide_disk_flush(struct ide_disk *disk)
{
	if (!disk->id.flush)
		return EFI_SUCCESS;
	return ide_command(disk, disk->id.lba48 ? ATA_CMD_FLUSH_CACHE_EXT : ATA_CMD_FLUSH_CACHE, 0,
			   0, NULL, 0, FALSE, FALSE, FLUSH_MS);
}

/* Writes through the block interface are stable when they return (lib/storage/block.h). */
static EFI_STATUS ide_block_write(struct block_device *dev, EFI_LBA lba, UINTN count,
				  const void *buf)
{
	struct ide_disk *disk = (struct ide_disk *)dev;
	EFI_STATUS status = ide_disk_write(disk, lba, count, buf);

	return EFI_ERROR(status) ? status : ide_disk_flush(disk);
}

EFI_STATUS ide_disk_init(struct ide_disk *disk, struct ide_controller *ctrl, UINT8 channel,
			 UINT8 unit)
{
	/* Stage0 has no heap and stage1 calls this once a disk: the stack holds IDENTIFY. */
	UINT8 data[ATA_IDENTIFY_WORDS * 2] __attribute__((aligned(4)));
	EFI_STATUS status;

	*disk = (struct ide_disk){ .ctrl = ctrl, .channel = channel, .unit = unit };
	/* IDENTIFY is a 28-bit command: lba48 is still FALSE here. */
	status = ide_command(disk, ATA_CMD_IDENTIFY, 0, 1, data, sizeof(data), FALSE, FALSE,
			     COMMAND_MS);
	if (EFI_ERROR(status))
		return status;
	status = ata_identify_parse(data, &disk->id);
	if (EFI_ERROR(status))
		return log_error_status(status, "channel %u unit %u: unusable IDENTIFY data",
					channel, unit);
	disk->block.read = ide_disk_read;
	disk->block.write = ide_block_write;
	disk->block.block_size = disk->id.sector_size;
	disk->block.block_count = disk->id.sectors;
	/*
	 * 1 MiB a command by DMA with 48-bit commands; else 256 sectors, the 28-bit limit (PIO
	 * moves a sector per DRQ, so longer commands would gain it nothing).
	 */
	disk->max_blocks = ctrl->channel[channel].bus_master && disk->id.lba48 ? DMA_MAX_SECTORS : IDE_MAX_SECTORS28;
	return EFI_SUCCESS;
}

#define ATAPI_CDB_SIZE 12
/* The byte count limit of a PACKET command: the most a DRQ block may carry, even. */
#define ATAPI_BYTE_LIMIT 0xfffe
/* Bytes per PACKET command the transport offers: 32 CD blocks. */
#define ATAPI_MAX_TRANSFER 65536

/* Move one DRQ block of bytes (even) between the data port and data, dwords first. */
static void atapi_pio(const struct ide_channel *ch, UINT8 *data, UINT32 bytes, BOOLEAN write)
{
	UINT16 port = ch->command + IDE_REG_DATA;

	if (write)
		outsl(port, data, bytes / 4);
	else
		insl(port, data, bytes / 4);
	if (!(bytes & 2))
		return;
	data += bytes & ~3u;
	if (write)
		outw(port, (UINT16)(data[0] | data[1] << 8));
	else
		*(UINT16 *)data = inw(port);
}

/* One PACKET command in PIO (ATA/ATAPI-7 §11.8); an error ends it with CHECK CONDITION. */
static EFI_STATUS atapi_packet(const struct ide_channel *ch, UINT8 unit, struct scsi_request *req)
{
	UINT8 cdb[ATAPI_CDB_SIZE] __attribute__((aligned(4))) = { 0 };
	struct ide_taskfile tf = { 0 };
	UINT32 done = 0;
	UINT8 status;
	EFI_STATUS efi;

	for (UINT32 i = 0; i < req->cdb.length; i++)
		cdb[i] = req->cdb.bytes[i];
	/* Features 0: PIO. The byte count limit goes where an ATA command has LBA 15:0 8 bits up. */
	tf.reg[IDE_REG_LBA_MID] = (UINT8)ATAPI_BYTE_LIMIT;
	tf.reg[IDE_REG_LBA_HIGH] = ATAPI_BYTE_LIMIT >> 8;
	tf.reg[IDE_REG_DEVICE] = IDE_DEVICE_OBSOLETE | (UINT8)(unit << 4);
	tf.reg[IDE_REG_COMMAND] = ATA_CMD_PACKET;
	efi = issue(ch, &tf);
	if (EFI_ERROR(efi))
		return efi;
	for (BOOLEAN packet = TRUE;; packet = FALSE) {
		UINT32 bytes, take;

		efi = wait_not_busy(ch, req->timeout_ms, &status);
		if (EFI_ERROR(efi))
			return efi;
		status = reg_read(ch, IDE_REG_STATUS);
		if (status & IDE_STATUS_ERR) {
			req->status = SCSI_STATUS_CHECK_CONDITION;
			req->sense_length = 0;	/* no autosense: the SCSI layer asks REQUEST SENSE */
			req->transferred = done;
			return EFI_SUCCESS;
		}
		if (!(status & IDE_STATUS_DRQ))
			break;
		if (packet) {
			atapi_pio(ch, cdb, ATAPI_CDB_SIZE, TRUE);
			settle(ch);
			continue;
		}
		bytes = reg_read(ch, IDE_REG_LBA_MID) | (UINT32)reg_read(ch, IDE_REG_LBA_HIGH) << 8;
		/* More than the request has room for, or an odd count: a device error, reset. */
		if (!bytes || (bytes & 1) || bytes > req->length - done)
			return EFI_DEVICE_ERROR;
		take = bytes;
		atapi_pio(ch, (UINT8 *)req->data + done, take, req->write);
		done += take;
		settle(ch);
	}
	if (status & IDE_STATUS_DF)
		return EFI_DEVICE_ERROR;
	req->status = SCSI_STATUS_GOOD;
	req->transferred = done;
	return EFI_SUCCESS;
}

/*
 * The scsi_transport execute of an IDE ATAPI unit: a timeout or protocol error resets the
 * channel, so the device drops the command and nothing of it is read later.
 */
static EFI_STATUS atapi_execute(struct scsi_transport *t, UINT16 target, UINT16 lun,
				struct scsi_request *req)
{
	struct ide_atapi *atapi = container_of(t, struct ide_atapi, transport);
	const struct ide_channel *ch = &atapi->ctrl->channel[atapi->channel];
	EFI_STATUS status;

	if (target || lun)
		return EFI_NOT_FOUND;
	if (req->cdb.length > ATAPI_CDB_SIZE || (req->length & 1))
		return EFI_INVALID_PARAMETER;
	status = atapi_packet(ch, atapi->unit, req);
	if (!EFI_ERROR(status))
		return EFI_SUCCESS;
	log_debug("channel %u unit %u: packet %02x: %s (status %02x)", atapi->channel, atapi->unit,
		  req->cdb.bytes[0], efi_status_name(status), alt_status(ch));
	if (EFI_ERROR(channel_reset(ch)))
		return EFI_DEVICE_ERROR;
	return status;
}

EFI_STATUS ide_atapi_init(struct ide_atapi *atapi, struct ide_controller *ctrl, UINT8 channel,
			  UINT8 unit)
{
	*atapi = (struct ide_atapi){
		.transport = { .execute = atapi_execute, .delay_ms = timer_delay_ms,
			       .max_transfer = ATAPI_MAX_TRANSFER, .max_cdb = ATAPI_CDB_SIZE,
			       .align = 1 },
		.ctrl = ctrl, .channel = channel, .unit = unit,
	};
	return scsi_disk_init(&atapi->disk, &atapi->transport, 0, 0);
}
