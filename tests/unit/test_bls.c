/* SPDX-License-Identifier: MIT */
/* Boot Loader Specification entries, loader.conf, version order and patterns (lib/formats/bls.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/bls.h"

/* A writable copy of text, as the parser modifies it. */
static char *dup(const char *text)
{
	char *copy = strdup(text);

	assert_non_null(copy);
	return copy;
}

static void test_entry_keys_comments_and_whitespace(void **state)
{
	char *text = dup("# Debian\n"
			 "title   Debian GNU/Linux 12  \r\n"
			 "\tversion 6.1.0-56-cloud-amd64\n"
			 "machine-id 0123456789abcdef\n"
			 "sort-key debian\n"
			 "\n"
			 "linux /vmlinuz-6.1\n"
			 "initrd /initrd-a.img\n"
			 "initrd\t/initrd-b.img\n"
			 "options root=/dev/vda2 ro\n"
			 "options console=ttyS0\n"
			 "devicetree /dtb\n"
			 "unknown-key something");
	struct bls_entry e;

	assert_int_equal(bls_entry_parse(text, strlen(text), &e), EFI_SUCCESS);
	assert_string_equal(e.title, "Debian GNU/Linux 12");
	assert_string_equal(e.version, "6.1.0-56-cloud-amd64");
	assert_string_equal(e.machine_id, "0123456789abcdef");
	assert_string_equal(e.sort_key, "debian");
	assert_string_equal(e.kernel, "/vmlinuz-6.1");
	assert_null(e.efi);
	assert_int_equal(e.initrd_count, 2);
	assert_string_equal(e.initrd[0], "/initrd-a.img");
	assert_string_equal(e.initrd[1], "/initrd-b.img");
	assert_int_equal(e.options_count, 2);
	assert_string_equal(e.options[1], "console=ttyS0");
	free(text);
}

static void test_entry_needs_linux_or_efi(void **state)
{
	char *none = dup("title nothing to boot\nlinux\n");
	char *efi = dup("efi /EFI/tool.efi\n");
	struct bls_entry e;

	assert_int_equal(bls_entry_parse(none, strlen(none), &e), EFI_INVALID_PARAMETER);
	assert_int_equal(bls_entry_parse(efi, strlen(efi), &e), EFI_SUCCESS);
	assert_string_equal(e.efi, "/EFI/tool.efi");
	assert_null(e.kernel);
	free(none);
	free(efi);
}

static void test_entry_with_too_many_initrds_is_refused(void **state)
{
	char text[512] = "linux /k\n";
	struct bls_entry e;

	for (int i = 0; i <= BLS_MAX_INITRDS; i++)
		strcat(text, "initrd /i\n");
	assert_int_equal(bls_entry_parse(text, strlen(text), &e), EFI_INVALID_PARAMETER);
}

static void test_text_ends_at_size_or_nul(void **state)
{
	char *text = dup("linux /k\noptions quiet\ntitle cut here");
	struct bls_entry e;

	/* The caller's size stops the parser inside the last line. */
	assert_int_equal(bls_entry_parse(text, strlen(text) - 5, &e), EFI_SUCCESS);
	assert_string_equal(e.title, "cut");
	free(text);
}

static void test_loader_conf_default(void **state)
{
	char *conf = dup("timeout 3\ndefault  debian-*.conf\nconsole-mode keep\n");
	char *none = dup("timeout 3\n");

	assert_string_equal(bls_loader_conf_default(conf, strlen(conf)), "debian-*.conf");
	assert_null(bls_loader_conf_default(none, strlen(none)));
	free(conf);
	free(none);
}

/* Older first: each version is newer than every one before it (systemd's examples and ours). */
static void test_version_order(void **state)
{
	static const char *const order[] = {
		"", "6.1.0-9-amd64", "6.1.0-10-amd64", "6.1.0-56-cloud-amd64", "6.10", "122.1",
		"123~rc1-1", "123", "123-a", "123-a.1", "123-1", "123-1.1", "123^post1", "123.a-1",
		"123.1-1", "123a-1", "124-1",
	};
	const int n = sizeof(order) / sizeof(order[0]);

	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			int r = bls_version_compare(order[i], order[j]);

			if ((i < j && r >= 0) || (i > j && r <= 0) || (i == j && r != 0))
				fail_msg("\"%s\" vs \"%s\": %d", order[i], order[j], r);
		}
	assert_int_equal(bls_version_compare("0123", "123"), 0);
	assert_int_equal(bls_version_compare("1_a", "1a"), 0);
	assert_true(bls_version_compare(NULL, "") < 0);
	assert_int_equal(bls_version_compare(NULL, NULL), 0);
}

