/* SPDX-License-Identifier: MIT */
/* Strata's mbedTLS 3.6 configuration: only what verifying Authenticode signatures needs. */
#pragma once

/*
 * ASN.1, X.509 certificate parsing, RSA PKCS#1 v1.5 verification and the SHA family; no TLS, no
 * files, no network, no entropy (nothing here signs or makes keys). HAVE_TIME and HAVE_TIME_DATE
 * stay off: UEFI image verification ignores certificate expiry, as EDK2 and shim do, so the
 * expired Microsoft 2011 chain that still signs shim keeps working.
 */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_NO_UDBL_DIVISION
#define MBEDTLS_DEPRECATED_REMOVED

#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C /* pk_wrap re-encodes RSA keys */
#define MBEDTLS_OID_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_RSA_NO_CRT /* CRT speeds up private-key operations only, and nothing here has one */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA1_PROCESS_ALT /* lib/crypto/sha1_block.c: a loop, 5 KB less than the unrolled one */
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_SHA512_SMALLER
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_REMOVE_INFO

/*
 * Firmware: no libc. Memory comes from the part's own allocator through crypto_calloc and
 * crypto_free (stage1/core/security.c); string functions and snprintf are lib/'s. Host
 * builds (unit tests, fuzzers) keep libc's calloc and free.
 */
#ifndef STRATA_HOST
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_PLATFORM_CALLOC_MACRO crypto_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO crypto_free
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO snprintf
#define MBEDTLS_PLATFORM_STD_EXIT_SUCCESS 0
#define MBEDTLS_PLATFORM_STD_EXIT_FAILURE 1
void *crypto_calloc(__SIZE_TYPE__ count, __SIZE_TYPE__ size);
void crypto_free(void *buffer);
#endif
