/* SPDX-License-Identifier: MIT */
/*
 * PCI option ROMs: each function that no Strata driver holds and whose ROM BAR is implemented has
 * its ROM copied out (mapped for the copy, then decoding off again, as EDK2's PciBusDxe), its x64
 * EFI driver images loaded with the path PciRoot(0)/Pci(d,f)/Offset(start,end) and started, and
 * the function connected with those drivers first, so a NIC's iPXE driver gives it SNP.
 */
#include "include/efi/protocol/pci_io.h"
#include "lib/drivers/pci.h"
#include "lib/formats/pci_rom.h"
#include "lib/formats/uefi_decompress.h"
#include "lib/string.h"
#include "stage1/core/handles.h"
#include "stage1/core/image.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"
#include "stage1/protocols/device_path.h"
#include "stage1/protocols/option_rom.h"

#define LOG_PREFIX "option-rom: "
#include "lib/log.h"

#define PCI_ROM_BAR 0x30
#define ROM_ENABLE 1u
#define ROM_ADDRESS_MASK 0xfffff800u
#define MAX_DRIVERS 4		/* EFI images in one ROM that are connected first */

static const EFI_GUID pci_io_guid = EFI_PCI_IO_PROTOCOL_GUID;
static const EFI_GUID device_path_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;

/* The first free byte above every memory BAR and bridge window stage0 placed below 4 GiB. */
static UINT64 mmio_free_base(EFI_HANDLE *handles, UINTN n)
{
	UINT64 end = 0;

	for (UINTN i = 0; i < n; i++) {
		EFI_PCI_IO_PROTOCOL *io;
		UINTN seg, bus, dev, fn;
		struct pci_address a;

		if (EFI_ERROR(handle_lookup(handles[i], &pci_io_guid, (void **)&io)))
			continue;
		io->GetLocation(io, &seg, &bus, &dev, &fn);
		a = (struct pci_address){ (UINT8)bus, (UINT8)dev, (UINT8)fn };
		for (UINT8 b = 0; b < 6; b++) {
			EFI_ACPI_ADDRESS_SPACE_DESCRIPTOR *r;

			if (EFI_ERROR(io->GetBarAttributes(io, b, NULL, (void **)&r)))
				continue;
			if (r->ResType == ACPI_ADDRESS_SPACE_TYPE_MEM &&
			    r->AddrRangeMin + r->AddrLen > end && r->AddrRangeMin < 1ull << 32)
				end = r->AddrRangeMin + r->AddrLen;
			pool_free(r);
		}
		/* A bridge's window (1 MiB granular) may reach past the last BAR behind it. */
		if ((pci_read8(a, PCI_HEADER_TYPE) & 0x7f) == 1) {
			UINT32 w = pci_read32(a, 0x20);

			if ((w & 0xfff0) <= (w >> 16 & 0xfff0) && ((w & 0xfff00000) | 0xfffff) >= end)
				end = (UINT64)((w & 0xfff00000) | 0xfffff) + 1;
		}
	}
	return end;
}

/*
 * Copy a function's ROM into pool memory. QEMU leaves the ROM BAR unassigned, so it is placed at
 * *free (a function on bus 0 only: a bridge's window covers just the BARs behind it).
 */
static EFI_STATUS rom_copy(struct pci_address a, UINT64 *free, UINT64 limit, UINT8 **ret_rom,
			   UINT32 *ret_size)
{
	UINT32 orig = pci_read32(a, PCI_ROM_BAR), size, base;
	UINT16 command = pci_read16(a, PCI_COMMAND);
	UINT8 *rom;

	/* The enable bit stays clear while sizing, so nothing decodes the all-ones address. */
	pci_write32(a, PCI_ROM_BAR, ROM_ADDRESS_MASK);
	size = ~(pci_read32(a, PCI_ROM_BAR) & ROM_ADDRESS_MASK) + 1;
	pci_write32(a, PCI_ROM_BAR, orig);
	if (!size)
		return EFI_NOT_FOUND; /* ROM BAR not implemented */
	base = orig & ROM_ADDRESS_MASK;
	if (!base) {
		UINT64 at = (*free + size - 1) & ~(UINT64)(size - 1);

		if (a.bus || at + size - 1 > limit)
			return log_warn_status(EFI_OUT_OF_RESOURCES,
					       "%02x:%02x.%x: no MMIO room for its %u KiB ROM",
					       a.bus, a.device, a.function, size >> 10);
		base = (UINT32)at;
		*free = at + size;
	}
	rom = pool_alloc(EfiBootServicesData, size);
	if (!rom)
		return EFI_OUT_OF_RESOURCES;
	pci_write32(a, PCI_ROM_BAR, base | ROM_ENABLE);
	pci_write16(a, PCI_COMMAND, command | PCI_COMMAND_MEMORY);
	/* QEMU backs a ROM BAR with RAM: a plain copy is fast even under TCG. */
	memcpy(rom, (const void *)(UINTN)base, size);
	pci_write16(a, PCI_COMMAND, command);
	pci_write32(a, PCI_ROM_BAR, orig);
	*ret_rom = rom;
	*ret_size = size;
	return EFI_SUCCESS;
}

