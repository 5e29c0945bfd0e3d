/* SPDX-License-Identifier: MIT */
/* SMBIOS: QEMU's 2.1 and 3.0 anchors, structure walks, entry points and type 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/platform/smbios.h"

/* Type 0 with one string, type 1 with none (empty set), type 127: what QEMU's table looks like. */
static const UINT8 table[] = {
	0, 0x18, 0x00, 0x00, 1, 2, 0x00, 0xe8, 3, 0, 0, 0, 0, 0, 0, 0,	/* type 0, 24 bytes */
	0, 0, 0, 0, 0, 0, 0, 0,
	'S', 'e', 'a', 'B', 'I', 'O', 'S', 0, 0,
	1, 0x04, 0x00, 0x01, 0, 0,					/* type 1, no strings */
	127, 0x04, 0xff, 0xff, 0, 0,					/* end of table */
};
#define TYPE0_SIZE (24 + 9)

static UINT8 sum(const void *p, size_t n)
{
	const UINT8 *b = p;
	UINT8 s = 0;

	while (n--)
		s += *b++;
	return s;
}

/* QEMU's anchors as fw_cfg gives them: versions filled in, checksums and address zero. */
static void qemu_anchor21(struct smbios21_entry_point *ep)
{
	memset(ep, 0, sizeof(*ep));
	memcpy(ep->anchor, "_SM_", 4);
	memcpy(ep->intermediate_anchor, "_DMI_", 5);
	ep->length = 0x1f;
	ep->major_version = 2;
	ep->minor_version = 8;
	ep->bcd_revision = 0x28;
}

static void qemu_anchor30(struct smbios30_entry_point *ep)
{
	memset(ep, 0, sizeof(*ep));
	memcpy(ep->anchor, "_SM3_", 5);
	ep->length = 0x18;
	ep->major_version = 3;
	ep->minor_version = 0;
	ep->entry_point_revision = 1;
}

static void test_anchor21(void **state)
{
	struct smbios21_entry_point ep;
	struct smbios_info info;

	qemu_anchor21(&ep);
	assert_int_equal(smbios_parse_anchor(&ep, sizeof(ep), &info), EFI_SUCCESS);
	assert_int_equal(info.anchor_version, 2);
	assert_int_equal(info.major_version, 2);
	assert_int_equal(info.minor_version, 8);
	/* Short, wrong intermediate anchor, wrong anchor, version 1. */
	assert_int_equal(smbios_parse_anchor(&ep, sizeof(ep) - 1, &info), EFI_UNSUPPORTED);
	ep.intermediate_anchor[0] = 'X';
	assert_int_equal(smbios_parse_anchor(&ep, sizeof(ep), &info), EFI_UNSUPPORTED);
	qemu_anchor21(&ep);
	ep.anchor[3] = '3';
	assert_int_equal(smbios_parse_anchor(&ep, sizeof(ep), &info), EFI_UNSUPPORTED);
	qemu_anchor21(&ep);
	ep.major_version = 1;
	assert_int_equal(smbios_parse_anchor(&ep, sizeof(ep), &info), EFI_UNSUPPORTED);
}

static void test_anchor30(void **state)
{
	struct smbios30_entry_point ep;
	struct smbios_info info;

	qemu_anchor30(&ep);
	assert_int_equal(smbios_parse_anchor(&ep, sizeof(ep), &info), EFI_SUCCESS);
	assert_int_equal(info.anchor_version, 3);
	assert_int_equal(info.major_version, 3);
	assert_int_equal(smbios_parse_anchor(&ep, sizeof(ep) - 1, &info), EFI_UNSUPPORTED);
	ep.length = 0x10;
	assert_int_equal(smbios_parse_anchor(&ep, sizeof(ep), &info), EFI_UNSUPPORTED);
	assert_int_equal(smbios_parse_anchor(&ep, 0, &info), EFI_UNSUPPORTED);
}

static void test_table_walk(void **state)
{
	UINT8 padded[sizeof(table) + 16];
	struct smbios_info info;

	assert_int_equal(smbios_check_tables(table, sizeof(table), &info), EFI_SUCCESS);
	assert_int_equal(info.structure_count, 3);
	assert_int_equal(info.table_length, sizeof(table));
	assert_int_equal(info.max_structure_size, TYPE0_SIZE);

	/* Bytes after the end-of-table structure are not counted. */
	memcpy(padded, table, sizeof(table));
	memset(padded + sizeof(table), 0xaa, 16);
	assert_int_equal(smbios_check_tables(padded, sizeof(padded), &info), EFI_SUCCESS);
	assert_int_equal(info.table_length, sizeof(table));

	/* Without an end-of-table structure the walk stops at the end of the data. */
	assert_int_equal(smbios_check_tables(table, sizeof(table) - 6, &info), EFI_SUCCESS);
	assert_int_equal(info.structure_count, 2);
}

