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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_time_order),
		cmocka_unit_test(test_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
