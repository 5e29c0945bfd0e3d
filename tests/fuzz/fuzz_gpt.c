/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the input is a disk image read through lib/storage/gpt.c, as stage0 reads one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crc32.h"
#include "lib/storage/gpt.h"
#include "tests/unit/fake_disk.h"

static const EFI_GUID esp_type = GPT_ESP_TYPE_GUID;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Random bytes almost never carry two matching CRCs, so without help the fuzzer never gets past
 * them. When asked to, recompute the CRCs of the header at lba (and of its entry array, if the
 * header's fields put it inside the disk) so the range checks and entry parsing get exercised.
 */
static void reseal(UINT8 *disk, size_t size, UINT32 block_size, UINT64 lba)
{
	struct gpt_header h;
	UINT64 bytes;

	if (lba >= size / block_size)
		return;
	memcpy(&h, disk + lba * block_size, sizeof(h));
	bytes = (UINT64)h.number_of_partition_entries * h.size_of_partition_entry;
	if (h.partition_entry_lba < size / block_size && bytes <= 4u << 20 &&
	    bytes <= size - h.partition_entry_lba * block_size)
		h.partition_entry_array_crc32 =
			crc32(disk + h.partition_entry_lba * block_size, (UINTN)bytes);
	if (h.header_size >= sizeof(h) && h.header_size <= block_size) {
		memcpy(disk + lba * block_size, &h, sizeof(h));
		h.header_crc32 = 0;
		memcpy(disk + lba * block_size, &h, sizeof(h));
		h.header_crc32 = crc32(disk + lba * block_size, h.header_size);
		memcpy(disk + lba * block_size, &h, sizeof(h));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static UINT8 scratch[BLOCK_MAX_SIZE];
	/* Bit 0 of the first byte picks the block size, so 4 KiB-sector disks are covered too. */
	UINT32 block_size = size && (data[0] & 1) ? 4096 : 512;
	struct gpt_partition part;
	struct fake_disk *disk;
	struct gpt_disk gpt;
	UINT8 *copy;

	if (size < 4 * 512 || size > (64u << 20))
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	/* Bits 1 and 2 ask for the primary and the backup to be resealed (see reseal()). */
	if (data[0] & 2)
		reseal(copy, size, block_size, 1);
	if (data[0] & 4)
		reseal(copy, size, block_size, size / block_size - 1);
	disk = fake_disk_from_buffer(copy, size, block_size);
	if (!disk)
		goto out_free;
	if (gpt_read(&disk->dev, scratch, &gpt) == EFI_SUCCESS) {
		UINT32 n = gpt.header.number_of_partition_entries;

		for (UINT32 i = 0; i <= n + 1; i++)
			gpt_get_partition(&disk->dev, &gpt, i, scratch, &part);
		gpt_find_partition(&disk->dev, &gpt, &esp_type, scratch, &part);
	}
	fake_disk_free(disk);
out_free:
	free(copy);
	return 0;
}
