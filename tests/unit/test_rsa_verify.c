/* SPDX-License-Identifier: MIT */
/* stage0's RSA check and the stage signature trailer against signatures openssl makes during the run. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/crypto/rsa_verify.h"
#include "lib/formats/stage_image.h"
#include "lib/sha256.h"

static char work[] = "/tmp/strata-rsa-XXXXXX";

static void sh(const char *fmt, ...)
{
	char cmd[2048], line[2400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "cd %s && set -e; exec >>log 2>&1; %s", work, cmd);
	if (system(line) != 0)
		fail_msg("command failed: %s (see %s/log)", cmd, work);
}

static size_t load(const char *name, UINT8 *buf, size_t max)
{
	char path[512];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", work, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, max, f);
	fclose(f);
	return n;
}

static void save(const char *name, const void *data, size_t size)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", work, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	fclose(f);
}

/* The modulus of NAME.pem as size big-endian bytes, from `openssl rsa -modulus`. */
static void modulus(const char *name, UINT8 *out, size_t size)
{
	char text[2048], file[64];
	size_t n;

	sh("openssl rsa -in %s.pem -noout -modulus | sed 's/^Modulus=//' | tr -d '\\n' > %s.mod",
	   name, name);
	snprintf(file, sizeof(file), "%s.mod", name);
	n = load(file, (UINT8 *)text, sizeof(text) - 1);
	text[n] = 0;
	assert_int_equal(n, 2 * size);
	for (size_t i = 0; i < size; i++) {
		unsigned v;

		assert_int_equal(sscanf(text + 2 * i, "%2x", &v), 1);
		out[i] = (UINT8)v;
	}
}

static UINT8 n3072[384], other3072[384], n2048[256];
static UINT8 digest[32];

static int setup(void **state)
{
	static const char message[] = "stage image header stand-in";

	assert_non_null(mkdtemp(work));
	sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out k.pem");
	sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out other.pem");
	sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out small.pem");
	modulus("k", n3072, sizeof(n3072));
	modulus("other", other3072, sizeof(other3072));
	modulus("small", n2048, sizeof(n2048));
	save("msg", message, strlen(message));
	sha256(message, strlen(message), digest);
	sh("openssl dgst -sha256 -sign k.pem -out msg.sig msg");
	sh("openssl dgst -sha256 -sign small.pem -out msg.small.sig msg");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", work);
	return system(cmd) == 0 ? 0 : -1;
}

static void good_signature_verifies(void **state)
{
	UINT8 sig[384], sig2[256];

	assert_int_equal(load("msg.sig", sig, sizeof(sig)), sizeof(sig));
	assert_int_equal(rsa_verify_pkcs1_sha256(n3072, sizeof(n3072), sig, digest), EFI_SUCCESS);
	/* Other sizes take the same path: a 2048-bit key. */
	assert_int_equal(load("msg.small.sig", sig2, sizeof(sig2)), sizeof(sig2));
	assert_int_equal(rsa_verify_pkcs1_sha256(n2048, sizeof(n2048), sig2, digest), EFI_SUCCESS);
}

static void wrong_key_or_digest_or_bit_fails(void **state)
{
	UINT8 sig[384], d[32];

	load("msg.sig", sig, sizeof(sig));
	assert_int_equal(rsa_verify_pkcs1_sha256(other3072, sizeof(other3072), sig, digest),
			 EFI_SECURITY_VIOLATION);
	memcpy(d, digest, sizeof(d));
	d[31] ^= 0x80;
	assert_int_equal(rsa_verify_pkcs1_sha256(n3072, sizeof(n3072), sig, d),
			 EFI_SECURITY_VIOLATION);
	for (size_t bit = 0; bit < 384 * 8; bit += 383) {
		sig[bit / 8] ^= (UINT8)(1u << (bit % 8));
		assert_int_equal(rsa_verify_pkcs1_sha256(n3072, sizeof(n3072), sig, digest),
				 EFI_SECURITY_VIOLATION);
		sig[bit / 8] ^= (UINT8)(1u << (bit % 8));
	}
	assert_int_equal(rsa_verify_pkcs1_sha256(n3072, sizeof(n3072), sig, digest), EFI_SUCCESS);
}

