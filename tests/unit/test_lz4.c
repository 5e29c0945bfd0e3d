/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/lz4.c: blocks from mk/lz4pack.py's rules decode, malformed ones are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/lz4.h"

static void test_literals_and_overlapping_match_decode(void **state)
{
	/* "abc", then a match 3 back of 9 bytes (it overlaps itself), then "xy" as the last literals. */
	static const UINT8 block[] = { 0x35, 'a', 'b', 'c', 3, 0, 0x20, 'x', 'y' };
	UINT8 out[32];
	UINTN n = 0;

	assert_int_equal(lz4_decode(block, sizeof(block), out, sizeof(out), &n), EFI_SUCCESS);
	assert_int_equal(n, 14);
	assert_memory_equal(out, "abcabcabcabcxy", 14);
	/* Exactly room enough still decodes. */
	assert_int_equal(lz4_decode(block, sizeof(block), out, 14, &n), EFI_SUCCESS);
}

static void test_match_apart_from_its_output_decodes(void **state)
{
	/*
	 * 12 literals, a match 12 back of 12 bytes (it ends where it starts producing: no overlap),
	 * then one 5 back of 5, one 20 back of 6, and 1 literal.
	 */
	static const UINT8 block[] = { 0xc8, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b',
				       12, 0, 0x01, 5, 0, 0x02, 20, 0, 0x10, 'z' };
	UINT8 out[64];
	UINTN n = 0;

	assert_int_equal(lz4_decode(block, sizeof(block), out, sizeof(out), &n), EFI_SUCCESS);
	assert_int_equal(n, 12 + 12 + 5 + 6 + 1);
	assert_memory_equal(out, "0123456789ab0123456789ab789ab9ab012z", n);
	/* An output of exactly that size holds the same bytes. */
	memset(out, 0, sizeof(out));
	assert_int_equal(lz4_decode(block, sizeof(block), out, 36, &n), EFI_SUCCESS);
	assert_memory_equal(out, "0123456789ab0123456789ab789ab9ab012z", 36);
}

static void test_long_lengths_use_255_runs(void **state)
{
	/* 15 + 255 + 30 = 300 literals 'q', then a match of 4 + 15 + 1 = 20 bytes one back. */
	static UINT8 block[1 + 2 + 300 + 2 + 1];
	UINT8 out[512];
	UINTN n = 0;

	block[0] = 0xff;
	block[1] = 255;
	block[2] = 30;
	memset(block + 3, 'q', 300);
	block[303] = 1;
	block[304] = 0;
	block[305] = 1;
	assert_int_equal(lz4_decode(block, sizeof(block), out, sizeof(out), &n), EFI_SUCCESS);
	assert_int_equal(n, 320);
	for (UINTN i = 0; i < n; i++)
		assert_int_equal(out[i], 'q');
}

static void test_malformed_blocks_are_refused(void **state)
{
	static const UINT8 zero_offset[] = { 0x14, 'a', 0, 0 };
	static const UINT8 offset_before_start[] = { 0x14, 'a', 2, 0 };
	static const UINT8 literals_past_end[] = { 0x50, 'a', 'b' };
	static const UINT8 offset_cut[] = { 0x14, 'a', 1 };
	static const UINT8 length_cut[] = { 0xf0, 255 };
	static const UINT8 good[] = { 0x35, 'a', 'b', 'c', 3, 0, 0x20, 'x', 'y' };
	UINT8 out[32];
	UINTN n = 77;

	assert_int_equal(lz4_decode(zero_offset, sizeof(zero_offset), out, sizeof(out), &n),
			 EFI_COMPROMISED_DATA);
	assert_int_equal(lz4_decode(offset_before_start, sizeof(offset_before_start), out,
				    sizeof(out), &n), EFI_COMPROMISED_DATA);
	assert_int_equal(lz4_decode(literals_past_end, sizeof(literals_past_end), out, sizeof(out),
				    &n), EFI_COMPROMISED_DATA);
	assert_int_equal(lz4_decode(offset_cut, sizeof(offset_cut), out, sizeof(out), &n),
			 EFI_COMPROMISED_DATA);
	assert_int_equal(lz4_decode(length_cut, sizeof(length_cut), out, sizeof(out), &n),
			 EFI_COMPROMISED_DATA);
	/* Output one byte short of the match, then of the last literals. */
	assert_int_equal(lz4_decode(good, sizeof(good), out, 11, &n), EFI_COMPROMISED_DATA);
	assert_int_equal(lz4_decode(good, sizeof(good), out, 13, &n), EFI_COMPROMISED_DATA);
	assert_int_equal(n, 77);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literals_and_overlapping_match_decode),
		cmocka_unit_test(test_match_apart_from_its_output_decodes),
		cmocka_unit_test(test_long_lengths_use_255_runs),
		cmocka_unit_test(test_malformed_blocks_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
