/* SPDX-License-Identifier: MIT */
/* Bochs VBE DISPI programming (QEMU docs/specs/standard-vga.rst; facts only). */
#include "lib/container_of.h"
#include "lib/drivers/bochs_vbe.h"
#include "lib/drivers/io.h"
#include "lib/formats/edid.h"

#define LOG_PREFIX "vbe: "
#include "lib/log.h"

/* DISPI register indices; through MMIO each is 16 bits at 0x500 + 2 * index. */
enum {
	DISPI_ID = 0,
	DISPI_XRES = 1,
	DISPI_YRES = 2,
	DISPI_BPP = 3,
	DISPI_ENABLE = 4,
	DISPI_BANK = 5,
	DISPI_VIRT_WIDTH = 6,
	DISPI_VIRT_HEIGHT = 7,
	DISPI_X_OFFSET = 8,
	DISPI_Y_OFFSET = 9,
	DISPI_VIDEO_MEMORY_64K = 10,
};

#define DISPI_ID0 0xb0c0	/* IDs 0xb0c0..0xb0c5 name the interface revisions */
#define DISPI_ID5 0xb0c5
#define DISPI_ENABLED 0x01
#define DISPI_LFB_ENABLED 0x40
#define DISPI_MMIO_OFFSET 0x500
#define VGA_MMIO_OFFSET 0x400	/* VGA ports 0x3c0..0x3df */
#define DISPI_IO_INDEX 0x1ce
#define DISPI_IO_DATA 0x1cf
#define VGA_ATTR_INDEX 0x3c0
#define VGA_ATTR_PALETTE_SOURCE 0x20	/* palette from the CRTC: the screen is shown */
#define PCI_CLASS_DISPLAY_VGA 0x0300

static UINT16 dispi_read(const struct bochs_vbe *vbe, UINT16 index)
{
	if (vbe->mmio)
		return mmio_read16(vbe->mmio + DISPI_MMIO_OFFSET + 2 * index);
	outw(DISPI_IO_INDEX, index);
	return inw(DISPI_IO_DATA);
}

static void dispi_write(const struct bochs_vbe *vbe, UINT16 index, UINT16 value)
{
	if (vbe->mmio) {
		mmio_write16(vbe->mmio + DISPI_MMIO_OFFSET + 2 * index, value);
		return;
	}
	outw(DISPI_IO_INDEX, index);
	outw(DISPI_IO_DATA, value);
}

BOOLEAN bochs_vbe_match(struct pci_address a)
{
	return pci_read16(a, PCI_VENDOR_ID) == BOCHS_VBE_VENDOR_ID &&
	       pci_read16(a, PCI_DEVICE_ID) == BOCHS_VBE_DEVICE_ID;
}

/*
 * QEMU's std VGA and bochs-display with edid=on (the default since QEMU 3.1) map the monitor's
 * EDID at BAR2 offset 0; without it the region reads as no EDID and no size is preferred.
 */
static void bochs_vbe_read_edid(struct bochs_vbe *vbe)
{
	UINT8 edid[EDID_BLOCK_SIZE];
	UINT32 width, height;

	if (!vbe->mmio)
		return;
	/* Four bytes a read, little-endian: a quarter of the exits, which TCG makes costly. */
	for (UINTN i = 0; i < sizeof(edid); i += 4) {
		UINT32 v = mmio_read32(vbe->mmio + i);

		for (UINTN b = 0; b < 4; b++)
			edid[i + b] = (UINT8)(v >> (8 * b));
	}
	if (EFI_ERROR(edid_preferred_size(edid, sizeof(edid), &width, &height)))
		return;
	vbe->display.preferred_width = width;
	vbe->display.preferred_height = height;
}

static EFI_STATUS bochs_vbe_display_set_mode(struct display_device *display, UINT32 width,
					     UINT32 height)
{
	return bochs_vbe_set_mode(container_of(display, struct bochs_vbe, display), width, height);
}

