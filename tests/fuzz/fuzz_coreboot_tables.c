/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes as the memory a payload scans for coreboot tables; results bounded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/platform/coreboot_tables.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fake_memory {
	const uint8_t *bytes;
	size_t size;
};

/* The input is physical memory from address 0; every read must stay inside it. */
static const void *fuzz_map(void *ctx, UINT64 address, UINTN size)
{
	const struct fake_memory *m = ctx;

	if (address > m->size || size > m->size - address)
		return NULL;
	return m->bytes + address;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A heap copy of exactly size bytes, so the sanitizer sees any read past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	struct fake_memory m = { copy, size };
	struct coreboot_info info;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	/* The scan covers the low 4 KiB; a header at 16 is the parse's own entry. */
	if (coreboot_tables_find(fuzz_map, &m, &info) == EFI_SUCCESS &&
	    (info.memory_count > COREBOOT_MAX_MEMORY || info.header + 24 > size))
		abort();
	if (coreboot_tables_parse(fuzz_map, &m, 16, &info) == EFI_SUCCESS &&
	    info.memory_count > COREBOOT_MAX_MEMORY)
		abort();
	free(copy);
	return 0;
}