/* Whether a driver (Strata's own, for disks and displays) already manages the function. */
static BOOLEAN is_driven(EFI_HANDLE handle)
{
	EFI_OPEN_PROTOCOL_INFORMATION_ENTRY *e;
	UINTN n;
	BOOLEAN driven = FALSE;

	if (EFI_ERROR(efi_open_protocol_information(handle, (EFI_GUID *)&pci_io_guid, &e, &n)))
		return FALSE;
	for (UINTN i = 0; i < n; i++)
		driven |= (e[i].Attributes & EFI_OPEN_PROTOCOL_BY_DRIVER) != 0;
	pool_free(e);
	return driven;
}

/* The PE file of a compressed image, in pool memory the caller frees; NULL if it is damaged. */
static UINT8 *rom_decompress(const UINT8 *src, UINT32 size, UINT32 *ret_size)
{
	struct uefi_decompress_scratch *scratch = pool_alloc(EfiBootServicesData, sizeof(*scratch));
	UINT8 *pe = NULL;

	if (scratch && !EFI_ERROR(uefi_decompress_size(src, size, ret_size)))
		pe = pool_alloc(EfiBootServicesData, *ret_size);
	if (pe && EFI_ERROR(uefi_decompress(src, size, pe, *ret_size, scratch))) {
		pool_free(pe);
		pe = NULL;
	}
	pool_free(scratch);
	return pe;
}

/* Load and start one EFI image of the ROM; the handle of a driver that stayed resident. */
static EFI_HANDLE rom_start_image(EFI_HANDLE function, struct pci_address a, UINT8 *rom,
				  const struct pci_rom_image *img)
{
	MEDIA_RELATIVE_OFFSET_RANGE_DEVICE_PATH node = {
		.Header = { MEDIA_DEVICE_PATH, MEDIA_RELATIVE_OFFSET_RANGE_DP,
			    { sizeof(node), 0 } },
		.StartingOffset = img->start,
		.EndingOffset = img->end,
	};
	EFI_DEVICE_PATH_PROTOCOL *parent, *path;
	EFI_HANDLE image = NULL;
	EFI_STATUS status = EFI_VOLUME_CORRUPTED;
	UINT8 *pe = rom + img->efi_offset, *unpacked = NULL;
	UINT32 size = img->efi_size;

	if (EFI_ERROR(handle_lookup(function, &device_path_guid, (void **)&parent)))
		return NULL;
	path = device_path_alloc_append_node(parent, &node.Header);
	if (!path)
		return NULL;
	if (img->compression == PCI_ROM_COMPRESSION_EFI)
		pe = unpacked = rom_decompress(pe, size, &size);
	else if (img->compression != PCI_ROM_COMPRESSION_NONE)
		pe = NULL;
	if (pe)
		status = efi_load_image(FALSE, firmware_image_handle, path, pe, size, &image);
	pool_free(unpacked);
	if (!EFI_ERROR(status)) {
		status = efi_start_image(image, NULL, NULL);
		if (EFI_ERROR(status))
			image = NULL;
	}
	pool_free(path);
	if (EFI_ERROR(status))
		log_warn_status(status, "%02x:%02x.%x: the EFI driver at %x in its ROM did not start",
				a.bus, a.device, a.function, img->start);
	return image;
}

static void rom_load(EFI_HANDLE function, EFI_PCI_IO_PROTOCOL *io, struct pci_address a,
		     UINT64 *free, UINT64 limit)
{
	EFI_HANDLE drivers[MAX_DRIVERS + 1] = { 0 };
	struct pci_rom_image img;
	UINT32 size = 0, cursor = 0, n = 0;
	UINT8 *rom = NULL;
	EFI_STATUS status;

	if (EFI_ERROR(rom_copy(a, free, limit, &rom, &size)))
		return;
	/* Set before the drivers start, which may read their ROM through PCI I/O (§14.4). */
	io->RomImage = rom;
	io->RomSize = size;
	while (!EFI_ERROR(status = pci_rom_next_efi(rom, size, &cursor, &img)))
		if (n < MAX_DRIVERS && (drivers[n] = rom_start_image(function, a, rom, &img)))
			n++;
	if (status != EFI_NOT_FOUND)
		log_warn_status(status, "%02x:%02x.%x: malformed option ROM", a.bus, a.device,
				a.function);
	if (n) {
		log_info("%02x:%02x.%x: %u EFI driver%s from its option ROM", a.bus, a.device,
			 a.function, n, n > 1 ? "s" : "");
		efi_connect_controller(function, drivers, NULL, TRUE);
	}
}

EFI_STATUS option_rom_init(const struct handoff *h)
{
	EFI_HANDLE *handles;
	UINTN n;
	UINT64 free;

	if (EFI_ERROR(handle_find_all(&pci_io_guid, &handles, &n)))
		return EFI_SUCCESS; /* no PCI (microvm) */
	free = mmio_free_base(handles, n);
	for (UINTN i = 0; i < n; i++) {
		EFI_PCI_IO_PROTOCOL *io;
		UINTN seg, bus, dev, fn;
		struct pci_address a;

		if (EFI_ERROR(handle_lookup(handles[i], &pci_io_guid, (void **)&io)) ||
		    is_driven(handles[i]))
			continue;
		io->GetLocation(io, &seg, &bus, &dev, &fn);
		a = (struct pci_address){ (UINT8)bus, (UINT8)dev, (UINT8)fn };
		if ((pci_read8(a, PCI_HEADER_TYPE) & 0x7f) == 0)
			rom_load(handles[i], io, a, &free, h->pci_mmio32_limit);
	}
	pool_free(handles);
	return EFI_SUCCESS;
}
