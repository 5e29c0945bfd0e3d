/* SPDX-License-Identifier: MIT */
/* MCFG: segment 0's ECAM window, checksum and length checks, no segment 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/platform/mcfg.h"

static UINT8 table[60];

static void build(UINT16 segment)
{
	UINT8 sum = 0;

	memset(table, 0, sizeof(table));
	memcpy(table, "MCFG", 4);
	table[4] = sizeof(table);
	table[8] = 1;
	table[44 + 3] = 0xb0; /* base 0xb0000000 */
	table[44 + 8] = (UINT8)segment;
	table[44 + 10] = 0;
	table[44 + 11] = 0xff;
	for (size_t i = 0; i < sizeof(table); i++)
		sum = (UINT8)(sum + table[i]);
	table[9] = (UINT8)(0x100 - sum);
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

static void test_bad(void **state)
{
	struct mcfg_window w;

	(void)state;
	build(0);
	table[50] ^= 1; /* checksum now wrong */
	assert_int_equal(mcfg_find_segment0(table, sizeof(table), &w), EFI_INVALID_PARAMETER);
	build(0);
	assert_int_equal(mcfg_find_segment0(table, 40, &w), EFI_INVALID_PARAMETER);
	assert_int_equal(mcfg_find_segment0(table, 50, &w), EFI_INVALID_PARAMETER);
	build(1);
	assert_int_equal(mcfg_find_segment0(table, sizeof(table), &w), EFI_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
