/* SPDX-License-Identifier: MIT */
/* stage0's append path of the variable store: what it reads and writes, and a power cut at every step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/storage/var_append.h"
#include "lib/storage/var_store.h"
#include "tests/unit/fake_flash.h"

#define BLOCK 4096u
#define SIZE  (64u * 1024) /* two 32 KiB banks */
#define VALUE 32u	   /* a boot-count record's size */

static const EFI_GUID guid = {
	0x17abc55e, 0xd24c, 0x4101, { 0xb2, 0x4e, 0x36, 0x4a, 0x7c, 0x7d, 0x77, 0x7c }
};
static const CHAR16 name[] = u"StrataBootRecord";

/* A store as the runtime leaves it: formatted, with other variables before ours. */
static UINT8 *runtime_store(void)
{
	static const CHAR16 other[] = u"BootOrder";
	UINT8 *mem = malloc(SIZE);
	struct fake_flash f;
	struct var_store vs = { 0 };
	struct var_store_report r;

	assert_non_null(mem);
	memset(mem, 0xff, SIZE);
	fake_flash_init(&f, mem, SIZE, BLOCK);
	vs.flash = &f.dev;
	assert_int_equal(var_store_mount(&vs, &r), EFI_SUCCESS);
	assert_int_equal(var_store_set(&vs, other, sizeof(other), &guid, 7, "\1\0", 2, FALSE),
			 EFI_SUCCESS);
	return mem;
}

static void value_of(UINT8 fill, UINT8 *out)
{
	memset(out, fill, VALUE);
	out[0] = 'S';
}

/* The runtime's view after a power on: mount (with recovery); damage count; our value or 0. */
static UINT8 mounted_value(UINT8 *mem, UINT32 *ret_damaged, unsigned *ret_bit_sets)
{
	struct fake_flash f;
	struct var_store vs = { 0 };
	struct var_store_report r;
	struct var_store_entry e;
	UINT8 got[VALUE];

	fake_flash_init(&f, mem, SIZE, BLOCK);
	vs.flash = &f.dev;
	assert_int_equal(var_store_mount(&vs, &r), EFI_SUCCESS);
	*ret_damaged = r.damaged;
	*ret_bit_sets += f.bit_sets;
	if (var_store_find(&vs, name, sizeof(name), &guid, &e) != EFI_SUCCESS)
		return 0;
	assert_int_equal(e.data_size, VALUE);
	assert_int_equal(var_store_read_data(&vs, &e, 0, got, VALUE), EFI_SUCCESS);
	return got[1];
}

/* stage0's view: open for appending; our value's fill byte or 0. */
static UINT8 appender_value(struct fake_flash *f, struct var_store *vs, UINT8 *mem,
			    struct var_store_entry *e)
{
	UINT8 got[VALUE];
	EFI_STATUS status;

	fake_flash_init(f, mem, SIZE, BLOCK);
	memset(vs, 0, sizeof(*vs));
	vs->flash = &f->dev;
	status = var_append_open(vs, name, sizeof(name), &guid, e);
	if (status == EFI_NOT_FOUND) {
		assert_int_equal(e->offset, 0);
		return 0;
	}
	assert_int_equal(status, EFI_SUCCESS);
	assert_int_equal(var_store_read_data(vs, e, 0, got, VALUE), EFI_SUCCESS);
	return got[1];
}

static EFI_STATUS append(struct var_store *vs, struct var_store_entry *e, UINT8 fill)
{
	UINT8 v[VALUE];

	value_of(fill, v);
	return var_append_set(vs, e, name, sizeof(name), &guid, 3, v, VALUE);
}

static void test_blank_store_is_left_to_the_runtime(void **state)
{
	UINT8 *mem = malloc(SIZE);
	struct fake_flash f;
	struct var_store vs = { 0 };
	struct var_store_entry e;

	(void)state;
	assert_non_null(mem);
	for (int fill = 0; fill < 2; fill++) {
		memset(mem, fill ? 0x00 : 0xff, SIZE);
		fake_flash_init(&f, mem, SIZE, BLOCK);
		vs.flash = &f.dev;
		assert_int_equal(var_append_open(&vs, name, sizeof(name), &guid, &e),
				 EFI_VOLUME_CORRUPTED);
		assert_int_equal(f.steps, 0);
	}
	free(mem);
}

static void test_appends_are_what_the_runtime_reads(void **state)
{
	UINT8 *mem = runtime_store();
	struct fake_flash f;
	struct var_store vs;
	struct var_store_entry e;
	UINT32 damaged;
	unsigned bit_sets = 0;

	(void)state;
	assert_int_equal(appender_value(&f, &vs, mem, &e), 0);
	for (UINT8 fill = 1; fill <= 5; fill++) {
		/* Several appends in one open, as stage0 saves more than once a boot. */
		assert_int_equal(append(&vs, &e, fill), EFI_SUCCESS);
		assert_int_equal(append(&vs, &e, fill + 0x40), EFI_SUCCESS);
		assert_int_equal(mounted_value(mem, &damaged, &bit_sets), fill + 0x40);
		assert_int_equal(damaged, 0);
		assert_int_equal(appender_value(&f, &vs, mem, &e), fill + 0x40);
	}
	assert_int_equal(bit_sets + f.bit_sets, 0);
	free(mem);
}