/* A raw RSA signature of an encoded message built wrong on purpose: the private op, no padding. */
static EFI_STATUS verify_raw_em(const UINT8 em[384])
{
	UINT8 sig[384];

	save("em", em, 384);
	sh("openssl pkeyutl -decrypt -inkey k.pem -pkeyopt rsa_padding_mode:none -in em -out "
	   "em.sig");
	assert_int_equal(load("em.sig", sig, sizeof(sig)), sizeof(sig));
	return rsa_verify_pkcs1_sha256(n3072, sizeof(n3072), sig, digest);
}

static void wrong_padding_fails(void **state)
{
	static const UINT8 info[19] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
					0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
	UINT8 em[384];

	/* The right encoding made by hand verifies: the cases below differ from it in one place. */
	memset(em, 0xff, sizeof(em));
	em[0] = 0;
	em[1] = 1;
	em[384 - 52] = 0;
	memcpy(em + 384 - 51, info, sizeof(info));
	memcpy(em + 384 - 32, digest, 32);
	assert_int_equal(verify_raw_em(em), EFI_SUCCESS);

	em[1] = 2; /* block type 2 (encryption) */
	assert_int_equal(verify_raw_em(em), EFI_SECURITY_VIOLATION);
	em[1] = 1;
	em[100] = 0xfe; /* a hole in the FF run */
	assert_int_equal(verify_raw_em(em), EFI_SECURITY_VIOLATION);
	em[100] = 0xff;
	em[384 - 52] = 0xff; /* no 00 separator */
	assert_int_equal(verify_raw_em(em), EFI_SECURITY_VIOLATION);
	em[384 - 52] = 0;
	em[384 - 51 + 14] = 0x02; /* SHA-384's OID arc in the DigestInfo */
	assert_int_equal(verify_raw_em(em), EFI_SECURITY_VIOLATION);
	em[384 - 51 + 14] = 0x01;
	/* The DigestInfo moved left with garbage after the hash (a lax parser's trap). */
	memmove(em + 384 - 52 - 8, em + 384 - 52, 52);
	memset(em + 384 - 8, 0x5a, 8);
	assert_int_equal(verify_raw_em(em), EFI_SECURITY_VIOLATION);
}

static void short_or_out_of_range_signature_fails(void **state)
{
	UINT8 sig[384] = { 0 };

	/* A 2048-bit key's signature where a 3072-bit one belongs (zero-extended). */
	load("msg.small.sig", sig + 128, 256);
	assert_int_equal(rsa_verify_pkcs1_sha256(n3072, sizeof(n3072), sig, digest),
			 EFI_SECURITY_VIOLATION);
	memset(sig, 0, sizeof(sig));
	assert_int_equal(rsa_verify_pkcs1_sha256(n3072, sizeof(n3072), sig, digest),
			 EFI_SECURITY_VIOLATION);
	sig[383] = 1;
	assert_int_equal(rsa_verify_pkcs1_sha256(n3072, sizeof(n3072), sig, digest),
			 EFI_SECURITY_VIOLATION);
	/* s = n and s > n are refused before any arithmetic. */
	memcpy(sig, n3072, sizeof(sig));
	assert_int_equal(rsa_verify_pkcs1_sha256(n3072, sizeof(n3072), sig, digest),
			 EFI_SECURITY_VIOLATION);
	memset(sig, 0xff, sizeof(sig));
	assert_int_equal(rsa_verify_pkcs1_sha256(n3072, sizeof(n3072), sig, digest),
			 EFI_SECURITY_VIOLATION);
}

