/* SPDX-License-Identifier: MIT */
/* Relative relocations, RELA and packed RELR: results, idempotence, nothing written on a bad table. */
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

/* A RELR table at RELA_OFFSET: addresses and bitmaps as `ld -z pack-relative-relocs` writes them. */
static UINT64 put_relr(const UINT64 *words, int n)
{
	memcpy(image + RELA_OFFSET, words, n * sizeof(UINT64));
	return n * sizeof(UINT64);
}

static void fill_words(UINT64 from, UINT64 to)
{
	for (UINT64 off = from; off < to; off += 8)
		memcpy(image + off, &off, sizeof(off)); /* each word holds its own offset */
}

static void test_relr_addresses_and_bitmaps(void **state)
{
	/* 0x100; then bitmap bits 1 and 3 after it: 0x108, 0x118; 0x100 + 8 + 63 * 8 ... */
	const UINT64 words[] = { 0x100, 1 | 1 << 1 | 1 << 3 | 1ull << 63, 1 | 1 << 1, 0x800 };
	UINT64 size = put_relr(words, 4);

	fill_words(0, 0x900);
	assert_int_equal(elf_relr_apply(image, IMAGE_SIZE, RELA_OFFSET, size, 0x1000), EFI_SUCCESS);
	assert_int_equal(word_at(0x100), 0x1100);
	assert_int_equal(word_at(0x108), 0x1108);
	assert_int_equal(word_at(0x110), 0x110); /* bit 2 clear */
	assert_int_equal(word_at(0x118), 0x1118);
	/* Bit 63 of the first bitmap: 62 words after 0x108; the second bitmap starts 63 words on. */
	assert_int_equal(word_at(0x108 + 62 * 8), 0x1108 + 62 * 8);
	assert_int_equal(word_at(0x108 + 63 * 8), 0x1108 + 63 * 8);
	assert_int_equal(word_at(0x108 + 64 * 8), 0x108 + 64 * 8);
	assert_int_equal(word_at(0x800), 0x1800);
	assert_int_equal(word_at(0x808), 0x808);
	/* Not idempotent by design: a second pass adds the delta again. */
	assert_int_equal(elf_relr_apply(image, IMAGE_SIZE, RELA_OFFSET, size, 0x1000), EFI_SUCCESS);
	assert_int_equal(word_at(0x100), 0x2100);
	assert_int_equal(elf_relr_apply(image, IMAGE_SIZE, RELA_OFFSET, 0, 0x1000), EFI_SUCCESS);
}

static void test_relr_bad_tables_write_nothing(void **state)
{
	const UINT64 bitmap_first[] = { 1 | 1 << 1 };
	const UINT64 past_end[] = { 0x100, IMAGE_SIZE - 4 };
	const UINT64 bitmap_past_end[] = { IMAGE_SIZE - 16, 1 | 1 << 2 };
	const UINT64 into_table[] = { 0x100, RELA_OFFSET + 8 };
	UINT64 size;

	fill_words(0, IMAGE_SIZE);
	size = put_relr(bitmap_first, 1);
	assert_int_equal(elf_relr_apply(image, IMAGE_SIZE, RELA_OFFSET, size, 1), EFI_LOAD_ERROR);
	size = put_relr(past_end, 2);
	assert_int_equal(elf_relr_apply(image, IMAGE_SIZE, RELA_OFFSET, size, 1), EFI_LOAD_ERROR);
	size = put_relr(bitmap_past_end, 2);
	assert_int_equal(elf_relr_apply(image, IMAGE_SIZE, RELA_OFFSET, size, 1), EFI_LOAD_ERROR);
	size = put_relr(into_table, 2);
	assert_int_equal(elf_relr_apply(image, IMAGE_SIZE, RELA_OFFSET, size, 1), EFI_LOAD_ERROR);
	assert_int_equal(word_at(0x100), 0x100);
	assert_int_equal(word_at(IMAGE_SIZE - 16), IMAGE_SIZE - 16);
	/* The table itself out of range or of odd size. */
	assert_int_equal(elf_relr_apply(image, IMAGE_SIZE, IMAGE_SIZE - 8, 16, 1), EFI_LOAD_ERROR);
	assert_int_equal(elf_relr_apply(image, IMAGE_SIZE, RELA_OFFSET, 12, 1), EFI_LOAD_ERROR);
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
		cmocka_unit_test_setup(test_relr_addresses_and_bitmaps, reset),
		cmocka_unit_test_setup(test_relr_bad_tables_write_nothing, reset),
	};

	return cmocka_run_group_tests_name("elf_reloc", tests, NULL, NULL);
}
