/* SPDX-License-Identifier: MIT */
/* UnicodeCollation's English rules: case folding, comparison, wildcards and FAT names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/collation.h"

static void test_case_folds_ascii_and_latin1_letters_only(void **state)
{
	assert_int_equal(collation_upper('a'), 'A');
	assert_int_equal(collation_upper('z'), 'Z');
	assert_int_equal(collation_upper('A'), 'A');
	assert_int_equal(collation_upper(0xe9), 0xc9); /* é */
	assert_int_equal(collation_upper(0xf7), 0xf7); /* ÷ is no letter */
	assert_int_equal(collation_upper(0xff), 0xff); /* ÿ has no Latin-1 capital */
	assert_int_equal(collation_upper('{'), '{');
	assert_int_equal(collation_lower('Q'), 'q');
	assert_int_equal(collation_lower(0xc9), 0xe9);
	assert_int_equal(collation_lower(0xd7), 0xd7); /* × */
	assert_int_equal(collation_lower('@'), '@');
	assert_int_equal(collation_lower(0xffe5), 0xffe5);
	for (CHAR16 c = 0; c < 0x100; c++)
		assert_int_equal(collation_upper(collation_lower(collation_upper(c))),
				 collation_upper(c));
}

static void test_stricoll_ignores_case_and_orders(void **state)
{
	assert_int_equal(collation_stricoll(u"Startup.NSH", u"startup.nsh"), 0);
	assert_true(collation_stricoll(u"abc", u"ABD") < 0);
	assert_true(collation_stricoll(u"abcd", u"ABC") > 0);
	assert_true(collation_stricoll(u"", u"a") < 0);
}

static void test_metai_match_wildcards_and_sets(void **state)
{
	assert_true(collation_metai_match(u"startup.nsh", u"*.NSH"));
	assert_true(collation_metai_match(u"BOOTX64.EFI", u"boot*.efi"));
	assert_true(collation_metai_match(u"abc", u"a?c"));
	assert_false(collation_metai_match(u"ac", u"a?c"));
	assert_true(collation_metai_match(u"file7", u"file[0-9]"));
	assert_true(collation_metai_match(u"fileB", u"file[abc]"));
	assert_false(collation_metai_match(u"fileD", u"file[abc]"));
	assert_false(collation_metai_match(u"file", u"file[abc]"));
	assert_false(collation_metai_match(u"filea", u"file[abc")); /* unclosed set */
	assert_true(collation_metai_match(u"", u"*"));
	assert_true(collation_metai_match(u"a.b.c", u"*.*.c"));
	assert_false(collation_metai_match(u"a.b.d", u"*.*.c"));
	assert_true(collation_metai_match(u"aaab", u"*a*b"));
	assert_false(collation_metai_match(u"abc", u"ab"));
	assert_false(collation_metai_match(u"ab", u"abc"));
}

static void test_fat_names_both_ways(void **state)
{
	CHAR16 s[12];
	CHAR8 fat[11];

	collation_fat_to_str(11, "BOOTX64 EFI", s);
	assert_int_equal(s[0], 'B');
	assert_int_equal(s[10], 'I');
	assert_int_equal(s[11], 0);
	collation_fat_to_str(11, "AB\0XXXXXXXX", s);
	assert_int_equal(s[2], 0);

	memset(fat, 0, sizeof(fat));
	assert_false(collation_str_to_fat(u"read me.txt", sizeof(fat), fat));
	assert_memory_equal(fat, "READMETXT", 9);
	memset(fat, 0, sizeof(fat));
	assert_true(collation_str_to_fat(u"a+b", sizeof(fat), fat));
	assert_memory_equal(fat, "A_B", 3);
	/* FatSize bounds the output: nothing beyond it is written. */
	memset(fat, '#', sizeof(fat));
	assert_false(collation_str_to_fat(u"abcdef", 3, fat));
	assert_memory_equal(fat, "ABC#", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_folds_ascii_and_latin1_letters_only),
		cmocka_unit_test(test_stricoll_ignores_case_and_orders),
		cmocka_unit_test(test_metai_match_wildcards_and_sets),
		cmocka_unit_test(test_fat_names_both_ways),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
