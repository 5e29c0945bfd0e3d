/* SPDX-License-Identifier: MIT */
/* HII package lists and string packages, read in place from untrusted memory (UEFI 2.10 §33.3). */
#include "lib/formats/hii_package.h"
#include "lib/endian.h"
#include "lib/string.h"

/* A duplicate block names another id; chains of them are legal but never need to be long. */
#define HII_DUPLICATE_DEPTH 4

struct string_package {
	const UINT8 *base;
	UINT32 size;
	const CHAR8 *language;
	UINT32 blocks; /* offset of the first string block */
};

static UINT32 package_length(const UINT8 *p)
{
	return get_le32(p) & 0xffffff;
}

static UINT8 package_type(const UINT8 *p)
{
	return p[3];
}

EFI_STATUS hii_package_list_check(const void *list, UINTN size)
{
	const UINT8 *base = list;
	UINT32 total, offset = sizeof(EFI_HII_PACKAGE_LIST_HEADER);

	if (!list || size < sizeof(EFI_HII_PACKAGE_LIST_HEADER) + sizeof(EFI_HII_PACKAGE_HEADER))
		return EFI_INVALID_PARAMETER;
	total = get_le32(base + 16);
	if (total > size || total < offset + sizeof(EFI_HII_PACKAGE_HEADER))
		return EFI_INVALID_PARAMETER;
	for (;;) {
		const UINT8 *p = base + offset;
		UINT32 len;

		if (total - offset < sizeof(EFI_HII_PACKAGE_HEADER))
			return EFI_INVALID_PARAMETER;
		len = package_length(p);
		if (len < sizeof(EFI_HII_PACKAGE_HEADER) || len > total - offset)
			return EFI_INVALID_PARAMETER;
		if (package_type(p) == EFI_HII_PACKAGE_END)
			/* Bytes after END would be a second, hidden list: refuse them. */
			return offset + len == total ? EFI_SUCCESS : EFI_INVALID_PARAMETER;
		if (package_type(p) == EFI_HII_PACKAGE_STRINGS) {
			UINT32 hdr, info;

			if (len < EFI_HII_STRING_PACKAGE_FIXED_SIZE + 1)
				return EFI_INVALID_PARAMETER;
			hdr = get_le32(p + EFI_HII_STRING_PACKAGE_HDR_SIZE_OFFSET);
			info = get_le32(p + EFI_HII_STRING_PACKAGE_INFO_OFFSET);
			/* The language tag lies within the header and is NUL-terminated there. */
			if (hdr <= EFI_HII_STRING_PACKAGE_FIXED_SIZE || hdr > len || info < hdr ||
			    info > len ||
			    !memchr(p + EFI_HII_STRING_PACKAGE_FIXED_SIZE, 0,
				    hdr - EFI_HII_STRING_PACKAGE_FIXED_SIZE))
				return EFI_INVALID_PARAMETER;
		}
		offset += len;
	}
}

/* The next package of a checked list after *offset (0: the first); FALSE at END. */
static BOOLEAN next_package(const UINT8 *list, UINT32 *offset, const UINT8 **ret)
{
	const UINT8 *p;

	*offset = *offset ? *offset + package_length(list + *offset)
			  : (UINT32)sizeof(EFI_HII_PACKAGE_LIST_HEADER);
	p = list + *offset;
	if (package_type(p) == EFI_HII_PACKAGE_END)
		return FALSE;
	*ret = p;
	return TRUE;
}

BOOLEAN hii_package_list_has(const void *list, UINT8 type, const EFI_GUID *guid)
{
	const UINT8 *p;
	UINT32 offset = 0;

	while (next_package(list, &offset, &p)) {
		if (type == EFI_HII_PACKAGE_TYPE_ALL)
			return TRUE;
		if (package_type(p) != type)
			continue;
		/* A GUID package carries its GUID right after the header (§33.3.2). */
		if (type != EFI_HII_PACKAGE_TYPE_GUID ||
		    (guid && package_length(p) >= 4 + sizeof(EFI_GUID) &&
		     !memcmp(p + 4, guid, sizeof(EFI_GUID))))
			return TRUE;
	}
	return FALSE;
}

