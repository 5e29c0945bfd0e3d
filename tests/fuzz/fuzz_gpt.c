/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the input is a disk image read through lib/gpt.c, as stage0 reads one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/gpt.h"
#include "tests/unit/fake_disk.h"

static const EFI_GUID esp_type = GPT_ESP_TYPE_GUID;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static UINT8 scratch[BLOCK_MAX_SIZE];
	/* The first byte picks the block size, so 4 KiB-sector disks are covered too. */
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
