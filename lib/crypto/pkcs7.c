/* SPDX-License-Identifier: MIT */
/* Authenticode's PKCS#7 SignedData read with mbedTLS's ASN.1 reader, whose own pkcs7.c cannot take it. */
#include <mbedtls/asn1.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509_crt.h>

#include "lib/crypto/pkcs7.h"
#include "lib/string.h"

#define CONS_SEQ (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)
#define CONS_SET (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET)
#define CONS_CTX(n) (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_CONTEXT_SPECIFIC | (n))

/* 1.2.840.113549.1.7.2 signedData, 1.3.6.1.4.1.311.2.1.4 SPC_INDIRECT_DATA_OBJID, 1.2.840.113549.1.9.4 messageDigest */
static const UINT8 oid_signed_data[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };
static const UINT8 oid_spc_indirect[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x04 };
static const UINT8 oid_message_digest[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04 };
/* 1.2.840.113549.1.7.1 data: an authenticated variable's detached content */
static const UINT8 oid_data[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };

static BOOLEAN oid_is(const UINT8 *p, size_t len, const UINT8 *oid, size_t oid_len)
{
	return len == oid_len && memcmp(p, oid, oid_len) == 0;
}

/* Read an OID at *p and check it is the expected one. */
static int expect_oid(unsigned char **p, const unsigned char *end, const UINT8 *oid, size_t oid_len)
{
	size_t len;
	int err = mbedtls_asn1_get_tag(p, end, &len, MBEDTLS_ASN1_OID);

	if (err)
		return err;
	if (!oid_is(*p, len, oid, oid_len))
		return MBEDTLS_ERR_ASN1_UNEXPECTED_TAG;
	*p += len;
	return 0;
}

/* An AlgorithmIdentifier naming a hash; unknown ones give MD_NONE. */
static int get_md_alg(unsigned char **p, const unsigned char *end, int *ret_md)
{
	mbedtls_asn1_buf alg, params;
	mbedtls_md_type_t md = MBEDTLS_MD_NONE;
	int err = mbedtls_asn1_get_alg(p, end, &alg, &params);

	if (err)
		return err;
	if (mbedtls_oid_get_md_alg(&alg, &md))
		md = MBEDTLS_MD_NONE;
	*ret_md = md;
	return 0;
}

/* SpcIndirectDataContent's contents: data SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo. */
static int parse_indirect_data(unsigned char *p, const unsigned char *end, struct pkcs7 *ret)
{
	size_t len;
	int err;

	err = mbedtls_asn1_get_tag(&p, end, &len, CONS_SEQ);
	if (err)
		return err;
	p += len;
	err = mbedtls_asn1_get_tag(&p, end, &len, CONS_SEQ);
	if (err)
		return err;
	end = p + len;
	err = get_md_alg(&p, end, &ret->image_md);
	if (err)
		return err;
	err = mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_OCTET_STRING);
	if (err)
		return err;
	ret->image_digest = p;
	ret->image_digest_size = len;
	return 0;
}

/* authenticatedAttributes: only messageDigest matters to us; the rest is covered by the signature. */
static int parse_attributes(unsigned char *p, const unsigned char *end, struct pkcs7_signer *s)
{
	size_t len;
	int err;

	while (p < end) {
		unsigned char *attr_end;

		err = mbedtls_asn1_get_tag(&p, end, &len, CONS_SEQ);
		if (err)
			return err;
		attr_end = p + len;
		err = mbedtls_asn1_get_tag(&p, attr_end, &len, MBEDTLS_ASN1_OID);
		if (err)
			return err;
		if (oid_is(p, len, oid_message_digest, sizeof(oid_message_digest))) {
			p += len;
			err = mbedtls_asn1_get_tag(&p, attr_end, &len, CONS_SET);
			err = err ? err : mbedtls_asn1_get_tag(&p, attr_end, &len,
							     MBEDTLS_ASN1_OCTET_STRING);
			if (err)
				return err;
			s->message_digest = p;
			s->message_digest_size = len;
		}
		p = attr_end;
	}
	return s->message_digest ? 0 : MBEDTLS_ERR_ASN1_INVALID_DATA;
}

