/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes as a blob of ACPI tables; its DSDT's virtio-mmio bases, bounded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/platform/virtio_mmio_acpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	const uint8_t *dsdt;
	UINT64 bases[4];

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	dsdt = acpi_blob_find_table(copy, size, "DSDT");
	if (dsdt && acpi_virtio_mmio_bases(dsdt, size - (size_t)(dsdt - copy), bases, 4) > 4)
		abort();
	free(copy);
	return 0;
}
