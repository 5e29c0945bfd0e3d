/* SPDX-License-Identifier: MIT */
/* The packed symbol table stage1 and the runtime carry for exception reports (mk/symtab_pack.py). */
#pragma once

#include "include/efi/types.h"

/*
 * A header, then one LZ4 block (lib/lz4.h) that unpacks to count records sorted by start: the
 * ULEB128 gap from the previous record's end (start + size; 0 before the first), the ULEB128 size
 * (0 when unknown: up to the next record), the NUL-terminated name. About a third of the plain
 * table's bytes (lib/formats/exception.h), which the lookup below also takes.
 */
#define SYMTAB_PACKED_MAGIC 0x5a4d5953u /* "SYMZ" */
struct symtab_packed_header {
	UINT32 magic;
	UINT32 count;
	UINT32 packed_size;   /* bytes of the LZ4 block after the header */
	UINT32 unpacked_size; /* bytes of records it unpacks to */
};

/* The scratch a lookup unpacks into; the build refuses a table that unpacks to more. */
#define SYMTAB_UNPACKED_MAX 32768

/*
 * As symtab_lookup, for a packed or a plain table: the name returned points into scratch (packed)
 * or the table (plain). NULL when the table is malformed, unpacks past scratch_size, or no
 * function holds offset.
 */
const char *symtab_packed_lookup(const void *table, UINT64 offset, UINT64 *ret_delta,
				 UINT8 *scratch, UINTN scratch_size);
