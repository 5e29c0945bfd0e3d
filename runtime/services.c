/* SPDX-License-Identifier: MIT */
/* The runtime services table, the monotonic counter, and the services we do not provide. */
#include "lib/crc32.h"
#include "runtime/runtime.h"

/* What works after ExitBootServices, for the EFI_RT_PROPERTIES_TABLE (UEFI 2.10 §4.6.2). */
#define SERVICES_SUPPORTED                                                                        \
	(EFI_RT_SUPPORTED_GET_TIME | EFI_RT_SUPPORTED_SET_TIME | EFI_RT_SUPPORTED_GET_VARIABLE |  \
	 EFI_RT_SUPPORTED_GET_NEXT_VARIABLE_NAME | EFI_RT_SUPPORTED_SET_VARIABLE |              \
	 EFI_RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP | EFI_RT_SUPPORTED_CONVERT_POINTER |          \
	 EFI_RT_SUPPORTED_GET_NEXT_HIGH_MONOTONIC_COUNT | EFI_RT_SUPPORTED_RESET_SYSTEM |       \
	 EFI_RT_SUPPORTED_QUERY_VARIABLE_INFO)

/* The monotonic count, high and low halves; volatile for now, as the variable store is. */
static UINT32 high_count;
static UINT32 low_count;

static EFI_STATUS next_monotonic_count(UINT64 *count);
/* The table the second link puts in .strata_symbols (mk/symtab.mk). */
extern const UINT8 strata_symbols[];
/* From runtime/runtime.ld: where the data half starts, page-aligned. */
extern const UINT8 __runtime_data_start[];

/*
 * Every pointer here is a link-time constant, so each has an R_X86_64_RELATIVE entry: the loader
 * points them at the physical copy, SetVirtualAddressMap at the virtual one.
 */
struct runtime_exports runtime_exports = {
	.version = RUNTIME_ABI_VERSION,
	.size = sizeof(struct runtime_exports),
	.services = {
		.Hdr = {
			.Signature = EFI_RUNTIME_SERVICES_SIGNATURE,
			.Revision = EFI_RUNTIME_SERVICES_REVISION,
			.HeaderSize = sizeof(EFI_RUNTIME_SERVICES),
		},
		.GetTime = efi_get_time,
		.SetTime = efi_set_time,
		.GetWakeupTime = efi_get_wakeup_time,
		.SetWakeupTime = efi_set_wakeup_time,
		.SetVirtualAddressMap = efi_set_virtual_address_map,
		.ConvertPointer = efi_convert_pointer,
		.GetVariable = efi_get_variable,
		.GetNextVariableName = efi_get_next_variable_name,
		.SetVariable = efi_set_variable,
		.GetNextHighMonotonicCount = efi_get_next_high_monotonic_count,
		.ResetSystem = efi_reset_system,
		.UpdateCapsule = efi_update_capsule,
		.QueryCapsuleCapabilities = efi_query_capsule_capabilities,
		.QueryVariableInfo = efi_query_variable_info,
	},
	.properties = {
		.Version = EFI_RT_PROPERTIES_TABLE_VERSION,
		.Length = sizeof(EFI_RT_PROPERTIES_TABLE),
		.RuntimeServicesSupported = SERVICES_SUPPORTED,
	},
	.exit_boot_services = runtime_exit_boot_services,
	.register_va_event = virtual_map_register_event,
	.unregister_va_event = virtual_map_unregister_event,
	.lock_variable = variables_lock,
	.next_monotonic_count = next_monotonic_count,
	.symbols = strata_symbols,
	.data_start = __runtime_data_start,
	.set_authenticated = variables_set_authenticated,
	.get_authenticated_time = variables_get_authenticated_time,
};

/* Reads the table only (no pointer is followed), so it is safe right after self-relocation. */
void services_update_crc(void)
{
	EFI_TABLE_HEADER *hdr = &runtime_exports.services.Hdr;

	hdr->CRC32 = 0;
	hdr->CRC32 = crc32(&runtime_exports.services, sizeof(runtime_exports.services));
}

EFI_STATUS EFIAPI efi_get_next_high_monotonic_count(UINT32 *HighCount)
{
	if (!HighCount)
		return EFI_INVALID_PARAMETER;
	/* UEFI 2.10 §8.5.2: the count must never wrap; once exhausted the device has failed. */
	if (high_count == 0xffffffffu)
		return EFI_DEVICE_ERROR;
	*HighCount = ++high_count;
	low_count = 0;
	return EFI_SUCCESS;
}

static EFI_STATUS next_monotonic_count(UINT64 *count)
{
	if (!count)
		return EFI_INVALID_PARAMETER;
	/* When the low half wraps, the high half advances, as GetNextHighMonotonicCount would. */
	if (low_count == 0xffffffffu) {
		if (high_count == 0xffffffffu)
			return EFI_DEVICE_ERROR;
		high_count++;
		low_count = 0;
	}
	*count = (UINT64)high_count << 32 | low_count++;
	return EFI_SUCCESS;
}

/* No wakeup alarm: the CMOS one would need an SCI handler the OS does not expect from us. */
EFI_STATUS EFIAPI efi_get_wakeup_time(BOOLEAN *Enabled, BOOLEAN *Pending, EFI_TIME *Time)
{
	return EFI_UNSUPPORTED;
}

EFI_STATUS EFIAPI efi_set_wakeup_time(BOOLEAN Enable, EFI_TIME *Time)
{
	return EFI_UNSUPPORTED;
}

/* No capsule updates: there is no flash update path in a QEMU firmware. */
EFI_STATUS EFIAPI efi_update_capsule(EFI_CAPSULE_HEADER **CapsuleHeaderArray, UINTN CapsuleCount,
				     EFI_PHYSICAL_ADDRESS ScatterGatherList)
{
	return EFI_UNSUPPORTED;
}

EFI_STATUS EFIAPI efi_query_capsule_capabilities(EFI_CAPSULE_HEADER **CapsuleHeaderArray,
						 UINTN CapsuleCount, UINT64 *MaximumCapsuleSize,
						 EFI_RESET_TYPE *ResetType)
{
	return EFI_UNSUPPORTED;
}
