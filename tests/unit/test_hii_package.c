/* SPDX-License-Identifier: MIT */
/* HII package lists: the checker, the languages of string packages and every string block kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/hii_package.h"

struct builder {
	UINT8 b[1024];
	size_t n;
};

static void put(struct builder *s, const void *p, size_t n)
{
	assert_true(s->n + n <= sizeof(s->b));
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

static void put8(struct builder *s, UINT8 v)
{
	put(s, &v, 1);
}

static void put16(struct builder *s, UINT16 v)
{
	put8(s, v & 0xff);
	put8(s, v >> 8);
}

static void put32_at(struct builder *s, size_t at, UINT32 v)
{
	for (int i = 0; i < 4; i++)
		s->b[at + i] = (v >> (8 * i)) & 0xff;
}

static void put_ucs2(struct builder *s, const char *ascii)
{
	do
		put16(s, (UINT8)*ascii);
	while (*ascii++);
}

/* A string package header for language; returns its start, to patch its length later. */
static size_t string_package_start(struct builder *s, const char *language)
{
	size_t start = s->n, hdr;
	UINT8 zero[46] = { 0 };

	put(s, zero, sizeof(zero));
	put(s, language, strlen(language) + 1);
	hdr = s->n - start;
	put32_at(s, start + 4, hdr); /* HdrSize */
	put32_at(s, start + 8, hdr); /* StringInfoOffset: blocks right after */
	return start;
}

static void package_end(struct builder *s, size_t start, UINT8 type)
{
	put32_at(s, start, (UINT32)(s->n - start) | (UINT32)type << 24);
}

/* en-US: 1 "Hello", 2-3 skipped, 4 "A", 5 "B", 6 = 1, an EXT2 block, 7 "abc" (SCSU), 8 "Fnt"
 * (UCS-2 with a font byte); fr-FR: 1 "Bonjour". Then a GUID package and END. */
static size_t build(struct builder *s)
{
	static const EFI_GUID list_guid = { 0x12345678, 0x1234, 0x5678, { 1, 2, 3, 4, 5, 6, 7, 8 } };
	size_t p;

	memset(s, 0, sizeof(*s));
	put(s, &list_guid, sizeof(list_guid));
	put32_at(s, 16, 0);
	s->n = 20;

	p = string_package_start(s, "en-US");
	put8(s, EFI_HII_SIBT_STRING_UCS2);
	put_ucs2(s, "Hello");
	put8(s, EFI_HII_SIBT_SKIP1);
	put8(s, 2);
	put8(s, EFI_HII_SIBT_STRINGS_UCS2);
	put16(s, 2);
	put_ucs2(s, "A");
	put_ucs2(s, "B");
	put8(s, EFI_HII_SIBT_DUPLICATE);
	put16(s, 1);
	put8(s, EFI_HII_SIBT_EXT2);
	put8(s, 0x40); /* SIBT_FONT */
	put16(s, 6);
	put16(s, 0xabcd);
	put8(s, EFI_HII_SIBT_STRING_SCSU);
	put(s, "abc", 4);
	put8(s, EFI_HII_SIBT_STRING_UCS2_FONT);
	put8(s, 1);
	put_ucs2(s, "Fnt");
	put8(s, EFI_HII_SIBT_END);
	package_end(s, p, EFI_HII_PACKAGE_STRINGS);

	p = string_package_start(s, "fr-FR");
	put8(s, EFI_HII_SIBT_STRING_UCS2);
	put_ucs2(s, "Bonjour");
	put8(s, EFI_HII_SIBT_END);
	package_end(s, p, EFI_HII_PACKAGE_STRINGS);

	p = s->n;
	put32_at(s, p, 0);
	s->n += 4;
	put(s, &list_guid, sizeof(list_guid));
	package_end(s, p, EFI_HII_PACKAGE_TYPE_GUID);

	p = s->n;
	s->n += 4;
	package_end(s, p, EFI_HII_PACKAGE_END);
	put32_at(s, 16, (UINT32)s->n);
	return s->n;
}

static void assert_string(const void *list, const char *lang, EFI_STRING_ID id, const char *want)
{
	CHAR16 buf[32];
	UINTN size = sizeof(buf);

	assert_int_equal(hii_string_get(list, lang, id, buf, &size), EFI_SUCCESS);
	assert_int_equal(size, 2 * (strlen(want) + 1));
	for (size_t i = 0; i <= strlen(want); i++)
		assert_int_equal(buf[i], (UINT8)want[i]);
}

static void test_check_accepts_a_list_and_refuses_every_cut(void **state)
{
	struct builder s;
	size_t n = build(&s);

	assert_int_equal(hii_package_list_check(s.b, n), EFI_SUCCESS);
	/* A list whose header claims more than the caller has, at every shorter size. */
	for (size_t cut = 0; cut < n; cut++)
		assert_int_equal(hii_package_list_check(s.b, cut), EFI_INVALID_PARAMETER);
	/* The header's own length cut short: END is then not where the list ends. */
	put32_at(&s, 16, (UINT32)n - 4);
	assert_int_equal(hii_package_list_check(s.b, n), EFI_INVALID_PARAMETER);
	put32_at(&s, 16, (UINT32)n + 4);
	assert_int_equal(hii_package_list_check(s.b, n + 4), EFI_INVALID_PARAMETER);
}

