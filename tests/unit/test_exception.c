/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/formats/exception.c (names, symbol lookup, the report) and pe_debug_pdb_name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/exception.h"
#include "lib/formats/pe.h"

static void test_vector_names_and_error_codes(void **state)
{
	static const UINT64 with_code[] = { 8, 10, 11, 12, 13, 14, 17, 21, 29, 30 };
	int expected = 0;

	assert_string_equal(exception_mnemonic(0), "#DE");
	assert_string_equal(exception_mnemonic(14), "#PF");
	assert_string_equal(exception_mnemonic(18), "#MC");
	assert_string_equal(exception_mnemonic(40), "#??");
	assert_string_equal(exception_description(6), "invalid opcode");
	assert_string_equal(exception_description(13), "general protection fault");
	assert_string_equal(exception_description(15), "reserved vector");
	assert_string_equal(exception_description(99), "reserved vector");
	for (UINT64 v = 0; v < 40; v++) {
		BOOLEAN listed = FALSE;

		for (size_t i = 0; i < sizeof(with_code) / sizeof(with_code[0]); i++)
			listed |= with_code[i] == v;
		assert_int_equal(exception_has_error_code(v), listed);
		expected += listed;
	}
	assert_int_equal(expected, 10);
}

static void test_idt_tss_and_descriptor(void **state)
{
	static struct exception_idt_gate idt[EXCEPTION_VECTORS];
	struct exception_tss tss;
	UINT64 tops[EXCEPTION_IST_STACKS] = { 0x1000, 0x2000, 0x3000 }, desc[2];
	UINT64 stubs = 0x123456789abc0ull;

	assert_int_equal(sizeof(struct exception_idt_gate), 16);
	assert_int_equal(sizeof(struct exception_tss), 104);
	exception_fill_idt(idt, stubs, 0x18);
	for (int v = 0; v < EXCEPTION_VECTORS; v++) {
		UINT64 target = idt[v].offset_low | (UINT64)idt[v].offset_mid << 16 |
				(UINT64)idt[v].offset_high << 32;

		assert_int_equal(target, stubs + 16 * v);
		assert_int_equal(idt[v].selector, 0x18);
		assert_int_equal(idt[v].type, 0x8e);
		assert_int_equal(idt[v].ist, v == 8 ? 1 : v == 2 ? 2 : v == 18 ? 3 : 0);
	}
	memset(&tss, 0xff, sizeof(tss));
	exception_fill_tss(&tss, tops);
	assert_int_equal(tss.ist[0], 0x1000);
	assert_int_equal(tss.ist[2], 0x3000);
	assert_int_equal(tss.ist[3], 0);
	assert_int_equal(tss.rsp[0], 0);
	assert_int_equal(tss.iomap_base, 104);
	exception_tss_descriptor(0xffffffff12345678ull, desc);
	/* Limit 103, base 0x345678 | 0x12 << 24, type 9 + present; the high half of the base. */
	assert_int_equal(desc[0], 0x1200893456780067ull);
	assert_int_equal(desc[1], 0xffffffffull);
}

/* A table as mk/gen-symtab.sh lays it out: alpha [0x100, 0x120), beta 0x140 unsized, gamma. */
static UINT8 table[256];

static void build_table(void)
{
	struct symtab_header *h = (struct symtab_header *)table;
	struct symtab_entry *e = (struct symtab_entry *)(h + 1);
	UINT32 names = sizeof(*h) + 3 * sizeof(*e);

	memset(table, 0, sizeof(table));
	h->magic = SYMTAB_MAGIC;
	h->count = 3;
	e[0] = (struct symtab_entry){ 0x100, 0x20, names };
	e[1] = (struct symtab_entry){ 0x140, 0, names + 6 };
	e[2] = (struct symtab_entry){ 0x200, 0x10, names + 11 };
	memcpy(table + names, "alpha\0beta\0gamma", 17);
	h->total_size = names + 17;
}

