// SPDX-License-Identifier: MIT
/* UEFI 2.10 §3.3 global variables the firmware sets: languages, Timeout, OS indications. */
#include "efi-apps/selftest/selftest.h"

#define BS_RT	 (EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)
#define NV_BS_RT (EFI_VARIABLE_NON_VOLATILE | BS_RT)

/* The variable's attributes and value (NUL added), or the case fails. */
static EFI_STATUS read_global(CHAR16 *name, UINT32 *ret_attr, CHAR8 *buf, UINTN buf_size,
			      UINTN *ret_size)
{
	UINTN size = buf_size - 1;

	CHECK_OK(RT->GetVariable(name, &gEfiGlobalVariableGuid, ret_attr, &size, buf));
	buf[size] = 0;
	*ret_size = size;
	return EFI_SUCCESS;
}

/* Whether code is one of the ';'-separated entries of list. */
static BOOLEAN listed(const CHAR8 *list, const CHAR8 *code)
{
	UINTN len = strlena(code);

	for (const CHAR8 *p = list; *p;) {
		UINTN n = 0;

		while (p[n] && p[n] != ';')
			n++;
		if (n == len && !CompareMem((void *)p, (void *)code, len))
			return TRUE;
		p += n + (p[n] == ';');
	}
	return FALSE;
}

/* Whether the 3-letter code is one of list's 3-letter entries, written back to back. */
static BOOLEAN listed3(const CHAR8 *list, const CHAR8 *code)
{
	for (UINTN i = 0; i + 3 <= strlena(list); i += 3)
		if (!CompareMem((void *)(list + i), (void *)code, 3))
			return TRUE;
	return FALSE;
}

/* PlatformLang (RFC 4646, NV) is one of PlatformLangCodes (';'-separated, read-only). */
static EFI_STATUS platform_lang(void)
{
	CHAR8 codes[128], lang[32];
	UINT32 attr = 0;
	UINTN size;

	if (EFI_ERROR(read_global(L"PlatformLangCodes", &attr, codes, sizeof(codes), &size)))
		return EFI_ABORTED;
	CHECK(attr == BS_RT, "PlatformLangCodes attributes 0x%x", attr);
	if (EFI_ERROR(read_global(L"PlatformLang", &attr, lang, sizeof(lang), &size)))
		return EFI_ABORTED;
	CHECK(attr == NV_BS_RT, "PlatformLang attributes 0x%x", attr);
	CHECK(listed(codes, lang), "PlatformLang %a not in %a", lang, codes);
	return EFI_SUCCESS;
}

/* Lang (ISO 639-2, NV) is one of LangCodes (3 letters each, read-only). */
static EFI_STATUS lang(void)
{
	CHAR8 codes[128], lang[32];
	UINT32 attr = 0;
	UINTN size;

	if (EFI_ERROR(read_global(L"LangCodes", &attr, codes, sizeof(codes), &size)))
		return EFI_ABORTED;
	CHECK(attr == BS_RT, "LangCodes attributes 0x%x", attr);
	if (EFI_ERROR(read_global(L"Lang", &attr, lang, sizeof(lang), &size)))
		return EFI_ABORTED;
	CHECK(attr == NV_BS_RT, "Lang attributes 0x%x", attr);
	CHECK(strlena(lang) == 3 && listed3(codes, lang), "Lang %a not in %a", lang, codes);
	return EFI_SUCCESS;
}

static EFI_STATUS timeout(void)
{
	UINT16 value;
	UINT32 attr = 0;
	UINTN size = sizeof(value) + 1;
	UINT8 buf[4];

	CHECK_OK(RT->GetVariable(L"Timeout", &gEfiGlobalVariableGuid, &attr, &size, buf));
	CHECK(size == sizeof(value), "Timeout is %ld bytes", (INT64)size);
	CHECK(attr == NV_BS_RT, "Timeout attributes 0x%x", attr);
	return EFI_SUCCESS;
}

static EFI_STATUS os_indications_supported(void)
{
	UINT64 value;
	UINT32 attr = 0;
	UINTN size = sizeof(value);

	CHECK_OK(RT->GetVariable(L"OsIndicationsSupported", &gEfiGlobalVariableGuid, &attr, &size,
				 &value));
	CHECK(size == sizeof(value), "OsIndicationsSupported is %ld bytes", (INT64)size);
	CHECK(attr == BS_RT, "OsIndicationsSupported attributes 0x%x", attr);
	return EFI_SUCCESS;
}

/* The lists of what the platform supports are the firmware's to write, not a payload's. */
static EFI_STATUS codes_read_only(void)
{
	static CHAR8 eng[] = "eng";
	UINT64 zero = 0;

	CHECK_STATUS(
		RT->SetVariable(L"LangCodes", &gEfiGlobalVariableGuid, BS_RT, sizeof(eng), eng),
		EFI_WRITE_PROTECTED);
	CHECK_STATUS(RT->SetVariable(L"PlatformLangCodes", &gEfiGlobalVariableGuid, BS_RT,
				     sizeof(eng), eng),
		     EFI_WRITE_PROTECTED);
	CHECK_STATUS(RT->SetVariable(L"OsIndicationsSupported", &gEfiGlobalVariableGuid, BS_RT,
				     sizeof(zero), &zero),
		     EFI_WRITE_PROTECTED);
	return EFI_SUCCESS;
}

/* PlatformLang is the user's to choose: writing its own value back succeeds. */
static EFI_STATUS platform_lang_writable(void)
{
	CHAR8 lang[32];
	UINT32 attr = 0;
	UINTN size;

	if (EFI_ERROR(read_global(L"PlatformLang", &attr, lang, sizeof(lang), &size)))
		return EFI_ABORTED;
	CHECK_OK(RT->SetVariable(L"PlatformLang", &gEfiGlobalVariableGuid, NV_BS_RT, size, lang));
	return EFI_SUCCESS;
}

SELFTEST_SUITE(global_variables, { "global_variables.platform_lang", NULL, platform_lang, NULL },
	       { "global_variables.lang", NULL, lang, NULL },
	       { "global_variables.timeout", NULL, timeout, NULL },
	       { "global_variables.os_indications_supported", NULL, os_indications_supported,
		 NULL },
	       { "global_variables.codes_read_only", NULL, codes_read_only, NULL },
	       { "global_variables.platform_lang_writable", NULL, platform_lang_writable, NULL });
