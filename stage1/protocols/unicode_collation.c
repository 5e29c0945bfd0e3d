/* SPDX-License-Identifier: MIT */
/*
 * UnicodeCollation2 and UnicodeCollation (UEFI 2.10 §19.1) over lib/collation.c, for English as
 * OVMF offers them: the Shell matches file names and commands with them and will not start
 * without an instance that supports PlatformLang.
 */
#include "include/efi/protocol/unicode_collation.h"
#include "lib/collation.h"
#include "stage1/core/handles.h"
#include "stage1/protocols/unicode_collation.h"

static INTN EFIAPI efi_stri_coll(EFI_UNICODE_COLLATION_PROTOCOL *This, CHAR16 *Str1, CHAR16 *Str2)
{
	return collation_stricoll(Str1, Str2);
}

static BOOLEAN EFIAPI efi_metai_match(EFI_UNICODE_COLLATION_PROTOCOL *This, CHAR16 *String,
				      CHAR16 *Pattern)
{
	return collation_metai_match(String, Pattern);
}

static VOID EFIAPI efi_str_lwr(EFI_UNICODE_COLLATION_PROTOCOL *This, CHAR16 *Str)
{
	for (; *Str; Str++)
		*Str = collation_lower(*Str);
}

static VOID EFIAPI efi_str_upr(EFI_UNICODE_COLLATION_PROTOCOL *This, CHAR16 *Str)
{
	for (; *Str; Str++)
		*Str = collation_upper(*Str);
}

static VOID EFIAPI efi_fat_to_str(EFI_UNICODE_COLLATION_PROTOCOL *This, UINTN FatSize, CHAR8 *Fat,
				  CHAR16 *String)
{
	collation_fat_to_str(FatSize, Fat, String);
}

static BOOLEAN EFIAPI efi_str_to_fat(EFI_UNICODE_COLLATION_PROTOCOL *This, CHAR16 *String,
				     UINTN FatSize, CHAR8 *Fat)
{
	return collation_str_to_fat(String, FatSize, Fat);
}

/* Version 2 names RFC 4646 languages, the old protocol ISO 639-2 ones (as EDK2's EnglishDxe). */
static EFI_UNICODE_COLLATION_PROTOCOL collation2 = {
	efi_stri_coll, efi_metai_match, efi_str_lwr, efi_str_upr, efi_fat_to_str, efi_str_to_fat,
	"en",
};
static EFI_UNICODE_COLLATION_PROTOCOL collation1 = {
	efi_stri_coll, efi_metai_match, efi_str_lwr, efi_str_upr, efi_fat_to_str, efi_str_to_fat,
	"eng",
};

static const EFI_GUID collation2_guid = EFI_UNICODE_COLLATION2_PROTOCOL_GUID;
static const EFI_GUID collation1_guid = EFI_UNICODE_COLLATION_PROTOCOL_GUID;

EFI_STATUS unicode_collation_init(void)
{
	EFI_HANDLE handle = NULL;
	EFI_STATUS status;

	status = handle_install(&handle, &collation2_guid, &collation2);
	if (EFI_ERROR(status))
		return status;
	return handle_install(&handle, &collation1_guid, &collation1);
}
