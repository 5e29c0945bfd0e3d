/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/crypto/sha1_block.c through mbedTLS's SHA-1: FIPS 180 vectors, one block to many. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <mbedtls/sha1.h>

static void hex(const unsigned char *d, char out[41])
{
	for (int i = 0; i < 20; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void check(const void *data, size_t size, const char *expected)
{
	unsigned char d[20];
	char got[41];

	assert_int_equal(mbedtls_sha1(data, size, d), 0);
	hex(d, got);
	assert_string_equal(got, expected);
}

static void test_fips_180_vectors(void **state)
{
	check("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	check("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
	/* 56 bytes: the padding takes a second block. */
	check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	      "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

static void test_million_a_in_uneven_pieces(void **state)
{
	mbedtls_sha1_context ctx;
	unsigned char piece[997], d[20];
	size_t left = 1000000;
	char got[41];

	memset(piece, 'a', sizeof(piece));
	mbedtls_sha1_init(&ctx);
	assert_int_equal(mbedtls_sha1_starts(&ctx), 0);
	while (left) {
		size_t n = left < sizeof(piece) ? left : sizeof(piece);

		assert_int_equal(mbedtls_sha1_update(&ctx, piece, n), 0);
		left -= n;
	}
	assert_int_equal(mbedtls_sha1_finish(&ctx, d), 0);
	mbedtls_sha1_free(&ctx);
	hex(d, got);
	assert_string_equal(got, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_180_vectors),
		cmocka_unit_test(test_million_a_in_uneven_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
