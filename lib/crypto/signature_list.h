/* SPDX-License-Identifier: MIT */
/* EFI_SIGNATURE_LIST parsing: the contents of db, dbx, KEK and PK (UEFI 2.10 §32.4.1). */
#pragma once

#include "include/efi/types.h"

/* Signature types (UEFI 2.10 §32.4.1), and the PKCS#7 WIN_CERTIFICATE_UEFI_GUID type (§32.2.4). */
#define EFI_CERT_SHA1_GUID \
	{ 0x826ca512, 0xcf10, 0x4ac9, { 0xb1, 0x87, 0xbe, 0x01, 0x49, 0x66, 0x31, 0xbd } }
#define EFI_CERT_SHA256_GUID \
	{ 0xc1c41626, 0x504c, 0x4092, { 0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28 } }
#define EFI_CERT_SHA384_GUID \
	{ 0xff3e5307, 0x9fd0, 0x48c9, { 0x85, 0xf1, 0x8a, 0xd5, 0x6c, 0x70, 0x1e, 0x01 } }
#define EFI_CERT_SHA512_GUID \
	{ 0x093e0fae, 0xa6c4, 0x4f50, { 0x9f, 0x1b, 0xd4, 0x1e, 0x2b, 0x89, 0xc1, 0x9a } }
#define EFI_CERT_X509_GUID \
	{ 0xa5c059a1, 0x94e4, 0x4aa7, { 0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72 } }
#define EFI_CERT_X509_SHA256_GUID \
	{ 0x3bd2a492, 0x96c0, 0x4079, { 0xb4, 0x20, 0xfc, 0xf9, 0x8e, 0xf1, 0x03, 0xed } }
#define EFI_CERT_X509_SHA384_GUID \
	{ 0x7076876e, 0x80c2, 0x4ee6, { 0xaa, 0xd2, 0x28, 0xb3, 0x49, 0xa6, 0x86, 0x5b } }
#define EFI_CERT_X509_SHA512_GUID \
	{ 0x446dbf63, 0x2502, 0x4cda, { 0xbc, 0xfa, 0x24, 0x65, 0xd2, 0xb0, 0xfe, 0x9d } }
#define EFI_CERT_TYPE_PKCS7_GUID \
	{ 0x4aafd29d, 0x68df, 0x49ee, { 0x8a, 0xa9, 0x34, 0x7d, 0x37, 0x56, 0x65, 0xa7 } }

/* EFI_SIGNATURE_LIST's fixed header: type GUID, then three UINT32 sizes. */
#define SIGNATURE_LIST_HEADER_SIZE 28
/* EFI_SIGNATURE_DATA's SignatureOwner GUID before each signature's data. */
#define SIGNATURE_OWNER_SIZE 16

/* One signature of a list: its list's type, its owner, and its data (after the owner). */
struct signature_entry {
	EFI_GUID type;
	EFI_GUID owner;
	const UINT8 *data;
	UINT32 size;
};

/* Where signature_list_next is in a buffer of concatenated lists; zero it to start. */
struct signature_cursor {
	UINTN list;	/* offset of the current list */
	UINTN entry;	/* offset of the next entry, 0 before the list's first */
};

/*
 * Check every list of a buffer: sizes inside the buffer and consistent (the list holds whole
 * entries of SignatureSize bytes, each larger than its owner GUID), and fixed sizes for hash types.
 * EFI_SUCCESS for an empty buffer; EFI_SECURITY_VIOLATION when malformed.
 */
EFI_STATUS signature_list_check(const void *buf, UINTN size);
/*
 * The next entry of a buffer signature_list_check accepted; EFI_NOT_FOUND after the last one,
 * EFI_SECURITY_VIOLATION if the buffer is malformed after all (the walk checks again).
 */
EFI_STATUS signature_list_next(const void *buf, UINTN size, struct signature_cursor *cursor,
			       struct signature_entry *ret_entry);
/*
 * Whether a well-formed buffer holds an entry of this type with exactly these bytes (for the
 * X509_SHA* types: this hash, whatever its revocation time).
 */
BOOLEAN signature_list_contains(const void *buf, UINTN size, const EFI_GUID *type,
				const void *data, UINTN data_size);
/* Whether a buffer holds any entry of this type. */
BOOLEAN signature_list_has_type(const void *buf, UINTN size, const EFI_GUID *type);
/* Byte-wise GUID comparison (GUIDs inside lists need not be aligned). */
BOOLEAN signature_guid_equal(const EFI_GUID *a, const EFI_GUID *b);
/* The data size a hash signature type requires (20, 32, 48, 64, or 32+16, ...); 0 for others. */
UINT32 signature_type_fixed_size(const EFI_GUID *type);