static struct bls_entry entry(const char *id, const char *sort_key, const char *machine_id,
			      const char *version)
{
	struct bls_entry e;

	memset(&e, 0, sizeof(e));
	e.id = id;
	e.sort_key = sort_key;
	e.machine_id = machine_id;
	e.version = version;
	return e;
}

static void test_entry_order_of_the_specification(void **state)
{
	struct bls_entry a = entry("a", "debian", "m1", "6.1"),
			 b = entry("b", "debian", "m1", "6.10");
	struct bls_entry c = entry("c", "arch", "m9", "1"), d = entry("d", "debian", "m0", "1");
	struct bls_entry x = entry("linux-5", NULL, NULL, "99"),
			 y = entry("linux-6", NULL, NULL, "1");

	/* The newer version first, under the same sort-key and machine-id. */
	assert_true(bls_entry_compare(&b, &a) < 0);
	/* sort-key before machine-id before version, increasing. */
	assert_true(bls_entry_compare(&c, &a) < 0);
	assert_true(bls_entry_compare(&d, &b) < 0);
	/* An entry with a sort-key before one without. */
	assert_true(bls_entry_compare(&a, &x) < 0);
	assert_true(bls_entry_compare(&x, &a) > 0);
	/* Without sort-keys, versions are not looked at: the file names, newest first. */
	assert_true(bls_entry_compare(&y, &x) < 0);
	assert_int_equal(bls_entry_compare(&y, &y), 0);
}

static void test_patterns(void **state)
{
	assert_true(bls_pattern_match("debian-*.conf", "debian-6.1.conf"));
	assert_true(bls_pattern_match("DEBIAN-*", "debian-6.1.conf"));
	assert_true(bls_pattern_match("*", ""));
	assert_true(bls_pattern_match("a*b*c", "axxbyyc"));
	assert_true(bls_pattern_match("strata-?.conf", "strata-2.conf"));
	assert_true(bls_pattern_match("strata-[1-3].conf", "strata-2.conf"));
	assert_true(bls_pattern_match("strata-[!1].conf", "strata-2.conf"));
	assert_true(bls_pattern_match("[]]", "]"));
	assert_false(bls_pattern_match("strata-[!2].conf", "strata-2.conf"));
	assert_false(bls_pattern_match("strata-[1", "strata-1"));
	assert_false(bls_pattern_match("a*b", "axxbyy"));
	assert_false(bls_pattern_match("abc", "ab"));
	assert_false(bls_pattern_match("ab", "abc"));
	assert_false(bls_pattern_match(NULL, "x"));
}

static void test_options_and_paths_as_ucs2(void **state)
{
	char *text =
		dup("linux /linux/vmlinuz\noptions console=ttyS0\noptions quiet caf\xc3\xa9\n");
	struct bls_entry e;
	CHAR16 buf[64], small[4];
	UINTN n;

	assert_int_equal(bls_entry_parse(text, strlen(text), &e), EFI_SUCCESS);
	n = bls_entry_options_ucs2(&e, NULL, 0);
	assert_int_equal(n, strlen("console=ttyS0 quiet cafe") + 1);
	assert_int_equal(bls_entry_options_ucs2(&e, buf, 64), n);
	assert_memory_equal(buf, u"console=ttyS0 quiet caf\u00e9", n * sizeof(CHAR16));
	/* Truncated like snprintf: always terminated. */
	assert_int_equal(bls_entry_options_ucs2(&e, small, 4), n);
	assert_memory_equal(small, u"con", sizeof(small));

	assert_int_equal(bls_path_ucs2(e.kernel, buf, 64), 15);
	assert_memory_equal(buf, u"\\linux\\vmlinuz", 15 * sizeof(CHAR16));
	assert_int_equal(bls_path_ucs2("initrd.img", buf, 64), 12);
	assert_memory_equal(buf, u"\\initrd.img", 12 * sizeof(CHAR16));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_keys_comments_and_whitespace),
		cmocka_unit_test(test_entry_needs_linux_or_efi),
		cmocka_unit_test(test_entry_with_too_many_initrds_is_refused),
		cmocka_unit_test(test_text_ends_at_size_or_nul),
		cmocka_unit_test(test_loader_conf_default),
		cmocka_unit_test(test_version_order),
		cmocka_unit_test(test_entry_order_of_the_specification),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_options_and_paths_as_ucs2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
