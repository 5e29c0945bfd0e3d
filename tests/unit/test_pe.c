/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/formats/pe.c: a PE32+ built field by field, every refusal, and two linked EFI apps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/formats/pe.h"

/*
 * The generated image, linked at BASE: headers, then .text, .data and .reloc one page apart.
 * Offsets are file offsets unless named RVA.
 */
#define BASE 0x140000000ull
#define PE_OFF 0x80
#define COFF (PE_OFF + 4)
#define OPT (COFF + 20)
#define HEADERS_SIZE 0x200
#define IMAGE_SIZE 0x4000
#define FILE_SIZE 0x800
#define DIR_BASERELOC 5

enum { TEXT, DATA, RELOC, SECTIONS };

/* Base relocations: a block for the .text page (with an unaligned word) and one for .data. */
#define RELOC_SIZE 28
static const UINT16 block1[] = { 0xa010, 0x3020, 0xa033, 0x0000 };
static const UINT16 block2[] = { 0xa008, 0x0000 };

/* The relocated words (RVAs) and the values they hold as linked. */
#define TEXT_DIR64 0x1010
#define TEXT_DIR64_VALUE (BASE + 0x1080)
#define TEXT_HIGHLOW 0x1020
#define TEXT_HIGHLOW_VALUE ((UINT32)(BASE + 0x1090))
#define TEXT_UNALIGNED 0x1033
#define TEXT_UNALIGNED_VALUE (BASE + 0x2100)
#define DATA_DIR64 0x2008
#define DATA_DIR64_VALUE (BASE + 0x1000)

static const struct {
	const char *name;
	UINT32 va, vsize, raw, ptr;
} layout[SECTIONS] = {
	[TEXT] = { ".text", 0x1000, 0x100, 0x200, 0x200 },
	[DATA] = { ".data", 0x2000, 0x300, 0x200, 0x400 },
	[RELOC] = { ".reloc", 0x3000, RELOC_SIZE, 0x200, 0x600 },
};

static UINT8 file[FILE_SIZE];
static UINT32 section_table;

static void put16(UINT32 off, UINT16 v)
{
	memcpy(file + off, &v, sizeof(v));
}

static void put32(UINT32 off, UINT32 v)
{
	memcpy(file + off, &v, sizeof(v));
}

static void put64(UINT32 off, UINT64 v)
{
	memcpy(file + off, &v, sizeof(v));
}

