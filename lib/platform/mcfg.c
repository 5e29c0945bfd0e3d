/* SPDX-License-Identifier: MIT */
/* ACPI MCFG: checks the table's shape and finds segment 0's ECAM window. */
#include "lib/platform/mcfg.h"

#include <stddef.h>

/* 36-byte ACPI header, 8 reserved bytes, then 16-byte allocation entries. */
#define MCFG_ENTRIES_OFFSET 44
#define MCFG_ENTRY_SIZE 16

static UINT64 mcfg_le(const UINT8 *p, unsigned n)
{
	UINT64 v = 0;

	while (n-- > 0)
		v = (v << 8) | p[n];
	return v;
}

EFI_STATUS mcfg_find_segment0(const void *table, UINTN size, struct mcfg_window *out)
{
	const UINT8 *t = table;
	UINT32 length;

	if (t == NULL || out == NULL || size < MCFG_ENTRIES_OFFSET)
		return EFI_INVALID_PARAMETER;
	length = (UINT32)mcfg_le(t + 4, 4);
	if (t[0] != 'M' || t[1] != 'C' || t[2] != 'F' || t[3] != 'G' || length < MCFG_ENTRIES_OFFSET ||
	    length > size)
		return EFI_INVALID_PARAMETER;
	for (UINT32 off = MCFG_ENTRIES_OFFSET; off + MCFG_ENTRY_SIZE <= length; off += MCFG_ENTRY_SIZE) {
		const UINT8 *e = t + off;

		if (mcfg_le(e + 8, 2) != 0 || e[10] > e[11] || mcfg_le(e, 8) == 0)
			continue;
		out->base = mcfg_le(e, 8);
		out->segment = 0;
		out->start_bus = e[10];
		out->end_bus = e[11];
		return EFI_SUCCESS;
	}
	return EFI_NOT_FOUND;
}
