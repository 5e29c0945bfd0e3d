/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a PE file parsed by lib/formats/pe.c, loaded twice, its PDB name read. */
#include <stdint.h>
#include <stdlib.h>

#include "lib/formats/pe.h"

/* Big enough for any real EFI application; keeps each run fast and the RSS limit far away. */
#define MAX_IMAGE (16u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pe_image_info info;
	UINT32 rva, vsize;
	UINT8 *a, *b;

	/* The debug directory walk takes any bytes as a loaded image. */
	pe_debug_pdb_name(data, size);
	if (pe_parse(data, size, &info) != EFI_SUCCESS)
		return 0;
	pe_find_section(data, size, &info, ".text", &rva, &vsize);
	pe_find_section(data, size, &info, ".reloc", &rva, &vsize);
	if (info.size_of_image >= MAX_IMAGE)
		return 0;

	/*
	 * Buffers of exactly SizeOfImage bytes, so that ASan flags any access past them, both live so
	 * that the two loads see different deltas. A failed load leaves garbage by contract: only
	 * memory safety is checked.
	 */
	a = malloc(info.size_of_image);
	b = malloc(info.size_of_image);
	if (a && b) {
		if (pe_load(data, size, &info, a) == EFI_SUCCESS)
			pe_debug_pdb_name(a, info.size_of_image);
		pe_load(data, size, &info, b);
	}
	free(a);
	free(b);
	return 0;
}