static void test_table_truncated_or_bad(void **state)
{
	UINT8 bad[sizeof(table)];
	struct smbios_info info;

	/* Every cut inside a structure is refused, never read past. */
	for (size_t n = 1; n < sizeof(table); n++) {
		EFI_STATUS want = (n == TYPE0_SIZE || n == TYPE0_SIZE + 6) ? EFI_SUCCESS
									    : EFI_VOLUME_CORRUPTED;

		assert_int_equal(smbios_check_tables(table, n, &info), want);
	}
	assert_int_equal(smbios_check_tables(table, 0, &info), EFI_VOLUME_CORRUPTED);

	/* A length below the 4-byte header, and one past the end. */
	memcpy(bad, table, sizeof(bad));
	bad[1] = 3;
	assert_int_equal(smbios_check_tables(bad, sizeof(bad), &info), EFI_VOLUME_CORRUPTED);
	bad[1] = 0xff;
	assert_int_equal(smbios_check_tables(bad, sizeof(bad), &info), EFI_VOLUME_CORRUPTED);
	/* Strings never terminated by a double NUL. */
	memcpy(bad, table, sizeof(bad));
	memset(bad + 24, 'x', sizeof(bad) - 24);
	assert_int_equal(smbios_check_tables(bad, sizeof(bad), &info), EFI_VOLUME_CORRUPTED);
}

static void test_build_entry_points(void **state)
{
	struct smbios21_entry_point ep21;
	struct smbios30_entry_point ep30;
	struct smbios_info info;

	qemu_anchor21(&ep21);
	assert_int_equal(smbios_parse_anchor(&ep21, sizeof(ep21), &info), EFI_SUCCESS);
	assert_int_equal(smbios_check_tables(table, sizeof(table), &info), EFI_SUCCESS);

	smbios_build_ep30(&ep30, &info, 0x7fff0040);
	assert_memory_equal(ep30.anchor, "_SM3_", 5);
	assert_int_equal(ep30.length, 24);
	assert_int_equal(ep30.major_version, 2);
	assert_int_equal(ep30.minor_version, 8);
	assert_int_equal(ep30.entry_point_revision, 1);
	assert_int_equal(ep30.table_max_size, sizeof(table));
	assert_int_equal(ep30.table_address, 0x7fff0040);
	assert_int_equal(sum(&ep30, sizeof(ep30)), 0);

	assert_int_equal(smbios_build_ep21(&ep21, &info, 0x7fff0040), EFI_SUCCESS);
	assert_memory_equal(ep21.anchor, "_SM_", 4);
	assert_memory_equal(ep21.intermediate_anchor, "_DMI_", 5);
	assert_int_equal(ep21.length, 31);
	assert_int_equal(ep21.table_length, sizeof(table));
	assert_int_equal(ep21.table_address, 0x7fff0040);
	assert_int_equal(ep21.structure_count, 3);
	assert_int_equal(ep21.max_structure_size, TYPE0_SIZE);
	assert_int_equal(ep21.bcd_revision, 0x28);
	assert_int_equal(sum(&ep21, sizeof(ep21)), 0);
	assert_int_equal(sum((UINT8 *)&ep21 + 16, 15), 0);

	/* A 2.1 entry point cannot reach above 4 GiB nor describe 64 KiB or more. */
	assert_int_equal(smbios_build_ep21(&ep21, &info, 0xfffffff0), EFI_UNSUPPORTED);
	assert_int_equal(smbios_build_ep21(&ep21, &info, 0x100000000ull), EFI_UNSUPPORTED);
	info.table_length = 0x10000;
	assert_int_equal(smbios_build_ep21(&ep21, &info, 0x1000), EFI_UNSUPPORTED);

	/* Version 3.10 has no one-digit BCD form. */
	info.table_length = sizeof(table);
	info.major_version = 3;
	info.minor_version = 10;
	assert_int_equal(smbios_build_ep21(&ep21, &info, 0x1000), EFI_SUCCESS);
	assert_int_equal(ep21.bcd_revision, 0);
	assert_int_equal(sum(&ep21, sizeof(ep21)), 0);
}

