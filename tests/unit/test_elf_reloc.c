/* SPDX-License-Identifier: MIT */
/* R_X86_64_RELATIVE application: results, idempotence, and nothing written on a bad table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/elf_reloc.h"

#define IMAGE_SIZE 4096
#define RELA_OFFSET 3072

static UINT8 image[IMAGE_SIZE];

static Elf64_Rela *table(void)
{
	return (Elf64_Rela *)(image + RELA_OFFSET);
}

static UINT64 word_at(UINT64 offset)
{
	UINT64 v;

	memcpy(&v, image + offset, sizeof(v));
	return v;
}

static void set_entry(int i, UINT64 offset, UINT32 type, INT64 addend)
{
	Elf64_Rela r = { offset, type, addend };

	memcpy(table() + i, &r, sizeof(r));
}

static int reset(void **state)
{
	memset(image, 0xaa, sizeof(image));
	set_entry(0, 0x10, R_X86_64_RELATIVE, 0x1234);
	set_entry(1, 0x21, R_X86_64_RELATIVE, -8);	/* unaligned target, negative addend */
	set_entry(2, 0, R_X86_64_NONE, 0);
	set_entry(3, IMAGE_SIZE - 8, R_X86_64_RELATIVE, 0);	/* last word of the image */
	return 0;
}

static void test_apply(void **state)
{
	assert_int_equal(elf_reloc_apply(image, IMAGE_SIZE, RELA_OFFSET, 4 * sizeof(Elf64_Rela),
					 0x100000), EFI_SUCCESS);
	assert_int_equal(word_at(0x10), 0x101234);
	assert_int_equal(word_at(0x21), 0xffff8);
	assert_int_equal(word_at(IMAGE_SIZE - 8), 0x100000);
	assert_int_equal(word_at(0), 0xaaaaaaaaaaaaaaaa);	/* R_X86_64_NONE: untouched */
}

static EFI_STATUS apply(UINT64 new_base)
{
	return elf_reloc_apply(image, IMAGE_SIZE, RELA_OFFSET, 4 * sizeof(Elf64_Rela), new_base);
}

/* Relocating again for SetVirtualAddressMap overwrites, it does not add. */
static void test_idempotent(void **state)
{
	UINT8 once[IMAGE_SIZE];

	assert_int_equal(apply(0x5000), EFI_SUCCESS);
	assert_int_equal(apply(0xffff800000000000), EFI_SUCCESS);
	assert_int_equal(apply(0x5000), EFI_SUCCESS);
	memcpy(once, image, sizeof(once));
	assert_int_equal(apply(0x5000), EFI_SUCCESS);
	assert_memory_equal(once, image, sizeof(once));
	assert_int_equal(word_at(0x10), 0x6234);
}

static void test_empty_table(void **state)
{
	UINT8 before[IMAGE_SIZE];

	memcpy(before, image, sizeof(before));
	assert_int_equal(elf_reloc_apply(image, IMAGE_SIZE, RELA_OFFSET, 0, 0x1000), EFI_SUCCESS);
	assert_int_equal(elf_reloc_apply(image, IMAGE_SIZE, IMAGE_SIZE, 0, 0x1000), EFI_SUCCESS);
	assert_memory_equal(before, image, sizeof(before));
}

/* One bad entry last: the good ones before it must not have been applied. */
static void expect_rejected(UINT64 rela_offset, UINT64 rela_size)
{
	UINT8 before[IMAGE_SIZE];

	memcpy(before, image, sizeof(before));
	assert_int_equal(elf_reloc_apply(image, IMAGE_SIZE, rela_offset, rela_size, 0x100000),
			 EFI_LOAD_ERROR);
	assert_memory_equal(before, image, sizeof(before));
}

static void test_bad_entries(void **state)
{
	static const struct {
		UINT64 offset;
		UINT32 type;
	} bad[] = {
		{ IMAGE_SIZE - 7, R_X86_64_RELATIVE },	/* word crosses the end */
		{ IMAGE_SIZE, R_X86_64_RELATIVE },
		{ UINT64_MAX - 3, R_X86_64_RELATIVE },	/* offset + 8 wraps */
		{ UINT64_MAX, R_X86_64_RELATIVE },
		{ RELA_OFFSET + 24, R_X86_64_RELATIVE }, /* would rewrite the table itself */
		{ RELA_OFFSET - 4, R_X86_64_RELATIVE },
		{ 0x10, 1 },				/* R_X86_64_64 */
		{ 0x10, 7 },				/* R_X86_64_JUMP_SLOT */
		{ 0x10, 37 },				/* R_X86_64_IRELATIVE */
		{ 0x10, 0xffffffff },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset(state);
		set_entry(4, bad[i].offset, bad[i].type, 0);
		expect_rejected(RELA_OFFSET, 5 * sizeof(Elf64_Rela));
	}
}

static void test_bad_table(void **state)
{
	expect_rejected(RELA_OFFSET, 4 * 24 + 1);		/* not whole entries */
	expect_rejected(RELA_OFFSET, 23);
	expect_rejected(IMAGE_SIZE - 24 + 8, 24);		/* table crosses the end */
	expect_rejected(IMAGE_SIZE + 24, 24);
	expect_rejected(RELA_OFFSET, UINT64_MAX - 23);		/* offset + size wraps */
	expect_rejected(UINT64_MAX - 23, 48);
	assert_int_equal(elf_reloc_apply(image, 4, 0, 0, 0), EFI_SUCCESS);
	assert_int_equal(elf_reloc_apply(image, 4, 0, 24, 0), EFI_LOAD_ERROR);
}

/* The info field's upper half is the symbol; only the type decides. */
static void test_symbol_bits_ignored(void **state)
{
	Elf64_Rela r = { 0x40, ((UINT64)5 << 32) | R_X86_64_RELATIVE, 0x10 };

	memcpy(table(), &r, sizeof(r));
	assert_int_equal(elf_reloc_apply(image, IMAGE_SIZE, RELA_OFFSET, 24, 0x2000), EFI_SUCCESS);
	assert_int_equal(word_at(0x40), 0x2010);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_apply, reset),
		cmocka_unit_test_setup(test_idempotent, reset),
		cmocka_unit_test_setup(test_empty_table, reset),
		cmocka_unit_test_setup(test_bad_entries, reset),
		cmocka_unit_test_setup(test_bad_table, reset),
		cmocka_unit_test_setup(test_symbol_bits_ignored, reset),
	};

	return cmocka_run_group_tests_name("elf_reloc", tests, NULL, NULL);
}
