/* SPDX-License-Identifier: MIT */
/* stage1's side of the runtime blob: enter it, publish its tables, seed the standard variables. */
#include "include/strata/runtime_abi.h"
#include "lib/drivers/cfi_flash.h"
#include "lib/string.h"
#include "stage1/core/auth_vars.h"
#include "stage1/core/events.h"
#include "stage1/core/memory.h"
#include "stage1/core/security.h"
#include "stage1/core/system_table.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "runtime: "
#include "lib/log.h"

static const EFI_GUID rt_properties_guid = EFI_RT_PROPERTIES_TABLE_GUID;
static EFI_GUID global_variable = EFI_GLOBAL_VARIABLE;

/* NULL until a blob is installed; then the ABI calls below reach it. */
static struct runtime_exports *exports;
/* The blob's own services; the system table's boot-time ones wrap them (boot_set_variable). */
static EFI_RUNTIME_SERVICES blob_services;
static BOOLEAN flash_store;

#define BS EFI_VARIABLE_BOOTSERVICE_ACCESS
#define RT EFI_VARIABLE_RUNTIME_ACCESS
#define NV EFI_VARIABLE_NON_VOLATILE

/*
 * UEFI 2.10 §3.3's globally defined variables that exist from the start. The read-only ones
 * (lock) are what OVMF reports with no keys enrolled: Secure Boot off, setup mode, no OS
 * indications. BootOrder stays absent until a boot option exists; the boot manager sets
 * BootCurrent.
 */
static const UINT16 timeout = 0;
static const UINT64 os_indications_supported = 0;
static const struct {
	const CHAR16 *name;
	UINT32 attributes;
	const void *data;
	UINTN size;
	BOOLEAN lock;
} standard_variables[] = {
	{ u"PlatformLangCodes", BS | RT, "en-US", sizeof("en-US"), TRUE },
	{ u"PlatformLang", NV | BS | RT, "en-US", sizeof("en-US"), FALSE },
	{ u"LangCodes", BS | RT, "eng", sizeof("eng"), TRUE },
	{ u"Lang", NV | BS | RT, "eng", sizeof("eng"), FALSE },
	{ u"Timeout", NV | BS | RT, &timeout, sizeof(timeout), FALSE },
	{ u"OsIndicationsSupported", BS | RT, &os_indications_supported,
	  sizeof(os_indications_supported), TRUE },
};

/*
 * Without a blob the OS still needs a table whose functions outlive ExitBootServices, which
 * stage1's own code does not. So the fallback is a page of EfiRuntimeServicesCode holding two
 * position-independent stubs (hand-assembled, the one place stage1 carries machine code) and the
 * tables pointing at them.
 */
static const UINT8 stub_unsupported[] = {
	0x48, 0xb8, 0x03, 0, 0, 0, 0, 0, 0, 0x80,	/* movabs $EFI_UNSUPPORTED, %rax */
	0xc3,						/* ret */
};
/* No ACPI facts without the blob, so no power-off: a shutdown request halts instead. */
static const UINT8 stub_reset[] = {
	0x83, 0xf9, 0x02,		/* cmp $EfiResetShutdown, %ecx */
	0x74, 0x07,			/* je halt */
	0xb0, 0x0e,			/* mov $0x0e, %al: cold reset via reset control */
	0x66, 0xba, 0xf9, 0x0c,		/* mov $0xcf9, %dx */
	0xee,				/* out %al, (%dx) */
	0xfa,				/* halt: cli */
	0xf4,				/* hlt */
	0xeb, 0xfd,			/* jmp hlt */
};

#define FALLBACK_RESET_OFFSET 16
#define FALLBACK_TABLE_OFFSET 64
#define FALLBACK_PROPERTIES_OFFSET 256

static void reset_wrap(void);

