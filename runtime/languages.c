/* SPDX-License-Identifier: MIT */
/* PlatformLang and Lang kept in step, as EDK2's variable driver keeps them (UEFI 2.10 §3.3). */
#include "lib/string.h"
#include "runtime/runtime.h"

static const EFI_GUID global_variable = EFI_GLOBAL_VARIABLE;
static const CHAR16 platform_lang[] = u"PlatformLang", lang[] = u"Lang";

#define ISO639_SIZE 3	/* LangCodes: three letters an entry, back to back */
#define CODES_MAX 128

static BOOLEAN name_is(const CHAR16 *name, const CHAR16 *want, UINTN want_size)
{
	for (UINTN i = 0; i < want_size / sizeof(CHAR16); i++)
		if (name[i] != want[i])
			return FALSE;
	return TRUE;
}

/* 1: PlatformLang, 2: Lang, 0: anything else. */
static int which(const CHAR16 *name, const EFI_GUID *guid)
{
	if (memcmp(guid, &global_variable, sizeof(*guid)))
		return 0;
	if (name_is(name, platform_lang, sizeof(platform_lang)))
		return 1;
	return name_is(name, lang, sizeof(lang)) ? 2 : 0;
}

EFI_STATUS languages_check(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes,
			   UINTN size, const void *data)
{
	const UINT8 *s = data;

	/* Deletes are not checked (nor followed, below). */
	if (!which(name, guid) || !size || !(attributes & EFI_VARIABLE_BOOTSERVICE_ACCESS))
		return EFI_SUCCESS;
	/* EDK2's VarCheckUefiLib: a NUL-terminated ASCII string, whatever the language. */
	if (s[size - 1])
		return EFI_INVALID_PARAMETER;
	for (UINTN i = 0; i + 1 < size; i++)
		if (s[i] >= 0x80)
			return EFI_INVALID_PARAMETER;
	return EFI_SUCCESS;
}

static UINTN read_codes(const CHAR16 *name, char *buf)
{
	UINTN size = CODES_MAX - 1;

	if (EFI_ERROR(efi_get_variable((CHAR16 *)name, (EFI_GUID *)&global_variable, NULL, &size,
				       buf)))
		return 0;
	buf[size] = 0;
	return size;
}

/* Index of the ';'-separated entry equal to tag's first len bytes, or -1. */
static int rfc4646_index(const char *codes, const char *tag, UINTN len)
{
	int index = 0;

	for (const char *p = codes; *p; index++) {
		UINTN n = 0;

		while (p[n] && p[n] != ';')
			n++;
		if (n == len && !memcmp(p, tag, len))
			return index;
		p += n + (p[n] == ';');
	}
	return -1;
}

/* The index-th ';'-separated entry into out (NUL-terminated); its size with the NUL, or 0. */
static UINTN rfc4646_entry(const char *codes, int index, char *out)
{
	const char *p = codes;
	UINTN n;

	while (index-- > 0 && *p) {
		while (*p && *p != ';')
			p++;
		p += *p == ';';
	}
	for (n = 0; p[n] && p[n] != ';'; n++)
		out[n] = p[n];
	out[n] = 0;
	return n ? n + 1 : 0;
}

void languages_sync(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes, UINTN size,
		    const void *data)
{
	static BOOLEAN syncing;	/* the write below comes back through SetVariable */
	char platform_codes[CODES_MAX], iso_codes[CODES_MAX], value[CODES_MAX];
	const char *tag = data;
	int kind = which(name, guid), index = -1;
	UINTN len, iso_len;

	if (!kind || syncing || !size || !(attributes & EFI_VARIABLE_BOOTSERVICE_ACCESS) ||
	    !read_codes(u"PlatformLangCodes", platform_codes) ||
	    !(iso_len = read_codes(u"LangCodes", iso_codes)))
		return;
	len = strlen(tag);
	if (kind == 1) {
		/* RFC 4647 lookup, as EDK2's: drop subtags from the end until an entry matches. */
		while (len && (index = rfc4646_index(platform_codes, tag, len)) < 0) {
			while (len && tag[len - 1] != '-')
				len--;
			len -= len > 0;
		}
		if (index < 0 || (UINTN)(index + 1) * ISO639_SIZE > iso_len)
			return;
		memcpy(value, iso_codes + index * ISO639_SIZE, ISO639_SIZE);
		value[ISO639_SIZE] = 0;
		size = ISO639_SIZE + 1;
	} else {
		for (UINTN i = 0; len == ISO639_SIZE && i + ISO639_SIZE <= iso_len && index < 0;
		     i += ISO639_SIZE)
			if (!memcmp(iso_codes + i, tag, ISO639_SIZE))
				index = (int)(i / ISO639_SIZE);
		if (index < 0 || !(size = rfc4646_entry(platform_codes, index, value)))
			return;
	}
	syncing = TRUE;
	efi_set_variable((CHAR16 *)(kind == 1 ? lang : platform_lang),
			 (EFI_GUID *)&global_variable, attributes & ~EFI_VARIABLE_APPEND_WRITE, size,
			 value);
	syncing = FALSE;
}