static UINT32 get32(const UINT8 *p)
{
	UINT32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static UINT64 get64(const UINT8 *p)
{
	UINT64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* File offset of a field of section i's header. */
static UINT32 sect(int i, UINT32 field)
{
	return section_table + 40 * i + field;
}

#define S_VSIZE 8
#define S_VA 12
#define S_RAW 16
#define S_PTR 20

/* File offset of an RVA inside one of the generated sections. */
static UINT32 file_off(int i, UINT32 rva)
{
	return layout[i].ptr + rva - layout[i].va;
}

/* Write the whole image, linked at base, with dirs data directories (the 6th is .reloc). */
static void build(UINT64 base, UINT32 dirs)
{
	UINT32 opt_size = 112 + 8 * dirs, r = layout[RELOC].ptr;

	memset(file, 0, sizeof(file));
	put16(0, 0x5a4d);
	put32(0x3c, PE_OFF);
	memcpy(file + PE_OFF, "PE\0\0", 4);
	put16(COFF, PE_MACHINE_X64);
	put16(COFF + 2, SECTIONS);
	put16(COFF + 16, (UINT16)opt_size);
	put16(COFF + 18, 0x0022); /* executable, large address aware */
	put16(OPT, 0x20b);
	put32(OPT + 16, 0x1000);
	put64(OPT + 24, base);
	put32(OPT + 32, 0x1000);
	put32(OPT + 36, 0x200);
	put32(OPT + 56, IMAGE_SIZE);
	put32(OPT + 60, HEADERS_SIZE);
	put16(OPT + 68, PE_SUBSYSTEM_EFI_APPLICATION);
	put32(OPT + 108, dirs);
	if (dirs > DIR_BASERELOC) {
		put32(OPT + 112 + 8 * DIR_BASERELOC, layout[RELOC].va);
		put32(OPT + 112 + 8 * DIR_BASERELOC + 4, RELOC_SIZE);
	}

	section_table = OPT + opt_size;
	for (int i = 0; i < SECTIONS; i++) {
		strncpy((char *)file + sect(i, 0), layout[i].name, 8);
		put32(sect(i, S_VSIZE), layout[i].vsize);
		put32(sect(i, S_VA), layout[i].va);
		put32(sect(i, S_RAW), layout[i].raw);
		put32(sect(i, S_PTR), layout[i].ptr);
	}

	/* Section contents: a pattern, so that a misplaced copy shows, then the relocated words. */
	for (UINT32 i = layout[TEXT].ptr; i < r; i++)
		file[i] = (UINT8)(i * 7 + 1);
	put64(file_off(TEXT, TEXT_DIR64), base + 0x1080);
	put32(file_off(TEXT, TEXT_HIGHLOW), (UINT32)(base + 0x1090));
	put64(file_off(TEXT, TEXT_UNALIGNED), base + 0x2100);
	put64(file_off(DATA, DATA_DIR64), base + 0x1000);
	memcpy(file + file_off(DATA, 0x2100), "strata", 7);

	put32(r, 0x1000);
	put32(r + 4, 8 + sizeof(block1));
	memcpy(file + r + 8, block1, sizeof(block1));
	put32(r + 16, 0x2000);
	put32(r + 20, 8 + sizeof(block2));
	memcpy(file + r + 24, block2, sizeof(block2));
}

static int reset(void **state)
{
	(void)state;
	build(BASE, 16);
	return 0;
}

static EFI_STATUS parse(void)
{
	struct pe_image_info info;

	return pe_parse(file, FILE_SIZE, &info);
}

/* A page-aligned, dirty buffer for the image, so that pe_load's zeroing shows. */
static UINT8 *image_buffer(UINT32 size)
{
	UINT8 *p = aligned_alloc(4096, size);

	assert_non_null(p);
	memset(p, 0xcc, size);
	return p;
}

/* Parse (which must succeed) and load at a fresh address; the status of the load. */
static EFI_STATUS load(void)
{
	struct pe_image_info info;
	EFI_STATUS status;
	UINT8 *dest;

	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	dest = image_buffer(info.size_of_image);
	status = pe_load(file, FILE_SIZE, &info, dest);
	free(dest);
	return status;
}

static void test_parse_valid(void **state)
{
	struct pe_image_info info;

	(void)state;
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	assert_int_equal(info.image_base, BASE);
	assert_int_equal(info.size_of_image, IMAGE_SIZE);
	assert_int_equal(info.size_of_headers, HEADERS_SIZE);
	assert_int_equal(info.entry_point, 0x1000);
	assert_int_equal(info.section_alignment, 0x1000);
	assert_int_equal(info.section_table, OPT + 112 + 16 * 8);
	assert_int_equal(info.number_of_sections, SECTIONS);
	assert_int_equal(info.machine, PE_MACHINE_X64);
	assert_int_equal(info.subsystem, PE_SUBSYSTEM_EFI_APPLICATION);
	assert_int_equal(info.characteristics, 0x0022);
	assert_int_equal(info.reloc_rva, 0x3000);
	assert_int_equal(info.reloc_size, RELOC_SIZE);
}

/* NX_COMPAT and the section flags reach the image loader's memory protection (stage1/core/image.c). */
static void test_dll_characteristics_and_sections(void **state)
{
	struct pe_image_info info;
	UINT32 rva, size, flags;

	(void)state;
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	assert_int_equal(info.dll_characteristics, 0);
	put16(OPT + 70, PE_DLL_NX_COMPAT);
	put32(sect(TEXT, 36), PE_SCN_MEM_EXECUTE | 0x40000020u);
	put32(sect(DATA, 36), PE_SCN_MEM_WRITE | 0x40000040u);
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	assert_int_equal(info.dll_characteristics, PE_DLL_NX_COMPAT);
	pe_section(file, &info, TEXT, &rva, &size, &flags);
	assert_int_equal(rva, layout[TEXT].va);
	assert_int_equal(size, layout[TEXT].vsize);
	assert_int_equal(flags, PE_SCN_MEM_EXECUTE | 0x40000020u);
	pe_section(file, &info, DATA, &rva, &size, &flags);
	assert_int_equal(rva, layout[DATA].va);
	assert_int_equal(flags, PE_SCN_MEM_WRITE | 0x40000040u);
}

static void test_parse_driver_subsystems(void **state)
{
	struct pe_image_info info;

	(void)state;
	put16(OPT + 68, PE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER);
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	assert_int_equal(info.subsystem, PE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER);
	put16(OPT + 68, PE_SUBSYSTEM_EFI_RUNTIME_DRIVER);
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	assert_int_equal(info.subsystem, PE_SUBSYSTEM_EFI_RUNTIME_DRIVER);
}

/* The image as it must look at an address delta bytes above BASE, built independently. */
static void expect_image(const UINT8 *image, UINT64 delta)
{
	static UINT8 want[IMAGE_SIZE];
	UINT64 v;
	UINT32 w;

	memset(want, 0, sizeof(want));
	memcpy(want, file, HEADERS_SIZE);
	memcpy(want + 0x1000, file + 0x200, 0x100); /* raw data beyond VirtualSize is not copied */
	memcpy(want + 0x2000, file + 0x400, 0x200); /* VirtualSize beyond raw data is zeroed */
	memcpy(want + 0x3000, file + 0x600, RELOC_SIZE);
	v = TEXT_DIR64_VALUE + delta;
	memcpy(want + TEXT_DIR64, &v, 8);
	w = (UINT32)(TEXT_HIGHLOW_VALUE + delta);
	memcpy(want + TEXT_HIGHLOW, &w, 4);
	v = TEXT_UNALIGNED_VALUE + delta;
	memcpy(want + TEXT_UNALIGNED, &v, 8);
	v = DATA_DIR64_VALUE + delta;
	memcpy(want + DATA_DIR64, &v, 8);
	assert_memory_equal(image, want, IMAGE_SIZE);

	assert_int_equal(get64(image + TEXT_DIR64), TEXT_DIR64_VALUE + delta);
	assert_int_equal(get32(image + TEXT_HIGHLOW), (UINT32)(TEXT_HIGHLOW_VALUE + delta));
	assert_int_equal(get64(image + TEXT_UNALIGNED), TEXT_UNALIGNED_VALUE + delta);
	assert_int_equal(get64(image + DATA_DIR64), DATA_DIR64_VALUE + delta);
	assert_string_equal((const char *)image + 0x2100, "strata");
}

static void test_load_two_addresses(void **state)
{
	struct pe_image_info info;
	UINT8 *a, *b;

	(void)state;
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	a = image_buffer(IMAGE_SIZE);
	b = image_buffer(IMAGE_SIZE);
	assert_ptr_not_equal(a, b);
	assert_int_equal(pe_load(file, FILE_SIZE, &info, a), EFI_SUCCESS);
	assert_int_equal(pe_load(file, FILE_SIZE, &info, b), EFI_SUCCESS);
	expect_image(a, (UINT64)(uintptr_t)a - BASE);
	expect_image(b, (UINT64)(uintptr_t)b - BASE);
	free(a);
	free(b);
}

/* Linked at the very address it lands at: nothing to relocate, every word as linked. */
static void test_load_at_preferred_base(void **state)
{
	UINT8 *dest = image_buffer(IMAGE_SIZE);
	struct pe_image_info info;

	(void)state;
	build((uintptr_t)dest, 16);
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	assert_int_equal(pe_load(file, FILE_SIZE, &info, dest), EFI_SUCCESS);
	assert_int_equal(get64(dest + TEXT_DIR64), (uintptr_t)dest + 0x1080);
	assert_int_equal(get64(dest + DATA_DIR64), (uintptr_t)dest + 0x1000);
	assert_memory_equal(dest + 0x1000, file + 0x200, 0x100);

	/* Even with its relocations stripped. */
	put32(OPT + 112 + 8 * DIR_BASERELOC, 0);
	put32(OPT + 112 + 8 * DIR_BASERELOC + 4, 0);
	put16(COFF + 18, 0x0023);
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	assert_int_equal(pe_load(file, FILE_SIZE, &info, dest), EFI_SUCCESS);
	free(dest);
}

/* HIGHLOW keeps the low 32 bits, carries and all. */
static void test_highlow_wraps(void **state)
{
	struct pe_image_info info;
	UINT8 *dest = image_buffer(IMAGE_SIZE);
	UINT64 delta = (uintptr_t)dest - BASE;

	(void)state;
	put32(file_off(TEXT, TEXT_HIGHLOW), 0xfffffff0);
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	assert_int_equal(pe_load(file, FILE_SIZE, &info, dest), EFI_SUCCESS);
	assert_int_equal(get32(dest + TEXT_HIGHLOW), (UINT32)(0xfffffff0 + delta));
	assert_int_equal(get64(dest + TEXT_HIGHLOW + 4),
			 get64(file + file_off(TEXT, TEXT_HIGHLOW) + 4));
	free(dest);
}

/* ABSOLUTE entries pad a block and change nothing, whatever their offset bits. */
static void test_absolute_entries(void **state)
{
	struct pe_image_info info;
	UINT8 *dest = image_buffer(IMAGE_SIZE);
	UINT32 r = layout[RELOC].ptr;

	(void)state;
	put16(r + 8, 0x0000);
	put16(r + 10, 0x0010);
	put16(r + 12, 0x0fff);
	put16(r + 14, 0x0020);
	put16(r + 24, 0x0008);
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	assert_int_equal(pe_load(file, FILE_SIZE, &info, dest), EFI_SUCCESS);
	assert_memory_equal(dest + 0x1000, file + 0x200, 0x100);
	assert_memory_equal(dest + 0x2000, file + 0x400, 0x200);
	free(dest);
}

/* A word that ends exactly at SizeOfImage is inside; one byte further is not. */
static void test_reloc_target_at_image_end(void **state)
{
	UINT32 r = layout[RELOC].ptr;

	(void)state;
	put32(r + 16, 0x3000);
	put16(r + 24, 0xaff8);
	assert_int_equal(load(), EFI_SUCCESS);
	put16(r + 24, 0x3ffc);
	assert_int_equal(load(), EFI_SUCCESS);
	put16(r + 24, 0xaff9);
	assert_int_equal(load(), EFI_LOAD_ERROR);
	put16(r + 24, 0x3ffd);
	assert_int_equal(load(), EFI_LOAD_ERROR);
}

/* No relocation directory, not marked stripped: position-independent, loads anywhere. */
static void test_no_relocations_needed(void **state)
{
	struct pe_image_info info;

	(void)state;
	build(BASE, DIR_BASERELOC);
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	assert_int_equal(info.reloc_rva, 0);
	assert_int_equal(info.reloc_size, 0);
	assert_int_equal(load(), EFI_SUCCESS);
	put16(COFF + 18, 0x0023);
	assert_int_equal(load(), EFI_LOAD_ERROR);
}

/* Some linkers leave VirtualSize 0: SizeOfRawData is then the size in memory. */
static void test_virtual_size_zero(void **state)
{
	struct pe_image_info info;
	UINT8 *dest = image_buffer(IMAGE_SIZE);

	(void)state;
	put32(sect(DATA, S_VSIZE), 0);
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	assert_int_equal(pe_load(file, FILE_SIZE, &info, dest), EFI_SUCCESS);
	assert_memory_equal(dest + 0x2100, file + 0x500, 0x100);
	assert_int_equal(get64(dest + DATA_DIR64), DATA_DIR64_VALUE + ((uintptr_t)dest - BASE));
	free(dest);
}

static void test_refuse_not_mz(void **state)
{
	struct pe_image_info info;

	(void)state;
	assert_int_equal(pe_parse(file, 0x3f, &info), EFI_LOAD_ERROR);
	file[0] = 'Z';
	file[1] = 'M';
	assert_int_equal(parse(), EFI_LOAD_ERROR);
}

static void test_refuse_lfanew_out_of_file(void **state)
{
	static const UINT32 bad[] = { FILE_SIZE - 4, FILE_SIZE - 23, FILE_SIZE, 0x10000, 0xffffffff,
				      0xfffffff0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put32(0x3c, bad[i]);
		assert_int_equal(parse(), EFI_LOAD_ERROR);
	}
}

static void test_refuse_no_pe_signature(void **state)
{
	(void)state;
	memcpy(file + PE_OFF, "PE\0\1", 4);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	memcpy(file + PE_OFF, "NE\0\0", 4);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(0x3c, 0x40); /* a DOS stub where the header should be */
	assert_int_equal(parse(), EFI_LOAD_ERROR);
}

static void test_refuse_pe32(void **state)
{
	(void)state;
	put16(OPT, 0x10b);
	assert_int_equal(parse(), EFI_UNSUPPORTED);
}

static void test_refuse_other_machine(void **state)
{
	static const UINT16 machines[] = { 0x014c, 0xaa64, 0x0200, 0x5064, 0x0000 };

	(void)state;
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		put16(COFF, machines[i]);
		assert_int_equal(parse(), EFI_UNSUPPORTED);
	}
}

static void test_refuse_non_efi_subsystem(void **state)
{
	static const UINT16 subsystems[] = { 0, 1, 2, 3, 9, 13, 14, 0xffff };

	(void)state;
	for (size_t i = 0; i < sizeof(subsystems) / sizeof(subsystems[0]); i++) {
		put16(OPT + 68, subsystems[i]);
		assert_int_equal(parse(), EFI_UNSUPPORTED);
	}
}

static void test_refuse_size_of_headers(void **state)
{
	(void)state;
	put32(OPT + 60, FILE_SIZE + 1); /* beyond the file, inside the image */
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(OPT + 60, HEADERS_SIZE);
	put32(OPT + 56, HEADERS_SIZE - 1); /* beyond SizeOfImage */
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(OPT + 56, IMAGE_SIZE);
	put32(OPT + 60, section_table - 1); /* short of the optional header's end */
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(OPT + 60, HEADERS_SIZE);
	put32(OPT + 56, 0);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
}

static void test_refuse_rva_count(void **state)
{
	(void)state;
	put32(OPT + 108, 17);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(OPT + 108, 0xffffffff);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	/* 16 directories claimed, room for 15 only. */
	build(BASE, 15);
	assert_int_equal(parse(), EFI_SUCCESS);
	put32(OPT + 108, 16);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
}

static void test_refuse_optional_header_size(void **state)
{
	(void)state;
	put16(COFF + 16, 111);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put16(COFF + 16, 0);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put16(COFF + 16, 0xffff); /* past the end of the file */
	assert_int_equal(parse(), EFI_LOAD_ERROR);
}

static void test_refuse_section_alignment(void **state)
{
	static const UINT32 bad[] = { 0, 3, 0x1800, 0x3000, 0xffffffff };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put32(OPT + 32, bad[i]);
		assert_int_equal(parse(), EFI_LOAD_ERROR);
	}
	put32(OPT + 32, 0x200);
	assert_int_equal(parse(), EFI_SUCCESS);
}

