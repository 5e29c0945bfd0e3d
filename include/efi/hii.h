/* SPDX-License-Identifier: MIT */
/* HII package lists and string packages: the data HII protocols exchange (UEFI 2.10 §33.3). */
#pragma once

#include "include/efi/types.h"

typedef VOID *EFI_HII_HANDLE;
typedef UINT16 EFI_STRING_ID;
typedef CHAR16 *EFI_STRING;

/* §33.3.1.1: a package list is this header, then packages, then an END package. */
typedef struct {
	EFI_GUID PackageListGuid;
	UINT32 PackageLength;
} EFI_HII_PACKAGE_LIST_HEADER;

/* §33.3.1.2: Length (24 bits, the header included) and Type (8 bits) of one package. */
typedef struct {
	UINT32 Length : 24;
	UINT32 Type : 8;
} EFI_HII_PACKAGE_HEADER;

#define EFI_HII_PACKAGE_TYPE_ALL 0x00
#define EFI_HII_PACKAGE_TYPE_GUID 0x01
#define EFI_HII_PACKAGE_FORMS 0x02
#define EFI_HII_PACKAGE_STRINGS 0x04
#define EFI_HII_PACKAGE_FONTS 0x05
#define EFI_HII_PACKAGE_IMAGES 0x06
#define EFI_HII_PACKAGE_SIMPLE_FONTS 0x07
#define EFI_HII_PACKAGE_DEVICE_PATH 0x08
#define EFI_HII_PACKAGE_KEYBOARD_LAYOUT 0x09
#define EFI_HII_PACKAGE_ANIMATIONS 0x0A
#define EFI_HII_PACKAGE_END 0xDF

/*
 * §33.3.6.1: the string package header, packed (Language starts at byte 46). Language is an
 * RFC 4646 tag, NUL-terminated; the string blocks start StringInfoOffset bytes from the package.
 */
#define EFI_HII_STRING_PACKAGE_FIXED_SIZE 46
#define EFI_HII_STRING_PACKAGE_HDR_SIZE_OFFSET 4
#define EFI_HII_STRING_PACKAGE_INFO_OFFSET 8
#define EFI_HII_STRING_PACKAGE_LANGUAGE_NAME_OFFSET 44

/* §33.3.6.2: string block types. */
#define EFI_HII_SIBT_END 0x00
#define EFI_HII_SIBT_STRING_SCSU 0x10
#define EFI_HII_SIBT_STRING_SCSU_FONT 0x11
#define EFI_HII_SIBT_STRINGS_SCSU 0x12
#define EFI_HII_SIBT_STRINGS_SCSU_FONT 0x13
#define EFI_HII_SIBT_STRING_UCS2 0x14
#define EFI_HII_SIBT_STRING_UCS2_FONT 0x15
#define EFI_HII_SIBT_STRINGS_UCS2 0x16
#define EFI_HII_SIBT_STRINGS_UCS2_FONT 0x17
#define EFI_HII_SIBT_DUPLICATE 0x20
#define EFI_HII_SIBT_SKIP2 0x21
#define EFI_HII_SIBT_SKIP1 0x22
#define EFI_HII_SIBT_EXT1 0x30
#define EFI_HII_SIBT_EXT2 0x31
#define EFI_HII_SIBT_EXT4 0x32

_Static_assert(sizeof(EFI_HII_PACKAGE_LIST_HEADER) == 20, "package list header layout");
_Static_assert(sizeof(EFI_HII_PACKAGE_HEADER) == 4, "package header layout");
