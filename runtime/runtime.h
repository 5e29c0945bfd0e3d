/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the runtime blob's files: state, and the services each file owns. */
#pragma once

#include "include/efi/runtime_services.h"
#include "include/strata/runtime_abi.h"
#include "lib/storage/var_store.h"

/*
 * The ELF header sits at offset 0 of the loaded image (FILEHDR in the one PT_LOAD), so its
 * address, taken PC-relative, is where the image runs now whatever its relocations say.
 */
extern const char __ehdr_start[] __attribute__((visibility("hidden")));

/* entry.c: TRUE once stage1 reported ExitBootServices (variable visibility, no more logging). */
extern BOOLEAN runtime_at_runtime;
/* Log through stage1's function during boot services; does nothing afterwards. */
void runtime_log(const char *message);
/* ABI: ExitBootServices happened. */
void runtime_exit_boot_services(void);
/* The entry point (the ELF entry, System V ABI). */
struct runtime_exports *runtime_entry(const struct runtime_boot_info *info);

/* services.c: the exports, with the services table in them. */
extern struct runtime_exports runtime_exports;
/* Recompute the services table's header CRC32 (after its pointers changed). */
void services_update_crc(void);
EFI_STATUS EFIAPI efi_get_next_high_monotonic_count(UINT32 *HighCount);
EFI_STATUS EFIAPI efi_get_wakeup_time(BOOLEAN *Enabled, BOOLEAN *Pending, EFI_TIME *Time);
EFI_STATUS EFIAPI efi_set_wakeup_time(BOOLEAN Enable, EFI_TIME *Time);
EFI_STATUS EFIAPI efi_update_capsule(EFI_CAPSULE_HEADER **CapsuleHeaderArray, UINTN CapsuleCount,
				     EFI_PHYSICAL_ADDRESS ScatterGatherList);
EFI_STATUS EFIAPI efi_query_capsule_capabilities(EFI_CAPSULE_HEADER **CapsuleHeaderArray,
						 UINTN CapsuleCount, UINT64 *MaximumCapsuleSize,
						 EFI_RESET_TYPE *ResetType);

/* rtc.c */
EFI_STATUS EFIAPI efi_get_time(EFI_TIME *Time, EFI_TIME_CAPABILITIES *Capabilities);
EFI_STATUS EFIAPI efi_set_time(EFI_TIME *Time);
/* Range checks of UEFI 2.10 §8.3.1 (days per month, leap years, time zone, daylight bits). */
BOOLEAN rtc_time_valid(const EFI_TIME *time);

/* flash_store.c: non-volatile variables on pflash unit 1, when there is one. */
extern struct var_store runtime_nv_store;	/* mounted: NON_VOLATILE variables live there */
extern BOOLEAN runtime_nv_lost;			/* the OS left the flash out of its map */
/* Mount the store the boot info describes (nothing when it describes none) and say how it is. */
void flash_store_init(const struct runtime_boot_info *info);
/* SetVirtualAddressMap: convert the flash's MMIO address with the map being applied. */
void flash_store_virtual_map(EFI_STATUS (*convert)(UINT64 *address));

/* languages.c: EFI_INVALID_PARAMETER for a PlatformLang or Lang that is no NUL-terminated ASCII string. */
EFI_STATUS languages_check(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes,
			   UINTN size, const void *data);
/* PlatformLang or Lang was written: give the other the same language, as EDK2 does. */
void languages_sync(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes, UINTN size,
		    const void *data);

/* variables.c */
#define VARIABLE_STORE_SIZE (64u * 1024)	/* bytes of records in memory, headers included */
#define VARIABLE_MAX_SIZE (32u * 1024)		/* name (with its NUL) + data, in memory */
EFI_STATUS EFIAPI efi_get_variable(CHAR16 *VariableName, EFI_GUID *VendorGuid, UINT32 *Attributes,
				   UINTN *DataSize, VOID *Data);
EFI_STATUS EFIAPI efi_get_next_variable_name(UINTN *VariableNameSize, CHAR16 *VariableName,
					     EFI_GUID *VendorGuid);
EFI_STATUS EFIAPI efi_set_variable(CHAR16 *VariableName, EFI_GUID *VendorGuid, UINT32 Attributes,
				   UINTN DataSize, VOID *Data);
EFI_STATUS EFIAPI efi_query_variable_info(UINT32 Attributes, UINT64 *MaximumVariableStorageSize,
					  UINT64 *RemainingVariableStorageSize,
					  UINT64 *MaximumVariableSize);
/* Make an existing variable read-only; EFI_NOT_FOUND if absent, EFI_UNSUPPORTED after EBS. */
EFI_STATUS variables_lock(const CHAR16 *name, const EFI_GUID *guid);
EFI_STATUS variables_set_authenticated(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes,
				       const void *value, UINTN size);
EFI_STATUS variables_get_authenticated_time(const CHAR16 *name, const EFI_GUID *guid, UINT8 *time);
/* Forget every variable (host tests start each case from an empty store). */
void variables_reset(void);

/* reset.c */
/* Keep the ACPI and reset-register facts of the boot info for ResetSystem. */
void reset_init(const struct runtime_boot_info *info);
__attribute__((noreturn)) VOID EFIAPI efi_reset_system(EFI_RESET_TYPE ResetType,
							EFI_STATUS ResetStatus, UINTN DataSize,
							VOID *ResetData);

/* virtual_map.c */
/* Keep where the image and its relocations are, and the system table to convert later. */
void virtual_map_init(const struct runtime_boot_info *info);
EFI_STATUS virtual_map_register_event(EFI_EVENT event, EFI_EVENT_NOTIFY notify, VOID *context);
EFI_STATUS virtual_map_unregister_event(EFI_EVENT event);
EFI_STATUS EFIAPI efi_set_virtual_address_map(UINTN MemoryMapSize, UINTN DescriptorSize,
					      UINT32 DescriptorVersion,
					      EFI_MEMORY_DESCRIPTOR *VirtualMap);
EFI_STATUS EFIAPI efi_convert_pointer(UINTN DebugDisposition, VOID **Address);