static void test_refuse_section_table(void **state)
{
	(void)state;
	put16(COFF + 2, 0);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put16(COFF + 2, (FILE_SIZE - section_table) / 40 + 1);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put16(COFF + 2, 0xffff);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
}

static void test_refuse_section_outside_image(void **state)
{
	(void)state;
	put32(sect(RELOC, S_VSIZE), IMAGE_SIZE - 0x3000);
	assert_int_equal(parse(), EFI_SUCCESS);
	put32(sect(RELOC, S_VSIZE), IMAGE_SIZE - 0x3000 + 1);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(sect(RELOC, S_VSIZE), RELOC_SIZE);
	put32(sect(RELOC, S_VA), IMAGE_SIZE);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(sect(RELOC, S_VA), 0xfffff000); /* wraps around */
	put32(sect(RELOC, S_VSIZE), 0x2000);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	build(BASE, 16);
	put32(sect(TEXT, S_VA), HEADERS_SIZE - 0x10); /* over the headers */
	assert_int_equal(parse(), EFI_LOAD_ERROR);
}

static void test_refuse_raw_data_outside_file(void **state)
{
	(void)state;
	put32(sect(RELOC, S_RAW), FILE_SIZE - layout[RELOC].ptr + 1);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(sect(RELOC, S_RAW), 0x200);
	put32(sect(RELOC, S_PTR), FILE_SIZE);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(sect(RELOC, S_PTR), 0xffffff00); /* wraps around */
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	/* No raw data: the pointer does not matter. */
	put32(sect(RELOC, S_RAW), 0);
	assert_int_equal(parse(), EFI_SUCCESS);
}