static void unusable_keys_are_refused(void **state)
{
	UINT8 n[384], sig[384];

	load("msg.sig", sig, sizeof(sig));
	memcpy(n, n3072, sizeof(n));
	n[383] &= 0xfe; /* even */
	assert_int_equal(rsa_verify_pkcs1_sha256(n, sizeof(n), sig, digest), EFI_INVALID_PARAMETER);
	memcpy(n, n3072, sizeof(n));
	n[0] &= 0x7f; /* top bit clear */
	assert_int_equal(rsa_verify_pkcs1_sha256(n, sizeof(n), sig, digest), EFI_INVALID_PARAMETER);
	assert_int_equal(rsa_verify_pkcs1_sha256(n3072, 380, sig, digest), EFI_INVALID_PARAMETER);
	assert_int_equal(rsa_verify_pkcs1_sha256(n3072, 120, sig, digest), EFI_INVALID_PARAMETER);
}

/* The trailer the way mkimage signs it: over the 128 sealed header bytes. */
static void stage_signature_trailer(void **state)
{
	static UINT8 body[1000];
	struct stage_image_header h = { 0 };
	struct stage_image_signature sig = { 0 };
	struct stage_key_slot key = { 0 }, other = { 0 };

	memset(body, 0x90, sizeof(body));
	h.kind = STAGE_KIND_STAGE1;
	h.body_size = sizeof(body);
	h.memory_size = sizeof(body);
	strcpy(h.version_string, "test");
	stage_image_seal_header(&h, body);
	save("header", &h, sizeof(h));
	sh("openssl dgst -sha256 -sign k.pem -out header.sig header");
	assert_int_equal(load("header.sig", sig.signature, sizeof(sig.signature)), 384);

	memcpy(key.modulus, n3072, sizeof(key.modulus));
	stage_key_seal(&key);
	assert_int_equal(stage_key_check(&key), EFI_SUCCESS);
	memcpy(other.modulus, other3072, sizeof(other.modulus));
	stage_key_seal(&other);

	assert_int_equal(stage_image_verify_signature(&h, &sig, &key), EFI_NOT_FOUND);
	memcpy(sig.magic, STAGE_SIGNATURE_MAGIC, sizeof(sig.magic));
	sig.algorithm = STAGE_SIGN_RSA3072_SHA256;
	sig.size = sizeof(sig);
	memcpy(sig.key_id, key.key_id, sizeof(sig.key_id));
	assert_int_equal(stage_image_verify_signature(&h, &sig, &key), EFI_SUCCESS);
	assert_int_equal(stage_image_verify_signature(&h, &sig, &other), EFI_ACCESS_DENIED);
	/* Another key's id copied into the trailer does not help: the RSA check still fails. */
	memcpy(sig.key_id, other.key_id, sizeof(sig.key_id));
	assert_int_equal(stage_image_verify_signature(&h, &sig, &other), EFI_SECURITY_VIOLATION);
	memcpy(sig.key_id, key.key_id, sizeof(sig.key_id));
	h.image_version = 1; /* any header field, e.g. a downgrade's version */
	assert_int_equal(stage_image_verify_signature(&h, &sig, &key), EFI_SECURITY_VIOLATION);
	h.image_version = 0;
	sig.algorithm = 2;
	assert_int_equal(stage_image_verify_signature(&h, &sig, &key), EFI_UNSUPPORTED);
}

static void key_slot_checks(void **state)
{
	struct stage_key_slot key;

	memset(&key, 0xff, sizeof(key));
	assert_int_equal(stage_key_check(&key), EFI_NOT_FOUND); /* erased flash */
	memset(&key, 0, sizeof(key));
	memcpy(key.modulus, n3072, sizeof(key.modulus));
	stage_key_seal(&key);
	assert_int_equal(stage_key_check(&key), EFI_SUCCESS);
	key.modulus[10] ^= 1;
	assert_int_equal(stage_key_check(&key), EFI_CRC_ERROR);
	key.modulus[10] ^= 1;
	key.algorithm = 7;
	assert_int_equal(stage_key_check(&key), EFI_CRC_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_signature_verifies),
		cmocka_unit_test(wrong_key_or_digest_or_bit_fails),
		cmocka_unit_test(wrong_padding_fails),
		cmocka_unit_test(short_or_out_of_range_signature_fails),
		cmocka_unit_test(unusable_keys_are_refused),
		cmocka_unit_test(stage_signature_trailer),
		cmocka_unit_test(key_slot_checks),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
