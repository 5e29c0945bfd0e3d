/* SPDX-License-Identifier: MIT */
/* The contract between stage1 and the runtime blob: what the entry point takes and returns. */
#pragma once

#include "include/efi/boot_services.h"
#include "include/efi/runtime_services.h"
#include "include/efi/types.h"

/*
 * stage0 loads the blob (a stage image of kind runtime), relocates it for its physical address and
 * reports it in the hand-off block. stage1 then calls the entry point once, during boot services,
 * with a struct runtime_boot_info, and gets back the blob's struct runtime_exports, which lives in
 * the blob's own data (runtime memory) and stays valid for the life of the OS.
 *
 * Both structs start with version and size. A caller or blob that sees a version it does not know
 * refuses the other side (the entry returns NULL, stage1 falls back to its stub table); a newer
 * minor layout only appends fields, so size tells how much of the struct the other side filled.
 */
#define RUNTIME_ABI_VERSION 1

/* Boot-time log line from the blob (System V ABI); stage1's code, so never called after EBS. */
typedef void (*runtime_log_fn)(const char *message);

struct runtime_boot_info {
	UINT32 version;		/* RUNTIME_ABI_VERSION */
	UINT32 size;		/* sizeof(struct runtime_boot_info) of the caller */

	/* Where the blob is, so it can relocate itself again in SetVirtualAddressMap. */
	UINT64 image_base;	/* physical load address (the hand-off block's runtime_base) */
	UINT64 image_size;	/* bytes loaded, bss included (runtime_memory_size) */
	UINT64 rela_offset;	/* R_X86_64_RELATIVE table within the image */
	UINT64 rela_size;

	/* ACPI facts from QEMU's FADT (stage1/platform/acpi.c), for ResetSystem. */
	UINT16 pm1a_control_port;	/* PM1a_CNT_BLK I/O port, 0: no ACPI shutdown */
	UINT16 s5_sleep_type;		/* SLP_TYPa of \_S5, unshifted (PM1_CNT bits 12:10) */
	UINT8 reset_space;		/* FADT RESET_REG space: 1 = system I/O, else unused */
	UINT8 reset_value;
	UINT16 reserved;
	UINT64 reset_address;

	/*
	 * The EFI system table, which must sit in EfiRuntimeServicesData: at SetVirtualAddressMap
	 * the blob converts its RuntimeServices, FirmwareVendor and ConfigurationTable pointers and
	 * recomputes its CRC, since stage1 is gone by then. 0: nothing to convert.
	 */
	UINT64 system_table;

	runtime_log_fn log;	/* NULL: the blob stays silent */

	/*
	 * The variable store: QEMU's pflash unit 1 (CFI), found by stage1 and described in the
	 * memory map as EfiMemoryMappedIO with EFI_MEMORY_RUNTIME. flash_size 0: no store, so
	 * variables are volatile. Appended in ABI version 1: older callers' size ends before it.
	 */
	UINT64 flash_base;
	UINT32 flash_size;
	UINT32 flash_block_size;
};

/*
 * What the blob returns. services is the EFI_RUNTIME_SERVICES table for the system table;
 * properties is the EFI_RT_PROPERTIES_TABLE to install as a configuration table (both already
 * in runtime memory). The functions are for stage1 during boot services only (System V ABI).
 */
struct runtime_exports {
	UINT32 version;		/* RUNTIME_ABI_VERSION */
	UINT32 size;		/* sizeof(struct runtime_exports) of the blob */
	EFI_RUNTIME_SERVICES services;
	EFI_RT_PROPERTIES_TABLE properties;

	/* ExitBootServices happened: variables without RUNTIME_ACCESS vanish, logging stops. */
	void (*exit_boot_services)(void);
	/*
	 * An EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE event was created (or joined that group): the blob
	 * calls notify(event, context) during SetVirtualAddressMap, in physical mode, before it
	 * relocates itself. notify must live in runtime memory. EFI_OUT_OF_RESOURCES when full.
	 */
	EFI_STATUS (*register_va_event)(EFI_EVENT event, EFI_EVENT_NOTIFY notify, VOID *context);
	/* The event was closed; EFI_NOT_FOUND if it was never registered. */
	EFI_STATUS (*unregister_va_event)(EFI_EVENT event);
	/* Make an existing variable read-only (EFI_WRITE_PROTECTED), e.g. SecureBoot. */
	EFI_STATUS (*lock_variable)(const CHAR16 *name, const EFI_GUID *guid);
	/*
	 * Boot services' GetNextMonotonicCount: one 64-bit count whose high half is the one
	 * GetNextHighMonotonicCount advances, as UEFI 2.10 §7.5.2 and §8.5.2 tie them together.
	 */
	EFI_STATUS (*next_monotonic_count)(UINT64 *count);
	/*
	 * The blob's function table (lib/formats/exception.h, offsets from the image base), so
	 * stage1's exception reports name runtime functions; read during boot services only.
	 */
	const void *symbols;
	/*
	 * The first page of the blob's data (runtime/runtime.ld): the pages before it hold code,
	 * read-only data and the relocation table and are never written once relocated, so stage1
	 * types them EfiRuntimeServicesCode and the rest EfiRuntimeServicesData.
	 */
	const void *data_start;
	/*
	 * Store a TIME_BASED_AUTHENTICATED variable stage1 has verified (stage1/core/auth_vars.c),
	 * with attributes as given (TIME_BASED_AUTHENTICATED_WRITE_ACCESS included). value is the
	 * stored record's data: the variable's EFI_TIME (16 bytes), then its value, of which
	 * GetVariable returns the value only. size 0 deletes. Boot services only: EFI_UNSUPPORTED
	 * after, and the public SetVariable answers EFI_WRITE_PROTECTED for such a variable.
	 */
	EFI_STATUS (*set_authenticated)(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes,
					const void *value, UINTN size);
	/* The stored EFI_TIME of such a variable (16 bytes); EFI_NOT_FOUND if none. */
	EFI_STATUS (*get_authenticated_time)(const CHAR16 *name, const EFI_GUID *guid, UINT8 *time);
};

/* The entry point at image_base + entry_offset: NULL if info is unusable (version, base). */
typedef struct runtime_exports *(*runtime_entry_fn)(const struct runtime_boot_info *info);
