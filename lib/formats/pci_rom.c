/* SPDX-License-Identifier: MIT */
/* Walking a PCI expansion ROM's images for the EFI drivers in it, every offset bounds-checked. */
#include "lib/formats/pci_rom.h"

#define ROM_SIGNATURE 0xaa55
#define PCIR_SIGNATURE 0x52494350	/* "PCIR" */
#define EFI_ROM_SIGNATURE 0x0ef1
#define CODE_TYPE_EFI 3
#define INDICATOR_LAST 0x80
#define MACHINE_X64 0x8664
#define SUBSYSTEM_BOOT_DRIVER 11
#define SUBSYSTEM_RUNTIME_DRIVER 12
#define ROM_UNIT 512

/* Offsets in the EFI ROM header (UEFI 2.10 §14.4.2 Table 14-17) and the PCIR structure. */
#define HDR_INIT_SIZE 0x02
#define HDR_EFI_SIGNATURE 0x04
#define HDR_SUBSYSTEM 0x08
#define HDR_MACHINE 0x0a
#define HDR_COMPRESSION 0x0c
#define HDR_EFI_OFFSET 0x16
#define HDR_PCIR_OFFSET 0x18
#define HDR_SIZE 0x1a
#define PCIR_VENDOR 0x04
#define PCIR_DEVICE 0x06
#define PCIR_IMAGE_LENGTH 0x10
#define PCIR_CODE_TYPE 0x14
#define PCIR_INDICATOR 0x15
#define PCIR_MIN_SIZE 0x18

static UINT16 get16(const UINT8 *p)
{
	return (UINT16)(p[0] | p[1] << 8);
}

static UINT32 get32(const UINT8 *p)
{
	return get16(p) | (UINT32)get16(p + 2) << 16;
}

EFI_STATUS pci_rom_next_efi(const UINT8 *rom, UINTN size, UINT32 *cursor,
			    struct pci_rom_image *ret_image)
{
	while (*cursor < size && size - *cursor >= HDR_SIZE) {
		const UINT8 *h = rom + *cursor, *pcir;
		UINT32 start = *cursor, pcir_offset = get16(h + HDR_PCIR_OFFSET), length, init;
		UINT8 indicator;

		/* A ROM with no image at all, or nothing after the last one: the walk is over. */
		if (get16(h) != ROM_SIGNATURE)
			return EFI_NOT_FOUND;
		if ((pcir_offset & 3) || pcir_offset < HDR_SIZE ||
		    pcir_offset > size - start - PCIR_MIN_SIZE)
			return EFI_VOLUME_CORRUPTED;
		pcir = h + pcir_offset;
		length = (UINT32)get16(pcir + PCIR_IMAGE_LENGTH) * ROM_UNIT;
		if (get32(pcir) != PCIR_SIGNATURE || !length || length > size - start)
			return EFI_VOLUME_CORRUPTED;
		indicator = pcir[PCIR_INDICATOR];
		/* The last image ends the walk even if the ROM BAR decodes more. */
		*cursor = indicator & INDICATOR_LAST ? (UINT32)size : start + length;
		if (pcir[PCIR_CODE_TYPE] != CODE_TYPE_EFI ||
		    get16(h + HDR_EFI_SIGNATURE) != EFI_ROM_SIGNATURE ||
		    get16(h + HDR_MACHINE) != MACHINE_X64 ||
		    (get16(h + HDR_SUBSYSTEM) != SUBSYSTEM_BOOT_DRIVER &&
		     get16(h + HDR_SUBSYSTEM) != SUBSYSTEM_RUNTIME_DRIVER))
			continue;
		/* InitializationSize bounds the driver, within the image. */
		init = (UINT32)get16(h + HDR_INIT_SIZE) * ROM_UNIT;
		if (init > length || get16(h + HDR_EFI_OFFSET) >= init)
			return EFI_VOLUME_CORRUPTED;
		*ret_image = (struct pci_rom_image){
			.start = start,
			.end = start + length - 1,
			.efi_offset = start + get16(h + HDR_EFI_OFFSET),
			.efi_size = init - get16(h + HDR_EFI_OFFSET),
			.vendor = get16(pcir + PCIR_VENDOR),
			.device = get16(pcir + PCIR_DEVICE),
			.subsystem = get16(h + HDR_SUBSYSTEM),
			.compression = get16(h + HDR_COMPRESSION),
		};
		return EFI_SUCCESS;
	}
	return EFI_NOT_FOUND;
}
