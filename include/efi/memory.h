/* SPDX-License-Identifier: MIT */
/* Memory types, attributes and the memory map descriptor (UEFI 2.10 §7.2). */
#pragma once

#include "include/efi/types.h"

typedef enum {
	EfiReservedMemoryType,
	EfiLoaderCode,
	EfiLoaderData,
	EfiBootServicesCode,
	EfiBootServicesData,
	EfiRuntimeServicesCode,
	EfiRuntimeServicesData,
	EfiConventionalMemory,
	EfiUnusableMemory,
	EfiACPIReclaimMemory,
	EfiACPIMemoryNVS,
	EfiMemoryMappedIO,
	EfiMemoryMappedIOPortSpace,
	EfiPalCode,
	EfiPersistentMemory,
	EfiUnacceptedMemoryType,
	EfiMaxMemoryType
} EFI_MEMORY_TYPE;

typedef enum {
	AllocateAnyPages,
	AllocateMaxAddress,
	AllocateAddress,
	MaxAllocateType
} EFI_ALLOCATE_TYPE;

#define EFI_MEMORY_UC 0x0000000000000001ull
#define EFI_MEMORY_WC 0x0000000000000002ull
#define EFI_MEMORY_WT 0x0000000000000004ull
#define EFI_MEMORY_WB 0x0000000000000008ull
#define EFI_MEMORY_UCE 0x0000000000000010ull
#define EFI_MEMORY_WP 0x0000000000001000ull
#define EFI_MEMORY_RP 0x0000000000002000ull
#define EFI_MEMORY_XP 0x0000000000004000ull
#define EFI_MEMORY_NV 0x0000000000008000ull
#define EFI_MEMORY_MORE_RELIABLE 0x0000000000010000ull
#define EFI_MEMORY_RO 0x0000000000020000ull
#define EFI_MEMORY_SP 0x0000000000040000ull
#define EFI_MEMORY_RUNTIME 0x8000000000000000ull

#define EFI_MEMORY_DESCRIPTOR_VERSION 1
#define EFI_PAGE_SIZE 4096
#define EFI_PAGE_SHIFT 12
#define EFI_SIZE_TO_PAGES(size) (((size) + EFI_PAGE_SIZE - 1) >> EFI_PAGE_SHIFT)

typedef struct {
	UINT32 Type;
	EFI_PHYSICAL_ADDRESS PhysicalStart;
	EFI_VIRTUAL_ADDRESS VirtualStart;
	UINT64 NumberOfPages;
	UINT64 Attribute;
} EFI_MEMORY_DESCRIPTOR;

_Static_assert(sizeof(EFI_MEMORY_DESCRIPTOR) == 40, "EFI_MEMORY_DESCRIPTOR layout");
