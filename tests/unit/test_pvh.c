/* SPDX-License-Identifier: MIT */
/* PVH: hvm_start_info magic, version 0 without a memory map, version 1 with one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/platform/pvh.h"

static void test_layout(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct pvh_start_info, rsdp_paddr), 32);
	assert_int_equal(offsetof(struct pvh_start_info, memmap_paddr), 40);
	assert_int_equal(sizeof(struct pvh_start_info), 56);
	assert_int_equal(sizeof(struct pvh_memmap_entry), 24);
}

static void test_v1(void **state)
{
	struct pvh_start_info si = {PVH_START_MAGIC, 1, 0, 0, 0, 0, 0xf5a0, 0x7000, 3, 0};
	struct pvh_platform_info out;

	(void)state;
	assert_int_equal(pvh_parse_start_info(&si, sizeof(si), &out), EFI_SUCCESS);
	assert_int_equal(out.rsdp, 0xf5a0);
	assert_int_equal(out.memmap, 0x7000);
	assert_int_equal(out.memmap_entries, 3);
}

static void test_v0_no_memmap(void **state)
{
	struct pvh_start_info si = {PVH_START_MAGIC, 0, 0, 0, 0, 0, 0xf5a0, 0x7000, 3, 0};
	struct pvh_platform_info out;

	(void)state;
	assert_int_equal(pvh_parse_start_info(&si, 40, &out), EFI_SUCCESS);
	assert_int_equal(out.rsdp, 0xf5a0);
	assert_int_equal(out.memmap_entries, 0);
}

static void test_bad(void **state)
{
	struct pvh_start_info si = {0x12345678, 1, 0, 0, 0, 0, 0, 0, 0, 0};
	struct pvh_platform_info out;

	(void)state;
	assert_int_equal(pvh_parse_start_info(&si, sizeof(si), &out), EFI_INVALID_PARAMETER);
	si.magic = PVH_START_MAGIC;
	assert_int_equal(pvh_parse_start_info(&si, 16, &out), EFI_INVALID_PARAMETER);
	assert_int_equal(pvh_parse_start_info(NULL, sizeof(si), &out), EFI_INVALID_PARAMETER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_v1),
		cmocka_unit_test(test_v0_no_memmap),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
