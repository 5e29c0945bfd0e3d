/* SPDX-License-Identifier: MIT */
/* EFI_LOAD_OPTION parsing, building and Boot#### names (lib/formats/load_option.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/device_path.h"
#include "lib/formats/load_option.h"

/* HD(1,GPT,...)/\EFI\BOOT\BOOTX64.EFI: a short-form path as efibootmgr writes them. */
static UINTN short_form_path(UINT8 *buf)
{
	HARDDRIVE_DEVICE_PATH hd;
	UINTN size;

	memset(&hd, 0, sizeof(hd));
	device_path_set_node(&hd.Header, MEDIA_DEVICE_PATH, MEDIA_HARDDRIVE_DP, sizeof(hd));
	hd.PartitionNumber = 1;
	hd.PartitionStart = 2048;
	hd.PartitionSize = 129024;
	memset(hd.Signature, 0xab, sizeof(hd.Signature));
	hd.MBRType = MBR_TYPE_EFI_PARTITION_TABLE_HEADER;
	hd.SignatureType = SIGNATURE_TYPE_GUID;
	memcpy(buf, &hd, sizeof(hd));
	size = device_path_file_node(u"\\EFI\\BOOT\\BOOTX64.EFI", buf + sizeof(hd));
	return sizeof(hd) + size;
}

static void test_build_then_parse_round_trip(void **state)
{
	UINT8 path[256], option[512];
	static const CHAR16 args[] = u"console=ttyS0";
	struct load_option lo;
	UINTN path_size = short_form_path(path);
	UINTN size = load_option_build(LOAD_OPTION_ACTIVE, u"Debian", (void *)path, args,
				       sizeof(args), NULL);

	assert_int_equal(path_size, 42 + 4 + 44 + 4);
	assert_int_equal(size, 6 + 14 + path_size + sizeof(args));
	assert_int_equal(load_option_build(LOAD_OPTION_ACTIVE, u"Debian", (void *)path, args,
					   sizeof(args), option), size);
	assert_int_equal(load_option_parse(option, size, &lo), EFI_SUCCESS);
	assert_int_equal(lo.attributes, LOAD_OPTION_ACTIVE);
	assert_int_equal(lo.description_chars, 6);
	assert_memory_equal(lo.description, u"Debian", 14);
	assert_ptr_equal(lo.file_path, option + 20);
	assert_int_equal(lo.file_path_list_length, path_size);
	assert_int_equal(device_path_size(lo.file_path), path_size);
	assert_int_equal(lo.optional_data_size, sizeof(args));
	assert_memory_equal(lo.optional_data, args, sizeof(args));
}

static void test_no_optional_data_and_empty_description(void **state)
{
	UINT8 path[256], option[512];
	struct load_option lo;
	UINTN size;

	short_form_path(path);
	size = load_option_build(LOAD_OPTION_ACTIVE | LOAD_OPTION_CATEGORY_APP, NULL, (void *)path,
				 NULL, 0, option);
	assert_int_equal(load_option_parse(option, size, &lo), EFI_SUCCESS);
	assert_int_equal(lo.attributes, LOAD_OPTION_ACTIVE | LOAD_OPTION_CATEGORY_APP);
	assert_int_equal(lo.description_chars, 0);
	assert_null(lo.optional_data);
	assert_int_equal(lo.optional_data_size, 0);
}

static void test_list_of_two_paths_keeps_the_rest_out_of_optional_data(void **state)
{
	UINT8 path[256], option[512];
	UINTN one = short_form_path(path), size;
	struct load_option lo;

	/* A second path (an initrd, as some loaders add) directly after the first. */
	memcpy(path + one, path, one);
	size = load_option_build(LOAD_OPTION_ACTIVE, u"x", (void *)path, "zz", 2, option);
	/* The builder wrote one path; widen the list to two by hand. */
	memmove(option + 10 + 2 * one, option + 10 + one, 2);
	memcpy(option + 10 + one, path, one);
	option[4] = (UINT8)(2 * one);
	option[5] = (UINT8)(2 * one >> 8);
	size += one;
	assert_int_equal(load_option_parse(option, size, &lo), EFI_SUCCESS);
	assert_int_equal(lo.file_path_list_length, 2 * one);
	assert_int_equal(lo.optional_data_size, 2);
	assert_memory_equal(lo.optional_data, "zz", 2);
}

static void test_malformed_options_are_refused(void **state)
{
	UINT8 path[256], option[512], bad[512];
	struct load_option lo;
	UINTN size;

	short_form_path(path);
	size = load_option_build(LOAD_OPTION_ACTIVE, u"Debian", (void *)path, NULL, 0, option);
	/* Every truncation: header, description without its NUL, path list cut short. */
	for (UINTN cut = 0; cut < size; cut++)
		assert_int_equal(load_option_parse(option, cut, &lo), EFI_INVALID_PARAMETER);
	assert_int_equal(load_option_parse(NULL, size, &lo), EFI_INVALID_PARAMETER);

	/* FilePathListLength beyond the buffer, or too small for a node and an end node. */
	memcpy(bad, option, size);
	bad[4] = 0xff;
	bad[5] = 0x7f;
	assert_int_equal(load_option_parse(bad, size, &lo), EFI_INVALID_PARAMETER);
	bad[4] = 4;
	bad[5] = 0;
	assert_int_equal(load_option_parse(bad, size, &lo), EFI_INVALID_PARAMETER);

	/* A node of length zero inside the path. */
	memcpy(bad, option, size);
	bad[20 + 2] = 0;
	bad[20 + 3] = 0;
	assert_int_equal(load_option_parse(bad, size, &lo), EFI_INVALID_PARAMETER);

	/* A path that is only an end node names nothing to boot. */
	{
		UINT8 end[4] = { END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, 4, 0 };
		UINT8 only_end[6 + 2 + 4] = { 1, 0, 0, 0, 4, 0, 0, 0 };

		memcpy(only_end + 8, end, 4);
		assert_int_equal(load_option_parse(only_end, sizeof(only_end), &lo),
				 EFI_INVALID_PARAMETER);
	}
}

static void test_variable_names_are_upper_case_hex(void **state)
{
	CHAR16 name[9];

	load_option_variable_name(u"Boot", 0x1a, name);
	assert_memory_equal(name, u"Boot001A", sizeof(name));
	load_option_variable_name(u"Boot", 0xffff, name);
	assert_memory_equal(name, u"BootFFFF", sizeof(name));
	load_option_variable_name(u"Boot", 0, name);
	assert_memory_equal(name, u"Boot0000", sizeof(name));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_then_parse_round_trip),
		cmocka_unit_test(test_no_optional_data_and_empty_description),
		cmocka_unit_test(test_list_of_two_paths_keeps_the_rest_out_of_optional_data),
		cmocka_unit_test(test_malformed_options_are_refused),
		cmocka_unit_test(test_variable_names_are_upper_case_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
