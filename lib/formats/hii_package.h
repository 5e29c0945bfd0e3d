/* SPDX-License-Identifier: MIT */
/* HII package lists: checking one, and the strings of its string packages (UEFI 2.10 §33.3). */
#pragma once

#include "include/efi/hii.h"
#include "include/efi/types.h"

/* EFI_SUCCESS if list (size bytes) is a well-formed package list: sizes agree, ends with END. */
EFI_STATUS hii_package_list_check(const void *list, UINTN size);
/* Whether a checked list holds a package of type (EFI_HII_PACKAGE_TYPE_ALL: any; GUID: guid). */
BOOLEAN hii_package_list_has(const void *list, UINT8 type, const EFI_GUID *guid);
/* The languages of a checked list's string packages, "en-US;fr-FR" with a NUL; size in bytes. */
EFI_STATUS hii_string_languages(const void *list, CHAR8 *languages, UINTN *size);
/* String id in language (matched case-insensitively) into string; size in bytes, NUL included. */
EFI_STATUS hii_string_get(const void *list, const CHAR8 *language, EFI_STRING_ID id,
			  CHAR16 *string, UINTN *size);