static void test_type0_and_handles(void **state)
{
	UINT8 buf[SMBIOS_TYPE0_MAX_SIZE + sizeof(table)];
	char long_string[65];
	struct smbios_info info;
	UINTN n;

	assert_true(smbios_has_type(table, sizeof(table), 0));
	assert_true(smbios_has_type(table, sizeof(table), 127));
	assert_false(smbios_has_type(table, sizeof(table), 4));
	/* Handles 0 and 0x100 are taken, as are 0xffff: the lowest free is 1. */
	assert_int_equal(smbios_free_handle(table, sizeof(table)), 1);
	assert_int_equal(smbios_free_handle(table + TYPE0_SIZE, sizeof(table) - TYPE0_SIZE), 0);

	/* QEMU's table without type 0, behind a type 0 of ours: a valid table of 3 structures. */
	assert_int_equal(smbios_build_type0(buf, SMBIOS_TYPE0_MAX_SIZE, 0, "Strata", "1.2.3",
					    "01/02/2026", 1, 2, &n),
			 EFI_SUCCESS);
	assert_int_equal(n, 24 + 7 + 6 + 11 + 1);
	assert_int_equal(buf[0], 0);
	assert_int_equal(buf[1], 24);
	assert_int_equal(buf[19], 0x18);
	assert_int_equal(buf[20], 1);
	assert_int_equal(buf[21], 2);
	assert_string_equal((char *)buf + 24, "Strata");
	assert_string_equal((char *)buf + 31, "1.2.3");
	assert_string_equal((char *)buf + 37, "01/02/2026");
	memcpy(buf + n, table + TYPE0_SIZE, sizeof(table) - TYPE0_SIZE);
	assert_int_equal(smbios_check_tables(buf, n + sizeof(table) - TYPE0_SIZE, &info),
			 EFI_SUCCESS);
	assert_int_equal(info.structure_count, 3);
	assert_int_equal(info.max_structure_size, n);

	/* Empty or over-long strings and a small buffer are refused. */
	memset(long_string, 'x', 64);
	long_string[64] = 0;
	assert_int_equal(smbios_build_type0(buf, sizeof(buf), 0, "", "v", "d", 0, 0, &n),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(smbios_build_type0(buf, sizeof(buf), 0, "v", long_string, "d", 0, 0, &n),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(smbios_build_type0(buf, 100, 0, "v", "v", "d", 0, 0, &n),
			 EFI_BUFFER_TOO_SMALL);
}

/* coreboot's SMBT area: a 2.1 entry point, the 3.0 one a paragraph later; bad ones are skipped. */
static void test_find_entry_points(void **state)
{
	const struct smbios21_entry_point *ep21;
	const struct smbios30_entry_point *ep30;
	struct smbios_info info = { 0 };
	_Alignas(16) UINT8 area[96];

	(void)state;
	memset(area, 0, sizeof(area));
	assert_int_equal(smbios_check_tables(table, sizeof(table), &info), EFI_SUCCESS);
	info.major_version = 3;
	assert_int_equal(smbios_build_ep21((void *)area, &info, 0x1000), EFI_SUCCESS);
	smbios_build_ep30((void *)(area + 32), &info, 0x1000);
	smbios_find_entry_points(area, sizeof(area), &ep21, &ep30);
	assert_ptr_equal(ep21, area);
	assert_ptr_equal(ep30, area + 32);

	/* Cut short: the 3.0 entry point does not fit, the 2.1 one still does. */
	smbios_find_entry_points(area, 40, &ep21, &ep30);
	assert_ptr_equal(ep21, area);
	assert_null(ep30);

	/* A broken intermediate checksum loses the 2.1 one, a broken checksum the 3.0 one. */
	area[0x18] ^= 1;
	area[32 + 8] ^= 1;
	smbios_find_entry_points(area, sizeof(area), &ep21, &ep30);
	assert_null(ep21);
	assert_null(ep30);
	smbios_find_entry_points(NULL, sizeof(area), &ep21, &ep30);
	assert_null(ep21);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anchor21),
		cmocka_unit_test(test_anchor30),
		cmocka_unit_test(test_table_walk),
		cmocka_unit_test(test_table_truncated_or_bad),
		cmocka_unit_test(test_build_entry_points),
		cmocka_unit_test(test_type0_and_handles),
		cmocka_unit_test(test_find_entry_points),
	};

	return cmocka_run_group_tests_name("smbios", tests, NULL, NULL);
}
