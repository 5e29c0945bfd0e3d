/* SPDX-License-Identifier: MIT */
/* The Secure Boot image policy: a PE image is allowed by db and not forbidden by dbx (UEFI 2.10 §32.5). */
#pragma once

#include "include/efi/types.h"
#include "lib/crypto/pkcs7.h"

/* The signature databases, each a buffer of EFI_SIGNATURE_LISTs (either may be empty). */
struct image_verify_keys {
	const void *db;
	UINTN db_size;
	const void *dbx;
	UINTN dbx_size;
};

/*
 * Whether a PE image may run: neither its hash nor any certificate of a signer's chain is in dbx,
 * and one signature that matches the image chains to an X.509 entry of db (the signer, an
 * intermediate or a root), or the image's hash is in db. Certificate expiry is not checked, as
 * in EDK2 and shim. EFI_SUCCESS when allowed; EFI_ACCESS_DENIED otherwise, with *ret_reason (if
 * not NULL) a short phrase for the console; EFI_OUT_OF_RESOURCES if memory ran out.
 */
EFI_STATUS image_verify(const void *file, UINTN file_size, const struct image_verify_keys *keys,
			const char **ret_reason);

/*
 * Whether one signer of p7 vouches for p7's content (pkcs7_signer_verify) and its chain in the
 * certificate bag reaches an X.509 entry of list (a well-formed signature list), by the rules
 * image_verify applies to db. EFI_OUT_OF_RESOURCES if memory ran out.
 */
EFI_STATUS image_verify_signed_by(const struct pkcs7 *p7, const void *list, UINTN list_size,
				  BOOLEAN *ret_trusted);
