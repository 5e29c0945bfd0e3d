/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes as an MCFG table; a window found must be segment 0 with ordered buses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/platform/mcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct mcfg_window w;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (mcfg_find_segment0(copy, size, &w) == EFI_SUCCESS && (w.segment != 0 || w.start_bus > w.end_bus))
		abort();
	free(copy);
	return 0;
}
