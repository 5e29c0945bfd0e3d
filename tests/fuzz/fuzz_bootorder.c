/* SPDX-License-Identifier: MIT */
/* libFuzzer target: QEMU's bootorder file and ATA IDENTIFY data, parsed as stage0 parses them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/platform/bootorder.h"
#include "lib/storage/ata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bootorder_device dev = { 2, { { 0x1f, 2 }, { 0, 0 } }, 1 };
	struct ata_identity id;
	UINT8 identify[ATA_IDENTIFY_WORDS * 2] = { 0 };
	char *copy;

	/* A copy of exactly size bytes, so reading past the end is caught by the sanitizer. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	bootorder_rank(copy, size, &dev);
	dev.depth = 1;
	bootorder_rank(copy, size, &dev);
	dev.drive = -1;
	bootorder_rank(copy, size, &dev);
	free(copy);

	memcpy(identify, data, size < sizeof(identify) ? size : sizeof(identify));
	if (ata_identify_parse(identify, &id) == EFI_SUCCESS) {
		if (id.sector_size < 512 || id.sector_size > 4096 || !id.sectors ||
		    strlen(id.model) > ATA_MODEL_LENGTH || strlen(id.serial) > ATA_SERIAL_LENGTH)
			abort();
	}
	return 0;
}
