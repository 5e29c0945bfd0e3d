/* SPDX-License-Identifier: MIT */
/* SetVirtualAddressMap and ConvertPointer: the blob relocates itself to the OS's addresses. */
#include "include/efi/system_table.h"
#include "lib/crc32.h"
#include "lib/formats/elf_reloc.h"
#include "lib/string.h"
#include "runtime/runtime.h"

/* Runtime drivers are few (none of our own yet); payloads that register more are unusual. */
#define MAX_VA_EVENTS 8

struct va_event {
	EFI_EVENT event;
	EFI_EVENT_NOTIFY notify;
	VOID *context;
};

/*
 * None of these is a link-time pointer, so self-relocation leaves them alone: they hold the
 * physical addresses stage1 gave, which stay right until SetVirtualAddressMap returns and are
 * never used after it.
 */
static struct va_event va_events[MAX_VA_EVENTS];
static UINT64 image_size;
static UINT64 rela_offset;
static UINT64 rela_size;
static UINT64 system_table;
static BOOLEAN virtual_mode;

/* The map SetVirtualAddressMap is applying, for ConvertPointer from the notify functions. */
static const UINT8 *active_map;
static UINTN active_map_size;
static UINTN active_descriptor_size;

void virtual_map_init(const struct runtime_boot_info *info)
{
	image_size = info->image_size;
	rela_offset = info->rela_offset;
	rela_size = info->rela_size;
	system_table = info->system_table;
}

EFI_STATUS virtual_map_register_event(EFI_EVENT event, EFI_EVENT_NOTIFY notify, VOID *context)
{
	struct va_event *free_slot = NULL;

	if (!event || !notify)
		return EFI_INVALID_PARAMETER;
	for (int i = 0; i < MAX_VA_EVENTS; i++) {
		if (va_events[i].event == event)
			free_slot = &va_events[i];
		else if (!va_events[i].event && !free_slot)
			free_slot = &va_events[i];
	}
	if (!free_slot)
		return EFI_OUT_OF_RESOURCES;
	*free_slot = (struct va_event){ event, notify, context };
	return EFI_SUCCESS;
}

EFI_STATUS virtual_map_unregister_event(EFI_EVENT event)
{
	for (int i = 0; i < MAX_VA_EVENTS; i++) {
		if (event && va_events[i].event == event) {
			va_events[i] = (struct va_event){ 0 };
			return EFI_SUCCESS;
		}
	}
	return EFI_NOT_FOUND;
}

/*
 * The runtime descriptor covering address, copied out: the OS's map need not be aligned, and
 * its descriptors may be larger than ours (DescriptorSize). EFI_NOT_FOUND if none covers it.
 */
static EFI_STATUS map_lookup(UINT64 address, EFI_MEMORY_DESCRIPTOR *ret_desc)
{
	EFI_MEMORY_DESCRIPTOR d;

	for (UINTN off = 0; active_map && off < active_map_size; off += active_descriptor_size) {
		memcpy(&d, active_map + off, sizeof(d));
		if (!(d.Attribute & EFI_MEMORY_RUNTIME) || address < d.PhysicalStart)
			continue;
		if (address - d.PhysicalStart < d.NumberOfPages << EFI_PAGE_SHIFT) {
			*ret_desc = d;
			return EFI_SUCCESS;
		}
	}
	return EFI_NOT_FOUND;
}

static EFI_STATUS map_convert(UINT64 *address)
{
	EFI_MEMORY_DESCRIPTOR d;
	EFI_STATUS status = map_lookup(*address, &d);

	if (!EFI_ERROR(status))
		*address = *address - d.PhysicalStart + d.VirtualStart;
	return status;
}

/*
 * Relocation moves the whole image by one delta, so every descriptor covering it (the OS may
 * see code and data as two) must move it by the same one.
 */
static EFI_STATUS image_new_base(UINT64 base, UINT64 *ret_base)
{
	EFI_MEMORY_DESCRIPTOR d;
	UINT64 addr = base, delta = 0;

	while (addr < base + image_size) {
		if (EFI_ERROR(map_lookup(addr, &d)))
			return EFI_NO_MAPPING;
		if (addr == base)
			delta = d.VirtualStart - d.PhysicalStart;
		else if (d.VirtualStart - d.PhysicalStart != delta)
			return EFI_NO_MAPPING;
		addr = d.PhysicalStart + (d.NumberOfPages << EFI_PAGE_SHIFT);
	}
	*ret_base = base + delta;
	return EFI_SUCCESS;
}

