/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the input is a disk image whose MBR and EBR chain lib/storage/mbr.c walks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/storage/mbr.h"
#include "tests/unit/fake_disk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static UINT8 scratch[BLOCK_MAX_SIZE];
	struct mbr_partition part;
	struct mbr_cursor cursor = { 0 };
	struct fake_disk *disk;
	struct mbr_disk mbr;
	UINT8 *copy;
	unsigned n = 0;

	if (size < 2 * 512 || size > (16u << 20))
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	disk = fake_disk_from_buffer(copy, size, 512);
	if (!disk)
		goto out_free;
	if (mbr_read(&disk->dev, scratch, &mbr) == EFI_SUCCESS) {
		while (mbr_next_partition(&disk->dev, &mbr, &cursor, scratch, &part) ==
		       EFI_SUCCESS) {
			/* Whatever the bytes, a partition lies inside the disk and the walk ends. */
			if (part.first_lba == 0 || part.block_count == 0 ||
			    part.first_lba + part.block_count > disk->dev.block_count)
				abort();
			if (part.parent &&
			    (part.first_lba < mbr.extended_first_lba ||
			     part.first_lba + part.block_count >
				     mbr.extended_first_lba + mbr.extended_block_count))
				abort();
			if (++n > MBR_PRIMARY_COUNT + MBR_MAX_LOGICAL)
				abort();
		}
	}
	fake_disk_free(disk);
out_free:
	free(copy);
	return 0;
}
