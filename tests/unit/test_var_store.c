/* SPDX-License-Identifier: MIT */
/* The variable store on a fake NOR flash: formats, recovery, limits, and a power cut at every step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/storage/var_store.h"
#include "tests/unit/fake_flash.h"

#define BLOCK 4096u
#define SMALL (64u * 1024)	/* two 32 KiB banks: reclaims come quickly */
#define LARGE (1024u * 1024)	/* the size of the shipped template */

static const EFI_GUID guid_a = { 0x8be4df61, 0x93ca, 0x11d2,
				 { 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c } };
static const EFI_GUID guid_b = { 0x12345678, 0x1234, 0x5678, { 1, 2, 3, 4, 5, 6, 7, 8 } };

/* One "boot": a fresh fake over the same bytes, the store mounted on it. */
struct boot {
	struct fake_flash flash;
	struct var_store vs;
	struct var_store_report report;
	EFI_STATUS mounted;
};

static void boot(struct boot *b, UINT8 *mem, UINT32 size)
{
	fake_flash_init(&b->flash, mem, size, BLOCK);
	memset(&b->vs, 0, sizeof(b->vs));
	b->vs.flash = &b->flash.dev;
	b->mounted = var_store_mount(&b->vs, &b->report);
	/* Steps count from here: what an operation does, not what mount did. */
	b->flash.steps = 0;
}

static UINT8 *blank(UINT32 size, UINT8 fill)
{
	UINT8 *mem = malloc(size);

	assert_non_null(mem);
	memset(mem, fill, size);
	return mem;
}

/* A name as UTF-16 with its NUL, from ASCII; returns its size in bytes. */
static UINT32 name16(const char *ascii, CHAR16 *out)
{
	UINT32 i;

	for (i = 0; ascii[i]; i++)
		out[i] = (CHAR16)ascii[i];
	out[i] = 0;
	return (i + 1) * sizeof(CHAR16);
}

static EFI_STATUS set(struct boot *b, const char *name, const EFI_GUID *guid, const void *data,
		      UINT32 size, BOOLEAN append)
{
	CHAR16 n[64];
	UINT32 ns = name16(name, n);

	return var_store_set(&b->vs, n, ns, guid, 7, data, size, append);
}

static EFI_STATUS set_str(struct boot *b, const char *name, const char *value)
{
	return set(b, name, &guid_a, value, strlen(value), FALSE);
}

static EFI_STATUS del(struct boot *b, const char *name)
{
	CHAR16 n[64];
	UINT32 ns = name16(name, n);

	return var_store_delete(&b->vs, n, ns, &guid_a);
}

/* The value of name (guid_a) as a malloc'd NUL-terminated string, NULL when absent. */
static char *get(struct boot *b, const char *name)
{
	struct var_store_entry e;
	CHAR16 n[64];
	UINT32 ns = name16(name, n);
	char *buf;

	if (var_store_find(&b->vs, n, ns, &guid_a, &e) != EFI_SUCCESS)
		return NULL;
	buf = malloc(e.data_size + 1);
	assert_non_null(buf);
	assert_int_equal(var_store_read_data(&b->vs, &e, 0, buf, e.data_size), EFI_SUCCESS);
	buf[e.data_size] = 0;
	return buf;
}