static void test_symtab_lookup(void **state)
{
	UINT64 delta = 99;

	build_table();
	assert_string_equal(symtab_lookup(table, 0x100, &delta), "alpha");
	assert_int_equal(delta, 0);
	assert_string_equal(symtab_lookup(table, 0x11f, &delta), "alpha");
	assert_int_equal(delta, 0x1f);
	/* Past alpha's size, before beta: nothing. */
	assert_null(symtab_lookup(table, 0x120, &delta));
	assert_null(symtab_lookup(table, 0xff, &delta));
	/* Unsized beta reaches up to gamma. */
	assert_string_equal(symtab_lookup(table, 0x1ff, &delta), "beta");
	assert_int_equal(delta, 0xbf);
	assert_string_equal(symtab_lookup(table, 0x20f, &delta), "gamma");
	assert_null(symtab_lookup(table, 0x210, &delta));
}

static void test_symtab_refuses_malformed_tables(void **state)
{
	struct symtab_header *h = (struct symtab_header *)table;
	struct symtab_entry *e = (struct symtab_entry *)(h + 1);

	build_table();
	h->magic = 0;
	assert_null(symtab_lookup(table, 0x100, NULL));
	build_table();
	h->total_size = sizeof(*h) + 2 * sizeof(*e); /* entries beyond the table */
	assert_null(symtab_lookup(table, 0x100, NULL));
	build_table();
	e[0].name = 1000;
	assert_null(symtab_lookup(table, 0x100, NULL));
	build_table();
	h->total_size -= 1; /* gamma's NUL outside */
	assert_null(symtab_lookup(table, 0x200, NULL));
	assert_non_null(symtab_lookup(table, 0x100, NULL));
	assert_null(symtab_lookup(NULL, 0x100, NULL));
}

static char report[64][160];
static int report_lines;

static void emit(void *ctx, const char *line)
{
	assert_true(report_lines < 64);
	snprintf(report[report_lines++], sizeof(report[0]), "%s", line);
}

/* Code lives at 0x1000..0x2000 ("fw: f+off") and 0x5000..0x6000 ("app+off"). */
static BOOLEAN locate(void *ctx, UINT64 addr, char *buf, UINTN size)
{
	if (addr >= 0x1000 && addr < 0x2000)
		snprintf(buf, size, "fw: f+0x%llx", (unsigned long long)(addr - 0x1000));
	else if (addr >= 0x5000 && addr < 0x6000)
		snprintf(buf, size, "EFI image app+0x%llx", (unsigned long long)(addr - 0x5000));
	else
		return FALSE;
	return TRUE;
}

static int find(const char *needle)
{
	for (int i = 0; i < report_lines; i++)
		if (strstr(report[i], needle))
			return i;
	return -1;
}

static void test_report_names_everything_and_walks_frames(void **state)
{
	static UINT64 stack[64];
	struct exception_frame f = { 0 };
	struct exception_report_ops ops = { .locate = locate, .emit = emit };
	UINT64 base = (UINTN)stack;

	/* rsp = stack[0] holds a return into fw (a leaf's caller); frames at [8] -> [20] -> end. */
	stack[0] = 0x1101;
	stack[8] = base + 20 * 8;
	stack[9] = 0x5011;
	stack[20] = base + 40 * 8; /* above the range: the walk stops after this frame */
	stack[21] = 0x1201;
	f.vector = 14;
	f.error_code = 2;
	f.rip = 0x5000 + 0x42;
	f.rsp = base;
	f.rbp = base + 8 * 8;
	f.rax = 0x1111;
	f.r15 = 0xf15;
	ops.stack_low = base;
	ops.stack_high = base + 32 * 8;
	report_lines = 0;
	exception_report(&f, 0x7000, 0x9000, 0, &ops);

	assert_int_equal(find("#PF page fault (vector 14) at RIP 0x5042 in EFI image app+0x42"), 0);
	assert_true(find("error code 0x2  CR2 0x0000000000007000  CR3 0x0000000000009000") > 0);
	assert_true(find("RAX 0x0000000000001111") > 0);
	assert_true(find("R15 0x0000000000000f15") > 0);
	assert_true(find("RFLAGS") > 0);
	assert_int_equal(find("stack overflow"), -1);
	assert_true(find("#0  0x0000000000005042  EFI image app+0x42") > 0);
	assert_true(find("?   0x0000000000001101  fw: f+0x100") > 0);
	/* Return addresses are located one byte back, inside the call. */
	assert_true(find("#1  0x0000000000005011  EFI image app+0x10") > 0);
	assert_true(find("#2  0x0000000000001201  fw: f+0x200") > 0);
	assert_int_equal(find("#3"), -1);
}

