/* SPDX-License-Identifier: MIT */
/* libFuzzer target: SCSI sense, INQUIRY, READ CAPACITY and REPORT LUNS data as a device returns it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/storage/scsi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_capacity(EFI_STATUS status, const struct scsi_capacity *cap)
{
	if (status == EFI_SUCCESS &&
	    (!cap->blocks || cap->block_size < 512 || cap->block_size > BLOCK_MAX_SIZE ||
	     (cap->block_size & (cap->block_size - 1))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so the sanitizer sees any read beyond what was given. */
	uint8_t *copy = malloc(size ? size : 1);
	struct scsi_sense sense;
	struct scsi_inquiry inq;
	struct scsi_capacity cap;
	UINT32 cursor = 0, previous = 0, found = 0;
	UINT16 lun;

	memcpy(copy, data, size);
	if (scsi_sense_parse(copy, size, &sense) == EFI_SUCCESS) {
		enum scsi_sense_class class = scsi_sense_classify(&sense);

		if (sense.key > 0xf || class > SCSI_SENSE_OTHER ||
		    (class == SCSI_SENSE_OK) != (scsi_sense_status(class) == EFI_SUCCESS))
			abort();
	}
	if (scsi_inquiry_parse(copy, size, &inq) == EFI_SUCCESS &&
	    (inq.type >= 0x1f || strlen(inq.vendor) > 8 || strlen(inq.product) > 16))
		abort();
	check_capacity(scsi_capacity10_parse(copy, size, &cap), &cap);
	check_capacity(scsi_capacity16_parse(copy, size, &cap), &cap);
	/* The walk moves forward, stays within the buffer, and ends. */
	while (scsi_report_luns_next(copy, size, &cursor, &lun) == EFI_SUCCESS) {
		if (cursor <= previous && found)
			abort();
		if (8 + (size_t)cursor * 8 > size || lun > 0x3fff || ++found > size / 8)
			abort();
		previous = cursor;
	}
	free(copy);
	return 0;
}
