/* SPDX-License-Identifier: MIT */
/* PVH boot: checks of the hvm_start_info a PVH loader leaves in %ebx (Xen arch-x86/hvm/start_info.h). */
#pragma once

#include "include/efi/types.h"

#define PVH_START_MAGIC 0x336ec578u
/* Version 1 added the memory map fields after rsdp_paddr. */
#define PVH_MEMMAP_VERSION 1u

struct pvh_start_info {
	UINT32 magic;
	UINT32 version;
	UINT32 flags;
	UINT32 nr_modules;
	UINT64 modlist_paddr;
	UINT64 cmdline_paddr;
	UINT64 rsdp_paddr;
	UINT64 memmap_paddr;   /* version >= 1 */
	UINT32 memmap_entries; /* version >= 1 */
	UINT32 reserved;
};

struct pvh_memmap_entry {
	UINT64 addr;
	UINT64 size;
	UINT32 type; /* E820 types: 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 unusable */
	UINT32 reserved;
};

/* What stage0 takes from a start info: zero where absent. */
struct pvh_platform_info {
	UINT64 rsdp;
	UINT64 memmap;
	UINT32 memmap_entries;
};

/* Checks the magic of the size bytes at info and fills out; EFI_INVALID_PARAMETER when wrong. */
EFI_STATUS pvh_parse_start_info(const void *info, UINTN size, struct pvh_platform_info *out);
