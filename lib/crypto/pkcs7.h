/* SPDX-License-Identifier: MIT */
/* PKCS#7 SignedData as Authenticode uses it: SpcIndirectDataContent, certificates, several SignerInfos (RFC 2315). */
#pragma once

#include "include/efi/types.h"

#define PKCS7_MAX_SIGNERS 4

/* One SignerInfo; every pointer points into the parsed DER. */
struct pkcs7_signer {
	const UINT8 *issuer;		/* issuer Name, DER with its tag */
	UINTN issuer_size;
	const UINT8 *serial;		/* serialNumber INTEGER contents */
	UINTN serial_size;
	int digest_md;			/* digestAlgorithm as an mbedtls_md_type_t */
	const UINT8 *attrs;		/* authenticatedAttributes [0], DER with its tag; NULL if none */
	UINTN attrs_size;
	const UINT8 *message_digest;	/* the messageDigest attribute's OCTET STRING contents */
	UINTN message_digest_size;
	const UINT8 *signature;		/* encryptedDigest contents */
	UINTN signature_size;
};

struct pkcs7 {
	const UINT8 *content;		/* SpcIndirectDataContent's contents, what messageDigest covers */
	UINTN content_size;
	int image_md;			/* the image digest's algorithm (mbedtls_md_type_t) */
	const UINT8 *image_digest;	/* the Authenticode hash the signers vouch for */
	UINTN image_digest_size;
	const UINT8 *certs;		/* certificates [0]: concatenated DER certificates */
	UINTN certs_size;
	struct pkcs7_signer signers[PKCS7_MAX_SIGNERS];
	UINTN signer_count;
};

/*
 * Parse a ContentInfo holding Authenticode SignedData (trailing padding after it is ignored).
 * EFI_SECURITY_VIOLATION when malformed, not Authenticode or with more than PKCS7_MAX_SIGNERS
 * signers, EFI_UNSUPPORTED for an unknown digest algorithm or a signer named by key id.
 */
EFI_STATUS pkcs7_parse(const void *der, UINTN size, struct pkcs7 *ret);
/*
 * Parse the SignedData of an authenticated variable (UEFI 2.10 §8.2.2): bare, as efitools writes
 * it, or in a ContentInfo; its content is id-data and detached, so content is NULL until the
 * caller points it at the signed message. Errors as pkcs7_parse.
 */
EFI_STATUS pkcs7_parse_detached(const void *der, UINTN size, struct pkcs7 *ret);
/*
 * Whether a signer vouches for the content: the messageDigest attribute is the digest of the
 * content, and the RSA signature over the attributes (re-tagged as a SET, RFC 2315 §9.3) verifies
 * with cert (an mbedtls_x509_crt). Without attributes the signature covers the content's digest.
 * EFI_SUCCESS or EFI_SECURITY_VIOLATION.
 */
EFI_STATUS pkcs7_signer_verify(const struct pkcs7 *p7, const struct pkcs7_signer *signer,
			       const void *cert);
