/* SPDX-License-Identifier: MIT */
/* QEMU's Bochs VBE displays (std VGA and bochs-display): modes set through the DISPI registers. */
#pragma once

#include "include/efi/types.h"
#include "lib/drivers/display.h"
#include "lib/drivers/pci.h"

#define BOCHS_VBE_VENDOR_ID 0x1234
#define BOCHS_VBE_DEVICE_ID 0x1111

struct bochs_vbe {
	struct display_device display;	/* first: frame buffer and set_mode for the GOP */
	struct pci_address pci;
	UINT64 mmio;		/* BAR2: DISPI registers at 0x500, VGA ports at 0x400; 0: I/O ports */
	BOOLEAN vga;		/* std VGA (class 03:00), which also needs its VGA output unblanked */
};

/* Whether a PCI function is a Bochs VBE display QEMU emulates. */
BOOLEAN bochs_vbe_match(struct pci_address a);
/* Find the device's frame buffer and registers; EFI_UNSUPPORTED if it does not answer as VBE. */
EFI_STATUS bochs_vbe_init(struct bochs_vbe *vbe, struct pci_address a);
/* Switch to a width x height, 32 bits per pixel linear mode; EFI_UNSUPPORTED if it does not fit. */
EFI_STATUS bochs_vbe_set_mode(struct bochs_vbe *vbe, UINT32 width, UINT32 height);
