/* SPDX-License-Identifier: MIT */
/* The EFI system table stage1 hands to images, and configuration tables (UEFI 2.10 §4.3, §4.6). */
#pragma once

#include "include/efi/system_table.h"

extern EFI_SYSTEM_TABLE *efi_st;
extern EFI_BOOT_SERVICES *efi_bs;
/* The handle stage1 itself uses as image and agent for what it opens. */
extern EFI_HANDLE firmware_image_handle;

/* Allocate and fill the system table and boot services table. */
EFI_STATUS system_table_init(void);
/* Recompute a table header's CRC32 after its table changed. */
void table_header_update_crc(EFI_TABLE_HEADER *header, UINTN size);
/* Install, replace (same GUID) or remove (table NULL) a configuration table. */
EFI_STATUS config_table_install(const EFI_GUID *guid, void *table);
/* Point the system table at a runtime services table (the runtime blob's, or stage1's fallback). */
void system_table_set_runtime(EFI_RUNTIME_SERVICES *rt);

EFI_STATUS EFIAPI efi_install_configuration_table(EFI_GUID *Guid, VOID *Table);
