/* SPDX-License-Identifier: MIT */
/* PCI expansion ROMs (PCI Firmware 3.0 §5.1, UEFI 2.10 §14.4.2): the EFI driver images in one. */
#pragma once

#include "include/efi/types.h"

#define PCI_ROM_COMPRESSION_NONE 0
#define PCI_ROM_COMPRESSION_EFI 1	/* the UEFI compression algorithm (UEFI 2.10 §19) */

/* One EFI image of a ROM, as offsets into the ROM buffer. */
struct pci_rom_image {
	UINT32 start;		/* of the image's 0x55AA header: the device path's StartingOffset */
	UINT32 end;		/* last byte of the image (PCIR ImageLength): its EndingOffset */
	UINT32 efi_offset;	/* first byte of the PE file, or of its compressed form */
	UINT32 efi_size;	/* bytes of it, up to InitializationSize */
	UINT16 vendor;		/* PCIR vendor and device ids */
	UINT16 device;
	UINT16 subsystem;	/* 11 boot service driver, 12 runtime driver */
	UINT16 compression;	/* PCI_ROM_COMPRESSION_* */
};

/*
 * The next x64 EFI driver image of rom at or after *cursor (start at 0); advances *cursor.
 * EFI_NOT_FOUND when none is left, EFI_VOLUME_CORRUPTED for a header that points outside rom.
 */
EFI_STATUS pci_rom_next_efi(const UINT8 *rom, UINTN size, UINT32 *cursor,
			    struct pci_rom_image *ret_image);
