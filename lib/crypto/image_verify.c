/* SPDX-License-Identifier: MIT */
/* db/dbx policy over the Authenticode hash and PKCS#7 signatures, as EDK2's DxeImageVerificationLib decides. */
#include <mbedtls/md.h>
#include <mbedtls/x509_crt.h>

#include "lib/crypto/authenticode.h"
#include "lib/crypto/image_verify.h"
#include "lib/crypto/pkcs7.h"
#include "lib/crypto/signature_list.h"
#include "lib/string.h"

#define MAX_CHAIN 8

static const EFI_GUID cert_x509 = EFI_CERT_X509_GUID;

/* Image hash and certificate hash types, with their mbedTLS algorithms. */
static const struct {
	EFI_GUID image;
	EFI_GUID cert;
	mbedtls_md_type_t md;
} hash_types[] = {
	{ EFI_CERT_SHA1_GUID, { 0 }, MBEDTLS_MD_SHA1 },
	{ EFI_CERT_SHA256_GUID, EFI_CERT_X509_SHA256_GUID, MBEDTLS_MD_SHA256 },
	{ EFI_CERT_SHA384_GUID, EFI_CERT_X509_SHA384_GUID, MBEDTLS_MD_SHA384 },
	{ EFI_CERT_SHA512_GUID, EFI_CERT_X509_SHA512_GUID, MBEDTLS_MD_SHA512 },
};

/*
 * Any RSA key of 1024 bits or more and any SHA: the Microsoft 2011 chain still signs with
 * SHA-256 and 2048-bit keys, but db entries are the owner's choice, not ours to second-guess.
 */
static const mbedtls_x509_crt_profile uefi_profile = {
	.allowed_mds = MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA1) | MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA224) |
		       MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256) | MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384) |
		       MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA512),
	.allowed_pks = MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_RSA),
	.allowed_curves = 0,
	.rsa_min_bitlen = 1024,
};

/* Whether the image's hash, in any algorithm the list has entries of, is in the list. */
static EFI_STATUS image_hash_listed(const void *file, UINTN file_size, const void *list,
				    UINTN list_size, BOOLEAN *ret_listed)
{
	UINT8 digest[AUTHENTICODE_MAX_DIGEST];
	UINTN i, size;
	EFI_STATUS status;

	*ret_listed = FALSE;
	for (i = 0; i < sizeof(hash_types) / sizeof(hash_types[0]); i++) {
		if (!signature_list_has_type(list, list_size, &hash_types[i].image))
			continue;
		status = authenticode_hash(file, file_size, hash_types[i].md, digest, &size);
		if (EFI_ERROR(status))
			return status;
		if (signature_list_contains(list, list_size, &hash_types[i].image, digest, size)) {
			*ret_listed = TRUE;
			return EFI_SUCCESS;
		}
	}
	return EFI_SUCCESS;
}

/* The bag's certificate whose subject is this one's issuer (not itself); NULL if none. */
static const mbedtls_x509_crt *find_issuer(const mbedtls_x509_crt *bag, const mbedtls_x509_crt *crt)
{
	for (; bag && bag->raw.p; bag = bag->next) {
		if (bag != crt && bag->subject_raw.len == crt->issuer_raw.len &&
		    memcmp(bag->subject_raw.p, crt->issuer_raw.p, crt->issuer_raw.len) == 0)
			return bag;
	}
	return NULL;
}

/* The signer's certificate in the bag, by issuer and serial number. */
static const mbedtls_x509_crt *find_signer(const mbedtls_x509_crt *bag, const struct pkcs7_signer *s)
{
	for (; bag && bag->raw.p; bag = bag->next) {
		if (bag->issuer_raw.len == s->issuer_size && bag->serial.len == s->serial_size &&
		    memcmp(bag->issuer_raw.p, s->issuer, s->issuer_size) == 0 &&
		    memcmp(bag->serial.p, s->serial, s->serial_size) == 0)
			return bag;
	}
	return NULL;
}

/* The signer's chain in the bag, signer first: path[0..*ret_len). */
static void build_path(const mbedtls_x509_crt *bag, const mbedtls_x509_crt *signer,
		       const mbedtls_x509_crt **path, UINTN *ret_len)
{
	UINTN n = 0, i;
	const mbedtls_x509_crt *c = signer;

	while (c && n < MAX_CHAIN) {
		for (i = 0; i < n; i++) {
			if (path[i] == c) /* a loop of cross-signed certificates */
				goto out;
		}
		path[n++] = c;
		c = find_issuer(bag, c);
	}
out:
	*ret_len = n;
}

/*
 * Whether an X.509 entry of list anchors the chain: it is one of the path's certificates (DER
 * equal, since mbedTLS does not accept a non-root leaf as its own anchor), or the chain (signer
 * first, the bag's other certificates as intermediates) verifies up to it.
 */
