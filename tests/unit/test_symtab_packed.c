/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/formats/symtab_packed.c: lookups in packed tables as mk/symtab_pack.py writes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/exception.h"
#include "lib/formats/symtab_packed.h"

/* alpha [0x100, 0x120), beta 0x140 unsized, gamma [0x200, 0x210): ULEB gap, ULEB size, name. */
static const UINT8 records[] = {
	0x80, 0x02, 0x20, 'a', 'l', 'p', 'h', 'a', 0,
	0x20, 0x00, 'b', 'e', 't', 'a', 0,
	0xc0, 0x01, 0x10, 'g', 'a', 'm', 'm', 'a', 0,
};
static UINT8 table[128] __attribute__((aligned(8)));
static UINT8 scratch[64];

/* The records as one literals-only LZ4 block (a length past 15 takes one extension byte). */
static void build_table(UINT32 count, UINTN size)
{
	struct symtab_packed_header *h = (struct symtab_packed_header *)table;
	UINT8 *block = (UINT8 *)(h + 1);

	memset(table, 0, sizeof(table));
	h->magic = SYMTAB_PACKED_MAGIC;
	h->count = count;
	h->unpacked_size = size;
	block[0] = 0xf0;
	block[1] = size - 15;
	memcpy(block + 2, records, size);
	h->packed_size = 2 + size;
}

static void test_packed_lookup_names_function_and_offset(void **state)
{
	UINT64 delta = 99;

	build_table(3, sizeof(records));
	assert_string_equal(symtab_packed_lookup(table, 0x100, &delta, scratch, sizeof(scratch)),
			    "alpha");
	assert_int_equal(delta, 0);
	assert_string_equal(symtab_packed_lookup(table, 0x11f, &delta, scratch, sizeof(scratch)),
			    "alpha");
	assert_int_equal(delta, 0x1f);
	/* Past alpha's size, before beta, before alpha: nothing. */
	assert_null(symtab_packed_lookup(table, 0x120, &delta, scratch, sizeof(scratch)));
	assert_null(symtab_packed_lookup(table, 0xff, &delta, scratch, sizeof(scratch)));
	/* Unsized beta reaches up to gamma. */
	assert_string_equal(symtab_packed_lookup(table, 0x1ff, &delta, scratch, sizeof(scratch)),
			    "beta");
	assert_int_equal(delta, 0xbf);
	assert_string_equal(symtab_packed_lookup(table, 0x20f, &delta, scratch, sizeof(scratch)),
			    "gamma");
	assert_null(symtab_packed_lookup(table, 0x210, &delta, scratch, sizeof(scratch)));
	/* Without gamma, beta is the last symbol and, unsized, bounds nothing. */
	build_table(2, 16);
	assert_null(symtab_packed_lookup(table, 0x150, &delta, scratch, sizeof(scratch)));
	assert_string_equal(symtab_packed_lookup(table, 0x100, &delta, scratch, sizeof(scratch)),
			    "alpha");
}

static void test_packed_lookup_refuses_malformed_tables(void **state)
{
	struct symtab_packed_header *h = (struct symtab_packed_header *)table;

	build_table(3, sizeof(records));
	assert_null(symtab_packed_lookup(table, 0x100, NULL, scratch, sizeof(records) - 1));
	h->magic = 0;
	assert_null(symtab_packed_lookup(table, 0x100, NULL, scratch, sizeof(scratch)));
	build_table(3, sizeof(records));
	h->unpacked_size += 1; /* the block unpacks to less than the header says */
	assert_null(symtab_packed_lookup(table, 0x100, NULL, scratch, sizeof(scratch)));
	build_table(3, sizeof(records));
	h->packed_size -= 1; /* literals run past the block */
	assert_null(symtab_packed_lookup(table, 0x100, NULL, scratch, sizeof(scratch)));
	build_table(4, sizeof(records)); /* more records than bytes */
	assert_null(symtab_packed_lookup(table, 0x300, NULL, scratch, sizeof(scratch)));
	build_table(3, sizeof(records) - 1); /* gamma's NUL cut off */
	assert_null(symtab_packed_lookup(table, 0x200, NULL, scratch, sizeof(scratch)));
	assert_null(symtab_packed_lookup(NULL, 0x100, NULL, scratch, sizeof(scratch)));
}

static void test_plain_tables_still_look_up(void **state)
{
	struct symtab_header *h = (struct symtab_header *)table;
	struct symtab_entry *e = (struct symtab_entry *)(h + 1);
	UINT32 names = sizeof(*h) + sizeof(*e);
	UINT64 delta;

	memset(table, 0, sizeof(table));
	*h = (struct symtab_header){ SYMTAB_MAGIC, 1, names + 6, 0 };
	e[0] = (struct symtab_entry){ 0x40, 0x10, names };
	memcpy(table + names, "delta", 6);
	assert_string_equal(symtab_packed_lookup(table, 0x48, &delta, scratch, sizeof(scratch)),
			    "delta");
	assert_int_equal(delta, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packed_lookup_names_function_and_offset),
		cmocka_unit_test(test_packed_lookup_refuses_malformed_tables),
		cmocka_unit_test(test_plain_tables_still_look_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
