/* SPDX-License-Identifier: MIT */
/* Authenticode: the PE image hash and the attribute certificate table (PE/COFF spec, Authenticode PE spec). */
#pragma once

#include "include/efi/types.h"

/* Hash algorithms by their mbedTLS numbers (mbedtls_md_type_t), so callers need no mbedTLS header. */
#define AUTHENTICODE_MAX_DIGEST 64
#define AUTHENTICODE_MAX_SIGNATURES 8

/* WIN_CERTIFICATE types (UEFI 2.10 §32.2.4). */
#define WIN_CERT_TYPE_PKCS_SIGNED_DATA 0x0002
#define WIN_CERT_TYPE_EFI_GUID 0x0EF1

/* One PKCS#7 SignedData of the certificate table, as DER. */
struct authenticode_signature {
	const UINT8 *der;
	UINTN size;
};

/*
 * The image hash: headers without CheckSum and the certificate table's directory entry, then
 * each section's raw data in file order, then whatever follows them except the certificate
 * table, zero-padded to a multiple of 8 bytes as sbsign pads before signing. md_type is an mbedtls_md_type_t; the digest goes to ret_digest (AUTHENTICODE_MAX_DIGEST
 * bytes), its size to *ret_size. EFI_LOAD_ERROR if the headers or sections do not fit the file,
 * EFI_UNSUPPORTED for an unknown algorithm.
 */
EFI_STATUS authenticode_hash(const void *file, UINTN file_size, int md_type, UINT8 *ret_digest,
			     UINTN *ret_size);
/*
 * The signatures of the certificate table: each WIN_CERTIFICATE, 8-byte aligned, of type
 * PKCS_SIGNED_DATA or EFI_GUID with the PKCS#7 GUID; other types are skipped. *ret_count is 0
 * for an image without a table. EFI_SECURITY_VIOLATION when the table lies outside the file or
 * in its headers, its entries do not fill it exactly, or it holds more than max signatures;
 * EFI_LOAD_ERROR for bad PE headers.
 */
EFI_STATUS authenticode_signatures(const void *file, UINTN file_size,
				   struct authenticode_signature *ret_sigs, UINTN max,
				   UINTN *ret_count);