static void test_full_bank_refuses_and_changes_nothing(void **state)
{
	UINT8 *mem = runtime_store(), *copy = malloc(SIZE);
	struct fake_flash f;
	struct var_store vs;
	struct var_store_entry e;
	unsigned n = 0;
	EFI_STATUS status;

	(void)state;
	assert_non_null(copy);
	appender_value(&f, &vs, mem, &e);
	while ((status = append(&vs, &e, (UINT8)(1 + n % 200))) == EFI_SUCCESS)
		n++;
	assert_int_equal(status, EFI_OUT_OF_RESOURCES);
	assert_true(n > 100);
	memcpy(copy, mem, SIZE);
	assert_int_equal(append(&vs, &e, 0x99), EFI_OUT_OF_RESOURCES);
	assert_memory_equal(copy, mem, SIZE);
	/* The runtime's next write reclaims the bank, and the value is kept through it. */
	{
		struct var_store rvs = { 0 };
		struct var_store_report r;
		UINT32 damaged;
		unsigned bit_sets = 0;
		UINT8 last = (UINT8)(1 + (n - 1) % 200);

		fake_flash_init(&f, mem, SIZE, BLOCK);
		rvs.flash = &f.dev;
		assert_int_equal(var_store_mount(&rvs, &r), EFI_SUCCESS);
		assert_int_equal(var_store_set(&rvs, u"X", 4, &guid, 7, "y", 1, FALSE),
				 EFI_SUCCESS);
		assert_int_equal(mounted_value(mem, &damaged, &bit_sets), last);
		assert_int_equal(appender_value(&f, &vs, mem, &e), last);
		assert_int_equal(append(&vs, &e, 0x77), EFI_SUCCESS);
		assert_int_equal(mounted_value(mem, &damaged, &bit_sets), 0x77);
	}
	free(copy);
	free(mem);
}

/*
 * stage0 replaces a value (old = 1, new = 2) with the power cut after every program step, each
 * in the three ways of the fake flash; then stage0 at the next power on and the runtime each read
 * the old or the new value, nothing is damage, and the next append (after what the cut left)
 * gives neither stage0 nor the runtime damage or a wrong value. Twice: with and without an old
 * value.
 */
static void exhaust(BOOLEAN with_old)
{
	UINT8 *base = runtime_store(), *mem = malloc(SIZE);
	struct fake_flash f;
	struct var_store vs;
	struct var_store_entry e;
	UINT8 before = with_old ? 1 : 0;
	unsigned steps, runs = 0, saw_new = 0, bit_sets = 0;
	UINT32 damaged;

	assert_non_null(mem);
	if (with_old) {
		appender_value(&f, &vs, base, &e);
		assert_int_equal(append(&vs, &e, 1), EFI_SUCCESS);
	}
	memcpy(mem, base, SIZE);
	appender_value(&f, &vs, mem, &e);
	f.steps = 0;
	assert_int_equal(append(&vs, &e, 2), EFI_SUCCESS);
	steps = f.steps;
	assert_true(steps >= (with_old ? 5u : 4u));

	for (unsigned cut = 0; cut < steps; cut++) {
		for (int mode = FAKE_FLASH_CUT_BEFORE; mode <= FAKE_FLASH_CUT_ALL_BUT_ONE; mode++) {
			UINT8 seen, again;

			memcpy(mem, base, SIZE);
			appender_value(&f, &vs, mem, &e);
			f.steps = 0;
			fake_flash_cut_after(&f, cut, mode);
			append(&vs, &e, 2);
			assert_true(f.dead);
			bit_sets += f.bit_sets;

			/* The next power on: stage0 reads first, then (maybe) appends again. */
			seen = appender_value(&f, &vs, mem, &e);
			if (seen != before && seen != 2)
				fail_msg("cut at step %u/%u (mode %d): stage0 read %u", cut + 1,
					 steps, mode, seen);
			saw_new += seen == 2;
			/* A mount in between (the runtime booted) must agree and see no damage. */
			if (cut % 2) {
				assert_int_equal(mounted_value(mem, &damaged, &bit_sets), seen);
				assert_int_equal(damaged, 0);
				appender_value(&f, &vs, mem, &e);
			}
			assert_int_equal(append(&vs, &e, 3), EFI_SUCCESS);
			bit_sets += f.bit_sets;
			again = mounted_value(mem, &damaged, &bit_sets);
			assert_int_equal(again, 3);
			assert_int_equal(damaged, 0);
			assert_int_equal(appender_value(&f, &vs, mem, &e), 3);
			runs++;
		}
	}
	assert_int_equal(bit_sets, 0);
	/* Only a cut in the old value's deletion, after the commit, shows the new value. */
	assert_true(saw_new < runs);
	if (with_old)
		assert_true(saw_new > 0);
	print_message("  %u steps, %u power cuts recovered\n", steps, runs);
	free(base);
	free(mem);
}

static void test_power_cut_at_every_step_of_a_replace(void **state)
{
	(void)state;
	exhaust(TRUE);
}

static void test_power_cut_at_every_step_of_a_first_write(void **state)
{
	(void)state;
	exhaust(FALSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blank_store_is_left_to_the_runtime),
		cmocka_unit_test(test_appends_are_what_the_runtime_reads),
		cmocka_unit_test(test_full_bank_refuses_and_changes_nothing),
		cmocka_unit_test(test_power_cut_at_every_step_of_a_replace),
		cmocka_unit_test(test_power_cut_at_every_step_of_a_first_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
