/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the input is an ISO from sector 16 on, read by lib/storage/eltorito.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/storage/eltorito.h"
#include "tests/unit/fake_disk.h"

#define SYSTEM_AREA (16 * ELTORITO_SECTOR_SIZE)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static UINT8 scratch[ELTORITO_SECTOR_SIZE];
	struct eltorito_image img;
	struct fake_disk *disk;
	UINT8 *copy;

	/* Byte 0 picks the block size, so CDs and hybrid ISOs on disks are both covered. */
	UINT32 block_size = size && (data[0] & 1) ? 2048 : 512;

	if (size < 1 || size > (8u << 20))
		return 0;
	/* The system area is blank: the volume descriptors start at the input's first byte. */
	copy = calloc(1, SYSTEM_AREA + size);
	if (!copy)
		return 0;
	memcpy(copy + SYSTEM_AREA, data, size);
	disk = fake_disk_from_buffer(copy, SYSTEM_AREA + size, block_size);
	if (disk && eltorito_find_efi(&disk->dev, scratch, &img) == EFI_SUCCESS) {
		if (img.block_count == 0 || img.first_lba >= disk->dev.block_count ||
		    img.block_count > disk->dev.block_count - img.first_lba)
			abort();
	}
	fake_disk_free(disk);
	free(copy);
	return 0;
}