/* SignerInfo ::= SEQUENCE { version, issuerAndSerialNumber, digestAlgorithm, [0] attrs, digestEncryptionAlgorithm, encryptedDigest, ... } */
static int parse_signer(unsigned char *p, const unsigned char *end, struct pkcs7_signer *s)
{
	mbedtls_asn1_buf alg, params;
	unsigned char *ias_end;
	size_t len;
	int version, err;

	memset(s, 0, sizeof(*s));
	err = mbedtls_asn1_get_int(&p, end, &version);
	if (err)
		return err;
	/* Version 3 names the signer by subjectKeyIdentifier; Authenticode uses version 1. */
	if (version != 1)
		return MBEDTLS_ERR_ASN1_UNEXPECTED_TAG;
	err = mbedtls_asn1_get_tag(&p, end, &len, CONS_SEQ);
	if (err)
		return err;
	ias_end = p + len;
	s->issuer = p;
	err = mbedtls_asn1_get_tag(&p, ias_end, &len, CONS_SEQ);
	if (err)
		return err;
	p += len;
	s->issuer_size = (UINTN)(p - s->issuer);
	err = mbedtls_asn1_get_tag(&p, ias_end, &len, MBEDTLS_ASN1_INTEGER);
	if (err)
		return err;
	s->serial = p;
	s->serial_size = len;
	p = ias_end;
	err = get_md_alg(&p, end, &s->digest_md);
	if (err)
		return err;
	if (p < end && *p == CONS_CTX(0)) {
		s->attrs = p;
		err = mbedtls_asn1_get_tag(&p, end, &len, CONS_CTX(0));
		if (err)
			return err;
		s->attrs_size = (UINTN)(p + len - s->attrs);
		err = parse_attributes(p, p + len, s);
		if (err)
			return err;
		p += len;
	}
	err = mbedtls_asn1_get_alg(&p, end, &alg, &params);
	err = err ? err : mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_OCTET_STRING);
	if (err)
		return err;
	s->signature = p;
	s->signature_size = len;
	return 0;
}

static int parse_signed_data(unsigned char *p, const unsigned char *end, BOOLEAN detached,
			     struct pkcs7 *ret)
{
	unsigned char *ci_end, *set_end;
	size_t len;
	int version, err;

	err = mbedtls_asn1_get_tag(&p, end, &len, CONS_SEQ);
	if (err)
		return err;
	end = p + len;
	err = mbedtls_asn1_get_int(&p, end, &version);
	err = err ? err : mbedtls_asn1_get_tag(&p, end, &len, CONS_SET); /* digestAlgorithms */
	if (err)
		return err;
	p += len;

	/* contentInfo: SPC_INDIRECT_DATA, [0] EXPLICIT SpcIndirectDataContent */
	err = mbedtls_asn1_get_tag(&p, end, &len, CONS_SEQ);
	if (err)
		return err;
	ci_end = p + len;
	if (detached) {
		/* id-data with no content: the caller supplies what was signed. */
		err = expect_oid(&p, ci_end, oid_data, sizeof(oid_data));
		if (err || p != ci_end)
			return err ? err : MBEDTLS_ERR_ASN1_INVALID_DATA;
		goto certs;
	}
	err = expect_oid(&p, ci_end, oid_spc_indirect, sizeof(oid_spc_indirect));
	err = err ? err : mbedtls_asn1_get_tag(&p, ci_end, &len, CONS_CTX(0));
	err = err ? err : mbedtls_asn1_get_tag(&p, ci_end, &len, CONS_SEQ);
	if (err)
		return err;
	/* messageDigest covers the SEQUENCE's contents, without its tag and length. */
	ret->content = p;
	ret->content_size = len;
	err = parse_indirect_data(p, p + len, ret) ? MBEDTLS_ERR_ASN1_INVALID_DATA : 0;
	if (err)
		return err;
certs:
	p = ci_end;
	if (p < end && *p == CONS_CTX(0)) {
		err = mbedtls_asn1_get_tag(&p, end, &len, CONS_CTX(0));
		if (err)
			return err;
		ret->certs = p;
		ret->certs_size = len;
		p += len;
	}
	if (p < end && *p == CONS_CTX(1)) { /* crls, unused in Authenticode */
		err = mbedtls_asn1_get_tag(&p, end, &len, CONS_CTX(1));
		if (err)
			return err;
		p += len;
	}
	err = mbedtls_asn1_get_tag(&p, end, &len, CONS_SET);
	if (err)
		return err;
	set_end = p + len;
	while (p < set_end) {
		unsigned char *s_end;

		err = mbedtls_asn1_get_tag(&p, set_end, &len, CONS_SEQ);
		if (err)
			return err;
		s_end = p + len;
		/* A signer left unchecked could be the one dbx revokes: refuse instead. */
		if (ret->signer_count == PKCS7_MAX_SIGNERS)
			return MBEDTLS_ERR_ASN1_INVALID_DATA;
		err = parse_signer(p, s_end, &ret->signers[ret->signer_count]);
		if (err)
			return err;
		ret->signer_count++;
		p = s_end;
	}
	return ret->signer_count ? 0 : MBEDTLS_ERR_ASN1_INVALID_DATA;
}