EFI_STATUS bochs_vbe_init(struct bochs_vbe *vbe, struct pci_address a)
{
	struct pci_bar fb, regs;
	UINT16 id;

	pci_get_bar(a, 0, &fb);
	pci_get_bar(a, 2, &regs);
	if (!fb.size || fb.io)
		return log_warn_status(EFI_UNSUPPORTED, "%02x:%02x.%x: no frame buffer BAR", a.bus,
				       a.device, a.function);
	*vbe = (struct bochs_vbe){
		.pci = a,
		.display.framebuffer = fb.base,
		.display.framebuffer_size = fb.size,
		.display.set_mode = bochs_vbe_display_set_mode,
		.mmio = regs.size && !regs.io ? regs.base : 0,
		.vga = (pci_read32(a, PCI_CLASS_REVISION) >> 16) == PCI_CLASS_DISPLAY_VGA,
	};
	/*
	 * std VGA zeroes the visible screen itself when VBE goes from disabled to enabled without
	 * NOCLEARMEM, as set_mode does (QEMU's hw/display/vga.c); bochs-display leaves it as it was.
	 */
	vbe->display.clears_on_set_mode = vbe->vga;
	/* Only std VGA of old machine types lacks BAR2; bochs-display always has it. */
	if (!vbe->mmio && !vbe->vga)
		return log_warn_status(EFI_UNSUPPORTED, "%02x:%02x.%x: no register BAR", a.bus,
				       a.device, a.function);
	pci_write16(a, PCI_COMMAND,
		    pci_read16(a, PCI_COMMAND) | PCI_COMMAND_MEMORY | (vbe->mmio ? 0 : PCI_COMMAND_IO));
	id = dispi_read(vbe, DISPI_ID);
	if (id < DISPI_ID0 || id > DISPI_ID5)
		return log_warn_status(EFI_UNSUPPORTED, "%02x:%02x.%x: DISPI id %04x", a.bus,
				       a.device, a.function, id);
	/* The device says how much of the BAR is video memory. */
	UINT64 memory = (UINT64)dispi_read(vbe, DISPI_VIDEO_MEMORY_64K) << 16;
	if (memory && memory < vbe->display.framebuffer_size)
		vbe->display.framebuffer_size = memory;
	bochs_vbe_read_edid(vbe);
	return EFI_SUCCESS;
}

EFI_STATUS bochs_vbe_set_mode(struct bochs_vbe *vbe, UINT32 width, UINT32 height)
{
	if (!width || !height || width > 0xffff || height > 0xffff ||
	    (UINT64)width * height * 4 > vbe->display.framebuffer_size)
		return EFI_UNSUPPORTED;
	dispi_write(vbe, DISPI_ENABLE, 0);
	dispi_write(vbe, DISPI_BANK, 0);
	dispi_write(vbe, DISPI_BPP, 32);
	dispi_write(vbe, DISPI_XRES, (UINT16)width);
	dispi_write(vbe, DISPI_YRES, (UINT16)height);
	dispi_write(vbe, DISPI_VIRT_WIDTH, (UINT16)width);
	dispi_write(vbe, DISPI_VIRT_HEIGHT, (UINT16)height);
	dispi_write(vbe, DISPI_X_OFFSET, 0);
	dispi_write(vbe, DISPI_Y_OFFSET, 0);
	dispi_write(vbe, DISPI_ENABLE, DISPI_ENABLED | DISPI_LFB_ENABLED);
	if (vbe->vga) {
		/* std VGA shows nothing until the attribute controller takes its palette. */
		if (vbe->mmio)
			mmio_write8(vbe->mmio + VGA_MMIO_OFFSET, VGA_ATTR_PALETTE_SOURCE);
		else
			outb(VGA_ATTR_INDEX, VGA_ATTR_PALETTE_SOURCE);
	}
	if (dispi_read(vbe, DISPI_XRES) != width || dispi_read(vbe, DISPI_YRES) != height)
		return log_warn_status(EFI_DEVICE_ERROR, "mode %ux%u not taken", width, height);
	return EFI_SUCCESS;
}
