/* SPDX-License-Identifier: MIT */
/* stage1's memory: the EFI memory map, page allocation and pools (UEFI 2.10 §7.2). */
#pragma once

#include "include/efi/boot_services.h"
#include "include/strata/handoff.h"

/* Build the memory map from the hand-off block; stage0's allocations keep their contents and get EFI types. */
EFI_STATUS memory_init(const struct handoff *h);
/* AllocatePages without the EFIAPI wrapper. */
EFI_STATUS memory_allocate_pages(EFI_ALLOCATE_TYPE type, EFI_MEMORY_TYPE memory_type, UINTN pages,
				 EFI_PHYSICAL_ADDRESS *memory);
/* FreePages without the EFIAPI wrapper. */
EFI_STATUS memory_free_pages(EFI_PHYSICAL_ADDRESS memory, UINTN pages);
/* Describe a range outside RAM (MMIO a runtime driver touches: EFI_MEMORY_RUNTIME in attributes). */
EFI_STATUS memory_add_range(UINT64 base, UINT64 size, EFI_MEMORY_TYPE type, UINT64 attributes);
/* Give pages of runtime memory the other runtime type (the runtime blob's code and data halves). */
EFI_STATUS memory_retype_runtime(UINT64 base, UINT64 size, EFI_MEMORY_TYPE type);
/* The current map key: changes on every change to the map. */
UINTN memory_map_key(void);
/* Sum of pages of one type in the map (for logs and benchmarks). */
UINT64 memory_pages_of_type(EFI_MEMORY_TYPE type);

/* Pool memory of a type; NULL when out of memory. */
void *pool_alloc(EFI_MEMORY_TYPE type, UINTN size);
/* Zeroed EfiBootServicesData pool memory; NULL when out of memory. */
void *pool_zalloc(UINTN size);
/* Free pool memory from pool_alloc/pool_zalloc/AllocatePool (NULL is ignored). */
void pool_free(void *buffer);

EFI_STATUS EFIAPI efi_allocate_pages(EFI_ALLOCATE_TYPE Type, EFI_MEMORY_TYPE MemoryType,
				     UINTN Pages, EFI_PHYSICAL_ADDRESS *Memory);
EFI_STATUS EFIAPI efi_free_pages(EFI_PHYSICAL_ADDRESS Memory, UINTN Pages);
EFI_STATUS EFIAPI efi_get_memory_map(UINTN *MemoryMapSize, EFI_MEMORY_DESCRIPTOR *MemoryMap,
				     UINTN *MapKey, UINTN *DescriptorSize,
				     UINT32 *DescriptorVersion);
EFI_STATUS EFIAPI efi_allocate_pool(EFI_MEMORY_TYPE PoolType, UINTN Size, VOID **Buffer);
EFI_STATUS EFIAPI efi_free_pool(VOID *Buffer);
