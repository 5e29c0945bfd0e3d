/* SPDX-License-Identifier: MIT */
/* IDE (ATA/ATAPI-7) register values a driver writes and reads: task files, signatures, PRD tables. */
#pragma once

#include "include/efi/types.h"

/* Command block registers, offsets from the channel's command base (ATA/ATAPI-7 vol. 2 §5). */
#define IDE_REG_DATA 0
#define IDE_REG_ERROR 1		/* read */
#define IDE_REG_FEATURES 1	/* write */
#define IDE_REG_COUNT 2
#define IDE_REG_LBA_LOW 3
#define IDE_REG_LBA_MID 4
#define IDE_REG_LBA_HIGH 5
#define IDE_REG_DEVICE 6
#define IDE_REG_STATUS 7	/* read */
#define IDE_REG_COMMAND 7	/* write */

#define IDE_STATUS_ERR 0x01
#define IDE_STATUS_DRQ 0x08
#define IDE_STATUS_DF 0x20
#define IDE_STATUS_DRDY 0x40
#define IDE_STATUS_BSY 0x80

/* Device control register (the control block): interrupts off, software reset. */
#define IDE_CONTROL_NIEN 0x02
#define IDE_CONTROL_SRST 0x04

#define IDE_DEVICE_LBA 0x40
#define IDE_DEVICE_OBSOLETE 0xa0	/* bits 7 and 5, set by every host for old devices */

#define ATA_CMD_READ_SECTORS 0x20
#define ATA_CMD_READ_SECTORS_EXT 0x24
#define ATA_CMD_READ_DMA_EXT 0x25
#define ATA_CMD_WRITE_SECTORS 0x30
#define ATA_CMD_WRITE_SECTORS_EXT 0x34
#define ATA_CMD_WRITE_DMA_EXT 0x35
#define ATA_CMD_PACKET 0xa0
#define ATA_CMD_IDENTIFY_PACKET 0xa1
#define ATA_CMD_READ_DMA 0xc8
#define ATA_CMD_WRITE_DMA 0xca
#define ATA_CMD_FLUSH_CACHE 0xe7
#define ATA_CMD_IDENTIFY 0xec
#define ATA_CMD_FLUSH_CACHE_EXT 0xea

/* Sectors one command moves: 8 bits (0 is 256) in 28-bit commands, 16 bits (0 is 65536) in 48-bit. */
#define IDE_MAX_SECTORS28 256
#define IDE_MAX_SECTORS48 65536

/* Bus-master IDE (SFF-8038i): a PRD entry, its limits and the EOT flag. */
struct ide_prd {
	UINT32 address;		/* physical, even */
	UINT16 bytes;		/* 0 is 64 KiB */
	UINT16 flags;		/* IDE_PRD_EOT on the last entry */
};
#define IDE_PRD_EOT 0x8000
#define IDE_PRD_MAX_BYTES 0x10000u

_Static_assert(sizeof(struct ide_prd) == 8, "SFF-8038i PRD entry");

/*
 * The register values of one command, indexed by IDE_REG_*: a driver writes hob[FEATURES..
 * LBA_HIGH] first (48-bit: each register is a two-deep FIFO), then reg[FEATURES..COMMAND].
 */
struct ide_taskfile {
	BOOLEAN lba48;
	UINT8 hob[IDE_REG_LBA_HIGH + 1];	/* the high-order bytes of a 48-bit command */
	UINT8 reg[IDE_REG_COMMAND + 1];
};

enum ide_device_kind {
	IDE_DEVICE_NONE = 0,
	IDE_DEVICE_ATA,
	IDE_DEVICE_ATAPI,
};

/*
 * The task file of command on unit (0 master, 1 slave) for count sectors at lba, 48-bit when
 * lba48. EFI_INVALID_PARAMETER if count (0 allowed for non-data commands) or lba does not fit.
 */
EFI_STATUS ide_taskfile_build(struct ide_taskfile *ret, UINT8 command, UINT8 unit, UINT64 lba,
			      UINT32 count, BOOLEAN lba48);
/* What the signature a reset leaves in the count, LBA and status registers says is attached. */
enum ide_device_kind ide_signature_kind(UINT8 status, UINT8 lba_mid, UINT8 lba_high);
/*
 * The PRD table for bytes at physical address (even, below 4 GiB): entries of up to 64 KiB that
 * never cross a 64 KiB boundary, the last with EOT. Returns the entries used, 0 if the buffer
 * is unsuitable or needs more than max entries.
 */
UINT32 ide_prd_build(struct ide_prd *prd, UINT32 max, UINT64 address, UINT32 bytes);
