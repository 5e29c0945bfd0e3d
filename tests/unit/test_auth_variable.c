/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/crypto/auth_variable.c: descriptors built byte by byte, every truncation, bad fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto/auth_variable.h"
#include "lib/crypto/signature_list.h"
#include "lib/endian.h"

static const EFI_GUID pkcs7 = EFI_CERT_TYPE_PKCS7_GUID;

/* A descriptor at time (year, second) carrying der_size bytes of fake DER, then data_size bytes. */
static size_t build(UINT8 *buf, UINT16 year, UINT8 second, UINT32 der_size, UINT32 data_size)
{
	memset(buf, 0, AUTH_VARIABLE_HEADER_SIZE);
	put_le16(buf, year);
	buf[2] = 12;
	buf[3] = 3;
	buf[6] = second;
	put_le32(buf + 16, 24 + der_size);
	put_le16(buf + 20, 0x0200);
	put_le16(buf + 22, 0x0ef1);
	memcpy(buf + 24, &pkcs7, 16);
	memset(buf + AUTH_VARIABLE_HEADER_SIZE, 0x30, der_size);
	memset(buf + AUTH_VARIABLE_HEADER_SIZE + der_size, 0xd7, data_size);
	return AUTH_VARIABLE_HEADER_SIZE + der_size + data_size;
}

static void test_good(void **state)
{
	UINT8 buf[256];
	struct auth_variable av;
	size_t size = build(buf, 2026, 5, 100, 37);

	(void)state;
	assert_int_equal(auth_variable_parse(buf, size, &av), EFI_SUCCESS);
	assert_ptr_equal(av.timestamp, buf);
	assert_ptr_equal(av.pkcs7, buf + AUTH_VARIABLE_HEADER_SIZE);
	assert_int_equal(av.pkcs7_size, 100);
	assert_ptr_equal(av.data, buf + AUTH_VARIABLE_HEADER_SIZE + 100);
	assert_int_equal(av.data_size, 37);
	/* An empty value (a delete) is a valid descriptor. */
	size = build(buf, 2026, 5, 100, 0);
	assert_int_equal(auth_variable_parse(buf, size, &av), EFI_SUCCESS);
	assert_int_equal(av.data_size, 0);
}

static void test_every_truncation(void **state)
{
	UINT8 buf[256];
	struct auth_variable av;
	size_t size = build(buf, 2026, 5, 100, 0);

	(void)state;
	for (size_t cut = 0; cut < size; cut++)
		assert_int_equal(auth_variable_parse(buf, cut, &av), EFI_SECURITY_VIOLATION);
	assert_int_equal(auth_variable_parse(NULL, size, &av), EFI_SECURITY_VIOLATION);
}

static void test_bad_fields(void **state)
{
	UINT8 buf[256];
	struct auth_variable av;
	size_t size;

	(void)state;
	/* Each of Pad1, Nanosecond, TimeZone, Daylight, Pad2 set alone is refused. */
	for (size_t i = 7; i < AUTH_VARIABLE_TIME_SIZE; i++) {
		size = build(buf, 2026, 5, 100, 4);
		buf[i] = 1;
		assert_int_equal(auth_variable_parse(buf, size, &av), EFI_SECURITY_VIOLATION);
	}
	size = build(buf, 2026, 5, 100, 4);
	put_le16(buf + 20, 0x0100);
	assert_int_equal(auth_variable_parse(buf, size, &av), EFI_SECURITY_VIOLATION);
	size = build(buf, 2026, 5, 100, 4);
	put_le16(buf + 22, 0x0002);
	assert_int_equal(auth_variable_parse(buf, size, &av), EFI_SECURITY_VIOLATION);
	size = build(buf, 2026, 5, 100, 4);
	buf[24] ^= 1;
	assert_int_equal(auth_variable_parse(buf, size, &av), EFI_SECURITY_VIOLATION);
	/* dwLength: no DER at all, past the buffer, and wrapping when added to the time. */
	size = build(buf, 2026, 5, 100, 4);
	put_le32(buf + 16, 24);
	assert_int_equal(auth_variable_parse(buf, size, &av), EFI_SECURITY_VIOLATION);
	put_le32(buf + 16, size - 16 + 1);
	assert_int_equal(auth_variable_parse(buf, size, &av), EFI_SECURITY_VIOLATION);
	put_le32(buf + 16, 0xffffffffu);
	assert_int_equal(auth_variable_parse(buf, size, &av), EFI_SECURITY_VIOLATION);
	put_le32(buf + 16, size - 16);
	assert_int_equal(auth_variable_parse(buf, size, &av), EFI_SUCCESS);
	assert_int_equal(av.data_size, 0);
}

