/* SPDX-License-Identifier: MIT */
/* EFI_HII_STRING_PROTOCOL (UEFI 2.10 §34.3). */
#pragma once

#include "include/efi/hii.h"
#include "include/efi/types.h"

#define EFI_HII_STRING_PROTOCOL_GUID \
	{ 0x0fd96974, 0x23aa, 0x4cdc, { 0xb9, 0xcb, 0x98, 0xd1, 0x77, 0x50, 0x32, 0x2a } }

typedef struct _EFI_HII_STRING_PROTOCOL EFI_HII_STRING_PROTOCOL;
/* §34.1: font information; Strata keeps no fonts in HII, so it only passes through as NULL. */
typedef struct _EFI_FONT_INFO EFI_FONT_INFO;

typedef EFI_STATUS(EFIAPI *EFI_HII_NEW_STRING)(CONST EFI_HII_STRING_PROTOCOL *This,
					       EFI_HII_HANDLE PackageList, EFI_STRING_ID *StringId,
					       CONST CHAR8 *Language, CONST CHAR16 *LanguageName,
					       CONST EFI_STRING String,
					       CONST EFI_FONT_INFO *StringFontInfo);
typedef EFI_STATUS(EFIAPI *EFI_HII_GET_STRING)(CONST EFI_HII_STRING_PROTOCOL *This,
					       CONST CHAR8 *Language, EFI_HII_HANDLE PackageList,
					       EFI_STRING_ID StringId, EFI_STRING String,
					       UINTN *StringSize, EFI_FONT_INFO **StringFontInfo);
typedef EFI_STATUS(EFIAPI *EFI_HII_SET_STRING)(CONST EFI_HII_STRING_PROTOCOL *This,
					       EFI_HII_HANDLE PackageList, EFI_STRING_ID StringId,
					       CONST CHAR8 *Language, CONST EFI_STRING String,
					       CONST EFI_FONT_INFO *StringFontInfo);
typedef EFI_STATUS(EFIAPI *EFI_HII_GET_LANGUAGES)(CONST EFI_HII_STRING_PROTOCOL *This,
						  EFI_HII_HANDLE PackageList, CHAR8 *Languages,
						  UINTN *LanguagesSize);
typedef EFI_STATUS(EFIAPI *EFI_HII_GET_2ND_LANGUAGES)(CONST EFI_HII_STRING_PROTOCOL *This,
						      EFI_HII_HANDLE PackageList,
						      CONST CHAR8 *PrimaryLanguage,
						      CHAR8 *SecondaryLanguages,
						      UINTN *SecondaryLanguagesSize);

struct _EFI_HII_STRING_PROTOCOL {
	EFI_HII_NEW_STRING NewString;
	EFI_HII_GET_STRING GetString;
	EFI_HII_SET_STRING SetString;
	EFI_HII_GET_LANGUAGES GetLanguages;
	EFI_HII_GET_2ND_LANGUAGES GetSecondaryLanguages;
};

_Static_assert(sizeof(EFI_HII_STRING_PROTOCOL) == 40, "EFI_HII_STRING_PROTOCOL layout");
