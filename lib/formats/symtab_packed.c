/* SPDX-License-Identifier: MIT */
/* Looking an offset up in a packed symbol table: unpack it into scratch, walk its records. */
#include "lib/formats/exception.h"
#include "lib/formats/symtab_packed.h"
#include "lib/lz4.h"

static BOOLEAN symtab_read_uleb(const UINT8 *buf, UINTN size, UINTN *pos, UINT64 *ret)
{
	UINT64 v = 0;

	for (unsigned shift = 0; shift < 64 && *pos < size; shift += 7) {
		UINT8 b = buf[(*pos)++];

		v |= (UINT64)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*ret = v;
			return TRUE;
		}
	}
	return FALSE;
}

const char *symtab_packed_lookup(const void *table, UINT64 offset, UINT64 *ret_delta,
				 UINT8 *scratch, UINTN scratch_size)
{
	const struct symtab_packed_header *h = table;
	const char *name, *hit = NULL;
	UINT64 gap, size, start, end = 0, hit_start = 0;
	BOOLEAN hit_unsized = FALSE;
	UINTN n, pos = 0;
	UINT32 i;

	if (h && h->magic == SYMTAB_MAGIC)
		return symtab_lookup(table, offset, ret_delta);
	if (!h || h->magic != SYMTAB_PACKED_MAGIC || h->unpacked_size > scratch_size ||
	    lz4_decode(h + 1, h->packed_size, scratch, scratch_size, &n) != EFI_SUCCESS ||
	    n != h->unpacked_size)
		return NULL;
	for (i = 0; i < h->count; i++) {
		if (!symtab_read_uleb(scratch, n, &pos, &gap) ||
		    !symtab_read_uleb(scratch, n, &pos, &size))
			return NULL;
		start = end + gap;
		end = start + size;
		name = (const char *)scratch + pos;
		while (pos < n && scratch[pos])
			pos++;
		if (pos++ == n)
			return NULL; /* a name without its NUL */
		if (start > offset)
			break; /* sorted: this start bounds an unsized hit */
		hit = !size || offset - start < size ? name : NULL;
		hit_start = start;
		hit_unsized = !size;
	}
	if (!hit || (hit_unsized && i == h->count))
		return NULL; /* an unsized last symbol bounds nothing */
	if (ret_delta)
		*ret_delta = offset - hit_start;
	return hit;
}