static EFI_STATUS install_fallback(void)
{
	EFI_PHYSICAL_ADDRESS page;
	EFI_RUNTIME_SERVICES *rt;
	EFI_RT_PROPERTIES_TABLE *properties;
	void **fn;
	EFI_STATUS status;

	status = memory_allocate_pages(AllocateAnyPages, EfiRuntimeServicesCode, 1, &page);
	if (EFI_ERROR(status))
		return log_error_status(status, "no page for the fallback runtime table");
	memset((void *)(UINTN)page, 0xcc, EFI_PAGE_SIZE);	/* int3 between the stubs */
	memcpy((void *)(UINTN)page, stub_unsupported, sizeof(stub_unsupported));
	memcpy((void *)(UINTN)(page + FALLBACK_RESET_OFFSET), stub_reset, sizeof(stub_reset));

	rt = (EFI_RUNTIME_SERVICES *)(UINTN)(page + FALLBACK_TABLE_OFFSET);
	memset(rt, 0, sizeof(*rt));
	rt->Hdr.Signature = EFI_RUNTIME_SERVICES_SIGNATURE;
	rt->Hdr.Revision = EFI_RUNTIME_SERVICES_REVISION;
	rt->Hdr.HeaderSize = sizeof(*rt);
	/* Every service has the same shape for this purpose: return EFI_UNSUPPORTED. */
	for (fn = (void **)&rt->GetTime; fn <= (void **)&rt->QueryVariableInfo; fn++)
		*fn = (void *)(UINTN)page;
	rt->ResetSystem = (EFI_RESET_SYSTEM)(UINTN)(page + FALLBACK_RESET_OFFSET);
	table_header_update_crc(&rt->Hdr, sizeof(*rt));

	/* Nothing is supported, ResetSystem included: it may not power off as asked. */
	properties = (EFI_RT_PROPERTIES_TABLE *)(UINTN)(page + FALLBACK_PROPERTIES_OFFSET);
	*properties = (EFI_RT_PROPERTIES_TABLE){ EFI_RT_PROPERTIES_TABLE_VERSION,
						 sizeof(*properties), 0 };
	system_table_set_runtime(rt);
	reset_wrap();
	return config_table_install(&rt_properties_guid, properties);
}

/* The blob's boot-time log lines; it calls this only before ExitBootServices. */
static void blob_log(const char *message)
{
	log_info("%s", message);
}

static void seed_variables(void)
{
	EFI_RUNTIME_SERVICES *rt = &exports->services;
	EFI_STATUS status;

	/* SecureBoot, SetupMode and the keys (stage1/core/auth_vars.c), through the blob itself. */
	auth_vars_init(exports, &blob_services);
	for (UINTN i = 0; i < sizeof(standard_variables) / sizeof(standard_variables[0]); i++) {
		CHAR16 *name = (CHAR16 *)standard_variables[i].name;
		UINTN size = 0;

		/* A non-volatile one kept from an earlier boot (an OS changed Timeout) stays. */
		if ((standard_variables[i].attributes & NV) &&
		    rt->GetVariable(name, &global_variable, NULL, &size, NULL) ==
			    EFI_BUFFER_TOO_SMALL)
			continue;

		status = rt->SetVariable(name, &global_variable, standard_variables[i].attributes,
					 standard_variables[i].size,
					 (VOID *)standard_variables[i].data);
		if (!EFI_ERROR(status) && standard_variables[i].lock)
			status = exports->lock_variable(name, &global_variable);
		if (EFI_ERROR(status))
			log_warn("variable %d not set: %s", (int)i, efi_status_name(status));
	}
}

/*
 * The variable store is pflash unit 1. QEMU maps pflash units downward from 4 GiB in unit
 * order (hw/i386/pc_sysfw.c): unit 0, stage0's flash, ends at 4 GiB and unit 1 ends where unit
 * 0 starts. Under -bios there is no pflash at all (the ROM does not answer the CFI query), and
 * stage1 runs from RAM, so putting unit 0 in query mode for a moment is harmless.
 */
static void find_variable_store(struct runtime_boot_info *info)
{
	UINT64 code_base, store_base;
	UINT32 code_size, store_size, block;
	EFI_STATUS status;

	if (EFI_ERROR(cfi_flash_probe(1ull << 32, &code_base, &code_size, &block)))
		return;
	if (EFI_ERROR(cfi_flash_probe(code_base, &store_base, &store_size, &block))) {
		log_info("pflash unit 0 only (%u KiB): no variable store", code_size >> 10);
		return;
	}
	/* The runtime writes it after ExitBootServices: the OS must map it for the runtime. */
	status = memory_add_range(store_base, store_size, EfiMemoryMappedIO,
				  EFI_MEMORY_UC | EFI_MEMORY_RUNTIME);
	if (EFI_ERROR(status)) {
		log_warn_status(status, "pflash unit 1 at %llx not in the memory map", store_base);
		return;
	}
	info->flash_base = store_base;
	info->flash_size = store_size;
	info->flash_block_size = block;
	flash_store = TRUE;
}

BOOLEAN runtime_has_flash_store(void)
{
	return flash_store;
}