static void test_truncated_file(void **state)
{
	struct pe_image_info info;

	(void)state;
	for (UINTN size = 0; size < FILE_SIZE; size++) {
		UINT8 *copy = malloc(size ? size : 1);

		assert_non_null(copy);
		memcpy(copy, file, size);
		assert_int_equal(pe_parse(copy, size, &info), EFI_LOAD_ERROR);
		free(copy);
	}
}

static void test_refuse_overlapping_sections(void **state)
{
	(void)state;
	put32(sect(DATA, S_VA), 0x1100); /* adjacent is fine */
	assert_int_equal(parse(), EFI_SUCCESS);
	put32(sect(DATA, S_VA), 0x10f0);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(sect(DATA, S_VA), 0x0e00); /* ends inside .text */
	put32(sect(DATA, S_VSIZE), 0x300);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(sect(DATA, S_VA), 0x1000); /* same place */
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(sect(DATA, S_VA), 0x0f00); /* contains .text */
	put32(sect(DATA, S_VSIZE), 0x1000);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	build(BASE, 16);
	put32(sect(RELOC, S_VA), 0x2200); /* the last header against the first */
	assert_int_equal(parse(), EFI_LOAD_ERROR);
}

/* A section without VirtualSize still occupies SizeOfRawData bytes of the image. */
static void test_refuse_virtual_size_zero_overlap(void **state)
{
	(void)state;
	put32(sect(DATA, S_VSIZE), 0);
	put32(sect(DATA, S_VA), 0x1080);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(sect(DATA, S_VA), IMAGE_SIZE - 0x100); /* and must fit in it */
	assert_int_equal(parse(), EFI_LOAD_ERROR);
}