static void assert_value(struct boot *b, const char *name, const char *want)
{
	char *got = get(b, name);

	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static unsigned count_variables(struct boot *b)
{
	struct var_store_entry e;
	UINT32 cursor = 0;
	unsigned n = 0;

	while (var_store_next(&b->vs, &cursor, &e) == EFI_SUCCESS)
		n++;
	return n;
}

static void test_blank_stores_are_formatted(void **state)
{
	static const UINT32 sizes[] = { 128 * 1024, 132 * 1024, LARGE };

	for (unsigned i = 0; i < 3; i++) {
		for (int fill = 0; fill < 2; fill++) {
			UINT8 *mem = blank(sizes[i], fill ? 0xff : 0x00);
			struct boot b;

			boot(&b, mem, sizes[i]);
			assert_int_equal(b.mounted, EFI_SUCCESS);
			assert_true(b.report.formatted);
			assert_int_equal(b.report.damaged, 0);
			assert_int_equal(count_variables(&b), 0);
			assert_int_equal(set_str(&b, "Boot0001", "entry"), EFI_SUCCESS);
			boot(&b, mem, sizes[i]);
			assert_int_equal(b.mounted, EFI_SUCCESS);
			assert_false(b.report.formatted);
			assert_int_equal(b.report.variables, 1);
			assert_value(&b, "Boot0001", "entry");
			assert_int_equal(b.flash.bit_sets, 0);
			free(mem);
		}
	}
}

static void test_set_update_append_delete_and_next(void **state)
{
	UINT8 *mem = blank(SMALL, 0xff);
	struct var_store_entry e;
	CHAR16 n[64];
	UINT32 cursor = 0;
	struct boot b;

	boot(&b, mem, SMALL);
	assert_int_equal(set_str(&b, "A", "one"), EFI_SUCCESS);
	assert_int_equal(set_str(&b, "B", "two"), EFI_SUCCESS);
	assert_int_equal(set(&b, "B", &guid_b, "other", 5, FALSE), EFI_SUCCESS);
	assert_int_equal(set_str(&b, "A", "uno"), EFI_SUCCESS);
	assert_int_equal(set(&b, "B", &guid_a, "+more", 5, TRUE), EFI_SUCCESS);
	assert_value(&b, "A", "uno");
	assert_value(&b, "B", "two+more");
	assert_int_equal(del(&b, "A"), EFI_SUCCESS);
	assert_int_equal(del(&b, "A"), EFI_NOT_FOUND);
	assert_value(&b, "A", NULL);

	/* The same value again programs nothing. */
	b.flash.steps = 0;
	assert_int_equal(set_str(&b, "B", "two+more"), EFI_SUCCESS);
	assert_int_equal(b.flash.steps, 0);

	/* Enumeration: B (guid_b) then B (guid_a), in the order they got their current value. */
	assert_int_equal(var_store_next(&b.vs, &cursor, &e), EFI_SUCCESS);
	assert_memory_equal(&e.guid, &guid_b, sizeof(guid_b));
	assert_int_equal(var_store_read_name(&b.vs, &e, n), EFI_SUCCESS);
	assert_int_equal(n[0], 'B');
	assert_int_equal(var_store_next(&b.vs, &cursor, &e), EFI_SUCCESS);
	assert_memory_equal(&e.guid, &guid_a, sizeof(guid_a));
	assert_int_equal(e.data_size, 8);
	assert_int_equal(var_store_next(&b.vs, &cursor, &e), EFI_NOT_FOUND);

	boot(&b, mem, SMALL);
	assert_int_equal(b.report.variables, 2);
	assert_int_equal(b.report.damaged, 0);
	assert_value(&b, "A", NULL);
	assert_value(&b, "B", "two+more");
	assert_int_equal(b.flash.bit_sets, 0);
	free(mem);
}

static void test_usage_is_truthful_and_full_store_refuses(void **state)
{
	UINT8 *mem = blank(SMALL, 0xff);
	UINT64 capacity, remaining, max, before;
	char value[1000], name[16];
	struct boot b;
	unsigned i;

	memset(value, 'v', sizeof(value));
	boot(&b, mem, SMALL);
	var_store_usage(&b.vs, &capacity, &remaining, &max);
	assert_int_equal(capacity, SMALL / 2 - 32);
	assert_int_equal(remaining, capacity);
	assert_true(max < capacity);
	for (i = 0;; i++) {
		snprintf(name, sizeof(name), "V%u", i);
		var_store_usage(&b.vs, &capacity, &remaining, &max);
		before = remaining;
		if (set(&b, name, &guid_a, value, sizeof(value), FALSE) != EFI_SUCCESS)
			break;
		var_store_usage(&b.vs, &capacity, &remaining, &max);
		assert_int_equal(before - remaining, var_store_record_size(2 * 4, sizeof(value)));
	}
	/* It refused only because the value did not fit in what QueryVariableInfo calls free. */
	assert_true(before < var_store_record_size((strlen(name) + 1) * 2, sizeof(value)));
	assert_true(i > 20);
	assert_int_equal(set(&b, name, &guid_a, value, sizeof(value), FALSE), EFI_OUT_OF_RESOURCES);
	/* Replacing a value with one of the same size still works when full (reclaim). */
	value[0] = 'w';
	assert_int_equal(set(&b, "V0", &guid_a, value, sizeof(value), FALSE), EFI_SUCCESS);
	boot(&b, mem, SMALL);
	assert_int_equal(b.report.variables, i);
	free(mem);
}

static void test_largest_variable_and_256k_usable(void **state)
{
	UINT8 *mem = blank(LARGE, 0x00);
	UINT64 capacity, remaining, max;
	static UINT8 big[VAR_STORE_MAX_VARIABLE];
	struct var_store_entry e;
	CHAR16 n[64];
	UINT32 ns = name16("dbx", n);
	struct boot b;

	for (UINT32 i = 0; i < sizeof(big); i++)
		big[i] = (UINT8)(i * 7);
	boot(&b, mem, LARGE);
	var_store_usage(&b.vs, &capacity, &remaining, &max);
	assert_true(capacity >= 256 * 1024);
	assert_int_equal(max, VAR_STORE_MAX_VARIABLE);
	assert_int_equal(var_store_set(&b.vs, n, ns, &guid_a, 7, big, max - ns + 2, FALSE),
			 EFI_INVALID_PARAMETER);
	/* Four of the largest, rewritten until they have been reclaimed several times over. */
	for (int round = 0; round < 12; round++) {
		n[1] = 'a' + round % 4;
		big[0] = (UINT8)round;
		assert_int_equal(var_store_set(&b.vs, n, ns, &guid_a, 7, big, max - ns, FALSE),
				 EFI_SUCCESS);
	}
	boot(&b, mem, LARGE);
	assert_int_equal(b.report.variables, 4);
	n[1] = 'a' + 11 % 4;
	assert_int_equal(var_store_find(&b.vs, n, ns, &guid_a, &e), EFI_SUCCESS);
	assert_int_equal(e.data_size, max - ns);
	{
		static UINT8 back[VAR_STORE_MAX_VARIABLE];

		assert_int_equal(var_store_read_data(&b.vs, &e, 0, back, e.data_size), EFI_SUCCESS);
		big[0] = 11;
		assert_memory_equal(back, big, e.data_size);
	}
	assert_int_equal(b.flash.bit_sets, 0);
	free(mem);
}

static void test_damaged_records_are_skipped_and_the_rest_kept(void **state)
{
	UINT8 *mem = blank(SMALL, 0xff);
	struct var_store_entry e;
	CHAR16 n[64];
	struct boot b;

	boot(&b, mem, SMALL);
	assert_int_equal(set_str(&b, "First", "1111"), EFI_SUCCESS);
	assert_int_equal(set_str(&b, "Second", "2222"), EFI_SUCCESS);
	assert_int_equal(set_str(&b, "Third", "3333"), EFI_SUCCESS);
	assert_int_equal(set_str(&b, "Fourth", "4444"), EFI_SUCCESS);
	assert_int_equal(var_store_find(&b.vs, n, name16("Second", n), &guid_a, &e), EFI_SUCCESS);
	/* A flipped bit in Second's data, and garbage over Third's header. */
	mem[e.offset + 40 + e.name_size] ^= 0x10;
	assert_int_equal(var_store_find(&b.vs, n, name16("Third", n), &guid_a, &e), EFI_SUCCESS);
	memset(mem + e.offset + 4, 0x5a, 12);

	boot(&b, mem, SMALL);
	assert_int_equal(b.mounted, EFI_SUCCESS);
	assert_int_equal(b.report.damaged, 2);
	assert_int_equal(b.report.variables, 2);
	assert_value(&b, "First", "1111");
	assert_value(&b, "Second", NULL);
	assert_value(&b, "Third", NULL);
	assert_value(&b, "Fourth", "4444");
	assert_int_equal(set_str(&b, "Fifth", "5555"), EFI_SUCCESS);
	boot(&b, mem, SMALL);
	assert_value(&b, "Fourth", "4444");
	assert_value(&b, "Fifth", "5555");

	/* Both bank headers gone: the records that verify are salvaged into a new bank. */
	memset(mem, 0, 32);
	memset(mem + SMALL / 2, 0, 32);
	boot(&b, mem, SMALL);
	assert_int_equal(b.mounted, EFI_SUCCESS);
	assert_true(b.report.salvaged);
	assert_true(b.report.damaged > 0);
	assert_value(&b, "First", "1111");
	assert_value(&b, "Fourth", "4444");
	assert_value(&b, "Fifth", "5555");
	boot(&b, mem, SMALL);
	assert_false(b.report.salvaged);
	assert_int_equal(b.report.variables, 3);

	/* Nothing that verifies at all (not blank either): formatted, and said so. */
	memset(mem, 0x5a, SMALL);
	boot(&b, mem, SMALL);
	assert_int_equal(b.mounted, EFI_SUCCESS);
	assert_true(b.report.formatted);
	assert_int_equal(b.report.damaged, 1);
	free(mem);
}

/* ---- power cuts ---- */

#define MAX_VARS 8

/* What a scenario expects of each variable: its value before and after the operation. */
struct expect {
	const char *name;
	const char *before;	/* NULL: absent */
	const char *after;
};

typedef void (*prepare_fn)(struct boot *b);
typedef EFI_STATUS (*operation_fn)(struct boot *b);

static void check_old_or_new(struct boot *b, const struct expect *x, unsigned count, BOOLEAN *saw_new)
{
	for (unsigned i = 0; i < count; i++) {
		char *got = get(b, x[i].name);
		BOOLEAN is_before = x[i].before ? got && !strcmp(got, x[i].before) : !got;
		BOOLEAN is_after = x[i].after ? got && !strcmp(got, x[i].after) : !got;

		if (!is_before && !is_after)
			fail_msg("%s: neither its old nor its new value (%s)", x[i].name,
				 got ? got : "absent");
		if (is_after && !is_before)
			*saw_new = TRUE;
		free(got);
	}
}

/*
 * Prepare a store, then run the operation once to count its steps; then, for every step and
 * every way a step can end, run it again from the prepared store with the power cut there,
 * mount again, and check that every variable holds its old or its new value, that the store
 * still takes writes, and that nothing ever needed a bit set back to 1.
 */
static void exhaust(UINT32 size, prepare_fn prepare, operation_fn op, const struct expect *x,
		    unsigned count, unsigned min_steps, unsigned min_new)
{
	UINT8 *base = blank(size, 0xff), *mem = malloc(size);
	unsigned steps, runs = 0, new_seen = 0;
	struct boot b;

	assert_non_null(mem);
	boot(&b, base, size);
	assert_int_equal(b.mounted, EFI_SUCCESS);
	prepare(&b);
	memcpy(mem, base, size);
	boot(&b, mem, size);
	assert_int_equal(op(&b), EFI_SUCCESS);
	steps = b.flash.steps;
	assert_true(steps >= min_steps);
	{
		BOOLEAN all_new = TRUE;

		boot(&b, mem, size);
		for (unsigned i = 0; i < count; i++) {
			char *got = get(&b, x[i].name);

			all_new &= x[i].after ? got && !strcmp(got, x[i].after) : !got;
			free(got);
		}
		assert_true(all_new);
	}

	for (unsigned cut = 0; cut < steps; cut++) {
		for (int mode = FAKE_FLASH_CUT_BEFORE; mode <= FAKE_FLASH_CUT_ALL_BUT_ONE; mode++) {
			BOOLEAN saw_new = FALSE;
			unsigned bit_sets;

			memcpy(mem, base, size);
			boot(&b, mem, size);
			fake_flash_cut_after(&b.flash, cut, mode);
			op(&b);
			assert_true(b.flash.dead);
			bit_sets = b.flash.bit_sets;

			boot(&b, mem, size);
			if (b.mounted != EFI_SUCCESS)
				fail_msg("cut at step %u/%u (mode %d): mount %#lx", cut + 1, steps,
					 mode, (unsigned long)b.mounted);
			/* An interrupted write is not damage: nothing to report on the console. */
			assert_int_equal(b.report.damaged, 0);
			check_old_or_new(&b, x, count, &saw_new);
			new_seen += saw_new;
			bit_sets += b.flash.bit_sets;
			/* The recovered store takes a write and keeps it. */
			assert_int_equal(set_str(&b, "After", "cut"), EFI_SUCCESS);
			boot(&b, mem, size);
			assert_value(&b, "After", "cut");
			/* What the cut left is cleared, not damage, once records follow it. */
			assert_int_equal(b.report.damaged, 0);
			check_old_or_new(&b, x, count, &saw_new);
			bit_sets += b.flash.bit_sets;
			assert_int_equal(bit_sets, 0);
			runs++;
		}
	}
	/*
	 * Early cuts keep the old values. The commit is one byte, so only an operation with a
	 * step after it (the old record's deletion) shows the new value after a cut; otherwise
	 * the run without a cut above is the one that does.
	 */
	assert_true(new_seen < runs);
	if (min_new)
		assert_true(new_seen >= min_new);
	print_message("  %u steps, %u power cuts recovered\n", steps, runs);
	free(base);
	free(mem);
}

static void prepare_three(struct boot *b)
{
	assert_int_equal(set_str(b, "Boot0000", "first entry"), EFI_SUCCESS);
	assert_int_equal(set_str(b, "BootOrder", "0000"), EFI_SUCCESS);
	assert_int_equal(set_str(b, "Timeout", "5"), EFI_SUCCESS);
}

static const struct expect three_update[] = {
	{ "Boot0000", "first entry", "first entry" },
	{ "BootOrder", "0000", "0001,0000" },
	{ "Timeout", "5", "5" },
};

static EFI_STATUS op_update(struct boot *b)
{
	return set_str(b, "BootOrder", "0001,0000");
}

static void test_power_cut_at_every_step_of_an_update(void **state)
{
	exhaust(SMALL, prepare_three, op_update, three_update, 3, 4, 3);
}

static const struct expect three_create[] = {
	{ "Boot0000", "first entry", "first entry" },
	{ "Boot0001", NULL, "second entry" },
	{ "BootOrder", "0000", "0000" },
};

static EFI_STATUS op_create(struct boot *b)
{
	return set_str(b, "Boot0001", "second entry");
}

static void test_power_cut_at_every_step_of_a_create(void **state)
{
	exhaust(SMALL, prepare_three, op_create, three_create, 3, 3, 0);
}

static const struct expect three_append[] = {
	{ "BootOrder", "0000", "0000,0002" },
	{ "Timeout", "5", "5" },
};

static EFI_STATUS op_append(struct boot *b)
{
	return set(b, "BootOrder", &guid_a, ",0002", 5, TRUE);
}

static void test_power_cut_at_every_step_of_an_append(void **state)
{
	exhaust(SMALL, prepare_three, op_append, three_append, 2, 4, 3);
}

static const struct expect three_delete[] = {
	{ "Boot0000", "first entry", NULL },
	{ "BootOrder", "0000", "0000" },
};

static EFI_STATUS op_delete(struct boot *b)
{
	return del(b, "Boot0000");
}

static void test_power_cut_at_the_step_of_a_delete(void **state)
{
	exhaust(SMALL, prepare_three, op_delete, three_delete, 2, 1, 0);
}

/* A store so full that the next update must reclaim: many dead values, a few live ones. */
static void prepare_full(struct boot *b)
{
	char value[600];

	prepare_three(b);
	memset(value, 'x', sizeof(value) - 1);
	value[sizeof(value) - 1] = 0;
	/* Each fits without a reclaim; stop with under 1 KiB left before the room kept for stage0. */
	for (int i = 0; b->vs.end + 1024 + VAR_STORE_APPEND_ROOM <= b->vs.bank_size; i++) {
		value[0] = 'a' + i % 26;
		assert_int_equal(set_str(b, "Churn", value), EFI_SUCCESS);
	}
	assert_int_equal(b->vs.sequence, 1);
	assert_int_equal(set_str(b, "Churn", "final"), EFI_SUCCESS);
}

static const struct expect full_update[] = {
	{ "Boot0000", "first entry", "first entry" },
	{ "BootOrder", "0000", "0000" },
	{ "Timeout", "5", "5" },
	{ "Churn", "final", "final" },
	{ "Big", NULL, "big value follows: " },
};

static EFI_STATUS op_big(struct boot *b)
{
	char value[2048];

	memset(value, 0, sizeof(value));
	strcpy(value, "big value follows: ");
	return set(b, "Big", &guid_a, value, sizeof(value), FALSE);
}

static void test_power_cut_at_every_step_of_a_reclaim(void **state)
{
	/* Erasing the spare bank alone is 8 steps; copying and writing come after. */
	exhaust(SMALL, prepare_full, op_big, full_update, 5, 12, 0);
}

static const struct expect full_replace[] = {
	{ "Boot0000", "first entry", "first entry" },
	{ "Churn", "final", "replaced by a value too big for the space left at the end" },
	{ "Timeout", "5", "5" },
};

static EFI_STATUS op_replace(struct boot *b)
{
	char value[1800];

	memset(value, 0, sizeof(value));
	strcpy(value, "replaced by a value too big for the space left at the end");
	return set(b, "Churn", &guid_a, value, sizeof(value), FALSE);
}

static void test_power_cut_at_every_step_of_a_reclaim_that_replaces(void **state)
{
	exhaust(SMALL, prepare_full, op_replace, full_replace, 3, 12, 0);
}

static void test_power_cut_at_every_step_of_the_first_format(void **state)
{
	UINT8 *mem = malloc(SMALL);
	unsigned steps;
	struct boot b;

	assert_non_null(mem);
	memset(mem, 0, SMALL);
	fake_flash_init(&b.flash, mem, SMALL, BLOCK);
	memset(&b.vs, 0, sizeof(b.vs));
	b.vs.flash = &b.flash.dev;
	assert_int_equal(var_store_mount(&b.vs, &b.report), EFI_SUCCESS);
	steps = b.flash.steps;
	assert_true(steps > SMALL / BLOCK);
	for (unsigned cut = 0; cut < steps; cut++) {
		for (int mode = FAKE_FLASH_CUT_BEFORE; mode <= FAKE_FLASH_CUT_ALL_BUT_ONE; mode++) {
			memset(mem, 0, SMALL);
			fake_flash_init(&b.flash, mem, SMALL, BLOCK);
			memset(&b.vs, 0, sizeof(b.vs));
			b.vs.flash = &b.flash.dev;
			fake_flash_cut_after(&b.flash, cut, mode);
			var_store_mount(&b.vs, &b.report);
			boot(&b, mem, SMALL);
			assert_int_equal(b.mounted, EFI_SUCCESS);
			assert_int_equal(count_variables(&b), 0);
			assert_int_equal(set_str(&b, "X", "y"), EFI_SUCCESS);
			boot(&b, mem, SMALL);
			assert_value(&b, "X", "y");
		}
	}
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blank_stores_are_formatted),
		cmocka_unit_test(test_set_update_append_delete_and_next),
		cmocka_unit_test(test_usage_is_truthful_and_full_store_refuses),
		cmocka_unit_test(test_largest_variable_and_256k_usable),
		cmocka_unit_test(test_damaged_records_are_skipped_and_the_rest_kept),
		cmocka_unit_test(test_power_cut_at_every_step_of_an_update),
		cmocka_unit_test(test_power_cut_at_every_step_of_a_create),
		cmocka_unit_test(test_power_cut_at_every_step_of_an_append),
		cmocka_unit_test(test_power_cut_at_the_step_of_a_delete),
		cmocka_unit_test(test_power_cut_at_every_step_of_a_reclaim),
		cmocka_unit_test(test_power_cut_at_every_step_of_a_reclaim_that_replaces),
		cmocka_unit_test(test_power_cut_at_every_step_of_the_first_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
