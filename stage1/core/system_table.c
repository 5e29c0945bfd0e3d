/* SPDX-License-Identifier: MIT */
/* The system table, the boot services table, configuration tables and the small services. */
#include "lib/crc32.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/handles.h"
#include "stage1/core/image.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"
#include "stage1/core/watchdog_timer.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "system-table: "
#include "lib/log.h"

#define MAX_CONFIG_TABLES 32

EFI_SYSTEM_TABLE *efi_st;
EFI_BOOT_SERVICES *efi_bs;
EFI_HANDLE firmware_image_handle;

static UINT64 monotonic_count;

void table_header_update_crc(EFI_TABLE_HEADER *header, UINTN size)
{
	header->CRC32 = 0;
	header->CRC32 = crc32(header, size);
}

static EFI_STATUS EFIAPI efi_get_next_monotonic_count(UINT64 *Count)
{
	if (!Count)
		return EFI_INVALID_PARAMETER;
	if (runtime_next_monotonic_count(Count) != EFI_UNSUPPORTED)
		return EFI_SUCCESS;
	/* No runtime blob: a count of our own, high half 0. */
	*Count = monotonic_count++;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI efi_calculate_crc32(VOID *Data, UINTN DataSize, UINT32 *Crc32)
{
	if (!Data || !DataSize || !Crc32)
		return EFI_INVALID_PARAMETER;
	*Crc32 = crc32(Data, DataSize);
	return EFI_SUCCESS;
}

static VOID EFIAPI efi_copy_mem(VOID *Destination, VOID *Source, UINTN Length)
{
	memmove(Destination, Source, Length);
}

static VOID EFIAPI efi_set_mem(VOID *Buffer, UINTN Size, UINT8 Value)
{
	memset(Buffer, Value, Size);
}

EFI_STATUS config_table_install(const EFI_GUID *guid, void *table)
{
	EFI_CONFIGURATION_TABLE *tables = efi_st->ConfigurationTable;
	UINTN n = efi_st->NumberOfTableEntries;

	for (UINTN i = 0; i < n; i++) {
		if (!guid_equal(&tables[i].VendorGuid, guid))
			continue;
		if (table) {
			tables[i].VendorTable = table;
		} else {
			memmove(&tables[i], &tables[i + 1], (n - i - 1) * sizeof(tables[0]));
			efi_st->NumberOfTableEntries--;
		}
		goto out;
	}
	if (!table)
		return EFI_NOT_FOUND;
	if (n == MAX_CONFIG_TABLES)
		return EFI_OUT_OF_RESOURCES;
	tables[n].VendorGuid = *guid;
	tables[n].VendorTable = table;
	efi_st->NumberOfTableEntries++;
out:
	table_header_update_crc(&efi_st->Hdr, sizeof(*efi_st));
	return EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_install_configuration_table(EFI_GUID *Guid, VOID *Table)
{
	if (!Guid)
		return EFI_INVALID_PARAMETER;
	return config_table_install(Guid, Table);
}

void system_table_set_runtime(EFI_RUNTIME_SERVICES *rt)
{
	efi_st->RuntimeServices = rt;
	table_header_update_crc(&efi_st->Hdr, sizeof(*efi_st));
}

static const EFI_BOOT_SERVICES boot_services_template = {
	.Hdr = { EFI_BOOT_SERVICES_SIGNATURE, EFI_BOOT_SERVICES_REVISION,
		 sizeof(EFI_BOOT_SERVICES) },
	.RaiseTPL = efi_raise_tpl,
	.RestoreTPL = efi_restore_tpl,
	.AllocatePages = efi_allocate_pages,
	.FreePages = efi_free_pages,
	.GetMemoryMap = efi_get_memory_map,
	.AllocatePool = efi_allocate_pool,
	.FreePool = efi_free_pool,
	.CreateEvent = efi_create_event,
	.SetTimer = efi_set_timer,
	.WaitForEvent = efi_wait_for_event,
	.SignalEvent = efi_signal_event,
	.CloseEvent = efi_close_event,
	.CheckEvent = efi_check_event,
	.InstallProtocolInterface = efi_install_protocol_interface,
	.ReinstallProtocolInterface = efi_reinstall_protocol_interface,
	.UninstallProtocolInterface = efi_uninstall_protocol_interface,
	.HandleProtocol = efi_handle_protocol,
	.RegisterProtocolNotify = efi_register_protocol_notify,
	.LocateHandle = efi_locate_handle,
	.LocateDevicePath = efi_locate_device_path,
	.InstallConfigurationTable = efi_install_configuration_table,
	.LoadImage = efi_load_image,
	.StartImage = efi_start_image,
	.Exit = efi_exit,
	.UnloadImage = efi_unload_image,
	.ExitBootServices = efi_exit_boot_services,
	.GetNextMonotonicCount = efi_get_next_monotonic_count,
	.Stall = efi_stall,
	.SetWatchdogTimer = efi_set_watchdog_timer,
	.ConnectController = efi_connect_controller,
	.DisconnectController = efi_disconnect_controller,
	.OpenProtocol = efi_open_protocol,
	.CloseProtocol = efi_close_protocol,
	.OpenProtocolInformation = efi_open_protocol_information,
	.ProtocolsPerHandle = efi_protocols_per_handle,
	.LocateHandleBuffer = efi_locate_handle_buffer,
	.LocateProtocol = efi_locate_protocol,
	.InstallMultipleProtocolInterfaces = efi_install_multiple_protocol_interfaces,
	.UninstallMultipleProtocolInterfaces = efi_uninstall_multiple_protocol_interfaces,
	.CalculateCrc32 = efi_calculate_crc32,
	.CopyMem = efi_copy_mem,
	.SetMem = efi_set_mem,
	.CreateEventEx = efi_create_event_ex,
};

EFI_STATUS system_table_init(void)
{
	static CHAR16 vendor[] = u"Strata";

	/*
	 * The system table and configuration table array live in runtime data: the OS keeps
	 * reading them after ExitBootServices.
	 */
	efi_st = pool_alloc(EfiRuntimeServicesData, sizeof(*efi_st));
	efi_bs = pool_alloc(EfiBootServicesData, sizeof(*efi_bs));
	EFI_CONFIGURATION_TABLE *tables =
		pool_alloc(EfiRuntimeServicesData, MAX_CONFIG_TABLES * sizeof(*tables));
	CHAR16 *vendor_copy = pool_alloc(EfiRuntimeServicesData, sizeof(vendor));

	if (!efi_st || !efi_bs || !tables || !vendor_copy)
		return log_error_status(EFI_OUT_OF_RESOURCES, "system table");
	memcpy(vendor_copy, vendor, sizeof(vendor));
	*efi_bs = boot_services_template;
	table_header_update_crc(&efi_bs->Hdr, sizeof(*efi_bs));
	*efi_st = (EFI_SYSTEM_TABLE){
		.Hdr = { EFI_SYSTEM_TABLE_SIGNATURE, EFI_SYSTEM_TABLE_REVISION,
			 sizeof(EFI_SYSTEM_TABLE) },
		.FirmwareVendor = vendor_copy,
		.FirmwareRevision = STRATA_VERSION_CODE,
		.BootServices = efi_bs,
		.ConfigurationTable = tables,
	};
	table_header_update_crc(&efi_st->Hdr, sizeof(*efi_st));
	return EFI_SUCCESS;
}
