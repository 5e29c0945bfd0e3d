/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes as an EDID; a size found must be nonzero and fit 12 bits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/formats/edid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so reading past the input is caught. */
	uint8_t *copy = malloc(size ? size : 1);
	UINT32 w = 0, h = 0;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (edid_preferred_size(copy, size, &w, &h) == EFI_SUCCESS &&
	    (!w || !h || w > 4095 || h > 4095))
		abort();
	free(copy);
	return 0;
}
