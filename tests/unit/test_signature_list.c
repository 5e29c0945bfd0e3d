/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/crypto/signature_list.c: lists built byte by byte, every truncation, every bad size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto/signature_list.h"
#include "lib/endian.h"

static const EFI_GUID x509 = EFI_CERT_X509_GUID;
static const EFI_GUID sha256 = EFI_CERT_SHA256_GUID;
static const EFI_GUID x509_sha256 = EFI_CERT_X509_SHA256_GUID;
static const EFI_GUID owner = { 0x77fa9abd, 0x0359, 0x4d32, { 0xbd, 0x60, 0x28, 0xf4, 0xe7, 0x8f, 0x78, 0x4b } };

/* Append one list of count entries of data_size bytes (entry i filled with seed + i) to buf. */
static size_t add_list(UINT8 *buf, size_t off, const EFI_GUID *type, UINT32 header_size,
		       UINT32 count, UINT32 data_size, UINT8 seed)
{
	UINT32 sig_size = 16 + data_size, list_size = 28 + header_size + count * sig_size;
	UINT8 *p = buf + off;
	UINT32 i;

	memcpy(p, type, 16);
	put_le32(p + 16, list_size);
	put_le32(p + 20, header_size);
	put_le32(p + 24, sig_size);
	memset(p + 28, 0xee, header_size);
	for (i = 0; i < count; i++) {
		UINT8 *e = p + 28 + header_size + i * sig_size;

		memcpy(e, &owner, 16);
		memset(e + 16, seed + i, data_size);
	}
	return off + list_size;
}

/* db-like buffer: 2 certificates (100 bytes), 1 SHA-256, 1 empty list, 1 X509_SHA256 with time. */
static size_t sample(UINT8 *buf, size_t *boundaries)
{
	size_t off = 0;

	boundaries[0] = off = add_list(buf, off, &x509, 0, 2, 100, 0x10);
	boundaries[1] = off = add_list(buf, off, &sha256, 0, 1, 32, 0x20);
	boundaries[2] = off = add_list(buf, off, &x509, 4, 0, 100, 0);
	boundaries[3] = off = add_list(buf, off, &x509_sha256, 0, 1, 48, 0x30);
	return off;
}

static void test_walk_every_entry(void **state)
{
	UINT8 buf[1024], want[100];
	size_t b[4], size = sample(buf, b);
	struct signature_cursor cursor = { 0 };
	struct signature_entry e;

	assert_int_equal(signature_list_check(buf, size), EFI_SUCCESS);
	assert_int_equal(signature_list_next(buf, size, &cursor, &e), EFI_SUCCESS);
	assert_true(signature_guid_equal(&e.type, &x509));
	assert_true(signature_guid_equal(&e.owner, &owner));
	assert_int_equal(e.size, 100);
	assert_int_equal(e.data[0], 0x10);
	assert_int_equal(signature_list_next(buf, size, &cursor, &e), EFI_SUCCESS);
	assert_int_equal(e.data[99], 0x11);
	assert_int_equal(signature_list_next(buf, size, &cursor, &e), EFI_SUCCESS);
	assert_true(signature_guid_equal(&e.type, &sha256));
	assert_int_equal(e.size, 32);
	/* The empty list is skipped. */
	assert_int_equal(signature_list_next(buf, size, &cursor, &e), EFI_SUCCESS);
	assert_true(signature_guid_equal(&e.type, &x509_sha256));
	assert_int_equal(signature_list_next(buf, size, &cursor, &e), EFI_NOT_FOUND);

	memset(want, 0x11, sizeof(want));
	assert_true(signature_list_contains(buf, size, &x509, want, 100));
	assert_false(signature_list_contains(buf, size, &x509, want, 99));
	assert_false(signature_list_contains(buf, size, &sha256, want, 32));
	memset(want, 0x20, 32);
	assert_true(signature_list_contains(buf, size, &sha256, want, 32));
	/* An X509_SHA256 entry matches its 32-byte hash, whatever the revocation time after it. */
	memset(want, 0x30, 32);
	assert_true(signature_list_contains(buf, size, &x509_sha256, want, 32));
	assert_true(signature_list_has_type(buf, size, &x509_sha256));
	assert_int_equal(signature_list_check(buf, 0), EFI_SUCCESS);
}

static void test_every_truncation(void **state)
{
	UINT8 buf[1024];
	size_t b[4], size = sample(buf, b), cut;

	for (cut = 0; cut < size; cut++) {
		BOOLEAN boundary = cut == 0 || cut == b[0] || cut == b[1] || cut == b[2];
		struct signature_cursor cursor = { 0 };
		struct signature_entry e;
		EFI_STATUS s;
		int n = 0;

		assert_int_equal(signature_list_check(buf, cut),
				 boundary ? EFI_SUCCESS : EFI_SECURITY_VIOLATION);
		/* The walk never reads past cut, and stops with an error on a torn list. */
		while ((s = signature_list_next(buf, cut, &cursor, &e)) == EFI_SUCCESS) {
			assert_true(e.data + e.size <= buf + cut);
			n++;
		}
		assert_true(s == EFI_NOT_FOUND || s == EFI_SECURITY_VIOLATION);
		assert_true(n <= 4);
	}
}

static void test_bad_sizes(void **state)
{
	UINT8 buf[512];
	size_t size;

	size = add_list(buf, 0, &x509, 0, 2, 100, 1);
	put_le32(buf + 16, (UINT32)size + 1); /* list past the buffer */
	assert_int_equal(signature_list_check(buf, size), EFI_SECURITY_VIOLATION);
	put_le32(buf + 16, 27); /* smaller than its header */
	assert_int_equal(signature_list_check(buf, size), EFI_SECURITY_VIOLATION);
	put_le32(buf + 16, (UINT32)size);
	put_le32(buf + 20, (UINT32)size); /* SignatureHeaderSize past the list */
	assert_int_equal(signature_list_check(buf, size), EFI_SECURITY_VIOLATION);
	put_le32(buf + 20, 0xfffffff0u);
	assert_int_equal(signature_list_check(buf, size), EFI_SECURITY_VIOLATION);
	put_le32(buf + 20, 0);
	put_le32(buf + 24, 16); /* an entry with only its owner */
	assert_int_equal(signature_list_check(buf, size), EFI_SECURITY_VIOLATION);
	put_le32(buf + 24, 0);
	assert_int_equal(signature_list_check(buf, size), EFI_SECURITY_VIOLATION);
	put_le32(buf + 24, 117); /* not a whole number of entries */
	assert_int_equal(signature_list_check(buf, size), EFI_SECURITY_VIOLATION);
	put_le32(buf + 24, 116);
	assert_int_equal(signature_list_check(buf, size), EFI_SUCCESS);

	/* Hash types have a fixed size. */
	size = add_list(buf, 0, &sha256, 0, 1, 31, 1);
	assert_int_equal(signature_list_check(buf, size), EFI_SECURITY_VIOLATION);
	size = add_list(buf, 0, &x509_sha256, 0, 1, 32, 1); /* without its EFI_TIME */
	assert_int_equal(signature_list_check(buf, size), EFI_SECURITY_VIOLATION);
	assert_int_equal(signature_type_fixed_size(&x509), 0);
	assert_int_equal(signature_type_fixed_size(&sha256), 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_every_entry),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_bad_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