static struct runtime_exports *enter_blob(const struct handoff *h,
					  const struct acpi_platform *acpi)
{
	runtime_entry_fn entry =
		(runtime_entry_fn)(UINTN)(h->runtime_base + h->runtime_entry_offset);
	struct runtime_boot_info info = {
		.version = RUNTIME_ABI_VERSION,
		.size = sizeof(info),
		.image_base = h->runtime_base,
		.image_size = h->runtime_memory_size,
		.rela_offset = h->runtime_rela_offset,
		.rela_size = h->runtime_rela_size,
		.system_table = (UINT64)(UINTN)efi_st,
		.log = blob_log,
	};
	struct runtime_exports *ex;

	if (acpi) {
		info.pm1a_control_port = acpi->pm1a_control_port;
		info.s5_sleep_type = acpi->s5_sleep_type;
		info.reset_space = acpi->reset_space;
		info.reset_address = acpi->reset_address;
		info.reset_value = acpi->reset_value;
	}
	if (h->runtime_entry_offset >= h->runtime_memory_size)
		return NULL;
	find_variable_store(&info);
	ex = entry(&info);
	/* A blob of another ABI version would misread what we pass or return. */
	if (!ex || ex->version != RUNTIME_ABI_VERSION || ex->size < sizeof(*ex))
		return NULL;
	return ex;
}

/*
 * At boot time the variable and time services run at TPL_NOTIFY, as EDK2's drivers lock them: the
 * store and the RTC's index port are one each, and a timer notification may call them while a
 * payload is inside one.
 */
static EFI_STATUS EFIAPI boot_get_time(EFI_TIME *Time, EFI_TIME_CAPABILITIES *Capabilities)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status = blob_services.GetTime(Time, Capabilities);

	efi_restore_tpl(old);
	return status;
}

static EFI_STATUS EFIAPI boot_set_time(EFI_TIME *Time)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status = blob_services.SetTime(Time);

	efi_restore_tpl(old);
	return status;
}

static EFI_STATUS EFIAPI boot_get_variable(CHAR16 *VariableName, EFI_GUID *VendorGuid,
					   UINT32 *Attributes, UINTN *DataSize, VOID *Data)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status =
		blob_services.GetVariable(VariableName, VendorGuid, Attributes, DataSize, Data);

	efi_restore_tpl(old);
	return status;
}

static EFI_STATUS EFIAPI boot_get_next_variable_name(UINTN *VariableNameSize,
						     CHAR16 *VariableName, EFI_GUID *VendorGuid)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status =
		blob_services.GetNextVariableName(VariableNameSize, VariableName, VendorGuid);

	efi_restore_tpl(old);
	return status;
}

static EFI_STATUS EFIAPI boot_set_variable(CHAR16 *VariableName, EFI_GUID *VendorGuid,
					   UINT32 Attributes, UINTN DataSize, VOID *Data)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status;

	/* The key and mode variables are stage1's to check; the blob has no verifier. */
	if (!auth_vars_set(VariableName, VendorGuid, Attributes, DataSize, Data, &status))
		status = blob_services.SetVariable(VariableName, VendorGuid, Attributes, DataSize,
						   Data);

	efi_restore_tpl(old);
	return status;
}

static EFI_STATUS EFIAPI boot_query_variable_info(UINT32 Attributes, UINT64 *Maximum,
						  UINT64 *Remaining, UINT64 *MaximumVariableSize)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status = blob_services.QueryVariableInfo(Attributes, Maximum, Remaining,
							    MaximumVariableSize);

	efi_restore_tpl(old);
	return status;
}

/* Swap those entries of the blob's table with the locked ones, and back at ExitBootServices. */
static void swap_locked_services(EFI_RUNTIME_SERVICES *rt, const EFI_RUNTIME_SERVICES *with)
{
	rt->GetTime = with->GetTime;
	rt->SetTime = with->SetTime;
	rt->GetVariable = with->GetVariable;
	rt->GetNextVariableName = with->GetNextVariableName;
	rt->SetVariable = with->SetVariable;
	rt->QueryVariableInfo = with->QueryVariableInfo;
	table_header_update_crc(&rt->Hdr, rt->Hdr.HeaderSize);
}

/*
 * The blob's pages after data_start become EfiRuntimeServicesData, as OVMF types each runtime
 * driver's sections: the OS then maps code read-only and data no-execute (the Memory Attributes
 * Table says so). A blob without the field stays one EfiRuntimeServicesCode range.
 */
static void split_blob(const struct handoff *h)
{
	UINT64 end = (h->runtime_base + h->runtime_memory_size + EFI_PAGE_SIZE - 1) &
		     ~(UINT64)(EFI_PAGE_SIZE - 1);
	UINT64 data;
	EFI_STATUS status;

	if (exports->size < __builtin_offsetof(struct runtime_exports, data_start) +
				    sizeof(exports->data_start))
		return;
	data = (UINT64)(UINTN)exports->data_start;
	if (data <= h->runtime_base || data >= end || (data & (EFI_PAGE_SIZE - 1))) {
		log_warn("blob's data at %llx is not a page of it: one code range", data);
		return;
	}
	status = memory_retype_runtime(data, end - data, EfiRuntimeServicesData);
	if (EFI_ERROR(status))
		log_warn_status(status, "blob's data at %llx stays runtime code", data);
}

