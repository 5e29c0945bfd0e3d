/* SPDX-License-Identifier: MIT */
/* CRC-32 against known check values; incremental updates must equal one call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crc32.h"

static void test_empty(void **state)
{
	assert_int_equal(crc32("", 0), 0);
}

static void test_check_value(void **state)
{
	/* The catalogue "check" value of CRC-32/ISO-HDLC. */
	assert_int_equal(crc32("123456789", 9), 0xcbf43926);
}

static void test_known_vectors(void **state)
{
	assert_int_equal(crc32("a", 1), 0xe8b7be43);
	assert_int_equal(crc32("abc", 3), 0x352441c2);
	assert_int_equal(crc32("The quick brown fox jumps over the lazy dog", 43), 0x414fa339);
}

static void test_zeroes(void **state)
{
	UINT8 zeroes[32] = { 0 };

	assert_int_equal(crc32(zeroes, sizeof(zeroes)), 0x190a55ad);
}

static void test_incremental_equals_one_shot(void **state)
{
	UINT8 msg[1000];
	UINT32 whole, crc;

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (UINT8)(i * 31 + 7);
	whole = crc32(msg, sizeof(msg));
	for (size_t step = 1; step < 70; step += 3) {
		crc = 0;
		for (size_t off = 0; off < sizeof(msg); off += step)
			crc = crc32_update(crc, msg + off,
					   sizeof(msg) - off < step ? sizeof(msg) - off : step);
		assert_int_equal(crc, whole);
	}
	assert_int_equal(crc32_update(whole, msg, 0), whole);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_check_value),
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_zeroes),
		cmocka_unit_test(test_incremental_equals_one_shot),
	};

	return cmocka_run_group_tests_name("crc32", tests, NULL, NULL);
}
