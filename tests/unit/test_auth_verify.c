/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/crypto/auth_verify.c: authenticated writes made here by openssl and efitools' sign-efi-sig-list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "include/efi/runtime_services.h"
#include "lib/crypto/auth_verify.h"
#include "lib/crypto/signature_list.h"
#include "lib/endian.h"

#ifndef SB_FIXTURES
#define SB_FIXTURES "build/tests/secure-boot"
#endif
#define TOOLS SB_FIXTURES "/root/usr/bin"
#define OWNER "11111111-2222-3333-4444-555555555555"
#define APPEND EFI_VARIABLE_APPEND_WRITE

static char work[] = "/tmp/strata-auth-XXXXXX";
static const EFI_GUID global = EFI_GLOBAL_VARIABLE;
static const EFI_GUID image_db = { 0xd719b2cb, 0x3d3a, 0x4596,
				   { 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f } };

struct blob {
	UINT8 *data;
	size_t size;
};

static struct blob load(const char *name)
{
	struct blob b = { 0 };
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", work, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	b.size = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	b.data = malloc(b.size ? b.size : 1);
	assert_non_null(b.data);
	assert_int_equal(fread(b.data, 1, b.size, f), b.size);
	fclose(f);
	return b;
}

static void sh(const char *fmt, ...)
{
	char cmd[4096], line[4400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "cd %s && PATH=%s:$PATH; set -e; exec >>log 2>&1; %s", work,
		 TOOLS, cmd);
	if (system(line) != 0)
		fail_msg("command failed: %s (see %s/log)", cmd, work);
}

/* PK, KEK, db keys and a stranger's; their lists; the .auth files of the cases below. */
static int make_keys(void **state)
{
	(void)state;
	if (!mkdtemp(work))
		return -1;
	sh("for n in PK KEK db other; do openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 "
	   "-subj /CN=strata-$n -keyout $n.key -out $n.crt; "
	   "cert-to-efi-sig-list -g " OWNER " $n.crt $n.esl; done");
	sh("cat db.esl other.esl >two.esl");
	sh("sign-efi-sig-list -t '2026-01-01 00:00:00' -k PK.key -c PK.crt PK PK.esl PK.auth");
	sh("sign-efi-sig-list -t '2026-01-02 00:00:00' -k PK.key -c PK.crt KEK KEK.esl KEK.auth");
	sh("sign-efi-sig-list -t '2026-01-03 00:00:00' -k KEK.key -c KEK.crt db db.esl db.auth");
	sh("sign-efi-sig-list -t '2026-01-03 00:00:00' -k other.key -c other.crt db db.esl db-other.auth");
	sh("sign-efi-sig-list -t '2026-01-04 00:00:00' -k PK.key -c PK.crt db db.esl db-pk.auth");
	sh("sign-efi-sig-list -a -t '2026-01-01 00:00:00' -k KEK.key -c KEK.crt db two.esl db-append.auth");
	sh("sign-efi-sig-list -t '2026-01-05 00:00:00' -k PK.key -c PK.crt PK /dev/null PK-delete.auth");
	/* The bundle signed by openssl, with signed attributes, in a ContentInfo. */
	sh("sign-efi-sig-list -o -t '2026-01-06 00:00:00' db db.esl db.bundle");
	sh("openssl smime -sign -binary -md sha256 -outform DER -in db.bundle -signer KEK.crt "
	   "-inkey KEK.key -out db.p7");
	return 0;
}

static int remove_keys(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", work);
	return system(cmd);
}

/* The decision on file as a write of (name, guid) by the given trusted lists (NULL: setup mode). */
static EFI_STATUS decide(const char *file, const CHAR16 *name, const EFI_GUID *guid, UINT32 extra,
			 const struct blob *trusted, const UINT8 *stored_time, struct auth_write *w,
			 struct blob *keep)
{
	struct blob b = load(file);
	static UINT8 merge[65536];
	EFI_STATUS status;

	w->trusted = trusted ? trusted->data : NULL;
	w->trusted_size = trusted ? trusted->size : 0;
	w->stored_time = stored_time;
	w->is_pk = name[0] == 'P';
	status = auth_write_check(name, guid, AUTH_WRITE_ATTRIBUTES | extra, b.data, b.size, w,
				  merge);
	if (keep)
		*keep = b;
	else
		free(b.data);
	return status;
}

