/* SPDX-License-Identifier: MIT */
/* SHA-256 against the FIPS 180-4 example vectors, one-shot and streamed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/sha256.h"

static void hex(const UINT8 digest[SHA256_DIGEST_SIZE], char out[2 * SHA256_DIGEST_SIZE + 1])
{
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		sprintf(out + 2 * i, "%02x", digest[i]);
}

static void check_one_shot(const char *msg, const char *expected)
{
	UINT8 digest[SHA256_DIGEST_SIZE];
	char text[2 * SHA256_DIGEST_SIZE + 1];

	sha256(msg, strlen(msg), digest);
	hex(digest, text);
	assert_string_equal(text, expected);
}

static void test_empty(void **state)
{
	check_one_shot("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_abc(void **state)
{
	check_one_shot("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_448_bits(void **state)
{
	check_one_shot("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_896_bits(void **state)
{
	check_one_shot("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* Odd chunk sizes make every update straddle the 64-byte block boundary differently. */
static void test_million_a_streamed(void **state)
{
	static const size_t chunks[] = { 1, 3, 7, 63, 64, 65, 127, 1000, 4099 };
	static char buf[4099];
	struct sha256 ctx;
	UINT8 digest[SHA256_DIGEST_SIZE];
	char text[2 * SHA256_DIGEST_SIZE + 1];
	size_t done = 0, i = 0;

	memset(buf, 'a', sizeof(buf));
	sha256_init(&ctx);
	while (done < 1000000) {
		size_t n = chunks[i++ % (sizeof(chunks) / sizeof(chunks[0]))];

		if (n > 1000000 - done)
			n = 1000000 - done;
		sha256_update(&ctx, buf, n);
		done += n;
	}
	sha256_final(&ctx, digest);
	hex(digest, text);
	assert_string_equal(text,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_streamed_equals_one_shot(void **state)
{
	UINT8 msg[300], a[SHA256_DIGEST_SIZE], b[SHA256_DIGEST_SIZE];
	struct sha256 ctx;

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (UINT8)(i * 7 + 3);
	for (size_t len = 0; len <= sizeof(msg); len += 11) {
		sha256(msg, len, a);
		sha256_init(&ctx);
		for (size_t off = 0; off < len; off += 5)
			sha256_update(&ctx, msg + off, len - off < 5 ? len - off : 5);
		sha256_final(&ctx, b);
		assert_memory_equal(a, b, sizeof(a));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_abc),
		cmocka_unit_test(test_448_bits),
		cmocka_unit_test(test_896_bits),
		cmocka_unit_test(test_million_a_streamed),
		cmocka_unit_test(test_streamed_equals_one_shot),
	};

	return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
