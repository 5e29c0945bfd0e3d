/* SPDX-License-Identifier: MIT */
/* EFI_SIGNATURE_LIST parsing with every size checked against the buffer (UEFI 2.10 §32.4.1). */
#include "lib/crypto/signature_list.h"
#include "lib/endian.h"
#include "lib/string.h"

static const EFI_GUID cert_sha1 = EFI_CERT_SHA1_GUID;
static const EFI_GUID cert_sha256 = EFI_CERT_SHA256_GUID;
static const EFI_GUID cert_sha384 = EFI_CERT_SHA384_GUID;
static const EFI_GUID cert_sha512 = EFI_CERT_SHA512_GUID;
static const EFI_GUID cert_x509_sha256 = EFI_CERT_X509_SHA256_GUID;
static const EFI_GUID cert_x509_sha384 = EFI_CERT_X509_SHA384_GUID;
static const EFI_GUID cert_x509_sha512 = EFI_CERT_X509_SHA512_GUID;

BOOLEAN signature_guid_equal(const EFI_GUID *a, const EFI_GUID *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* The X509_SHA* types carry the TBS hash plus an EFI_TIME of revocation (16 bytes). */
UINT32 signature_type_fixed_size(const EFI_GUID *type)
{
	if (signature_guid_equal(type, &cert_sha1))
		return 20;
	if (signature_guid_equal(type, &cert_sha256))
		return 32;
	if (signature_guid_equal(type, &cert_sha384))
		return 48;
	if (signature_guid_equal(type, &cert_sha512))
		return 64;
	if (signature_guid_equal(type, &cert_x509_sha256))
		return 32 + 16;
	if (signature_guid_equal(type, &cert_x509_sha384))
		return 48 + 16;
	if (signature_guid_equal(type, &cert_x509_sha512))
		return 64 + 16;
	return 0;
}

/* Check the list at off; its total size in *ret_list_size. */
static EFI_STATUS check_list(const UINT8 *b, UINTN size, UINTN off, UINT32 *ret_list_size)
{
	UINT32 list_size, header_size, sig_size, fixed;
	EFI_GUID type;

	if (size - off < SIGNATURE_LIST_HEADER_SIZE)
		return EFI_SECURITY_VIOLATION;
	memcpy(&type, b + off, sizeof(type));
	list_size = get_le32(b + off + 16);
	header_size = get_le32(b + off + 20);
	sig_size = get_le32(b + off + 24);
	if (list_size > size - off || list_size < SIGNATURE_LIST_HEADER_SIZE ||
	    header_size > list_size - SIGNATURE_LIST_HEADER_SIZE)
		return EFI_SECURITY_VIOLATION;
	if (sig_size <= SIGNATURE_OWNER_SIZE ||
	    (list_size - SIGNATURE_LIST_HEADER_SIZE - header_size) % sig_size)
		return EFI_SECURITY_VIOLATION;
	fixed = signature_type_fixed_size(&type);
	if (fixed && sig_size != SIGNATURE_OWNER_SIZE + fixed)
		return EFI_SECURITY_VIOLATION;
	*ret_list_size = list_size;
	return EFI_SUCCESS;
}

EFI_STATUS signature_list_check(const void *buf, UINTN size)
{
	UINTN off = 0;
	UINT32 list_size;
	EFI_STATUS status;

	while (off < size) {
		status = check_list(buf, size, off, &list_size);
		if (EFI_ERROR(status))
			return status;
		off += list_size;
	}
	return EFI_SUCCESS;
}

EFI_STATUS signature_list_next(const void *buf, UINTN size, struct signature_cursor *cursor,
			       struct signature_entry *ret_entry)
{
	const UINT8 *b = buf;
	UINT32 list_size, sig_size;
	EFI_STATUS status;

	for (;;) {
		if (cursor->list >= size)
			return EFI_NOT_FOUND;
		status = check_list(b, size, cursor->list, &list_size);
		if (EFI_ERROR(status))
			return status;
		sig_size = get_le32(b + cursor->list + 24);
		if (!cursor->entry)
			cursor->entry = cursor->list + SIGNATURE_LIST_HEADER_SIZE +
					get_le32(b + cursor->list + 20);
		if (cursor->entry < cursor->list + list_size)
			break;
		/* Empty or finished list: on to the next. */
		cursor->list += list_size;
		cursor->entry = 0;
	}
	memcpy(&ret_entry->type, b + cursor->list, sizeof(ret_entry->type));
	memcpy(&ret_entry->owner, b + cursor->entry, sizeof(ret_entry->owner));
	ret_entry->data = b + cursor->entry + SIGNATURE_OWNER_SIZE;
	ret_entry->size = sig_size - SIGNATURE_OWNER_SIZE;
	cursor->entry += sig_size;
	return EFI_SUCCESS;
}

BOOLEAN signature_list_contains(const void *buf, UINTN size, const EFI_GUID *type,
				const void *data, UINTN data_size)
{
	struct signature_cursor cursor = { 0 };
	struct signature_entry entry;

	while (!EFI_ERROR(signature_list_next(buf, size, &cursor, &entry))) {
		if (!signature_guid_equal(&entry.type, type) || entry.size < data_size ||
		    memcmp(entry.data, data, data_size) != 0)
			continue;
		/* An X509_SHA* entry is the hash followed by its revocation time. */
		if (entry.size == data_size || signature_type_fixed_size(type) == data_size + 16)
			return TRUE;
	}
	return FALSE;
}

BOOLEAN signature_list_has_type(const void *buf, UINTN size, const EFI_GUID *type)
{
	struct signature_cursor cursor = { 0 };
	struct signature_entry entry;

	while (!EFI_ERROR(signature_list_next(buf, size, &cursor, &entry))) {
		if (signature_guid_equal(&entry.type, type))
			return TRUE;
	}
	return FALSE;
}
