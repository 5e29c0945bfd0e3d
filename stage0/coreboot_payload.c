/* SPDX-License-Identifier: MIT */
/* stage0 as a coreboot payload: the coreboot tables its entry was handed, read once and logged. */
#include "lib/drivers/pci.h"
#include "lib/drivers/serial.h"
#include "stage0/stage0.h"

#define LOG_PREFIX "coreboot: "
#include "lib/log.h"

#define FOUR_GIB 0x100000000ull

static struct coreboot_info tables;
/* The frame buffer's place in its display's BAR, found before pci_setup moves the BAR. */
static UINT32 fb_bar;
static UINT64 fb_offset;

/* stage0 runs identity-mapped below 4 GiB; 0 stays unread, as it is NULL. */
static const void *identity_map(void *ctx, UINT64 address, UINTN size)
{
	(void)ctx;
	if (address == 0 || address >= FOUR_GIB || size > FOUR_GIB - address)
		return NULL;
	return (const void *)(UINTN)address;
}

const struct coreboot_info *coreboot_payload_init(struct handoff *h, UINT32 argument)
{
	struct coreboot_framebuffer *fb = &tables.framebuffer;
	EFI_STATUS status;

	h->flags |= HANDOFF_FLAG_COREBOOT;
	status = coreboot_tables_parse(identity_map, NULL, argument, &tables);
	if (EFI_ERROR(status)) {
		/* libpayload's fallback: the forward entry coreboot leaves in low memory. */
		log_warn("no valid tables at the entry's argument %x (%s), scanning low memory",
			 argument, efi_status_name(status));
		status = coreboot_tables_find(identity_map, NULL, &tables);
		if (EFI_ERROR(status)) {
			log_warn("no coreboot tables found: memory map from fw_cfg");
			return NULL;
		}
	}
	log_info("tables at %llx: %u memory ranges, serial type %u at %x, %u baud", tables.header,
		 tables.memory_count, tables.serial_type, tables.serial_base, tables.serial_baud);
	if (tables.rsdp)
		log_info("ACPI RSDP at %llx, SMBIOS at %llx", tables.rsdp, tables.smbios);
	else
		log_info("no ACPI RSDP in the tables (SMBIOS at %llx)", tables.smbios);
	h->acpi_rsdp = tables.rsdp;
	h->smbios_entry = tables.smbios;
	if (fb->base) {
		log_info("framebuffer %ux%u, %u bpp at %llx", fb->width, fb->height,
			 fb->bits_per_pixel, fb->base);
		h->framebuffer = (struct handoff_framebuffer){
			fb->base, fb->width, fb->height, fb->bytes_per_line, fb->bits_per_pixel,
			fb->red_pos, fb->red_size, fb->green_pos, fb->green_size, fb->blue_pos,
			fb->blue_size, fb->reserved_pos, fb->reserved_size,
		};
	}

	/* coreboot set the UART up already; serial_init only moves the console to its port. */
	if (tables.serial_type == COREBOOT_SERIAL_IO && tables.serial_base != h->serial_port &&
	    tables.serial_base < 0x10000 && serial_init((UINT16)tables.serial_base)) {
		h->serial_port = (UINT16)tables.serial_base;
		log_init(h->serial_port);
	} else if (tables.serial_type == COREBOOT_SERIAL_MMIO) {
		log_warn("MMIO UART at %x not driven: console stays on I/O port %x",
			 tables.serial_base, h->serial_port);
	}
	return &tables;
}

void coreboot_payload_find_display(struct handoff *h)
{
	struct handoff_framebuffer *fb = &h->framebuffer;
	struct pci_address a;
	struct pci_bar bar;
	UINT32 cursor = 0;

	if (!fb->base)
		return;
	/* Bus 0 only, as it is numbered before pci_setup: where coreboot's displays sit on QEMU. */
	while (pci_next_function(&cursor, &a)) {
		if (pci_read8(a, PCI_CLASS_REVISION + 3) != 0x03)
			continue;
		for (fb_bar = 0; fb_bar < 6; fb_bar++) {
			pci_get_bar(a, fb_bar, &bar);
			if (bar.size && !bar.io && fb->base >= bar.base &&
			    fb->base - bar.base < bar.size) {
				fb_offset = fb->base - bar.base;
				fb->on_pci = 1;
				fb->pci_bus = a.bus;
				fb->pci_device = a.device;
				fb->pci_function = a.function;
				return;
			}
		}
	}
}

void coreboot_payload_follow_display(struct handoff *h)
{
	struct handoff_framebuffer *fb = &h->framebuffer;
	struct pci_bar bar;

	if (!fb->on_pci)
		return;
	pci_get_bar((struct pci_address){ fb->pci_bus, fb->pci_device, fb->pci_function }, fb_bar,
		    &bar);
	fb->base = bar.base + fb_offset;
	log_info("framebuffer of %02x:%02x.%x now at %llx", fb->pci_bus, fb->pci_device,
		 fb->pci_function, fb->base);
}
