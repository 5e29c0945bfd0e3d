/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes as an hvm_start_info of any length; a result must stay consistent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/platform/pvh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A heap copy of exactly size bytes, so the sanitizer sees any read past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	struct pvh_platform_info out;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (pvh_parse_start_info(copy, size, &out) == EFI_SUCCESS && out.memmap_entries != 0 &&
	    out.memmap == 0)
		abort();
	free(copy);
	return 0;
}
