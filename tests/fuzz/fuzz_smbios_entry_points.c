/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes as a platform's SMBIOS area; what is found lies inside and checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/platform/smbios.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A heap copy of exactly size bytes, so the sanitizer sees any read past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	const struct smbios21_entry_point *ep21;
	const struct smbios30_entry_point *ep30;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	smbios_find_entry_points(copy, size, &ep21, &ep30);
	if (ep21 && ((const uint8_t *)ep21 + ep21->length > copy + size || ep21->length < 0x1e ||
		     memcmp(ep21->anchor, "_SM_", 4) != 0))
		abort();
	if (ep30 && ((const uint8_t *)ep30 + ep30->length > copy + size ||
		     memcmp(ep30->anchor, "_SM3_", 5) != 0))
		abort();
	free(copy);
	return 0;
}
