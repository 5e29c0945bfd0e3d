/* SPDX-License-Identifier: MIT */
/* The sector interface parsers and file systems use disks through, so they run on the host too. */
#pragma once

#include "include/efi/types.h"

#define BLOCK_MAX_SIZE 4096

struct block_device {
	/* Read count blocks starting at lba into buf; the driver may split the request. */
	EFI_STATUS (*read)(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf);
	/*
	 * Write count blocks from buf; NULL on read-only media. A completed write is stable (the
	 * file system's crash-safe ordering relies on it).
	 */
	EFI_STATUS (*write)(struct block_device *dev, EFI_LBA lba, UINTN count, const void *buf);
	/*
	 * Make every completed write stable (a device with a volatile write cache); NULL when a
	 * completed write already is. The file system calls it where its write order matters.
	 */
	EFI_STATUS (*flush)(struct block_device *dev);
	UINT32 block_size;	/* bytes per block, 512..BLOCK_MAX_SIZE, a power of two */
	UINT64 block_count;
};

/* One device command of a split transfer: n blocks at lba to (write) or from data. */
typedef EFI_STATUS (*block_command_fn)(void *ctx, EFI_LBA lba, UINT32 n, UINT8 *data,
				       BOOLEAN write);

/* How a driver's transfers are split into commands (block_transfer_split). */
struct block_split {
	UINT32 block_size;
	UINT32 max_blocks;	/* per command, at least 1 */
	BOOLEAN direct;		/* the device can reach the caller's buffer as it is */
	UINT8 *bounce;		/* one block the device can reach, for a buffer it cannot */
};

/*
 * A read-only view of a device in smaller blocks: a FAT image of 512-byte sectors on 2048-byte
 * media (an El Torito image on a CD-ROM). Blocks of the parent are read whole; one is kept.
 */
struct block_view {
	struct block_device dev;	/* first, so the read op finds the view */
	struct block_device *parent;
	EFI_LBA cached;			/* the parent block in buf, or all ones */
	UINT8 buf[BLOCK_MAX_SIZE];
};

/* Read count blocks at lba, refusing a range beyond the end of the device (EFI_INVALID_PARAMETER). */
EFI_STATUS block_read(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf);
/* Write count blocks at lba, bounds-checked like block_read; EFI_WRITE_PROTECTED if no write op. */
EFI_STATUS block_write(struct block_device *dev, EFI_LBA lba, UINTN count, const void *buf);
/* The device's flush; EFI_SUCCESS without one (its writes are stable when they complete). */
EFI_STATUS block_flush(struct block_device *dev);
/*
 * Blocks [lba, lba + count) in commands of at most split->max_blocks; a buffer the device cannot
 * reach goes a block at a time through split->bounce. Stops at the first failed command.
 */
EFI_STATUS block_transfer_split(const struct block_split *split, EFI_LBA lba, UINTN count,
				UINT8 *buf, BOOLEAN write, block_command_fn command, void *ctx);
/* parent seen in blocks of block_size, which divides its own; EFI_UNSUPPORTED otherwise. */
EFI_STATUS block_view_init(struct block_view *view, struct block_device *parent,
			   UINT32 block_size);
