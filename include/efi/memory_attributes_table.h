/* SPDX-License-Identifier: MIT */
/* EFI_MEMORY_ATTRIBUTES_TABLE, the configuration table of runtime memory permissions (UEFI 2.10 §4.6.4). */
#pragma once

#include "include/efi/types.h"

#define EFI_MEMORY_ATTRIBUTES_TABLE_GUID \
	{ 0xdcfa911d, 0x26eb, 0x469f, { 0xa2, 0x20, 0x38, 0xb7, 0xdc, 0x46, 0x12, 0x20 } }

/* Version 2 names the Flags field (Reserved in version 1); Linux before 6.2 accepts only 1. */
#define EFI_MEMORY_ATTRIBUTES_TABLE_VERSION 1
#define EFI_MEMORY_ATTRIBUTES_FLAGS_RT_FORWARD_CONTROL_FLOW_GUARD 0x1

typedef struct {
	UINT32 Version;
	UINT32 NumberOfEntries;
	UINT32 DescriptorSize;
	UINT32 Flags;
	/* EFI_MEMORY_DESCRIPTOR Entry[NumberOfEntries], DescriptorSize bytes apart */
} EFI_MEMORY_ATTRIBUTES_TABLE;

_Static_assert(sizeof(EFI_MEMORY_ATTRIBUTES_TABLE) == 16, "EFI_MEMORY_ATTRIBUTES_TABLE layout");
