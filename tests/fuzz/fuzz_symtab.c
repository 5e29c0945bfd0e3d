/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the input is a built-in symbol table, plain or packed (symtab_packed.c), looked up. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/formats/exception.h"
#include "lib/formats/symtab_packed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static UINT8 scratch[4096];
	struct symtab_header *h;
	const struct symtab_packed_header *p;
	UINT64 delta, offsets[] = { 0, 1, 0x100, 0x1000, 0xffffffffull, ~0ull };
	UINT8 *table;

	/* The tables are 8-byte aligned in the stages; total_size is trusted only up to size. */
	if (size < sizeof(*h) || size > (1u << 20))
		return 0;
	table = aligned_alloc(8, (size + 7) & ~(size_t)7);
	if (!table)
		return 0;
	memcpy(table, data, size);
	h = (struct symtab_header *)table;
	p = (const struct symtab_packed_header *)table;
	/* A packed table's block size is trusted only up to size too. */
	if (p->magic == SYMTAB_PACKED_MAGIC && p->packed_size <= size - sizeof(*p))
		for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++)
			symtab_packed_lookup(table, offsets[i], &delta, scratch, sizeof(scratch));
	if (h->total_size <= size) {
		for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++)
			symtab_lookup(table, offsets[i], &delta);
		if (size >= 32)
			symtab_lookup(table, *(const UINT32 *)(table + 16) + 1, &delta);
	}
	free(table);
	return 0;
}
