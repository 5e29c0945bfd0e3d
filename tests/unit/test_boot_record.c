/* SPDX-License-Identifier: MIT */
/* The CMOS boot-count record: byte round trip, refusal of damaged bytes, and the try rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/boot_record.h"

static const UINT8 digest_a[32] = { 0x11, 0x22, 0x33, 0x44 };
static const UINT8 digest_b[32] = { 0x55, 0x66, 0x77, 0x88 };

static void test_round_trip(void **state)
{
	struct boot_record r = { .current = BOOT_COPY_BAK, .trial = 1, .passed = 10, .watchdog = 1,
				 .runtime = BOOT_RUNTIME_NEW };
	struct boot_record back;
	UINT8 raw[BOOT_RECORD_SIZE];

	r.copy[BOOT_COPY_BIN] = (struct boot_record_copy){ 0xdeadbeef, 3, 0 };
	r.copy[BOOT_COPY_BAK] = (struct boot_record_copy){ 0x01020304, 1, 1 };
	r.copy[BOOT_COPY_RUNTIME_NEW] = (struct boot_record_copy){ 0x0a0b0c0d, 2, 0 };
	boot_record_encode(&r, raw);
	boot_record_decode(raw, &back);
	assert_memory_equal(&r, &back, sizeof(r));
}

static void test_fresh_cmos_reads_as_empty(void **state)
{
	UINT8 raw[BOOT_RECORD_SIZE] = { 0 };
	struct boot_record r;

	boot_record_decode(raw, &r);
	assert_int_equal(r.current, BOOT_COPY_NONE);
	assert_int_equal(r.trial, 0);
	for (int c = 0; c < BOOT_COPY_COUNT; c++)
		assert_int_equal(r.copy[c].fingerprint, 0);
}

static void test_any_flipped_bit_reads_as_empty(void **state)
{
	struct boot_record r = { .current = BOOT_COPY_BIN, .trial = 1 }, back;
	UINT8 raw[BOOT_RECORD_SIZE];

	r.copy[BOOT_COPY_BIN] = (struct boot_record_copy){ 0xdeadbeef, 2, 0 };
	for (int byte = 0; byte < BOOT_RECORD_SIZE; byte++) {
		boot_record_encode(&r, raw);
		raw[byte] ^= 0x10;
		boot_record_decode(raw, &back);
		assert_int_equal(back.current, BOOT_COPY_NONE);
		assert_int_equal(back.copy[BOOT_COPY_BIN].tries, 0);
	}
}

static void test_three_failed_tries_exhaust_a_copy(void **state)
{
	struct boot_record r;
	UINT8 raw[BOOT_RECORD_SIZE] = { 0 };
	UINT32 fp = boot_record_fingerprint(digest_a);

	boot_record_decode(raw, &r);
	for (int i = 1; i <= BOOT_RECORD_MAX_TRIES; i++) {
		assert_int_equal(boot_record_consider(&r, BOOT_COPY_BIN, fp), BOOT_RECORD_TRY);
		boot_record_start(&r, BOOT_COPY_BIN, TRUE);
		assert_int_equal(r.copy[BOOT_COPY_BIN].tries, i);
		/* Each start survives the reset through CMOS. */
		boot_record_encode(&r, raw);
		boot_record_decode(raw, &r);
	}
	assert_int_equal(boot_record_consider(&r, BOOT_COPY_BIN, fp), BOOT_RECORD_EXHAUSTED);
	/* Another file under the same name starts over. */
	assert_int_equal(boot_record_consider(&r, BOOT_COPY_BIN, boot_record_fingerprint(digest_b)),
			 BOOT_RECORD_TRY);
	assert_int_equal(r.copy[BOOT_COPY_BIN].tries, 0);
}

static void test_good_copy_is_not_counted(void **state)
{
	struct boot_record r = { .current = BOOT_COPY_NONE };
	UINT32 fp = boot_record_fingerprint(digest_a);

	boot_record_consider(&r, BOOT_COPY_BIN, fp);
	boot_record_start(&r, BOOT_COPY_BIN, TRUE);
	boot_record_start(&r, BOOT_COPY_BIN, TRUE);
	boot_record_mark_good(&r);
	assert_int_equal(r.copy[BOOT_COPY_BIN].tries, 0);
	assert_int_equal(r.trial, 0);
	assert_int_equal(boot_record_consider(&r, BOOT_COPY_BIN, fp), BOOT_RECORD_GOOD);
}