EFI_STATUS runtime_install(const struct handoff *h, const struct acpi_platform *acpi)
{
	static const EFI_RUNTIME_SERVICES locked = {
		.GetTime = boot_get_time,
		.SetTime = boot_set_time,
		.GetVariable = boot_get_variable,
		.GetNextVariableName = boot_get_next_variable_name,
		.SetVariable = boot_set_variable,
		.QueryVariableInfo = boot_query_variable_info,
	};

	EFI_STATUS status;

	if (!(h->flags & HANDOFF_FLAG_RUNTIME_PRESENT)) {
		install_fallback();
		return log_error_status(EFI_NOT_FOUND, "no blob: no runtime service works");
	}
	exports = enter_blob(h, acpi);
	if (!exports) {
		install_fallback();
		return log_error_status(EFI_INCOMPATIBLE_VERSION,
					"blob at %llx refused its boot info or has another ABI",
					h->runtime_base);
	}
	split_blob(h);
	system_table_set_runtime(&exports->services);
	blob_services = exports->services;
	swap_locked_services(&exports->services, &locked);
	reset_wrap();
	status = config_table_install(&rt_properties_guid, &exports->properties);
	if (EFI_ERROR(status))
		log_warn_status(status, "RT properties table not installed");
	seed_variables();
	log_info("blob at %llx, %llu KiB", h->runtime_base, h->runtime_memory_size >> 10);
	return EFI_SUCCESS;
}

/* Boot services' monotonic count, shared with the blob's high count; EFI_UNSUPPORTED without a blob. */
EFI_STATUS runtime_next_monotonic_count(UINT64 *count)
{
	if (!exports ||
	    exports->size < __builtin_offsetof(struct runtime_exports, next_monotonic_count) +
				    sizeof(exports->next_monotonic_count))
		return EFI_UNSUPPORTED;
	return exports->next_monotonic_count(count);
}

/* The blob's function table for exception reports; NULL without a blob or from an older one. */
const void *runtime_symbols(void)
{
	if (!exports || exports->size < __builtin_offsetof(struct runtime_exports, symbols) +
						sizeof(exports->symbols))
		return NULL;
	return exports->symbols;
}

static EFI_RESET_SYSTEM table_reset;
static void (*reset_notify)(void);

static VOID EFIAPI boot_reset_system(EFI_RESET_TYPE ResetType, EFI_STATUS ResetStatus,
				     UINTN DataSize, VOID *ResetData)
{
	if (reset_notify)
		reset_notify();
	table_reset(ResetType, ResetStatus, DataSize, ResetData);
}

/* The table installed last (file systems may come before the blob) calls boot_reset_system. */
static void reset_wrap(void)
{
	EFI_RUNTIME_SERVICES *rt = efi_st ? efi_st->RuntimeServices : NULL;

	if (!reset_notify || !rt || rt->ResetSystem == boot_reset_system)
		return;
	table_reset = rt->ResetSystem;
	rt->ResetSystem = boot_reset_system;
	table_header_update_crc(&rt->Hdr, rt->Hdr.HeaderSize);
}

void runtime_set_reset_notify(void (*notify)(void))
{
	reset_notify = notify;
	reset_wrap();
}

/* ExitBootServices happened: the blob hides boot-time variables and stops logging. */
void runtime_notify_exit_boot_services(void)
{
	EFI_RUNTIME_SERVICES *rt = efi_st->RuntimeServices;

	/* stage1's code is the OS's memory from now on: the table's own ResetSystem again. */
	if (table_reset && rt) {
		rt->ResetSystem = table_reset;
		table_header_update_crc(&rt->Hdr, rt->Hdr.HeaderSize);
		table_reset = NULL;
	}
	if (exports) {
		swap_locked_services(&exports->services, &blob_services);
		exports->exit_boot_services();
	}
}

/* An event of the virtual-address-change group: its notify runs inside SetVirtualAddressMap. */
EFI_STATUS runtime_register_va_event(EFI_EVENT event, EFI_EVENT_NOTIFY notify, VOID *context)
{
	return exports ? exports->register_va_event(event, notify, context) : EFI_UNSUPPORTED;
}

/* That event was closed. */
EFI_STATUS runtime_unregister_va_event(EFI_EVENT event)
{
	return exports ? exports->unregister_va_event(event) : EFI_NOT_FOUND;
}
