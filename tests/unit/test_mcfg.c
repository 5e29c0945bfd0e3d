/* SPDX-License-Identifier: MIT */
/* MCFG: segment 0's ECAM window, shape and length checks, entries that do not count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/platform/mcfg.h"

static UINT8 table[76];

static void entry(UINT32 index, UINT64 base, UINT16 segment, UINT8 first, UINT8 last)
{
	UINT8 *e = table + 44 + 16 * index;

	for (int i = 0; i < 8; i++)
		e[i] = (UINT8)(base >> (8 * i));
	e[8] = (UINT8)segment;
	e[9] = (UINT8)(segment >> 8);
	e[10] = first;
	e[11] = last;
}

/* An MCFG of one entry (60 bytes) or two; no checksum, as in QEMU's blob before its loader ran. */
static void build(UINT16 segment)
{
	memset(table, 0, sizeof(table));
	memcpy(table, "MCFG", 4);
	table[4] = 60;
	table[8] = 1;
	entry(0, 0xb0000000, segment, 0, 0xff);
}

static void test_found(void **state)
{
	struct mcfg_window w;

	(void)state;
	build(0);
	assert_int_equal(mcfg_find_segment0(table, sizeof(table), &w), EFI_SUCCESS);
	assert_int_equal(w.base, 0xb0000000ull);
	assert_int_equal(w.start_bus, 0);
	assert_int_equal(w.end_bus, 0xff);
}

static void test_entries_that_do_not_count(void **state)
{
	struct mcfg_window w;

	(void)state;
	/* Another segment, then segment 0 with buses 0x10-0x1f: the second entry is the one. */
	build(1);
	table[4] = sizeof(table);
	entry(1, 0xe0000000, 0, 0x10, 0x1f);
	assert_int_equal(mcfg_find_segment0(table, sizeof(table), &w), EFI_SUCCESS);
	assert_int_equal(w.base, 0xe0000000ull);
	assert_int_equal(w.start_bus, 0x10);
	assert_int_equal(w.end_bus, 0x1f);
	/* Buses out of order, or no base: skipped, so nothing is left. */
	entry(1, 0xe0000000, 0, 0x20, 0x1f);
	assert_int_equal(mcfg_find_segment0(table, sizeof(table), &w), EFI_NOT_FOUND);
	entry(1, 0, 0, 0, 0xff);
	assert_int_equal(mcfg_find_segment0(table, sizeof(table), &w), EFI_NOT_FOUND);
	/* An entry past the table's length is not read, though the buffer holds it. */
	entry(1, 0xe0000000, 0, 0, 0xff);
	table[4] = 60;
	assert_int_equal(mcfg_find_segment0(table, sizeof(table), &w), EFI_NOT_FOUND);
}

static void test_bad(void **state)
{
	struct mcfg_window w;

	(void)state;
	build(0);
	table[0] = 'X'; /* another table */
	assert_int_equal(mcfg_find_segment0(table, sizeof(table), &w), EFI_INVALID_PARAMETER);
	build(0);
	/* The buffer ends before the header, or before the length the header gives. */
	assert_int_equal(mcfg_find_segment0(table, 40, &w), EFI_INVALID_PARAMETER);
	assert_int_equal(mcfg_find_segment0(table, 50, &w), EFI_INVALID_PARAMETER);
	table[4] = 40; /* shorter than a header with its reserved bytes */
	assert_int_equal(mcfg_find_segment0(table, sizeof(table), &w), EFI_INVALID_PARAMETER);
	build(1);
	assert_int_equal(mcfg_find_segment0(table, sizeof(table), &w), EFI_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found),
		cmocka_unit_test(test_entries_that_do_not_count),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
