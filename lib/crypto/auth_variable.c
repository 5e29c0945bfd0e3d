// SPDX-License-Identifier: MIT
/* Parses the EFI_VARIABLE_AUTHENTICATION_2 descriptor that leads a time-based authenticated write. */
#include "lib/crypto/auth_variable.h"
#include "lib/crypto/signature_list.h"
#include "lib/endian.h"

#define WIN_CERT_REVISION 0x0200
#define WIN_CERT_TYPE_EFI_GUID 0x0ef1

static const EFI_GUID pkcs7_guid = EFI_CERT_TYPE_PKCS7_GUID;

static BOOLEAN guid_equal(const UINT8 *p, const EFI_GUID *guid)
{
	const UINT8 *g = (const UINT8 *)guid;

	for (UINTN i = 0; i < sizeof(*guid); i++)
		if (p[i] != g[i])
			return FALSE;
	return TRUE;
}

EFI_STATUS auth_variable_parse(const void *buf, UINTN size, struct auth_variable *out)
{
	const UINT8 *p = buf;
	UINT32 cert_length;

	if (!p || size < AUTH_VARIABLE_HEADER_SIZE)
		return EFI_SECURITY_VIOLATION;
	/* §8.2.2: Pad1, Nanosecond, TimeZone, Daylight and Pad2 must all be zero. */
	for (UINTN i = 7; i < AUTH_VARIABLE_TIME_SIZE; i++)
		if (p[i])
			return EFI_SECURITY_VIOLATION;
	cert_length = get_le32(p + AUTH_VARIABLE_TIME_SIZE);
	if (get_le16(p + AUTH_VARIABLE_TIME_SIZE + 4) != WIN_CERT_REVISION ||
	    get_le16(p + AUTH_VARIABLE_TIME_SIZE + 6) != WIN_CERT_TYPE_EFI_GUID ||
	    !guid_equal(p + AUTH_VARIABLE_TIME_SIZE + 8, &pkcs7_guid))
		return EFI_SECURITY_VIOLATION;
	/* dwLength counts the header and GUID; a certificate with no DER bytes is malformed. */
	if (cert_length <= AUTH_VARIABLE_HEADER_SIZE - AUTH_VARIABLE_TIME_SIZE ||
	    cert_length > size - AUTH_VARIABLE_TIME_SIZE)
		return EFI_SECURITY_VIOLATION;
	out->timestamp = p;
	out->pkcs7 = p + AUTH_VARIABLE_HEADER_SIZE;
	out->pkcs7_size = cert_length - (AUTH_VARIABLE_HEADER_SIZE - AUTH_VARIABLE_TIME_SIZE);
	out->data = p + AUTH_VARIABLE_TIME_SIZE + cert_length;
	out->data_size = size - AUTH_VARIABLE_TIME_SIZE - cert_length;
	return EFI_SUCCESS;
}

int auth_variable_time_compare(const UINT8 *a, const UINT8 *b)
{
	UINT16 ya = get_le16(a), yb = get_le16(b);

	if (ya != yb)
		return ya < yb ? -1 : 1;
	/* Month, Day, Hour, Minute, Second: one byte each, most significant first. */
	for (UINTN i = 2; i < 7; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

UINTN auth_variable_message(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes,
			    const struct auth_variable *av, UINT8 *out)
{
	UINTN chars = 0, off = 0;

	while (name[chars])
		chars++;
	if (out) {
		/* Byte by byte: CHAR16 is little-endian on every host we build for. */
		for (UINTN i = 0; i < chars; i++) {
			out[off++] = (UINT8)name[i];
			out[off++] = (UINT8)(name[i] >> 8);
		}
		for (UINTN i = 0; i < sizeof(*guid); i++)
			out[off++] = ((const UINT8 *)guid)[i];
		put_le32(out + off, attributes);
		off += 4;
		for (UINTN i = 0; i < AUTH_VARIABLE_TIME_SIZE; i++)
			out[off++] = av->timestamp[i];
		for (UINTN i = 0; i < av->data_size; i++)
			out[off++] = av->data[i];
	}
	return chars * 2 + sizeof(*guid) + 4 + AUTH_VARIABLE_TIME_SIZE + av->data_size;
}

/* Whether well-formed lists hold an entry of this type, size and bytes (owner included). */
static BOOLEAN lists_hold(const UINT8 *buf, UINTN size, const UINT8 *type, const UINT8 *entry,
			  UINT32 entry_size)
{
	for (UINTN off = 0; off < size; off += get_le32(buf + off + 16)) {
		const UINT8 *l = buf + off;
		UINT32 first = SIGNATURE_LIST_HEADER_SIZE + get_le32(l + 20);

		if (get_le32(l + 24) != entry_size || !guid_equal(l, (const EFI_GUID *)type))
			continue;
		for (UINT32 e = first; e < get_le32(l + 16); e += entry_size) {
			UINT32 i = 0;

			while (i < entry_size && l[e + i] == entry[i])
				i++;
			if (i == entry_size)
				return TRUE;
		}
	}
	return FALSE;
}

EFI_STATUS auth_variable_append(const UINT8 *old, UINTN old_size, const UINT8 *add,
				UINTN add_size, UINT8 *out, UINTN *out_size)
{
	UINTN off = old_size;

	if (EFI_ERROR(signature_list_check(old, old_size)) ||
	    EFI_ERROR(signature_list_check(add, add_size)))
		return EFI_SECURITY_VIOLATION;
	for (UINTN i = 0; i < old_size; i++)
		out[i] = old[i];
	for (UINTN at = 0; at < add_size; at += get_le32(add + at + 16)) {
		const UINT8 *l = add + at;
		UINT32 list_size = get_le32(l + 16), entry_size = get_le32(l + 24);
		UINT32 first = SIGNATURE_LIST_HEADER_SIZE + get_le32(l + 20), kept = first;
		UINT8 *o = out + off;

		for (UINT32 i = 0; i < first; i++)
			o[i] = l[i];
		for (UINT32 e = first; e < list_size; e += entry_size) {
			/* An entry repeated inside add counts once too: what was kept is in o. */
			if (lists_hold(old, old_size, l, l + e, entry_size) ||
			    lists_hold(out + old_size, off - old_size + (kept > first ? kept : 0), l,
				       l + e, entry_size))
				continue;
			for (UINT32 i = 0; i < entry_size; i++)
				o[kept + i] = l[e + i];
			kept += entry_size;
			put_le32(o + 16, kept);
		}
		if (kept > first)
			off += kept;
	}
	*out_size = off;
	return EFI_SUCCESS;
}