/* stage1 is gone by now, so the blob converts the system table's runtime pointers for it. */
static void convert_system_table(void)
{
	EFI_SYSTEM_TABLE *st = (EFI_SYSTEM_TABLE *)(UINTN)system_table;
	UINT64 p;

	if (!st)
		return;
	p = (UINT64)(UINTN)st->RuntimeServices;
	if (!EFI_ERROR(map_convert(&p)))
		st->RuntimeServices = (EFI_RUNTIME_SERVICES *)(UINTN)p;
	p = (UINT64)(UINTN)st->FirmwareVendor;
	if (p && !EFI_ERROR(map_convert(&p)))
		st->FirmwareVendor = (CHAR16 *)(UINTN)p;
	p = (UINT64)(UINTN)st->ConfigurationTable;
	if (p && !EFI_ERROR(map_convert(&p)))
		st->ConfigurationTable = (EFI_CONFIGURATION_TABLE *)(UINTN)p;
	st->Hdr.CRC32 = 0;
	st->Hdr.CRC32 = crc32(st, st->Hdr.HeaderSize);
}

/*
 * Called once the blob has relocated itself to new_base (still running at old_base): an empty
 * function where a debugger stops to move the runtime's symbols (gdb/strata_gdb.py).
 */
__attribute__((noinline, used)) void strata_gdb_runtime_relocated(UINT64 old_base, UINT64 new_base)
{
	__asm__ volatile("" : : "r"(old_base), "r"(new_base) : "memory");
}

EFI_STATUS EFIAPI efi_set_virtual_address_map(UINTN MemoryMapSize, UINTN DescriptorSize,
					      UINT32 DescriptorVersion,
					      EFI_MEMORY_DESCRIPTOR *VirtualMap)
{
	/* Where we run now: the physical copy, identity-mapped until we return (§8.4.1). */
	UINT64 base = (UINT64)(UINTN)__ehdr_start;
	UINT64 new_base;
	EFI_STATUS status;

	/* Once only, and only after ExitBootServices (EDK2's reading of §8.4.1). */
	if (!runtime_at_runtime || virtual_mode)
		return EFI_UNSUPPORTED;
	if (!VirtualMap || DescriptorVersion != EFI_MEMORY_DESCRIPTOR_VERSION ||
	    DescriptorSize < sizeof(EFI_MEMORY_DESCRIPTOR) || MemoryMapSize % DescriptorSize)
		return EFI_INVALID_PARAMETER;
	/* Re-applying the current base writes the same bytes and checks the table first. */
	status = elf_reloc_apply((void *)(UINTN)base, image_size, rela_offset, rela_size, base);
	if (EFI_ERROR(status))
		return status;

	active_map = (const UINT8 *)VirtualMap;
	active_map_size = MemoryMapSize;
	active_descriptor_size = DescriptorSize;
	status = image_new_base(base, &new_base);
	if (EFI_ERROR(status)) {
		active_map = NULL;
		return status;
	}

	/* The event group's notify functions run in physical mode and may call ConvertPointer. */
	for (int i = 0; i < MAX_VA_EVENTS; i++)
		if (va_events[i].notify)
			va_events[i].notify(va_events[i].event, va_events[i].context);
	convert_system_table();
	flash_store_virtual_map(map_convert);
	memset(va_events, 0, sizeof(va_events));
	active_map = NULL;
	virtual_mode = TRUE;

	elf_reloc_apply((void *)(UINTN)base, image_size, rela_offset, rela_size, new_base);
	strata_gdb_runtime_relocated(base, new_base);
	/*
	 * From here every pointer in our data holds a virtual address that is not mapped yet:
	 * only PC-relative accesses and direct calls until we return.
	 */
	services_update_crc();
	return EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_convert_pointer(UINTN DebugDisposition, VOID **Address)
{
	UINT64 p;
	EFI_STATUS status;

	if (!Address)
		return EFI_INVALID_PARAMETER;
	if (!*Address)
		return DebugDisposition & EFI_OPTIONAL_PTR ? EFI_SUCCESS : EFI_INVALID_PARAMETER;
	/* Outside SetVirtualAddressMap there is no map to convert with. */
	p = (UINT64)(UINTN)*Address;
	status = map_convert(&p);
	if (!EFI_ERROR(status))
		*Address = (VOID *)(UINTN)p;
	return status;
}