static EFI_STATUS chain_anchored(const void *list, UINTN list_size, mbedtls_x509_crt *chain,
				 const mbedtls_x509_crt **path, UINTN path_len, BOOLEAN *ret)
{
	struct signature_cursor cursor = { 0 };
	struct signature_entry entry;
	mbedtls_x509_crt anchor;
	uint32_t flags;
	UINTN i;
	int err;

	*ret = FALSE;
	while (!*ret && !EFI_ERROR(signature_list_next(list, list_size, &cursor, &entry))) {
		if (!signature_guid_equal(&entry.type, &cert_x509))
			continue;
		for (i = 0; i < path_len; i++) {
			if (path[i]->raw.len == entry.size &&
			    memcmp(path[i]->raw.p, entry.data, entry.size) == 0)
				*ret = TRUE;
		}
		if (*ret)
			break;
		mbedtls_x509_crt_init(&anchor);
		err = mbedtls_x509_crt_parse_der(&anchor, entry.data, entry.size);
		if (err == MBEDTLS_ERR_X509_ALLOC_FAILED) {
			mbedtls_x509_crt_free(&anchor);
			return EFI_OUT_OF_RESOURCES;
		}
		if (!err && mbedtls_x509_crt_verify_with_profile(chain, &anchor, NULL, &uefi_profile,
								 NULL, &flags, NULL, NULL) == 0)
			*ret = TRUE;
		mbedtls_x509_crt_free(&anchor);
	}
	return EFI_SUCCESS;
}

/* Whether dbx has the TBS hash of one of the path's certificates (X509_SHA256/384/512). */
static BOOLEAN path_hash_listed(const void *list, UINTN list_size, const mbedtls_x509_crt **path,
				UINTN path_len)
{
	UINT8 digest[MBEDTLS_MD_MAX_SIZE];
	const mbedtls_md_info_t *info;
	UINTN i, j;

	for (i = 1; i < sizeof(hash_types) / sizeof(hash_types[0]); i++) {
		if (!signature_list_has_type(list, list_size, &hash_types[i].cert))
			continue;
		info = mbedtls_md_info_from_type(hash_types[i].md);
		for (j = 0; j < path_len; j++) {
			if (mbedtls_md(info, path[j]->tbs.p, path[j]->tbs.len, digest) == 0 &&
			    signature_list_contains(list, list_size, &hash_types[i].cert, digest,
						    mbedtls_md_get_size(info)))
				return TRUE;
		}
	}
	return FALSE;
}

/*
 * Parse concatenated DER certificates into one list; a bad one is skipped (it signs nothing).
 * A SignedData without certificates gives p NULL and size 0: an empty bag.
 */