static void test_refuse_entry_point(void **state)
{
	(void)state;
	put32(OPT + 16, IMAGE_SIZE - 1);
	assert_int_equal(parse(), EFI_SUCCESS);
	put32(OPT + 16, IMAGE_SIZE);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
	put32(OPT + 16, 0xffffffff);
	assert_int_equal(parse(), EFI_LOAD_ERROR);
}

static void test_refuse_reloc_directory(void **state)
{
	static const UINT32 bad[][2] = {
		{ 0x3f00, 0x200 }, { IMAGE_SIZE, 8 }, { 0xffffffff, 2 }, { 0, IMAGE_SIZE + 1 },
		{ 8, 0xfffffffc },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put32(OPT + 112 + 8 * DIR_BASERELOC, bad[i][0]);
		put32(OPT + 112 + 8 * DIR_BASERELOC + 4, bad[i][1]);
		assert_int_equal(parse(), EFI_LOAD_ERROR);
	}
}

static void test_refuse_reloc_block_size(void **state)
{
	UINT32 r = layout[RELOC].ptr;

	(void)state;
	put32(r + 4, 4);
	assert_int_equal(load(), EFI_LOAD_ERROR);
	put32(r + 4, 0); /* would loop forever if accepted */
	assert_int_equal(load(), EFI_LOAD_ERROR);
	put32(r + 4, RELOC_SIZE + 4); /* beyond the directory */
	assert_int_equal(load(), EFI_LOAD_ERROR);
	put32(r + 4, 0xfffffff8);
	assert_int_equal(load(), EFI_LOAD_ERROR);
	put32(r + 4, 16);
	put32(r + 20, 16); /* the second block runs past the end */
	assert_int_equal(load(), EFI_LOAD_ERROR);
}

