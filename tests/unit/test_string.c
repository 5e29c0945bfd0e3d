/* SPDX-License-Identifier: MIT */
/* The firmware's own copies and fills (lib/string.c, renamed so libc keeps its names here) against
 * byte-by-byte references at every alignment, size and overlap a word loop can get wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define memcpy fw_memcpy
#define memmove fw_memmove
#define memset fw_memset
#define memcmp fw_memcmp
#define memchr fw_memchr
#define strlen fw_strlen
#define strcmp fw_strcmp
#define strncmp fw_strncmp
#define strchr fw_strchr
#include "lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strcmp
#undef strncmp
#undef strchr

#define AREA 192
#define GUARD 0x5a

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 37 + seed * 11 + 1);
}

static void test_memcpy_every_alignment_and_size(void **state)
{
	unsigned char src[AREA], dst[AREA], want[AREA];

	for (size_t so = 0; so < 9; so++)
		for (size_t doff = 0; doff < 9; doff++)
			for (size_t n = 0; n + so < AREA - 8 && n + doff < AREA - 8; n += n < 70 ? 1 : 13) {
				fill_pattern(src, AREA, (unsigned)n);
				memset(dst, GUARD, AREA);
				memset(want, GUARD, AREA);
				for (size_t i = 0; i < n; i++)
					want[doff + i] = src[so + i];
				assert_ptr_equal(fw_memcpy(dst + doff, src + so, n), dst + doff);
				assert_memory_equal(dst, want, AREA);
			}
}

static void test_memmove_every_overlap(void **state)
{
	unsigned char buf[AREA], want[AREA], tmp[AREA];

	for (size_t from = 0; from < 40; from++)
		for (size_t to = 0; to < 40; to++)
			for (size_t n = 0; n < 100; n += n < 20 ? 1 : 7) {
				fill_pattern(buf, AREA, (unsigned)(from + to));
				memcpy(want, buf, AREA);
				for (size_t i = 0; i < n; i++)
					tmp[i] = buf[from + i];
				for (size_t i = 0; i < n; i++)
					want[to + i] = tmp[i];
				assert_ptr_equal(fw_memmove(buf + to, buf + from, n), buf + to);
				assert_memory_equal(buf, want, AREA);
			}
}

static void test_memset_every_alignment_and_size(void **state)
{
	unsigned char dst[AREA], want[AREA];

	for (size_t off = 0; off < 9; off++)
		for (size_t n = 0; n + off < AREA; n += n < 70 ? 1 : 11) {
			memset(dst, GUARD, AREA);
			memset(want, GUARD, AREA);
			for (size_t i = 0; i < n; i++)
				want[off + i] = 0xc3;
			/* Only the low byte of the value counts, as in the C library. */
			assert_ptr_equal(fw_memset(dst + off, 0x7c3, n), dst + off);
			assert_memory_equal(dst, want, AREA);
		}
}

static void test_compare_and_search(void **state)
{
	assert_int_equal(fw_memcmp("abc", "abd", 3) < 0, 1);
	assert_int_equal(fw_memcmp("abd", "abc", 3) > 0, 1);
	assert_int_equal(fw_memcmp("abc", "abd", 2), 0);
	assert_int_equal(fw_memcmp("\x80", "\x01", 1) > 0, 1);
	assert_ptr_equal(fw_memchr("hello", 'l', 5), (const char *)"hello" + 2);
	assert_null(fw_memchr("hello", 'z', 5));
	assert_int_equal(fw_strlen("strata"), 6);
	assert_int_equal(fw_strcmp("stage0", "stage1") < 0, 1);
	assert_int_equal(fw_strncmp("stage0", "stage1", 5), 0);
	assert_null(fw_strchr("abc", 'd'));
	assert_non_null(fw_strchr("abc", '\0'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_every_alignment_and_size),
		cmocka_unit_test(test_memmove_every_overlap),
		cmocka_unit_test(test_memset_every_alignment_and_size),
		cmocka_unit_test(test_compare_and_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
