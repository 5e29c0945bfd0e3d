/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/crypto (Authenticode, PKCS#7, policy): Debian's signed binaries, and chains made by openssl and sbsign here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/crypto/authenticode.h"
#include "lib/crypto/image_verify.h"
#include "lib/crypto/pkcs7.h"
#include "lib/crypto/signature_list.h"
#include "lib/endian.h"

/* mbedtls_md_type_t values (mbedtls/md.h), kept out of the test's includes. */
#define MD_SHA1 5
#define MD_SHA256 9

/* Made by tests/unit/secure_boot_fixtures.sh (make builds it before this test). */
#ifndef SB_FIXTURES
#define SB_FIXTURES "build/tests/secure-boot"
#endif
#define TOOLS SB_FIXTURES "/root/usr/bin"

static char work[] = "/tmp/strata-sb-XXXXXX";

struct blob {
	UINT8 *data;
	size_t size;
};

static struct blob load(const char *fmt, ...)
{
	struct blob b = { 0 };
	char path[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (make builds the fixtures)", path);
	fseek(f, 0, SEEK_END);
	b.size = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	b.data = malloc(b.size ? b.size : 1);
	assert_non_null(b.data);
	assert_int_equal(fread(b.data, 1, b.size, f), b.size);
	fclose(f);
	return b;
}

/* Run a shell command in the work directory with the fixture tools first in PATH. */
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

/* Every signature of an image parses, and the digest it signs is the image's Authenticode hash. */
static UINTN check_signed_binary(const char *name, int *ret_signers)
{
	struct blob img = load(SB_FIXTURES "/%s", name);
	struct authenticode_signature sigs[AUTHENTICODE_MAX_SIGNATURES];
	UINT8 digest[AUTHENTICODE_MAX_DIGEST];
	struct pkcs7 p7;
	UINTN count, size, i;

	*ret_signers = 0;
	assert_int_equal(authenticode_signatures(img.data, img.size, sigs, 8, &count), EFI_SUCCESS);
	for (i = 0; i < count; i++) {
		assert_int_equal(pkcs7_parse(sigs[i].der, sigs[i].size, &p7), EFI_SUCCESS);
		assert_int_equal(p7.image_md, MD_SHA256);
		assert_int_equal(p7.image_digest_size, 32);
		assert_int_equal(authenticode_hash(img.data, img.size, p7.image_md, digest, &size),
				 EFI_SUCCESS);
		assert_int_equal(size, 32);
		assert_memory_equal(digest, p7.image_digest, 32);
		assert_true(p7.certs_size > 0);
		assert_true(p7.signers[0].attrs && p7.signers[0].message_digest_size == 32);
		*ret_signers += (int)p7.signer_count;
	}
	/* One changed byte in the first section changes the hash. */
	img.data[get_le32(img.data + 0x3c) + 4 + 20 + get_le16(img.data + get_le32(img.data + 0x3c) + 20) + 20 + 1] ^= 1;
	if (count) {
		assert_int_equal(authenticode_hash(img.data, img.size, MD_SHA256, digest, &size),
				 EFI_SUCCESS);
		assert_memory_not_equal(digest, p7.image_digest, 32);
	}
	free(img.data);
	return count;
}

static void test_shim_has_two_signatures_matching_its_hash(void **state)
{
	int signers;

	assert_int_equal(check_signed_binary("shimx64.efi.signed", &signers), 2);
	assert_int_equal(signers, 2);
}

static void test_grub_signature_matches_its_hash(void **state)
{
	int signers;

	assert_int_equal(check_signed_binary("grubx64.efi.signed", &signers), 1);
	assert_int_equal(signers, 1);
}

static void test_kernel_signature_matches_its_hash(void **state)
{
	int signers;

	assert_int_equal(check_signed_binary("vmlinuz.signed", &signers), 1);
	assert_int_equal(signers, 1);
}

static void test_unsigned_shim_has_no_signature(void **state)
{
	struct blob img = load(SB_FIXTURES "/shimx64.efi");
	struct authenticode_signature sigs[2];
	UINT8 d256[64], d1[64];
	UINTN count, s256, s1;

	assert_int_equal(authenticode_signatures(img.data, img.size, sigs, 2, &count), EFI_SUCCESS);
	assert_int_equal(count, 0);
	assert_int_equal(authenticode_hash(img.data, img.size, MD_SHA256, d256, &s256), EFI_SUCCESS);
	assert_int_equal(authenticode_hash(img.data, img.size, MD_SHA1, d1, &s1), EFI_SUCCESS);
	assert_int_equal(s256, 32);
	assert_int_equal(s1, 20);
	free(img.data);
}

/* The certificate table's directory entry of an image: file offsets of VirtualAddress and Size. */
static size_t security_dir(const UINT8 *f)
{
	size_t opt = get_le32(f + 0x3c) + 24;

	return opt + 112 + 4 * 8;
}

static void test_cert_table_truncated_or_overlong(void **state)
{
	struct blob img = load(SB_FIXTURES "/shimx64.efi.signed");
	struct authenticode_signature sigs[8];
	size_t dir = security_dir(img.data);
	UINT32 off = get_le32(img.data + dir), size = get_le32(img.data + dir + 4);
	UINT32 first = get_le32(img.data + off);
	UINTN count, cut;

	assert_true(off + size == img.size);
	/* Every file size that cuts into the table. */
	for (cut = off; cut < img.size; cut += 97) {
		assert_int_equal(authenticode_signatures(img.data, cut, sigs, 8, &count),
				 EFI_SECURITY_VIOLATION);
	}
	/* A table that does not end on an entry. */
	put_le32(img.data + dir + 4, size - 8);
	assert_int_equal(authenticode_signatures(img.data, img.size, sigs, 8, &count),
			 EFI_SECURITY_VIOLATION);
	put_le32(img.data + dir + 4, size);
	/* An entry longer than the table, or shorter than its own header. */
	put_le32(img.data + off, size + 1);
	assert_int_equal(authenticode_signatures(img.data, img.size, sigs, 8, &count),
			 EFI_SECURITY_VIOLATION);
	put_le32(img.data + off, 7);
	assert_int_equal(authenticode_signatures(img.data, img.size, sigs, 8, &count),
			 EFI_SECURITY_VIOLATION);
	put_le32(img.data + off, first);
	/* The table starting inside the headers. */
	put_le32(img.data + dir, 0x10);
	assert_int_equal(authenticode_signatures(img.data, img.size, sigs, 8, &count),
			 EFI_SECURITY_VIOLATION);
	put_le32(img.data + dir, off);
	assert_int_equal(authenticode_signatures(img.data, img.size, sigs, 8, &count), EFI_SUCCESS);
	assert_int_equal(count, 2);
	/* More signatures than the caller can check is a refusal, not a partial list. */
	assert_int_equal(authenticode_signatures(img.data, img.size, sigs, 1, &count),
			 EFI_SECURITY_VIOLATION);
	/* Every truncation of the headers is refused, never read past. */
	for (cut = 0; cut < 0x400; cut += 7)
		assert_int_not_equal(authenticode_signatures(img.data, cut, sigs, 8, &count),
				     EFI_SUCCESS);
	free(img.data);
}

static void test_pkcs7_truncated(void **state)
{
	struct blob img = load(SB_FIXTURES "/grubx64.efi.signed");
	struct authenticode_signature sigs[1];
	struct pkcs7 p7;
	UINTN count, cut;

	assert_int_equal(authenticode_signatures(img.data, img.size, sigs, 1, &count), EFI_SUCCESS);
	for (cut = 0; cut < sigs[0].size; cut += 13) {
		/* Truncation inside the last signer's trailing fields may still parse; never crash. */
		EFI_STATUS s = pkcs7_parse(sigs[0].der, cut, &p7);

		assert_true(s == EFI_SECURITY_VIOLATION || s == EFI_UNSUPPORTED);
	}
	free(img.data);
}

/* An ESL file of the work directory. */
static struct blob esl(const char *name)
{
	return load("%s/%s", work, name);
}

static EFI_STATUS verify(const char *image, const char *db, const char *dbx, const char **reason)
{
	struct blob img = load("%s/%s", work, image);
	struct blob d = db ? esl(db) : (struct blob){ 0 };
	struct blob x = dbx ? esl(dbx) : (struct blob){ 0 };
	struct image_verify_keys keys = { d.data, d.size, x.data, x.size };
	EFI_STATUS status;

	*reason = "";
	status = image_verify(img.data, img.size, &keys, reason);
	free(img.data);
	free(d.data);
	free(x.data);
	return status;
}

#define ALLOWED(img, db, dbx) assert_int_equal(verify(img, db, dbx, &reason), EFI_SUCCESS)
#define DENIED(img, db, dbx, why)                                                         \
	do {                                                                              \
		assert_int_equal(verify(img, db, dbx, &reason), EFI_ACCESS_DENIED);       \
		assert_string_equal(reason, why);                                         \
	} while (0)

#define GUID "11111111-2222-3333-4444-555555555555"

/* Keys: root -> intermediate -> signer, an expired signer under root, an unrelated "other" root. */
static int make_keys(void **state)
{
	if (!mkdtemp(work))
		return -1;
	sh("cp %s/shimx64.efi plain.efi", SB_FIXTURES);
	sh("printf 'basicConstraints=critical,CA:TRUE\\nkeyUsage=keyCertSign,cRLSign,digitalSignature\\n' >ca.ext");
	sh("printf 'basicConstraints=CA:FALSE\\nextendedKeyUsage=codeSigning\\n' >leaf.ext");
	sh("for n in root other; do openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 "
	   "-subj /CN=strata-$n -keyout $n.key -out $n.crt -addext keyUsage=keyCertSign,digitalSignature; done");
	sh("openssl req -new -newkey rsa:2048 -nodes -subj /CN=strata-int -keyout int.key -out int.csr");
	sh("openssl x509 -req -in int.csr -CA root.crt -CAkey root.key -set_serial 2 -days 3650 "
	   "-sha256 -extfile ca.ext -out int.crt");
	sh("openssl req -new -newkey rsa:2048 -nodes -subj /CN=strata-signer -keyout signer.key -out signer.csr");
	sh("openssl x509 -req -in signer.csr -CA int.crt -CAkey int.key -set_serial 3 -days 3650 "
	   "-sha256 -extfile leaf.ext -out signer.crt");
	sh("openssl req -new -newkey rsa:2048 -nodes -subj /CN=strata-expired -keyout exp.key -out exp.csr");
	sh("openssl x509 -req -in exp.csr -CA root.crt -CAkey root.key -set_serial 4 -days -1 "
	   "-sha256 -extfile leaf.ext -out exp.crt");
	/* Images: chain-signed, expired-signed, self-signed by "other", both signatures, forged. */
	sh("sbsign --key signer.key --cert signer.crt --addcert int.crt --output chain.efi plain.efi");
	sh("sbsign --key exp.key --cert exp.crt --output expired.efi plain.efi");
	sh("sbsign --key other.key --cert other.crt --output other.efi plain.efi");
	sh("sbsign --key other.key --cert other.crt --output two.efi chain.efi");
	sh("cp chain.efi forged.efi && printf 'X' | dd of=forged.efi bs=1 seek=4096 conv=notrunc");
	/* Signature lists, by efitools. */
	sh("for n in root other int signer exp; do cert-to-efi-sig-list -g " GUID " $n.crt $n.esl; done");
	sh("cert-to-efi-hash-list -g " GUID " -s 256 signer.crt signer-tbs.esl");
	sh("cert-to-efi-hash-list -g " GUID " -s 512 int.crt int-tbs.esl");
	/* Of the unsigned image, padded to 8 bytes as sbsign pads: the hash of every signed copy too. */
	sh("hash-to-efi-sig-list plain.efi plain-hash.esl");
	sh("cat other.esl root.esl >other-root.esl");
	return 0;
}

static int remove_keys(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", work);
	return system(cmd);
}

static void test_chain_anchored_at_any_level(void **state)
{
	const char *reason;

	ALLOWED("chain.efi", "root.esl", NULL);
	ALLOWED("chain.efi", "int.esl", NULL);
	ALLOWED("chain.efi", "signer.esl", NULL);
	ALLOWED("chain.efi", "other-root.esl", NULL);
	DENIED("chain.efi", "other.esl", NULL, "no signature trusted by db");
	DENIED("chain.efi", NULL, NULL, "no signature trusted by db");
}

static void test_expired_signer_is_still_trusted(void **state)
{
	const char *reason;

	/* UEFI ignores certificate expiry (EDK2, shim): shim's 2011 chain expired in 2026. */
	ALLOWED("expired.efi", "root.esl", NULL);
	ALLOWED("expired.efi", "exp.esl", NULL);
	DENIED("expired.efi", "other.esl", NULL, "no signature trusted by db");
}

static void test_dbx_revokes_cert_or_hash(void **state)
{
	const char *reason;

	DENIED("chain.efi", "root.esl", "signer.esl", "signer certificate in dbx");
	DENIED("chain.efi", "root.esl", "int.esl", "signer certificate in dbx");
	DENIED("chain.efi", "root.esl", "root.esl", "signer certificate in dbx");
	DENIED("chain.efi", "root.esl", "signer-tbs.esl", "signer certificate in dbx");
	DENIED("chain.efi", "root.esl", "int-tbs.esl", "signer certificate in dbx");
	DENIED("chain.efi", "root.esl", "plain-hash.esl", "image hash in dbx");
	DENIED("two.efi", "root.esl", "plain-hash.esl", "image hash in dbx");
	ALLOWED("chain.efi", "root.esl", "other.esl");
}

static void test_two_signatures(void **state)
{
	const char *reason;

	ALLOWED("two.efi", "root.esl", NULL);
	ALLOWED("two.efi", "other.esl", NULL);
	DENIED("two.efi", "root.esl", "other.esl", "signer certificate in dbx");
	DENIED("two.efi", "exp.esl", NULL, "no signature trusted by db");
}

static void test_forged_and_unsigned(void **state)
{
	const char *reason;

	DENIED("forged.efi", "root.esl", NULL, "no signature trusted by db");
	DENIED("plain.efi", "root.esl", NULL, "unsigned, hash not in db");
	ALLOWED("plain.efi", "plain-hash.esl", NULL);
	DENIED("plain.efi", "plain-hash.esl", "plain-hash.esl", "image hash in dbx");
	/* A signed image is allowed by its hash in db even when no signature is trusted. */
	ALLOWED("chain.efi", "plain-hash.esl", NULL);
	ALLOWED("two.efi", "plain-hash.esl", NULL);
	DENIED("forged.efi", "plain-hash.esl", NULL, "no signature trusted by db");
}

/* Debian's own chain: GRUB and the kernel are signed by keys under the Debian CA. */
static void test_debian_ca_trusts_grub_and_kernel(void **state)
{
	const char *reason;

	sh("cp %s/grubx64.efi.signed grub.efi && cp %s/vmlinuz.signed vmlinuz.efi", SB_FIXTURES,
	   SB_FIXTURES);
	sh("openssl x509 -inform DER -in %s/debian-uefi-ca.der -out debian.crt && "
	   "cert-to-efi-sig-list -g " GUID " debian.crt debian.esl", SB_FIXTURES);
	ALLOWED("grub.efi", "debian.esl", NULL);
	ALLOWED("vmlinuz.efi", "debian.esl", NULL);
	DENIED("grub.efi", "root.esl", NULL, "no signature trusted by db");
	DENIED("grub.efi", "debian.esl", "debian.esl", "signer certificate in dbx");
}

/* Malformed databases refuse everything rather than trusting nothing or everything. */
static void test_malformed_db_refuses(void **state)
{
	const char *reason;

	sh("head -c 40 root.esl >torn.esl");
	DENIED("chain.efi", "torn.esl", NULL, "db is malformed");
	DENIED("chain.efi", "root.esl", "torn.esl", "dbx is malformed");
	DENIED("root.esl", "root.esl", NULL, "not a PE image");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shim_has_two_signatures_matching_its_hash),
		cmocka_unit_test(test_grub_signature_matches_its_hash),
		cmocka_unit_test(test_kernel_signature_matches_its_hash),
		cmocka_unit_test(test_unsigned_shim_has_no_signature),
		cmocka_unit_test(test_cert_table_truncated_or_overlong),
		cmocka_unit_test(test_pkcs7_truncated),
	};
	const struct CMUnitTest chains[] = {
		cmocka_unit_test(test_chain_anchored_at_any_level),
		cmocka_unit_test(test_expired_signer_is_still_trusted),
		cmocka_unit_test(test_dbx_revokes_cert_or_hash),
		cmocka_unit_test(test_two_signatures),
		cmocka_unit_test(test_forged_and_unsigned),
		cmocka_unit_test(test_debian_ca_trusts_grub_and_kernel),
		cmocka_unit_test(test_malformed_db_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) |
	       cmocka_run_group_tests(chains, make_keys, remove_keys);
}
