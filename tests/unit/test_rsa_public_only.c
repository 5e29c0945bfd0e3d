/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/crypto/rsa_public_only.c: mbedTLS's pk layer refuses RSA private operations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

static int no_rng(void *ctx, unsigned char *buf, size_t size)
{
	memset(buf, 0x5a, size);
	return 0;
}

static void test_sign_decrypt_and_pair_check_are_refused(void **state)
{
	mbedtls_pk_context pk;
	unsigned char hash[32] = { 1 }, out[512];
	size_t len = 0;

	mbedtls_pk_init(&pk);
	assert_int_equal(mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)), 0);
	/* Through pk_wrap's table, which mk/mbedtls.mk points at rsa_public_only.c. */
	assert_int_equal(mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, hash, sizeof(hash), out,
					 sizeof(out), &len, no_rng, NULL),
			 MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED);
	/* The input must be as long as the (empty) key to get past pk_wrap's own check. */
	assert_int_equal(mbedtls_pk_decrypt(&pk, hash, 0, out, &len, sizeof(out), no_rng, NULL),
			 MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED);
	assert_int_equal(mbedtls_pk_check_pair(&pk, &pk, no_rng, NULL),
			 MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED);
	mbedtls_pk_free(&pk);
}

/* The textbook key N = 61 * 53, E = 17, D = 2753. */
static void import(mbedtls_rsa_context *rsa, int with_d)
{
	mbedtls_mpi n, e, d;

	mbedtls_mpi_init(&n);
	mbedtls_mpi_init(&e);
	mbedtls_mpi_init(&d);
	assert_int_equal(mbedtls_mpi_lset(&n, 3233), 0);
	assert_int_equal(mbedtls_mpi_lset(&e, 17), 0);
	assert_int_equal(mbedtls_mpi_lset(&d, 2753), 0);
	mbedtls_rsa_init(rsa);
	assert_int_equal(mbedtls_rsa_import(rsa, &n, NULL, NULL, with_d ? &d : NULL, &e), 0);
	mbedtls_mpi_free(&n);
	mbedtls_mpi_free(&e);
	mbedtls_mpi_free(&d);
}

static void test_public_keys_complete_private_ones_do_not(void **state)
{
	mbedtls_rsa_context rsa;

	/* What a certificate's key takes: N and E, nothing to deduce. */
	import(&rsa, 0);
	assert_int_equal(mbedtls_rsa_complete(&rsa), 0);
	assert_int_equal(mbedtls_rsa_get_len(&rsa), 2);
	mbedtls_rsa_free(&rsa);
	/* N, E and D: the primes would have to be deduced, which is refused. */
	import(&rsa, 1);
	assert_int_not_equal(mbedtls_rsa_complete(&rsa), 0);
	mbedtls_rsa_free(&rsa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_decrypt_and_pair_check_are_refused),
		cmocka_unit_test(test_public_keys_complete_private_ones_do_not),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