static void test_check_refuses_bad_string_headers(void **state)
{
	struct builder s;
	size_t n = build(&s);

	/* The language must end inside HdrSize: "en-US" ends at 46 + 5. */
	put32_at(&s, 20 + 4, 46 + 5);
	assert_int_equal(hii_package_list_check(s.b, n), EFI_INVALID_PARAMETER);
	build(&s);
	put32_at(&s, 20 + 8, 0x10000); /* StringInfoOffset past the package */
	assert_int_equal(hii_package_list_check(s.b, n), EFI_INVALID_PARAMETER);
	build(&s);
	s.b[20] = 3; /* a package shorter than its own header */
	s.b[21] = s.b[22] = 0;
	assert_int_equal(hii_package_list_check(s.b, n), EFI_INVALID_PARAMETER);
}

static void test_languages_are_listed_once_and_sized(void **state)
{
	struct builder s;
	CHAR8 buf[32];
	UINTN size = 4;

	build(&s);
	assert_int_equal(hii_string_languages(s.b, buf, &size), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, sizeof("en-US;fr-FR"));
	size = 0;
	assert_int_equal(hii_string_languages(s.b, NULL, &size), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, sizeof("en-US;fr-FR"));
	assert_int_equal(hii_string_languages(s.b, buf, &size), EFI_SUCCESS);
	assert_string_equal(buf, "en-US;fr-FR");
}

static void test_every_block_kind_gives_its_ids(void **state)
{
	struct builder s;

	build(&s);
	assert_string(s.b, "en-US", 1, "Hello");
	assert_string(s.b, "EN-us", 1, "Hello");
	assert_string(s.b, "en-US", 4, "A");
	assert_string(s.b, "en-US", 5, "B");
	assert_string(s.b, "en-US", 6, "Hello");
	assert_string(s.b, "en-US", 7, "abc");
	assert_string(s.b, "en-US", 8, "Fnt");
	assert_string(s.b, "fr-FR", 1, "Bonjour");
}

static void test_missing_ids_and_languages(void **state)
{
	struct builder s;
	CHAR16 buf[4];
	UINTN size = sizeof(buf);

	build(&s);
	assert_int_equal(hii_string_get(s.b, "en-US", 2, buf, &size), EFI_NOT_FOUND);
	assert_int_equal(hii_string_get(s.b, "en-US", 9, buf, &size), EFI_NOT_FOUND);
	assert_int_equal(hii_string_get(s.b, "en-US", 0, buf, &size), EFI_INVALID_PARAMETER);
	/* Id 4 exists, in English only; a language no package has. */
	assert_int_equal(hii_string_get(s.b, "fr-FR", 4, buf, &size), EFI_INVALID_LANGUAGE);
	assert_int_equal(hii_string_get(s.b, "de-DE", 1, buf, &size), EFI_INVALID_LANGUAGE);
	assert_int_equal(hii_string_get(s.b, "en", 1, buf, &size), EFI_INVALID_LANGUAGE);
	/* Too small: the size needed, NUL included, and nothing written. */
	assert_int_equal(hii_string_get(s.b, "en-US", 1, buf, &size), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, 12);
}

static void test_blocks_running_past_the_package_are_not_read(void **state)
{
	struct builder s = { 0 };
	CHAR16 buf[16];
	UINTN size = sizeof(buf);
	size_t p;

	/* A well-formed list whose one string has no NUL and whose blocks have no END. */
	s.n = 20;
	p = string_package_start(&s, "en-US");
	put8(&s, EFI_HII_SIBT_STRING_UCS2);
	put16(&s, 'H');
	put16(&s, 'i');
	package_end(&s, p, EFI_HII_PACKAGE_STRINGS);
	p = s.n;
	s.n += 4;
	package_end(&s, p, EFI_HII_PACKAGE_END);
	put32_at(&s, 16, (UINT32)s.n);
	assert_int_equal(hii_package_list_check(s.b, s.n), EFI_SUCCESS);
	assert_int_equal(hii_string_get(s.b, "en-US", 1, buf, &size), EFI_NOT_FOUND);
	/* A block type this parser does not know ends the walk, too. */
	s.b[p - 5] = 0x7f;
	assert_int_equal(hii_string_get(s.b, "en-US", 1, buf, &size), EFI_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_accepts_a_list_and_refuses_every_cut),
		cmocka_unit_test(test_check_refuses_bad_string_headers),
		cmocka_unit_test(test_languages_are_listed_once_and_sized),
		cmocka_unit_test(test_every_block_kind_gives_its_ids),
		cmocka_unit_test(test_missing_ids_and_languages),
		cmocka_unit_test(test_blocks_running_past_the_package_are_not_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