static void test_refuse_reloc_target_outside_image(void **state)
{
	UINT32 r = layout[RELOC].ptr;

	(void)state;
	put32(r + 16, IMAGE_SIZE - 4);
	put16(r + 24, 0xa000); /* DIR64 at SizeOfImage - 4 */
	assert_int_equal(load(), EFI_LOAD_ERROR);
	put32(r + 16, IMAGE_SIZE);
	put16(r + 24, 0x3000);
	assert_int_equal(load(), EFI_LOAD_ERROR);
	put32(r + 16, 0xfffff000);
	put16(r + 24, 0xafff);
	assert_int_equal(load(), EFI_LOAD_ERROR);
}

static void test_refuse_unknown_reloc_type(void **state)
{
	static const UINT16 types[] = { 1, 2, 4, 5, 6, 7, 8, 9, 11, 12, 15 };
	UINT32 r = layout[RELOC].ptr;

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		put16(r + 26, (UINT16)(types[i] << 12 | 0x010));
		assert_int_equal(load(), EFI_LOAD_ERROR);
	}
}

static void test_refuse_relocs_stripped(void **state)
{
	(void)state;
	put32(OPT + 112 + 8 * DIR_BASERELOC, 0);
	put32(OPT + 112 + 8 * DIR_BASERELOC + 4, 0);
	put16(COFF + 18, 0x0023); /* IMAGE_FILE_RELOCS_STRIPPED */
	assert_int_equal(load(), EFI_LOAD_ERROR);
}

static void test_find_section(void **state)
{
	struct pe_image_info info;
	UINT32 rva = 0, size = 0;

	(void)state;
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	for (int i = 0; i < SECTIONS; i++) {
		assert_int_equal(
			pe_find_section(file, FILE_SIZE, &info, layout[i].name, &rva, &size),
			EFI_SUCCESS);
		assert_int_equal(rva, layout[i].va);
		assert_int_equal(size, layout[i].vsize);
	}
	/* A name of all 8 bytes has no terminator in the header. */
	memcpy(file + sect(DATA, 0), "abcdefgh", 8);
	assert_int_equal(pe_find_section(file, FILE_SIZE, &info, "abcdefgh", &rva, &size),
			 EFI_SUCCESS);
	assert_int_equal(rva, 0x2000);
}

