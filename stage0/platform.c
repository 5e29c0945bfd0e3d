/* SPDX-License-Identifier: MIT */
/* Machine facts stage0 sets up: TSC frequency, the chipset's ACPI PM block, PCI address windows. */
#include "lib/drivers/fw_cfg.h"
#include "lib/drivers/io.h"
#include "lib/drivers/pci.h"
#include "lib/platform/acpi_loader.h"
#include "lib/platform/mcfg.h"
#include "stage0/stage0.h"

#define LOG_PREFIX "platform: "
#include "lib/log.h"

#define PIT_HZ 1193182
#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_GATE_PORT 0x61	/* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */

#define INTEL_VENDOR 0x8086
#define I440FX_HOST_ID 0x1237
#define Q35_HOST_ID 0x29c0
#define CLOUD_HYPERVISOR_HOST_ID 0x0d57	/* its "virtual PCIe host", on every segment */
#define PIIX4_PM_ID 0x7113
#define ICH9_LPC_ID 0x2918

/* The PM I/O base every other x86 QEMU firmware uses; QEMU builds the FADT from the register. */
#define ACPI_PM_BASE 0x600
#define PIIX4_PMBA 0x40
#define PIIX4_PMREGMISC 0x80
#define ICH9_PMBASE 0x40
#define ICH9_ACPI_CNTL 0x44
#define ICH9_ACPI_EN 0x80

/*
 * Q35's PCI Express enhanced configuration window. QEMU leaves it off until firmware programs the
 * MCH's PCIEXBAR; once it is on, QEMU's ACPI tables carry an MCFG and Linux reaches extended
 * config space, provided the window is reserved in the memory map as OVMF reserves it.
 */
#define Q35_PCIEXBAR 0x60
#define Q35_MMCONFIG_BASE 0xb0000000ull
#define Q35_MMCONFIG_SIZE 0x10000000ull	/* 256 buses: length field 0 */
#define Q35_PCIEXBAR_ENABLE 0x1

#define ECAM_BUS_SIZE 0x100000ull	/* 32 devices of 8 functions of 4 KiB */

#define FOUR_GIB 0x100000000ull
#define PCI_MMIO32_MIN_BASE 0xc0000000ull	/* above q35's MMCONFIG at 0xb0000000 */
#define PCI_MMIO32_LIMIT 0xfebfffffull		/* below the I/O APIC, HPET and local APIC */
#define PCI_IO_BASE 0xc000
#define PCI_IO_LIMIT 0xffff

/*
 * microvm has no port 0x61 (it reads 0xff), so no channel 2 gate or output to watch: count
 * channel 0 down instead, latching its counter; interrupts are off, so its IRQ 0 goes nowhere.
 */
static UINT64 calibrate_on_channel0(UINT32 ticks)
{
	UINT64 start, end;
	UINT32 spins = 0;
	UINT16 count;

	outb(PIT_COMMAND, 0x30);	/* channel 0, low then high byte, mode 0 */
	outb(PIT_CHANNEL0, 0xff);
	outb(PIT_CHANNEL0, 0xff);
	start = rdtsc();
	do {
		outb(PIT_COMMAND, 0x00);	/* latch channel 0 */
		count = inb(PIT_CHANNEL0);
		count |= (UINT16)(inb(PIT_CHANNEL0) << 8);
		if (++spins > 50000000)
			return 0;
	} while ((UINT16)(0xffff - count) < ticks);
	end = rdtsc();
	return (end - start) * 100;
}

UINT64 platform_calibrate_tsc(void)
{
	const UINT32 ticks = PIT_HZ / 100; /* 10 ms */
	UINT64 start, end;
	UINT32 spins = 0;

	if (inb(PIT_GATE_PORT) == 0xff)
		return calibrate_on_channel0(ticks);
	/* Channel 2, gate on, speaker off, mode 0: the output goes high when the count expires. */
	outb(PIT_GATE_PORT, (inb(PIT_GATE_PORT) & ~0x02) | 0x01);
	outb(PIT_COMMAND, 0xb0);
	outb(PIT_CHANNEL2, ticks & 0xff);
	outb(PIT_CHANNEL2, ticks >> 8);
	start = rdtsc();
	while (!(inb(PIT_GATE_PORT) & 0x20))
		if (++spins > 50000000)
			return 0;
	end = rdtsc();
	return (end - start) * 100;
}

