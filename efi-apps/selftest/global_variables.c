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

/* PlatformLang and Lang as the case found them, put back by lang_teardown. */
static CHAR8 saved_platform_lang[32], saved_lang[32];
static UINTN saved_platform_lang_size, saved_lang_size;

static EFI_STATUS lang_setup(void)
{
	saved_platform_lang_size = sizeof(saved_platform_lang);
	saved_lang_size = sizeof(saved_lang);
	CHECK_OK(RT->GetVariable(L"PlatformLang", &gEfiGlobalVariableGuid, NULL,
				 &saved_platform_lang_size, saved_platform_lang));
	CHECK_OK(RT->GetVariable(L"Lang", &gEfiGlobalVariableGuid, NULL, &saved_lang_size,
				 saved_lang));
	return EFI_SUCCESS;
}

/* Lang first: PlatformLang written last decides, and brings Lang along where it follows. */
static void lang_teardown(void)
{
	RT->SetVariable(L"Lang", &gEfiGlobalVariableGuid, NV_BS_RT, saved_lang_size, saved_lang);
	RT->SetVariable(L"PlatformLang", &gEfiGlobalVariableGuid, NV_BS_RT,
			saved_platform_lang_size, saved_platform_lang);
}

static EFI_STATUS set_global(CHAR16 *name, const char *value)
{
	return RT->SetVariable(name, &gEfiGlobalVariableGuid, NV_BS_RT, strlena((CHAR8 *)value) + 1,
			       (void *)value);
}

/* The n-th ';'-separated entry of list into out; FALSE past the end. */
static BOOLEAN nth_entry(const CHAR8 *list, UINTN n, CHAR8 *out, UINTN out_size)
{
	const CHAR8 *p = list;
	UINTN len = 0;

	while (n-- && *p) {
		while (*p && *p != ';')
			p++;
		p += *p == ';';
	}
	while (p[len] && p[len] != ';' && len + 1 < out_size) {
		out[len] = p[len];
		len++;
	}
	out[len] = 0;
	return len > 0;
}

/*
 * Setting PlatformLang to each supported code sets Lang to the LangCodes entry of the same
 * index (EDK2's AutoUpdateLangVariable); a Lang of an unsupported code is replaced.
 */
static EFI_STATUS platform_lang_sets_lang(void)
{
	CHAR8 codes[128], iso[128], code[32], got[32];
	UINTN size, n;

	if (EFI_ERROR(read_global(L"PlatformLangCodes", NULL, codes, sizeof(codes), &size)) ||
	    EFI_ERROR(read_global(L"LangCodes", NULL, iso, sizeof(iso), &size)))
		return EFI_ABORTED;
	for (n = 0; nth_entry(codes, n, code, sizeof(code)) && (n + 1) * 3 <= strlena(iso); n++) {
		CHECK_OK(set_global(L"Lang", "xyz"));
		CHECK_OK(set_global(L"PlatformLang", (char *)code));
		if (EFI_ERROR(read_global(L"Lang", NULL, got, sizeof(got), &size)))
			return EFI_ABORTED;
		CHECK(size == 4 && !CompareMem(got, iso + 3 * n, 3),
		      "PlatformLang %a: Lang %a, expected entry %ld of %a", code, got, (INT64)n, iso);
	}
	CHECK(n > 0, "no language in %a / %a", codes, iso);
	return EFI_SUCCESS;
}

/* Setting Lang to a LangCodes entry sets PlatformLang to the entry of its first index. */
static EFI_STATUS lang_sets_platform_lang(void)
{
	CHAR8 codes[128], iso[128], code[4], want[32], got[32];
	UINTN size;

	if (EFI_ERROR(read_global(L"PlatformLangCodes", NULL, codes, sizeof(codes), &size)) ||
	    EFI_ERROR(read_global(L"LangCodes", NULL, iso, sizeof(iso), &size)))
		return EFI_ABORTED;
	CHECK(strlena(iso) >= 3 && nth_entry(codes, 0, want, sizeof(want)), "codes %a / %a",
	      codes, iso);
	CopyMem(code, iso, 3);
	code[3] = 0;
	CHECK_OK(set_global(L"PlatformLang", "xx-YY"));
	CHECK_OK(set_global(L"Lang", (char *)code));
	if (EFI_ERROR(read_global(L"PlatformLang", NULL, got, sizeof(got), &size)))
		return EFI_ABORTED;
	CHECK(!strcmpa(got, want), "Lang %a: PlatformLang %a, expected %a", code, got, want);
	return EFI_SUCCESS;
}

/* A language value must be a NUL-terminated string with the variable's attributes. */
static EFI_STATUS bad_language_refused(void)
{
	CHAR8 got[32];
	UINTN size;

	CHECK_STATUS(RT->SetVariable(L"PlatformLang", &gEfiGlobalVariableGuid, NV_BS_RT, 5,
				     "en-US"),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(RT->SetVariable(L"Lang", &gEfiGlobalVariableGuid, NV_BS_RT, 3, "eng"),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(RT->SetVariable(L"Lang", &gEfiGlobalVariableGuid, BS_RT, 4, "eng"),
		     EFI_INVALID_PARAMETER);
	if (EFI_ERROR(read_global(L"PlatformLang", NULL, got, sizeof(got), &size)))
		return EFI_ABORTED;
	CHECK(size == saved_platform_lang_size && !CompareMem(got, saved_platform_lang, size),
	      "PlatformLang changed to %a", got);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(global_variables, { "global_variables.platform_lang", NULL, platform_lang, NULL },
	       { "global_variables.lang", NULL, lang, NULL },
	       { "global_variables.timeout", NULL, timeout, NULL },
	       { "global_variables.os_indications_supported", NULL, os_indications_supported,
		 NULL },
	       { "global_variables.codes_read_only", NULL, codes_read_only, NULL },
	       { "global_variables.platform_lang_writable", NULL, platform_lang_writable, NULL },
	       { "global_variables.platform_lang_sets_lang", lang_setup, platform_lang_sets_lang,
		 lang_teardown },
	       { "global_variables.lang_sets_platform_lang", lang_setup, lang_sets_platform_lang,
		 lang_teardown },
	       { "global_variables.bad_language_refused", lang_setup, bad_language_refused,
		 lang_teardown });