static void test_find_section_not_found(void **state)
{
	static const char *const names[] = { ".tex", ".texts", "text",	 "",
					     ".bss", ".TEXT",  "abcdefg" };
	struct pe_image_info info;
	UINT32 rva = 0x1234, size = 0x5678;

	(void)state;
	memcpy(file + sect(DATA, 0), "abcdefgh", 8);
	assert_int_equal(pe_parse(file, FILE_SIZE, &info), EFI_SUCCESS);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(pe_find_section(file, FILE_SIZE, &info, names[i], &rva, &size),
				 EFI_NOT_FOUND);
	assert_int_equal(pe_find_section(file, FILE_SIZE, &info, "abcdefghi", &rva, &size),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(rva, 0x1234);
	assert_int_equal(size, 0x5678);
}

/*
 * Real images: tests/unit/fixtures/pe_app.c linked by clang + lld-link (real DIR64 relocations,
 * as an EDK2-style toolchain makes them) and by gcc + gnu-efi + objcopy (which relocates itself
 * from ELF tables and ships a dummy .reloc). Skipped when a tool is missing.
 */
#define FIXTURE_SRC "tests/unit/fixtures/pe_app.c"
#define TABLE_MAGIC 0x31454c4241544150ull

static const char *const link_lld =
	"clang --target=x86_64-unknown-windows -ffreestanding -fno-stack-protector -mno-red-zone "
	"-O2 -c " FIXTURE_SRC " -o \"$OUT/app.obj\" && "
	"lld-link /subsystem:efi_application /entry:efi_main /nodefaultlib "
	"/out:\"$OUT/app.efi\" \"$OUT/app.obj\"";

static const char *const link_gnu_efi =
	"gcc -O2 -ffreestanding -fno-stack-protector -fpic -fshort-wchar -mno-red-zone "
	"-c " FIXTURE_SRC " -o \"$OUT/app.o\" && "
	"ld -shared -Bsymbolic -nostdlib -znocombreloc -T /usr/lib/elf_x86_64_efi.lds "
	"/usr/lib/crt0-efi-x86_64.o \"$OUT/app.o\" -o \"$OUT/app.so\" -L/usr/lib -lgnuefi -lefi && "
	"objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym -j .rel -j .rela "
	"-j '.rela.*' -j .reloc --target efi-app-x86_64 \"$OUT/app.so\" \"$OUT/app.efi\"";

/* Run a link command with $OUT a scratch directory; its app.efi, or NULL if anything failed. */
static UINT8 *link_fixture(const char *command, UINTN *ret_size)
{
	char dir[] = "/tmp/test_pe.XXXXXX", cmd[2048], path[64];
	UINT8 *buf = NULL;
	long size;
	FILE *f;

	if (access(FIXTURE_SRC, R_OK) != 0 || !mkdtemp(dir))
		return NULL;
	setenv("OUT", dir, 1);
	snprintf(cmd, sizeof(cmd), "(%s) >/dev/null 2>&1", command);
	snprintf(path, sizeof(path), "%s/app.efi", dir);
	if (system(cmd) == 0 && (f = fopen(path, "rb"))) {
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		rewind(f);
		buf = size > 0 ? malloc(size) : NULL;
		if (buf && fread(buf, 1, size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		}
		fclose(f);
		*ret_size = (UINTN)size;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return buf;
}

/* The fixture's pointer table in a loaded image (asserted to be there). */
static const UINT8 *find_table(const UINT8 *image, UINT32 size)
{
	for (UINT32 off = 0; off + 40 <= size; off += 8)
		if (get64(image + off) == TABLE_MAGIC)
			return image + off;
	fail_msg("pointer table not found in the loaded image");
	return NULL;
}

static void check_linked(const UINT8 *pe, UINTN pe_size, BOOLEAN relocated)
{
	static const char *const names[] = { "alpha", "beta", "gamma" };
	struct pe_image_info info;
	UINT32 rva, size;
	UINT8 *dest[2];

	assert_int_equal(pe_parse(pe, pe_size, &info), EFI_SUCCESS);
	assert_int_equal(info.subsystem, PE_SUBSYSTEM_EFI_APPLICATION);
	assert_int_equal(pe_find_section(pe, pe_size, &info, ".text", &rva, &size), EFI_SUCCESS);
	assert_true(info.entry_point >= rva && info.entry_point < rva + size);
	assert_int_equal(pe_find_section(pe, pe_size, &info, ".reloc", &rva, &size), EFI_SUCCESS);
	assert_int_equal(rva, info.reloc_rva);

	for (int i = 0; i < 2; i++) {
		const UINT8 *table;

		dest[i] = image_buffer(info.size_of_image);
		assert_int_equal(pe_load(pe, pe_size, &info, dest[i]), EFI_SUCCESS);
		table = find_table(dest[i], info.size_of_image);
		for (int n = 0; n < 3; n++) {
			UINT64 p = get64(table + 8 + 8 * n),
			       at = relocated ? p - (uintptr_t)dest[i] : p;

			/* Unrelocated pointers stay RVAs (gnu-efi links at 0 and fixes them itself). */
			assert_true(at < info.size_of_image);
			assert_string_equal((const char *)dest[i] + at, names[n]);
		}
	}
	if (!relocated)
		assert_memory_equal(dest[0], dest[1], info.size_of_image);
	free(dest[0]);
	free(dest[1]);
}

static void test_linked_lld(void **state)
{
	UINTN size;
	UINT8 *pe = link_fixture(link_lld, &size);

	(void)state;
	if (!pe)
		skip();
	check_linked(pe, size, TRUE);
	free(pe);
}

static void test_linked_gnu_efi(void **state)
{
	UINTN size;
	UINT8 *pe = link_fixture(link_gnu_efi, &size);

	(void)state;
	if (!pe)
		skip();
	check_linked(pe, size, FALSE);
	free(pe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_valid, reset),
		cmocka_unit_test_setup(test_dll_characteristics_and_sections, reset),
		cmocka_unit_test_setup(test_parse_driver_subsystems, reset),
		cmocka_unit_test_setup(test_load_two_addresses, reset),
		cmocka_unit_test_setup(test_load_at_preferred_base, reset),
		cmocka_unit_test_setup(test_highlow_wraps, reset),
		cmocka_unit_test_setup(test_absolute_entries, reset),
		cmocka_unit_test_setup(test_reloc_target_at_image_end, reset),
		cmocka_unit_test_setup(test_no_relocations_needed, reset),
		cmocka_unit_test_setup(test_virtual_size_zero, reset),
		cmocka_unit_test_setup(test_refuse_not_mz, reset),
		cmocka_unit_test_setup(test_refuse_lfanew_out_of_file, reset),
		cmocka_unit_test_setup(test_refuse_no_pe_signature, reset),
		cmocka_unit_test_setup(test_refuse_pe32, reset),
		cmocka_unit_test_setup(test_refuse_other_machine, reset),
		cmocka_unit_test_setup(test_refuse_non_efi_subsystem, reset),
		cmocka_unit_test_setup(test_refuse_size_of_headers, reset),
		cmocka_unit_test_setup(test_refuse_rva_count, reset),
		cmocka_unit_test_setup(test_refuse_optional_header_size, reset),
		cmocka_unit_test_setup(test_refuse_section_alignment, reset),
		cmocka_unit_test_setup(test_refuse_section_table, reset),
		cmocka_unit_test_setup(test_refuse_section_outside_image, reset),
		cmocka_unit_test_setup(test_refuse_raw_data_outside_file, reset),
		cmocka_unit_test_setup(test_truncated_file, reset),
		cmocka_unit_test_setup(test_refuse_overlapping_sections, reset),
		cmocka_unit_test_setup(test_refuse_virtual_size_zero_overlap, reset),
		cmocka_unit_test_setup(test_refuse_entry_point, reset),
		cmocka_unit_test_setup(test_refuse_reloc_directory, reset),
		cmocka_unit_test_setup(test_refuse_reloc_block_size, reset),
		cmocka_unit_test_setup(test_refuse_reloc_target_outside_image, reset),
		cmocka_unit_test_setup(test_refuse_unknown_reloc_type, reset),
		cmocka_unit_test_setup(test_refuse_relocs_stripped, reset),
		cmocka_unit_test_setup(test_find_section, reset),
		cmocka_unit_test_setup(test_find_section_not_found, reset),
		cmocka_unit_test_setup(test_linked_lld, reset),
		cmocka_unit_test_setup(test_linked_gnu_efi, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