static void test_good_writes(void **state)
{
	struct blob pk = load("PK.esl"), kek = load("KEK.esl"), db = load("db.esl"), file;
	struct auth_write w = { 0 };

	(void)state;
	/* Setup mode: no signature needed. User mode: PK signs PK and KEK, KEK (or PK) signs db. */
	assert_int_equal(decide("PK.auth", u"PK", &global, 0, NULL, NULL, &w, &file), EFI_SUCCESS);
	assert_int_equal(w.value_size, pk.size);
	assert_memory_equal(w.value, pk.data, pk.size);
	assert_int_equal(get_le16(w.time), 2026);
	assert_int_equal(w.time[2], 1);
	free(file.data);
	assert_int_equal(decide("PK.auth", u"PK", &global, 0, &pk, NULL, &w, NULL), EFI_SUCCESS);
	assert_int_equal(decide("KEK.auth", u"KEK", &global, 0, &pk, NULL, &w, &file), EFI_SUCCESS);
	assert_memory_equal(w.value, kek.data, kek.size);
	free(file.data);
	assert_int_equal(decide("db.auth", u"db", &image_db, 0, &kek, NULL, &w, &file), EFI_SUCCESS);
	assert_int_equal(w.value_size, db.size);
	assert_int_equal(w.time[3], 3);
	free(file.data);
	assert_int_equal(decide("db-pk.auth", u"db", &image_db, 0, &pk, NULL, &w, NULL), EFI_SUCCESS);
	/* A PK-signed empty payload deletes PK. */
	assert_int_equal(decide("PK-delete.auth", u"PK", &global, 0, &pk, NULL, &w, NULL),
			 EFI_SUCCESS);
	assert_int_equal(w.value_size, 0);
	free(pk.data);
	free(kek.data);
	free(db.data);
}

static void test_wrong_key_or_name(void **state)
{
	struct blob pk = load("PK.esl"), kek = load("KEK.esl");
	struct auth_write w = { 0 };

	(void)state;
	assert_int_equal(decide("db-other.auth", u"db", &image_db, 0, &kek, NULL, &w, NULL),
			 EFI_SECURITY_VIOLATION);
	/* KEK does not sign KEK, nor PK; a db write does not count for dbx. */
	assert_int_equal(decide("KEK.auth", u"KEK", &global, 0, &kek, NULL, &w, NULL),
			 EFI_SECURITY_VIOLATION);
	assert_int_equal(decide("db.auth", u"dbx", &image_db, 0, &kek, NULL, &w, NULL),
			 EFI_SECURITY_VIOLATION);
	assert_int_equal(decide("db.auth", u"db", &global, 0, &kek, NULL, &w, NULL),
			 EFI_SECURITY_VIOLATION);
	/* The attributes are part of what is signed: an append of a replace's signature fails. */
	assert_int_equal(decide("db.auth", u"db", &image_db, APPEND, &kek, NULL, &w, NULL),
			 EFI_SECURITY_VIOLATION);
	free(pk.data);
	free(kek.data);
}

static void test_replay_refused(void **state)
{
	struct blob kek = load("KEK.esl");
	struct auth_write w = { 0 };
	UINT8 stored[16] = { 0 };

	(void)state;
	put_le16(stored, 2026);
	stored[2] = 1;
	stored[3] = 3;	/* the same time as db.auth: not later, refused */
	assert_int_equal(decide("db.auth", u"db", &image_db, 0, &kek, stored, &w, NULL),
			 EFI_SECURITY_VIOLATION);
	stored[3] = 2;
	assert_int_equal(decide("db.auth", u"db", &image_db, 0, &kek, stored, &w, NULL), EFI_SUCCESS);
	/* Setup mode checks no timestamp (EDK2). */
	stored[3] = 9;
	assert_int_equal(decide("db.auth", u"db", &image_db, 0, NULL, stored, &w, NULL), EFI_SUCCESS);
	free(kek.data);
}

static void test_append_dedups_and_keeps_later_time(void **state)
{
	struct blob kek = load("KEK.esl"), db = load("db.esl"), two = load("two.esl");
	struct auth_write w = { 0 };
	UINT8 stored[16] = { 0 };
	struct blob file;

	(void)state;
	put_le16(stored, 2026);
	stored[2] = 1;
	stored[3] = 3;
	w.stored = db.data;
	w.stored_size = db.size;
	/* Older than the stored value, but an append skips the replay check. */
	assert_int_equal(decide("db-append.auth", u"db", &image_db, APPEND, &kek, stored, &w, &file),
			 EFI_SUCCESS);
	assert_int_equal(w.value_size, two.size);
	assert_memory_equal(w.value, two.data, two.size);
	assert_memory_equal(w.time, stored, 16);
	free(file.data);
	free(kek.data);
	free(db.data);
	free(two.data);
}

