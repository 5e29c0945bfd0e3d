/* SPDX-License-Identifier: MIT */
/* The header every EFI table starts with (UEFI 2.10 §4.2). */
#pragma once

#include "include/efi/types.h"

typedef struct {
	UINT64 Signature;
	UINT32 Revision;
	UINT32 HeaderSize;
	UINT32 CRC32;
	UINT32 Reserved;
} EFI_TABLE_HEADER;

#define EFI_2_70_SYSTEM_TABLE_REVISION ((2 << 16) | 70)
#define EFI_SPECIFICATION_VERSION EFI_2_70_SYSTEM_TABLE_REVISION

_Static_assert(sizeof(EFI_TABLE_HEADER) == 24, "EFI_TABLE_HEADER layout");