static void test_report_bad_frame_pointer_and_stack_overflow(void **state)
{
	static UINT64 stack[16];
	struct exception_frame f = { 0 };
	struct exception_report_ops ops = { .emit = emit };

	f.vector = 8;
	f.rip = 0x3000;
	f.rsp = (UINTN)stack;
	f.rbp = 0x1234567; /* outside the stack: no frames read */
	ops.stack_low = (UINTN)stack;
	ops.stack_high = (UINTN)(stack + 16);
	report_lines = 0;
	exception_report(&f, 0x8010, 0, 0x8000, &ops);
	assert_int_equal(find("#DF double fault (vector 8) at RIP 0x3000 in no known image"), 0);
	assert_int_equal(find("stack overflow: CR2 0x8010 is in the guard page"), 1);
	assert_int_equal(find("#1"), -1);
}

/* A loaded image with a debug directory pointing at an RSDS CodeView entry. */
static UINT8 image[0x1000];

static void build_image(const char *sig, const char *pdb)
{
	UINT32 pe = 0x80, opt = pe + 24, dir = 0x400, cv = 0x500;

	memset(image, 0, sizeof(image));
	image[0] = 'M';
	image[1] = 'Z';
	*(UINT32 *)(image + 0x3c) = pe;
	memcpy(image + pe, "PE\0\0", 4);
	*(UINT16 *)(image + opt) = 0x20b;
	*(UINT32 *)(image + opt + 108) = 16;
	*(UINT32 *)(image + opt + 112 + 6 * 8) = dir;
	*(UINT32 *)(image + opt + 112 + 6 * 8 + 4) = 28;
	*(UINT32 *)(image + dir + 12) = 2;
	*(UINT32 *)(image + dir + 16) = 24 + strlen(pdb) + 1;
	*(UINT32 *)(image + dir + 20) = cv;
	memcpy(image + cv, sig, 4);
	strcpy((char *)image + cv + 24, pdb);
}

static void test_pe_debug_pdb_name(void **state)
{
	build_image("RSDS", "C:\\build\\app.pdb");
	assert_string_equal(pe_debug_pdb_name(image, sizeof(image)), "C:\\build\\app.pdb");
	/* The debug data must lie inside the image. */
	assert_null(pe_debug_pdb_name(image, 0x510));
	/* Not CodeView. */
	build_image("XXXX", "app.pdb");
	assert_null(pe_debug_pdb_name(image, sizeof(image)));
	/* No NUL inside the entry's data. */
	build_image("RSDS", "app.pdb");
	*(UINT32 *)(image + 0x400 + 16) = 24 + 3;
	assert_null(pe_debug_pdb_name(image, sizeof(image)));
	/* No debug directory. */
	build_image("RSDS", "app.pdb");
	*(UINT32 *)(image + 0x80 + 24 + 108) = 6;
	assert_null(pe_debug_pdb_name(image, sizeof(image)));
	image[0] = 0;
	assert_null(pe_debug_pdb_name(image, sizeof(image)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_names_and_error_codes),
		cmocka_unit_test(test_idt_tss_and_descriptor),
		cmocka_unit_test(test_symtab_lookup),
		cmocka_unit_test(test_symtab_refuses_malformed_tables),
		cmocka_unit_test(test_report_names_everything_and_walks_frames),
		cmocka_unit_test(test_report_bad_frame_pointer_and_stack_overflow),
		cmocka_unit_test(test_pe_debug_pdb_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