static void test_time_order(void **state)
{
	UINT8 a[256], b[256];

	(void)state;
	build(a, 2026, 5, 1, 0);
	build(b, 2026, 5, 1, 0);
	assert_int_equal(auth_variable_time_compare(a, b), 0);
	build(b, 2026, 6, 1, 0);
	assert_true(auth_variable_time_compare(a, b) < 0);
	assert_true(auth_variable_time_compare(b, a) > 0);
	/* The year is little-endian: 2027 (0x07eb) beats 2026 (0x07ea) even with a smaller second. */
	build(b, 2027, 0, 1, 0);
	assert_true(auth_variable_time_compare(a, b) < 0);
	build(b, 0x0800, 0, 1, 0);
	assert_true(auth_variable_time_compare(a, b) < 0);
	/* Month outranks day, hour, minute and second. */
	build(b, 2026, 5, 1, 0);
	b[2] = 11;
	b[3] = 31;
	assert_true(auth_variable_time_compare(a, b) > 0);
}

static void test_message(void **state)
{
	static const EFI_GUID owner = { 0x8be4df61, 0x93ca, 0x11d2,
					{ 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c } };
	UINT8 buf[256], out[256], want[256];
	struct auth_variable av;
	size_t size = build(buf, 2026, 5, 10, 3), n = 0;
	UINTN got;

	(void)state;
	assert_int_equal(auth_variable_parse(buf, size, &av), EFI_SUCCESS);
	/* "PK" as UCS-2 without its NUL, the GUID, attributes 0x67, the time, the data. */
	want[n++] = 'P', want[n++] = 0, want[n++] = 'K', want[n++] = 0;
	memcpy(want + n, &owner, 16), n += 16;
	put_le32(want + n, 0x67), n += 4;
	memcpy(want + n, buf, 16), n += 16;
	memset(want + n, 0xd7, 3), n += 3;
	got = auth_variable_message(u"PK", &owner, 0x67, &av, NULL);
	assert_int_equal(got, n);
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(auth_variable_message(u"PK", &owner, 0x67, &av, out), n);
	assert_memory_equal(out, want, n);
	assert_int_equal(out[n], 0xaa);
}

/* One list of count 4-byte entries (owner = seed, data = seed + i), as add_list in test_signature_list. */
static size_t esl(UINT8 *p, const EFI_GUID *type, UINT32 count, UINT8 seed)
{
	UINT32 size = 28 + count * 20;

	memcpy(p, type, 16);
	put_le32(p + 16, size);
	put_le32(p + 20, 0);
	put_le32(p + 24, 20);
	for (UINT32 i = 0; i < count; i++) {
		memset(p + 28 + i * 20, seed, 16);
		memset(p + 28 + i * 20 + 16, seed + i, 4);
	}
	return size;
}

static void test_append(void **state)
{
	static const EFI_GUID x509 = EFI_CERT_X509_GUID;
	UINT8 old[256], add[256], out[512];
	size_t old_size, add_size;
	UINTN out_size;

	(void)state;
	old_size = esl(old, &x509, 2, 1);		/* entries 1, 2 */
	add_size = esl(add, &x509, 3, 1);		/* 1, 2 known; 3 new */
	add_size += esl(add + add_size, &x509, 2, 1);	/* all known: the list goes */
	add_size += esl(add + add_size, &x509, 1, 9);	/* new */
	assert_int_equal(auth_variable_append(old, old_size, add, add_size, out, &out_size),
			 EFI_SUCCESS);
	assert_int_equal(out_size, old_size + 28 + 20 + 28 + 20);
	assert_memory_equal(out, old, old_size);
	assert_int_equal(get_le32(out + old_size + 16), 48);
	assert_int_equal(out[old_size + 28 + 16], 3);
	assert_int_equal(out[old_size + 48 + 28 + 16], 9);
	assert_int_equal(signature_list_check(out, out_size), EFI_SUCCESS);
	/* Nothing is a duplicate of an empty store. */
	add_size = esl(add, &x509, 2, 1);
	assert_int_equal(auth_variable_append(NULL, 0, add, add_size, out, &out_size), EFI_SUCCESS);
	assert_int_equal(out_size, add_size);
	/* A duplicate inside the appended lists themselves is kept once. */
	add_size = esl(add, &x509, 1, 5);
	add_size += esl(add + add_size, &x509, 1, 5);
	assert_int_equal(auth_variable_append(NULL, 0, add, add_size, out, &out_size), EFI_SUCCESS);
	assert_int_equal(out_size, 48);
	/* A malformed side is refused. */
	put_le32(add + 16, 1000);
	assert_int_equal(auth_variable_append(old, old_size, add, add_size, out, &out_size),
			 EFI_SECURITY_VIOLATION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_time_order),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_append),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
