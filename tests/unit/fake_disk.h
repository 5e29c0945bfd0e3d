/* SPDX-License-Identifier: MIT */
/* A struct block_device over a host file or memory buffer, for unit tests and fuzzers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/storage/block.h"

struct fake_disk {
	struct block_device dev;	/* hand &disk->dev to the code under test */
	UINT8 *data;			/* the disk bytes; tests may patch them between reads */
	size_t size;			/* bytes in data; blocks past it read as zeroes */
	bool owned;			/* data was allocated by fake_disk_open_file */
	unsigned read_calls;		/* dev.read calls so far */
	UINT64 blocks_read;		/* blocks returned by them */
	UINT64 largest_read;		/* most blocks returned by one call */
	bool fail_enabled;		/* if set, reads touching fail_lba give EFI_DEVICE_ERROR */
	EFI_LBA fail_lba;
	unsigned write_calls;		/* dev.write calls so far */
	UINT64 blocks_written;		/* blocks those calls stored */
	/* Blocks stored before the "power is cut": later ones are dropped, the write fails. */
	UINT64 write_budget;
	bool power_cut;			/* the budget ran out */
	/*
	 * A volatile write cache (fake_disk_cache_writes): each block stored since the last flush
	 * with the bytes it replaced, so a cut can lose those writes again.
	 */
	struct fake_disk_undo {
		UINT64 start;
		UINT8 old[BLOCK_MAX_SIZE];
	} *undo;
	size_t undo_count, undo_cap;
	unsigned flush_calls;
};

/* Load a whole image file into memory (so tests can patch it); NULL if it cannot be read. */
struct fake_disk *fake_disk_open_file(const char *path, UINT32 block_size);
/* A disk over buf, not copied; blocks past size (block_count may be raised) read as zeroes. */
struct fake_disk *fake_disk_from_buffer(void *buf, size_t size, UINT32 block_size);
/* Refuse writes from now on (dev.write NULL), as read-only media do. */
void fake_disk_set_read_only(struct fake_disk *disk);
/* Store only the next blocks blocks written, block by block, then fail every write. */
void fake_disk_cut_after(struct fake_disk *disk, UINT64 blocks);
/* Give the disk a flush op and log unflushed writes, as a device with a write cache. */
void fake_disk_cache_writes(struct fake_disk *disk);
/*
 * The worst reordering a write cache allows at a cut: of the blocks written since the last
 * flush only the most recent one reached the medium; the others revert to their old bytes.
 */
void fake_disk_lose_unflushed_but_last(struct fake_disk *disk);
/* Make every read that covers lba fail with EFI_DEVICE_ERROR. */
void fake_disk_fail_at(struct fake_disk *disk, EFI_LBA lba);
/* Reset read_calls, blocks_read and largest_read. */
void fake_disk_reset_counters(struct fake_disk *disk);
/* Free the disk (and its data if it loaded it). */
void fake_disk_free(struct fake_disk *disk);