static BOOLEAN next_string_package(const UINT8 *list, UINT32 *offset, struct string_package *ret)
{
	const UINT8 *p;

	while (next_package(list, offset, &p)) {
		if (package_type(p) != EFI_HII_PACKAGE_STRINGS)
			continue;
		ret->base = p;
		ret->size = package_length(p);
		ret->language = (const CHAR8 *)p + EFI_HII_STRING_PACKAGE_FIXED_SIZE;
		ret->blocks = get_le32(p + EFI_HII_STRING_PACKAGE_INFO_OFFSET);
		return TRUE;
	}
	return FALSE;
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* RFC 4646 tags compare without regard to case (§2.1.1 of the RFC). */
static BOOLEAN language_equal(const CHAR8 *a, const CHAR8 *b)
{
	for (; *a && ascii_lower(*a) == ascii_lower(*b); a++, b++)
		;
	return *a == *b;
}

/* Whether languages (size bytes used so far, no NUL) already lists tag. */
static BOOLEAN language_listed(const CHAR8 *languages, UINTN used, const CHAR8 *tag)
{
	UINTN start = 0, len = strlen(tag);

	for (UINTN i = 0; i <= used; i++) {
		if (i < used && languages[i] != ';')
			continue;
		if (i - start == len) {
			UINTN k = 0;

			while (k < len && ascii_lower(languages[start + k]) == ascii_lower(tag[k]))
				k++;
			if (k == len)
				return TRUE;
		}
		start = i + 1;
	}
	return FALSE;
}

EFI_STATUS hii_string_languages(const void *list, CHAR8 *languages, UINTN *size)
{
	struct string_package sp;
	UINT32 offset = 0;
	UINTN used = 0, need = 1;

	if (!size || (*size && !languages))
		return EFI_INVALID_PARAMETER;
	/* One pass to size the answer, writing only while it fits; repeats listed once. */
	while (next_string_package(list, &offset, &sp)) {
		UINTN len = strlen(sp.language);

		if (language_listed(languages, used, sp.language) && need <= *size)
			continue;
		need += len + (need > 1);
		if (need <= *size) {
			if (used)
				languages[used++] = ';';
			memcpy(languages + used, sp.language, len);
			used += len;
		}
	}
	if (need > *size) {
		*size = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	languages[used] = 0;
	*size = used + 1;
	return EFI_SUCCESS;
}

/* A UCS-2 string of the block at p (end: the package's end); its byte size with the NUL or 0. */
static UINT32 ucs2_size(const UINT8 *p, const UINT8 *end)
{
	for (const UINT8 *q = p; end - q >= 2; q += 2)
		if (!q[0] && !q[1])
			return (UINT32)(q - p) + 2;
	return 0;
}

static UINT32 scsu_size(const UINT8 *p, const UINT8 *end)
{
	const UINT8 *nul = memchr(p, 0, end - p);

	return nul ? (UINT32)(nul - p) + 1 : 0;
}

struct found {
	const UINT8 *text;
	UINT32 size; /* bytes, NUL included */
	BOOLEAN ucs2;
	EFI_STRING_ID duplicate_of; /* non-zero: a SIBT_DUPLICATE block */
};

/*
 * Walk the string blocks of one package to string id (§33.3.6.2: ids count from 1 in block
 * order; SKIP blocks leave ids unused, EXT blocks hold no strings). FALSE: id not there.
 */
static BOOLEAN find_in_package(const struct string_package *sp, EFI_STRING_ID id,
			       struct found *ret)
{
	const UINT8 *p = sp->base + sp->blocks, *end = sp->base + sp->size;
	UINT32 next = 1;

	while (p < end) {
		UINT8 type = *p++;
		UINT32 count = 1, header = 0, size;
		BOOLEAN ucs2 = FALSE;

		switch (type) {
		case EFI_HII_SIBT_END:
			return FALSE;
		case EFI_HII_SIBT_STRING_UCS2:
		case EFI_HII_SIBT_STRING_UCS2_FONT:
		case EFI_HII_SIBT_STRINGS_UCS2:
		case EFI_HII_SIBT_STRINGS_UCS2_FONT:
			ucs2 = TRUE;
			/* fall through */
		case EFI_HII_SIBT_STRING_SCSU:
		case EFI_HII_SIBT_STRING_SCSU_FONT:
		case EFI_HII_SIBT_STRINGS_SCSU:
		case EFI_HII_SIBT_STRINGS_SCSU_FONT:
			/* Odd types carry a font id byte; the STRINGS kinds (bit 1) a UINT16 count. */
			header = type & 1;
			if (type & 2) {
				if (end - p < header + 2)
					return FALSE;
				count = get_le16(p + header);
				header += 2;
			}
			if (end - p < header)
				return FALSE;
			p += header;
			for (UINT32 i = 0; i < count; i++, next++) {
				size = ucs2 ? ucs2_size(p, end) : scsu_size(p, end);
				if (!size)
					return FALSE;
				if (next == id) {
					*ret = (struct found){ p, size, ucs2, 0 };
					return TRUE;
				}
				p += size;
			}
			break;
		case EFI_HII_SIBT_DUPLICATE:
			if (end - p < 2)
				return FALSE;
			if (next == id) {
				*ret = (struct found){ NULL, 0, FALSE, get_le16(p) };
				return TRUE;
			}
			p += 2;
			next++;
			break;
		case EFI_HII_SIBT_SKIP2:
			if (end - p < 2)
				return FALSE;
			next += get_le16(p);
			p += 2;
			break;
		case EFI_HII_SIBT_SKIP1:
			if (end - p < 1)
				return FALSE;
			next += *p++;
			break;
		case EFI_HII_SIBT_EXT1:
		case EFI_HII_SIBT_EXT2:
		case EFI_HII_SIBT_EXT4:
			/* BlockType2, then the whole block's length (this type byte included). */
			header = type == EFI_HII_SIBT_EXT1 ? 1 : type == EFI_HII_SIBT_EXT2 ? 2 : 4;
			if (end - p < 1 + header)
				return FALSE;
			size = header == 1 ? p[1] : header == 2 ? get_le16(p + 1) : get_le32(p + 1);
			if (size < 2 + header || size - 1 > (UINT32)(end - p))
				return FALSE;
			p += size - 1;
			break;
		default:
			return FALSE; /* unknown block: its size is unknown, so nothing after it is */
		}
		if (next > id)
			return FALSE;
	}
	return FALSE;
}

static EFI_STATUS copy_out(const struct found *f, CHAR16 *string, UINTN *size)
{
	UINTN chars = f->ucs2 ? f->size / 2 : f->size;

	if (*size < chars * sizeof(CHAR16)) {
		*size = chars * sizeof(CHAR16);
		return EFI_BUFFER_TOO_SMALL;
	}
	if (!string)
		return EFI_INVALID_PARAMETER;
	for (UINTN i = 0; i < chars; i++) {
		/* SCSU below 0x80 is ASCII; its compression modes are not worth decoding here. */
		string[i] = f->ucs2 ? get_le16(f->text + 2 * i)
				    : f->text[i] < 0x80 ? f->text[i] : u'?';
	}
	*size = chars * sizeof(CHAR16);
	return EFI_SUCCESS;
}

EFI_STATUS hii_string_get(const void *list, const CHAR8 *language, EFI_STRING_ID id,
			  CHAR16 *string, UINTN *size)
{
	struct string_package sp;
	struct found f;
	UINT32 offset = 0;
	BOOLEAN language_seen = FALSE, id_seen = FALSE;

	if (!language || !size || id == 0)
		return EFI_INVALID_PARAMETER;
	while (next_string_package(list, &offset, &sp)) {
		BOOLEAN here = language_equal(sp.language, language);
		EFI_STRING_ID want = id;

		language_seen |= here;
		for (int depth = 0; find_in_package(&sp, want, &f); depth++) {
			if (!f.duplicate_of) {
				if (here)
					return copy_out(&f, string, size);
				id_seen = TRUE;
				break;
			}
			if (depth == HII_DUPLICATE_DEPTH || f.duplicate_of == want)
				break;
			want = f.duplicate_of;
		}
	}
	/* §34.3.2 GetString: a string in another language only is EFI_INVALID_LANGUAGE. */
	return id_seen || !language_seen ? EFI_INVALID_LANGUAGE : EFI_NOT_FOUND;
}