static EFI_STATUS parse_bag(const UINT8 *p, UINTN size, mbedtls_x509_crt *bag)
{
	const UINT8 *end;

	if (!p)
		return EFI_SUCCESS;
	end = p + size;
	while (end - p >= 4) {
		unsigned char *q = (unsigned char *)p;
		size_t len;

		if (mbedtls_asn1_get_tag(&q, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
			break;
		if (mbedtls_x509_crt_parse_der(bag, p, (size_t)(q + len - p)) ==
		    MBEDTLS_ERR_X509_ALLOC_FAILED)
			return EFI_OUT_OF_RESOURCES;
		p = q + len;
	}
	return EFI_SUCCESS;
}

/* The signer and then every other certificate of the bag, as mbedTLS's verify wants a chain. */
static EFI_STATUS leaf_chain(const mbedtls_x509_crt *bag, const mbedtls_x509_crt *signer,
			     mbedtls_x509_crt *chain)
{
	const mbedtls_x509_crt *c;

	if (mbedtls_x509_crt_parse_der(chain, signer->raw.p, signer->raw.len))
		return EFI_OUT_OF_RESOURCES;
	for (c = bag; c && c->raw.p; c = c->next) {
		if (c != signer && mbedtls_x509_crt_parse_der(chain, c->raw.p, c->raw.len) ==
					   MBEDTLS_ERR_X509_ALLOC_FAILED)
			return EFI_OUT_OF_RESOURCES;
	}
	return EFI_SUCCESS;
}

/* The verdict on one signature: *ret_revoked if dbx forbids a signer, *ret_trusted if db allows one. */
static EFI_STATUS check_signature(const void *file, UINTN file_size,
				  const struct authenticode_signature *sig,
				  const struct image_verify_keys *keys, BOOLEAN *ret_trusted,
				  BOOLEAN *ret_revoked)
{
	UINT8 digest[AUTHENTICODE_MAX_DIGEST];
	const mbedtls_x509_crt *path[MAX_CHAIN];
	mbedtls_x509_crt bag, chain;
	struct pkcs7 p7;
	UINTN i, size, path_len;
	BOOLEAN hit;
	EFI_STATUS status;

	if (EFI_ERROR(pkcs7_parse(sig->der, sig->size, &p7)))
		return EFI_SUCCESS; /* neither trusted nor revoked */
	/* A signature over another image (or a forged one) counts for nothing. */
	status = authenticode_hash(file, file_size, p7.image_md, digest, &size);
	if (EFI_ERROR(status))
		return status;
	if (size != p7.image_digest_size || memcmp(digest, p7.image_digest, size) != 0)
		return EFI_SUCCESS;

	mbedtls_x509_crt_init(&bag);
	status = parse_bag(p7.certs, p7.certs_size, &bag);
	for (i = 0; i < p7.signer_count && !EFI_ERROR(status); i++) {
		const mbedtls_x509_crt *signer = find_signer(&bag, &p7.signers[i]);

		if (!signer || EFI_ERROR(pkcs7_signer_verify(&p7, &p7.signers[i], signer)))
			continue;
		build_path(&bag, signer, path, &path_len);
		mbedtls_x509_crt_init(&chain);
		status = leaf_chain(&bag, signer, &chain);
		if (!EFI_ERROR(status))
			status = chain_anchored(keys->dbx, keys->dbx_size, &chain, path, path_len,
						&hit);
		if (!EFI_ERROR(status) &&
		    (hit || path_hash_listed(keys->dbx, keys->dbx_size, path, path_len)))
			*ret_revoked = TRUE;
		if (!EFI_ERROR(status) && !*ret_revoked)
			status = chain_anchored(keys->db, keys->db_size, &chain, path, path_len, &hit);
		if (!EFI_ERROR(status) && !*ret_revoked && hit)
			*ret_trusted = TRUE;
		mbedtls_x509_crt_free(&chain);
	}
	mbedtls_x509_crt_free(&bag);
	return status;
}

EFI_STATUS image_verify_signed_by(const struct pkcs7 *p7, const void *list, UINTN list_size,
				  BOOLEAN *ret_trusted)
{
	const mbedtls_x509_crt *path[MAX_CHAIN];
	mbedtls_x509_crt bag, chain;
	UINTN i, path_len;
	EFI_STATUS status;

	*ret_trusted = FALSE;
	mbedtls_x509_crt_init(&bag);
	status = parse_bag(p7->certs, p7->certs_size, &bag);
	for (i = 0; i < p7->signer_count && !EFI_ERROR(status) && !*ret_trusted; i++) {
		const mbedtls_x509_crt *signer = find_signer(&bag, &p7->signers[i]);

		if (!signer || EFI_ERROR(pkcs7_signer_verify(p7, &p7->signers[i], signer)))
			continue;
		build_path(&bag, signer, path, &path_len);
		mbedtls_x509_crt_init(&chain);
		status = leaf_chain(&bag, signer, &chain);
		if (!EFI_ERROR(status))
			status = chain_anchored(list, list_size, &chain, path, path_len, ret_trusted);
		mbedtls_x509_crt_free(&chain);
	}
	mbedtls_x509_crt_free(&bag);
	return status;
}

static EFI_STATUS deny(const char **ret_reason, const char *reason)
{
	if (ret_reason)
		*ret_reason = reason;
	return EFI_ACCESS_DENIED;
}

EFI_STATUS image_verify(const void *file, UINTN file_size, const struct image_verify_keys *keys,
			const char **ret_reason)
{
	struct authenticode_signature sigs[AUTHENTICODE_MAX_SIGNATURES];
	BOOLEAN listed, trusted = FALSE, revoked = FALSE;
	UINTN count, i;
	EFI_STATUS status;

	if (EFI_ERROR(signature_list_check(keys->dbx, keys->dbx_size)))
		return deny(ret_reason, "dbx is malformed");
	if (EFI_ERROR(signature_list_check(keys->db, keys->db_size)))
		return deny(ret_reason, "db is malformed");
	status = authenticode_signatures(file, file_size, sigs, AUTHENTICODE_MAX_SIGNATURES, &count);
	if (status == EFI_LOAD_ERROR)
		return deny(ret_reason, "not a PE image");
	if (EFI_ERROR(status))
		return deny(ret_reason, "malformed certificate table");

	status = image_hash_listed(file, file_size, keys->dbx, keys->dbx_size, &listed);
	if (EFI_ERROR(status))
		return deny(ret_reason, "sections outside the file");
	if (listed)
		return deny(ret_reason, "image hash in dbx");
	/* Every signature is checked against dbx, even after one trusted by db (EDK2 does too). */
	for (i = 0; i < count; i++) {
		status = check_signature(file, file_size, &sigs[i], keys, &trusted, &revoked);
		if (status == EFI_OUT_OF_RESOURCES)
			return status;
		if (EFI_ERROR(status))
			return deny(ret_reason, "sections outside the file");
		if (revoked)
			return deny(ret_reason, "signer certificate in dbx");
	}
	if (trusted)
		return EFI_SUCCESS;
	status = image_hash_listed(file, file_size, keys->db, keys->db_size, &listed);
	if (!EFI_ERROR(status) && listed)
		return EFI_SUCCESS;
	return deny(ret_reason, count ? "no signature trusted by db" : "unsigned, hash not in db");
}
