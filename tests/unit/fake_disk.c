/* SPDX-License-Identifier: MIT */
/* A struct block_device over a host file or memory buffer, for unit tests and fuzzers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/fake_disk.h"

static EFI_STATUS fake_disk_read(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf)
{
	struct fake_disk *disk = (struct fake_disk *)dev;
	UINT64 bs = dev->block_size, start = lba * bs, len = (UINT64)count * bs, avail;

	disk->read_calls++;
	/* block_read checks the device bounds; a read past them here is a bug of the caller. */
	if (lba >= dev->block_count || count > dev->block_count - lba)
		return EFI_INVALID_PARAMETER;
	if (disk->fail_enabled && disk->fail_lba >= lba && disk->fail_lba - lba < count)
		return EFI_DEVICE_ERROR;
	avail = start < disk->size ? disk->size - start : 0;
	if (avail > len)
		avail = len;
	if (avail)
		memcpy(buf, disk->data + start, avail);
	memset((UINT8 *)buf + avail, 0, len - avail);
	disk->blocks_read += count;
	if (count > disk->largest_read)
		disk->largest_read = count;
	return EFI_SUCCESS;
}

/* Blocks are stored one at a time, so a cut may fall inside a multi-block request. */
static EFI_STATUS fake_disk_write(struct block_device *dev, EFI_LBA lba, UINTN count,
				  const void *buf)
{
	struct fake_disk *disk = (struct fake_disk *)dev;
	UINT64 bs = dev->block_size;

	disk->write_calls++;
	if (lba >= dev->block_count || count > dev->block_count - lba)
		return EFI_INVALID_PARAMETER;
	for (UINTN i = 0; i < count; i++) {
		UINT64 start = (lba + i) * bs;

		if (disk->write_budget == 0) {
			disk->power_cut = true;
			return EFI_DEVICE_ERROR;
		}
		disk->write_budget--;
		if (disk->dev.flush && start < disk->size) {
			if (disk->undo_count == disk->undo_cap) {
				size_t cap = disk->undo_cap ? disk->undo_cap * 2 : 64;
				void *p = realloc(disk->undo, cap * sizeof(*disk->undo));

				if (!p)
					return EFI_OUT_OF_RESOURCES;
				disk->undo = p;
				disk->undo_cap = cap;
			}
			disk->undo[disk->undo_count].start = start;
			memcpy(disk->undo[disk->undo_count++].old, disk->data + start,
			       disk->size - start < bs ? disk->size - start : bs);
		}
		if (start < disk->size)
			memcpy(disk->data + start, (const UINT8 *)buf + i * bs,
			       disk->size - start < bs ? disk->size - start : bs);
		disk->blocks_written++;
	}
	return EFI_SUCCESS;
}

struct fake_disk *fake_disk_from_buffer(void *buf, size_t size, UINT32 block_size)
{
	struct fake_disk *disk = calloc(1, sizeof(*disk));

	if (!disk)
		return NULL;
	disk->dev.read = fake_disk_read;
	disk->dev.write = fake_disk_write;
	disk->write_budget = (UINT64)-1;
	disk->dev.block_size = block_size;
	disk->dev.block_count = size / block_size;
	disk->data = buf;
	disk->size = size;
	return disk;
}

struct fake_disk *fake_disk_open_file(const char *path, UINT32 block_size)
{
	struct fake_disk *disk = NULL;
	UINT8 *data = NULL;
	FILE *f = fopen(path, "rb");
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto err_close;
	data = malloc(size ? (size_t)size : 1);
	if (!data || fread(data, 1, (size_t)size, f) != (size_t)size)
		goto err_free;
	disk = fake_disk_from_buffer(data, (size_t)size, block_size);
	if (!disk)
		goto err_free;
	disk->owned = true;
	fclose(f);
	return disk;

err_free:
	free(data);
err_close:
	fclose(f);
	return NULL;
}

void fake_disk_set_read_only(struct fake_disk *disk)
{
	disk->dev.write = NULL;
}

void fake_disk_cut_after(struct fake_disk *disk, UINT64 blocks)
{
	disk->write_budget = blocks;
	disk->power_cut = false;
}

static EFI_STATUS fake_disk_flush(struct block_device *dev)
{
	struct fake_disk *disk = (struct fake_disk *)dev;

	disk->flush_calls++;
	if (disk->power_cut)
		return EFI_DEVICE_ERROR;
	disk->undo_count = 0;
	return EFI_SUCCESS;
}

void fake_disk_cache_writes(struct fake_disk *disk)
{
	disk->dev.flush = fake_disk_flush;
	disk->undo_count = 0;
}

void fake_disk_lose_unflushed_but_last(struct fake_disk *disk)
{
	UINT64 bs = disk->dev.block_size, last;

	if (disk->undo_count < 2)
		return;
	last = disk->undo[disk->undo_count - 1].start;
	/* Newest first, so a block written twice ends with the bytes before the first write. */
	for (size_t i = disk->undo_count - 1; i-- > 0;)
		if (disk->undo[i].start != last)
			memcpy(disk->data + disk->undo[i].start, disk->undo[i].old,
			       disk->size - disk->undo[i].start < bs ? disk->size - disk->undo[i].start : bs);
	disk->undo_count = 0;
}

void fake_disk_fail_at(struct fake_disk *disk, EFI_LBA lba)
{
	disk->fail_enabled = true;
	disk->fail_lba = lba;
}

void fake_disk_reset_counters(struct fake_disk *disk)
{
	disk->read_calls = 0;
	disk->blocks_read = 0;
	disk->largest_read = 0;
}

void fake_disk_free(struct fake_disk *disk)
{
	if (!disk)
		return;
	if (disk->owned)
		free(disk->data);
	free(disk->undo);
	free(disk);
}
