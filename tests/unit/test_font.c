/* SPDX-License-Identifier: MIT */
/* Font lookup: mapped characters find their glyph, others the fallback, bad indices are refused; packed glyphs unpack. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/font.h"

/* Four 8x2 glyphs: 0 is the fallback; glyph i's rows are both i. */
static const UINT8 glyphs[] = { 0, 0, 1, 1, 2, 2, 3, 3 };
static const struct font_map_entry map[] = {
	{ 0x003f, 0 }, { 0x0041, 1 }, { 0x00c4, 2 }, { 0x2500, 3 }, { 0x2501, 9 },
};
const struct font font_console = { .width = 8,
				   .height = 2,
				   .bytes_per_row = 1,
				   .glyph_count = 4,
				   .fallback = 0,
				   .glyphs = glyphs,
				   .map = map,
				   .map_count = 5 };

static void test_mapped_characters(void **state)
{
	assert_ptr_equal(font_glyph(&font_console, 'A'), glyphs + 2);
	assert_ptr_equal(font_glyph(&font_console, 0x00c4), glyphs + 4);
	assert_ptr_equal(font_glyph(&font_console, 0x2500), glyphs + 6);
	assert_true(font_has_glyph(&font_console, 0x2500));
}

static void test_unmapped_characters_get_the_fallback(void **state)
{
	assert_false(font_has_glyph(&font_console, 'B'));
	assert_ptr_equal(font_glyph(&font_console, 'B'), glyphs);
	assert_ptr_equal(font_glyph(&font_console, 0xffff), glyphs);
	assert_ptr_equal(font_glyph(&font_console, 0), glyphs);
}

static void test_glyph_index_past_the_font_is_refused(void **state)
{
	/* U+2501 names glyph 9 of 4: never read past the bitmaps. */
	assert_false(font_has_glyph(&font_console, 0x2501));
	assert_ptr_equal(font_glyph(&font_console, 0x2501), glyphs);
}

static void test_packed_glyphs_unpack_exactly(void **state)
{
	/* Literals 0, 0, 1, 1, then a match of 4 bytes two back (it overlaps itself): 8 bytes. */
	static const UINT8 packed[] = { 0x40, 0, 0, 1, 1, 2, 0 };
	static const UINT8 short_block[] = { 0x40, 0, 0, 1, 1 };
	UINT8 buffer[8];
	struct font f = font_console;

	assert_int_equal(font_unpack(&font_console), EFI_SUCCESS); /* not packed: nothing to do */
	f.packed_glyphs = packed;
	f.packed_size = sizeof(packed);
	f.glyph_buffer = buffer;
	f.glyphs = buffer;
	memset(buffer, 0xee, sizeof(buffer));
	assert_int_equal(font_unpack(&f), EFI_SUCCESS);
	assert_memory_equal(buffer, ((UINT8[]){ 0, 0, 1, 1, 1, 1, 1, 1 }), 8);
	assert_ptr_equal(font_glyph(&f, 0x2500), buffer + 6);
	/* A block that unpacks to fewer bytes than the font's glyphs is refused. */
	f.packed_glyphs = short_block;
	f.packed_size = sizeof(short_block);
	assert_int_equal(font_unpack(&f), EFI_COMPROMISED_DATA);
	f.glyph_buffer = NULL;
	assert_int_equal(font_unpack(&f), EFI_COMPROMISED_DATA);
}

static void test_packed_map_unpacks_to_sums(void **state)
{
	/* One literals-only LZ4 block of 3 entries as differences: 'A' -> 1, U+00C4 -> 2, U+2500 -> 3. */
	static const UINT8 packed[] = { 0xc0, 0x41, 0, 1, 0, 0x83, 0, 1, 0, 0x3c, 0x24, 1, 0 };
	struct font_map_entry buffer[3];
	struct font f = font_console;

	f.map = buffer;
	f.map_count = 3;
	f.packed_map = packed;
	f.packed_map_size = sizeof(packed);
	f.map_buffer = buffer;
	assert_int_equal(font_unpack(&f), EFI_SUCCESS);
	assert_int_equal(buffer[0].code, 0x41);
	assert_int_equal(buffer[2].code, 0x2500);
	assert_int_equal(buffer[2].glyph, 3);
	assert_ptr_equal(font_glyph(&f, 0x00c4), glyphs + 4);
	assert_ptr_equal(font_glyph(&f, 0x2500), glyphs + 6);
	/* One entry more than the block holds is refused. */
	f.map_count = 4;
	assert_int_equal(font_unpack(&f), EFI_COMPROMISED_DATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapped_characters),
		cmocka_unit_test(test_unmapped_characters_get_the_fallback),
		cmocka_unit_test(test_glyph_index_past_the_font_is_refused),
		cmocka_unit_test(test_packed_glyphs_unpack_exactly),
		cmocka_unit_test(test_packed_map_unpacks_to_sums),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