static void test_content_info_with_attributes(void **state)
{
	struct blob kek = load("KEK.esl"), bundle = load("db.bundle"), p7 = load("db.p7");
	struct blob db = load("db.esl");
	static const EFI_GUID pkcs7 = EFI_CERT_TYPE_PKCS7_GUID;
	size_t size = AUTH_VARIABLE_HEADER_SIZE + p7.size + db.size;
	UINT8 *buf = calloc(1, size);
	struct auth_write w = { 0 };

	(void)state;
	assert_non_null(buf);
	assert_int_equal(p7.data[4], 0x06); /* an OID: the signature is in a ContentInfo */
	/* The bundle is name, GUID, attributes, then the timestamp and the list. */
	memcpy(buf, bundle.data + 4 + 16 + 4, 16);
	put_le32(buf + 16, (UINT32)(24 + p7.size));
	put_le16(buf + 20, 0x0200);
	put_le16(buf + 22, 0x0ef1);
	memcpy(buf + 24, &pkcs7, 16);
	memcpy(buf + AUTH_VARIABLE_HEADER_SIZE, p7.data, p7.size);
	memcpy(buf + AUTH_VARIABLE_HEADER_SIZE + p7.size, db.data, db.size);
	w.trusted = kek.data;
	w.trusted_size = kek.size;
	assert_int_equal(auth_write_check(u"db", &image_db, AUTH_WRITE_ATTRIBUTES, buf, size, &w,
					  NULL),
			 EFI_SUCCESS);
	/* One changed byte of the list breaks the signature. */
	buf[size - 1] ^= 1;
	assert_int_equal(auth_write_check(u"db", &image_db, AUTH_WRITE_ATTRIBUTES, buf, size, &w,
					  NULL),
			 EFI_SECURITY_VIOLATION);
	free(buf);
	free(kek.data);
	free(bundle.data);
	free(p7.data);
	free(db.data);
}

static void test_bad_attributes_time_and_format(void **state)
{
	struct blob kek = load("KEK.esl"), pk = load("PK.esl");
	struct blob db = load("db.auth");
	struct auth_write w = { 0 };
	static UINT8 merge[65536];

	(void)state;
	w.trusted = kek.data;
	w.trusted_size = kek.size;
	/* Without TIME_AUTH, or without NON_VOLATILE: EFI_INVALID_PARAMETER. */
	assert_int_equal(auth_write_check(u"db", &image_db, 0x07, db.data, db.size, &w, merge),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(auth_write_check(u"db", &image_db, 0x26, db.data, db.size, &w, merge),
			 EFI_INVALID_PARAMETER);
	/* Pad1, Nanosecond, TimeZone, Daylight, Pad2 must be 0. */
	for (int i = 7; i < 16; i++) {
		db.data[i] ^= 1;
		assert_int_equal(auth_write_check(u"db", &image_db, AUTH_WRITE_ATTRIBUTES, db.data,
						  db.size, &w, merge),
				 EFI_SECURITY_VIOLATION);
		db.data[i] ^= 1;
	}
	/* Every truncation is refused; none verifies. */
	for (size_t cut = 0; cut < db.size; cut++)
		assert_int_not_equal(auth_write_check(u"db", &image_db, AUTH_WRITE_ATTRIBUTES,
						      db.data, cut, &w, merge),
				     EFI_SUCCESS);
	assert_int_equal(auth_write_check(u"db", &image_db, AUTH_WRITE_ATTRIBUTES, db.data, db.size,
					  &w, merge),
			 EFI_SUCCESS);
	free(db.data);
	/* PK holds one certificate: two are refused even in setup mode. */
	sh("cat PK.esl KEK.esl >PK2.esl && sign-efi-sig-list -t '2026-01-01 00:00:00' -k PK.key "
	   "-c PK.crt PK PK2.esl PK2.auth");
	db = load("PK2.auth");
	w.trusted = NULL;
	w.is_pk = TRUE;
	assert_int_equal(auth_write_check(u"PK", &global, AUTH_WRITE_ATTRIBUTES, db.data, db.size,
					  &w, merge),
			 EFI_INVALID_PARAMETER);
	free(db.data);
	free(kek.data);
	free(pk.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_writes),
		cmocka_unit_test(test_wrong_key_or_name),
		cmocka_unit_test(test_replay_refused),
		cmocka_unit_test(test_append_dedups_and_keeps_later_time),
		cmocka_unit_test(test_content_info_with_attributes),
		cmocka_unit_test(test_bad_attributes_time_and_format),
	};

	return cmocka_run_group_tests(tests, make_keys, remove_keys);
}
