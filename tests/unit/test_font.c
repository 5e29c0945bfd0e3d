/* SPDX-License-Identifier: MIT */
/* Font lookup: mapped characters find their glyph, others the fallback, bad indices are refused. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapped_characters),
		cmocka_unit_test(test_unmapped_characters_get_the_fallback),
		cmocka_unit_test(test_glyph_index_past_the_font_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
