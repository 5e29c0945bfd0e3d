/* SPDX-License-Identifier: MIT */
/* RSA private-key operations mbedTLS's pk_wrap and rsa.c reach: refused, so no private-key code links. */
#include <mbedtls/error.h>
#include <mbedtls/rsa.h>

/*
 * mk/mbedtls.mk compiles pk_wrap.c with its three calls into rsa.c's private-key operations,
 * and rsa.c with its two into rsa_alt_helpers.c's private-key deductions, renamed to these:
 * Strata only verifies signatures and holds no private key, and without a caller
 * --gc-sections drops mbedTLS's RSA private operation, blinding, random numbers and key
 * deduction (about 6 KB of stage1). Verification goes through rsa.c's own functions unchanged.
 */
int rsa_public_only_sign(mbedtls_rsa_context *ctx, mbedtls_f_rng_t *f_rng, void *p_rng,
			 mbedtls_md_type_t md_alg, unsigned int hashlen, const unsigned char *hash,
			 unsigned char *sig);
int rsa_public_only_decrypt(mbedtls_rsa_context *ctx, mbedtls_f_rng_t *f_rng, void *p_rng,
			    size_t *olen, const unsigned char *input, unsigned char *output,
			    size_t output_max_len);
int rsa_public_only_check_pair(const mbedtls_rsa_context *pub, const mbedtls_rsa_context *prv);
int rsa_public_only_deduce_primes(const mbedtls_mpi *n, const mbedtls_mpi *e, const mbedtls_mpi *d,
				  mbedtls_mpi *p, mbedtls_mpi *q);
int rsa_public_only_deduce_private_exponent(const mbedtls_mpi *p, const mbedtls_mpi *q,
					    const mbedtls_mpi *e, mbedtls_mpi *d);

int rsa_public_only_sign(mbedtls_rsa_context *ctx, mbedtls_f_rng_t *f_rng, void *p_rng,
			 mbedtls_md_type_t md_alg, unsigned int hashlen, const unsigned char *hash,
			 unsigned char *sig)
{
	return MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED;
}

int rsa_public_only_decrypt(mbedtls_rsa_context *ctx, mbedtls_f_rng_t *f_rng, void *p_rng,
			    size_t *olen, const unsigned char *input, unsigned char *output,
			    size_t output_max_len)
{
	return MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED;
}

int rsa_public_only_check_pair(const mbedtls_rsa_context *pub, const mbedtls_rsa_context *prv)
{
	return MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED;
}

int rsa_public_only_deduce_primes(const mbedtls_mpi *n, const mbedtls_mpi *e, const mbedtls_mpi *d,
				  mbedtls_mpi *p, mbedtls_mpi *q)
{
	return MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED;
}

int rsa_public_only_deduce_private_exponent(const mbedtls_mpi *p, const mbedtls_mpi *q,
					    const mbedtls_mpi *e, mbedtls_mpi *d)
{
	return MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED;
}