static void use_ecam(struct handoff *h, UINT64 base, UINT8 first_bus, UINT8 last_bus)
{
	pci_use_ecam(base, first_bus, last_bus);
	/* Linux uses an MCFG window only where the memory map reserves it, as OVMF reserves it. */
	memory_reserve(h, base + first_bus * ECAM_BUS_SIZE,
		       (last_bus - first_bus + 1) * ECAM_BUS_SIZE);
}

/* stage0's page tables map the first 4 GiB; an MCFG window elsewhere is left unused. */
static BOOLEAN ecam_mappable(const struct mcfg_window *w, const char *source)
{
	if (w->base % ECAM_BUS_SIZE == 0 && w->base + (w->end_bus + 1) * ECAM_BUS_SIZE <= FOUR_GIB)
		return TRUE;
	log_warn("%s names an ECAM window at 0x%llx that stage0 cannot map: PCI through ports "
		 "CF8/CFC", source, w->base);
	return FALSE;
}

/*
 * Segment 0's ECAM window from the MCFG in the entry's tables (Cloud Hypervisor's, coreboot's,
 * SeaBIOS's under QEMU's PVH loader), checked as stage1 checks them: the firmware before us set
 * the chipset up, and its tables say where it put the window.
 */
static BOOLEAN entry_ecam(const struct handoff *h, struct mcfg_window *ret)
{
	static struct acpi_loader entry_tables;
	const struct acpi_sdt_header *mcfg;
	struct acpi_tables tables;

	if (!h->acpi_rsdp || EFI_ERROR(acpi_loader_in_memory(&entry_tables, h->acpi_rsdp)) ||
	    EFI_ERROR(acpi_loader_find_root(&entry_tables, &tables)))
		return FALSE;
	mcfg = acpi_loader_find_sdt(&entry_tables, &tables, "MCFG");
	return mcfg && !EFI_ERROR(mcfg_find_segment0(mcfg, mcfg->length, ret)) &&
	       ecam_mappable(ret, "the entry's MCFG");
}

/* The same from QEMU's own tables blob (newer QEMU writes one for microvm with pcie=on). */
static BOOLEAN qemu_ecam(struct mcfg_window *ret)
{
	UINTN size;
	const void *mcfg = fw_cfg_acpi_table("MCFG", &size);

	return mcfg && !EFI_ERROR(mcfg_find_segment0(mcfg, size, ret)) &&
	       ecam_mappable(ret, "QEMU's MCFG");
}

static void log_ecam(const char *source, const struct mcfg_window *w)
{
	log_info("PCI through %s: ECAM at 0x%llx, buses %u-%u", source, w->base, w->start_bus,
		 w->end_bus);
}

/* Neither of QEMU's PC chipsets: the MCFG says where configuration space is, if anywhere. */
static void platform_init_other(struct handoff *h, UINT16 vendor, UINT16 host_id)
{
	struct pci_address host = { 0, 0, 0 };
	BOOLEAN ports = vendor != 0xffff;
	struct mcfg_window w;
	BOOLEAN from_entry = entry_ecam(h, &w);

	if (from_entry || qemu_ecam(&w)) {
		use_ecam(h, w.base, w.start_bus, w.end_bus);
		log_ecam(from_entry ? "the entry's MCFG" : "QEMU's MCFG", &w);
		vendor = pci_read16(host, PCI_VENDOR_ID);
		host_id = pci_read16(host, PCI_DEVICE_ID);
	}
	if (!ports) {
		/* microvm: virtio devices on MMIO transports, PCIe only with pcie=on (ECAM only). */
		h->flags |= HANDOFF_FLAG_MICROVM;
		if (vendor == 0xffff)
			log_info("machine: no PCI host bridge (microvm), virtio-mmio disks");
		else
			log_info("machine: microvm with PCIe host %04x:%04x, virtio-mmio and PCI disks",
				 vendor, host_id);
	} else if (vendor == INTEL_VENDOR && host_id == CLOUD_HYPERVISOR_HOST_ID) {
		log_info("machine: Cloud Hypervisor (PCIe host 8086:0d57)");
	} else {
		log_warn("unknown host bridge %04x:%04x", vendor, host_id);
	}
}