static void test_good_boot_marks_a_loaded_runtime_new_good(void **state)
{
	struct boot_record r = { .current = BOOT_COPY_BIN, .trial = 1, .runtime = BOOT_RUNTIME_NEW };

	r.copy[BOOT_COPY_RUNTIME_NEW] = (struct boot_record_copy){ 5, 2, 0 };
	boot_record_mark_good(&r);
	assert_int_equal(r.copy[BOOT_COPY_RUNTIME_NEW].good, 1);
	assert_int_equal(r.copy[BOOT_COPY_RUNTIME_NEW].tries, 0);
	assert_string_equal(boot_record_copy_name(BOOT_COPY_RUNTIME_NEW), "RUNTIME.NEW");
}

static void test_promote_moves_counts_with_the_files(void **state)
{
	struct boot_record r = { .current = BOOT_COPY_NEW, .passed = 4 };

	r.copy[BOOT_COPY_NEW] = (struct boot_record_copy){ 7, 0, 1 };
	r.copy[BOOT_COPY_BIN] = (struct boot_record_copy){ 8, 0, 1 };
	r.copy[BOOT_COPY_BAK] = (struct boot_record_copy){ 9, 3, 0 };
	boot_record_promote(&r);
	assert_int_equal(r.current, BOOT_COPY_BIN);
	assert_int_equal(r.copy[BOOT_COPY_BIN].fingerprint, 7);
	assert_int_equal(r.copy[BOOT_COPY_BAK].fingerprint, 8);
	assert_int_equal(r.copy[BOOT_COPY_NEW].fingerprint, 0);
	assert_int_equal(r.passed, 0);
	boot_record_forget(&r, BOOT_COPY_BAK);
	assert_int_equal(r.copy[BOOT_COPY_BAK].fingerprint, 0);
}

static void test_fingerprint_is_never_zero(void **state)
{
	static const UINT8 zero[32];

	assert_int_not_equal(boot_record_fingerprint(zero), 0);
	assert_int_equal(boot_record_fingerprint(digest_a), 0x44332211);
	assert_string_equal(boot_record_copy_name(BOOT_COPY_BAK), "STAGE1.BAK");
	assert_string_equal(boot_record_copy_name(BOOT_COPY_NONE), "STAGE1.???");
}

/* The store's copy keeps the counts, not what each boot sets again, so equal counts write nothing. */
static void test_lasting_encoding_drops_what_each_boot_sets(void **state)
{
	struct boot_record r = { .current = BOOT_COPY_BIN, .trial = 1, .passed = 4, .watchdog = 1,
				 .runtime = BOOT_RUNTIME_BIN };
	struct boot_record back, other;
	UINT8 raw[BOOT_RECORD_SIZE], raw2[BOOT_RECORD_SIZE];

	(void)state;
	r.copy[BOOT_COPY_BIN] = (struct boot_record_copy){ .fingerprint = 0x1234, .tries = 2 };
	boot_record_encode_lasting(&r, raw);
	assert_true(boot_record_decode(raw, &back));
	assert_int_equal(back.current, BOOT_COPY_BIN);
	assert_int_equal(back.trial, 1);
	assert_int_equal(back.copy[BOOT_COPY_BIN].fingerprint, 0x1234);
	assert_int_equal(back.copy[BOOT_COPY_BIN].tries, 2);
	assert_int_equal(back.passed, 0);
	assert_int_equal(back.watchdog, 0);
	assert_int_equal(back.runtime, BOOT_RUNTIME_NONE);
	other = r;
	other.passed = 0;
	other.watchdog = 2;
	other.runtime = BOOT_RUNTIME_NEW;
	boot_record_encode_lasting(&other, raw2);
	assert_memory_equal(raw, raw2, sizeof(raw));
	other.copy[BOOT_COPY_BIN].tries = 3;
	boot_record_encode_lasting(&other, raw2);
	assert_memory_not_equal(raw, raw2, sizeof(raw));
	raw2[5] ^= 1;
	assert_false(boot_record_decode(raw2, &back));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lasting_encoding_drops_what_each_boot_sets),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_fresh_cmos_reads_as_empty),
		cmocka_unit_test(test_any_flipped_bit_reads_as_empty),
		cmocka_unit_test(test_three_failed_tries_exhaust_a_copy),
		cmocka_unit_test(test_good_copy_is_not_counted),
		cmocka_unit_test(test_good_boot_marks_a_loaded_runtime_new_good),
		cmocka_unit_test(test_promote_moves_counts_with_the_files),
		cmocka_unit_test(test_fingerprint_is_never_zero),
	};

	return cmocka_run_group_tests_name("boot_record", tests, NULL, NULL);
}