EFI_STATUS pkcs7_parse(const void *der, UINTN size, struct pkcs7 *ret)
{
	unsigned char *p = (unsigned char *)der;
	const unsigned char *end = p + size;
	size_t len;
	UINTN i;
	int err;

	memset(ret, 0, sizeof(*ret));
	err = mbedtls_asn1_get_tag(&p, end, &len, CONS_SEQ);
	if (err)
		return EFI_SECURITY_VIOLATION;
	end = p + len;
	err = expect_oid(&p, end, oid_signed_data, sizeof(oid_signed_data));
	err = err ? err : mbedtls_asn1_get_tag(&p, end, &len, CONS_CTX(0));
	err = err ? err : parse_signed_data(p, p + len, FALSE, ret);
	if (err)
		return EFI_SECURITY_VIOLATION;
	if (ret->image_md == MBEDTLS_MD_NONE)
		return EFI_UNSUPPORTED;
	for (i = 0; i < ret->signer_count; i++) {
		if (ret->signers[i].digest_md == MBEDTLS_MD_NONE)
			return EFI_UNSUPPORTED;
	}
	return EFI_SUCCESS;
}

EFI_STATUS pkcs7_signer_verify(const struct pkcs7 *p7, const struct pkcs7_signer *signer,
			       const void *cert)
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(signer->digest_md);
	mbedtls_x509_crt *crt = (mbedtls_x509_crt *)cert;
	static const unsigned char set_tag = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET;
	unsigned char digest[MBEDTLS_MD_MAX_SIZE], hash[MBEDTLS_MD_MAX_SIZE];
	mbedtls_md_context_t md;
	size_t size;
	int err;

	if (!info)
		return EFI_SECURITY_VIOLATION;
	size = mbedtls_md_get_size(info);
	if (mbedtls_md(info, p7->content, p7->content_size, digest))
		return EFI_SECURITY_VIOLATION;
	if (!signer->attrs) {
		memcpy(hash, digest, size);
	} else {
		if (signer->message_digest_size != size ||
		    memcmp(signer->message_digest, digest, size) != 0)
			return EFI_SECURITY_VIOLATION;
		/* The signature covers the attributes' DER with the [0] IMPLICIT tag as SET OF. */
		mbedtls_md_init(&md);
		err = mbedtls_md_setup(&md, info, 0) || mbedtls_md_starts(&md) ||
		      mbedtls_md_update(&md, &set_tag, 1) ||
		      mbedtls_md_update(&md, signer->attrs + 1, signer->attrs_size - 1) ||
		      mbedtls_md_finish(&md, hash);
		mbedtls_md_free(&md);
		if (err)
			return EFI_SECURITY_VIOLATION;
	}
	if (mbedtls_pk_verify(&crt->pk, signer->digest_md, hash, size, signer->signature,
			      signer->signature_size))
		return EFI_SECURITY_VIOLATION;
	return EFI_SUCCESS;
}

EFI_STATUS pkcs7_parse_detached(const void *der, UINTN size, struct pkcs7 *ret)
{
	unsigned char *p = (unsigned char *)der, *q;
	const unsigned char *end = p + size;
	size_t len;
	int err;

	memset(ret, 0, sizeof(*ret));
	q = p;
	err = mbedtls_asn1_get_tag(&q, end, &len, CONS_SEQ);
	if (err || q >= end)
		return EFI_SECURITY_VIOLATION;
	/* A ContentInfo's first field is its OID; a bare SignedData's is its version. */
	if (*q == MBEDTLS_ASN1_OID) {
		end = q + len;
		err = expect_oid(&q, end, oid_signed_data, sizeof(oid_signed_data));
		err = err ? err : mbedtls_asn1_get_tag(&q, end, &len, CONS_CTX(0));
		if (err)
			return EFI_SECURITY_VIOLATION;
		p = q;
		end = q + len;
	}
	if (parse_signed_data(p, end, TRUE, ret))
		return EFI_SECURITY_VIOLATION;
	for (UINTN i = 0; i < ret->signer_count; i++) {
		if (ret->signers[i].digest_md == MBEDTLS_MD_NONE)
			return EFI_UNSUPPORTED;
	}
	return EFI_SUCCESS;
}