/*
 * q35's window: where the entry's MCFG says the firmware before us put it, else where stage0
 * puts it now. Only then may QEMU's tables be read: it builds its MCFG from PCIEXBAR.
 */
static void q35_ecam(struct handoff *h)
{
	struct pci_address host = { 0, 0, 0 };
	struct mcfg_window w;

	if (entry_ecam(h, &w)) {
		use_ecam(h, w.base, w.start_bus, w.end_bus);
		log_ecam("the entry's MCFG", &w);
		return;
	}
	pci_write32(host, Q35_PCIEXBAR + 4, (UINT32)(Q35_MMCONFIG_BASE >> 32));
	pci_write32(host, Q35_PCIEXBAR, (UINT32)Q35_MMCONFIG_BASE | Q35_PCIEXBAR_ENABLE);
	/* One MMIO access per register from here on, where the ports take two. */
	use_ecam(h, Q35_MMCONFIG_BASE, 0, (UINT8)(Q35_MMCONFIG_SIZE / ECAM_BUS_SIZE - 1));
}

void platform_init(struct handoff *h)
{
	struct pci_address host = { 0, 0, 0 };
	UINT16 vendor = pci_read16(host, PCI_VENDOR_ID), host_id = pci_read16(host, PCI_DEVICE_ID);

	if (vendor == INTEL_VENDOR && host_id == Q35_HOST_ID) {
		struct pci_address lpc = { 0, 0x1f, 0 };

		h->flags |= HANDOFF_FLAG_MACHINE_Q35;
		q35_ecam(h);
		if (pci_read16(lpc, PCI_DEVICE_ID) == ICH9_LPC_ID) {
			pci_write32(lpc, ICH9_PMBASE, ACPI_PM_BASE | 1);
			pci_write8(lpc, ICH9_ACPI_CNTL, ICH9_ACPI_EN);
		}
		log_info("machine: q35 (ICH9), PCI through ECAM at 0x%llx", pci_ecam(NULL, NULL));
	} else if (vendor == INTEL_VENDOR && host_id == I440FX_HOST_ID) {
		struct pci_address pm = { 0, 1, 3 };

		if (pci_read16(pm, PCI_DEVICE_ID) == PIIX4_PM_ID) {
			pci_write32(pm, PIIX4_PMBA, ACPI_PM_BASE | 1);
			pci_write8(pm, PIIX4_PMREGMISC, 0x01);
		}
		log_info("machine: pc (i440FX/PIIX)");
	} else {
		platform_init_other(h, vendor, host_id);
	}
}

void platform_pci_windows(const struct handoff *h, struct pci_windows *ret_windows)
{
	UINT64 low_top = 0, ecam = pci_ecam(NULL, NULL);

	for (UINT32 i = 0; i < h->memory_count; i++) {
		UINT64 end = h->memory[i].base + h->memory[i].length;

		if (h->memory[i].type == HANDOFF_MEMORY_RAM && h->memory[i].base < FOUR_GIB &&
		    end > low_top)
			low_top = end < FOUR_GIB ? end : FOUR_GIB;
	}
	low_top = (low_top + 0x0fffffff) & ~0x0fffffffull;
	ret_windows->mmio_base = low_top > PCI_MMIO32_MIN_BASE ? low_top : PCI_MMIO32_MIN_BASE;
	ret_windows->mmio_limit = PCI_MMIO32_LIMIT;
	/* An ECAM window above the base ends the MMIO window (microvm's, Cloud Hypervisor's). */
	if (ecam > ret_windows->mmio_base && ecam <= PCI_MMIO32_LIMIT)
		ret_windows->mmio_limit = ecam - 1;
	ret_windows->io_base = PCI_IO_BASE;
	ret_windows->io_limit = PCI_IO_LIMIT;
}
