/* SPDX-License-Identifier: MIT */
/* The Intel 6300ESB watchdog (PCI 8086:25ab, what libvirt and QEMU offer as -device i6300esb). */
#include "lib/drivers/io.h"
#include "lib/drivers/pci.h"
#include "lib/drivers/watchdog.h"

#define ESB_VENDOR_DEVICE 0x25ab8086u

/* Configuration space (6300ESB datasheet §13; QEMU hw/watchdog/wdt_i6300esb.c). */
#define ESB_CONFIG	 0x60 /* 16-bit: bit 5 set disables the reset, bit 2 1 MHz clock, 1:0 irq */
#define ESB_CONFIG_NO_IRQ 0x03
#define ESB_LOCK	 0x68 /* 8-bit: bit 1 enables the timer, bit 0 locks it until reset */
#define ESB_LOCK_ENABLE	 0x02

/* Memory BAR 0: the preload and reload registers, each write after the 0x80, 0x86 unlock. */
#define ESB_TIMER1	0x00
#define ESB_TIMER2	0x04
#define ESB_RELOAD	0x0c
#define ESB_UNLOCK1	0x80
#define ESB_UNLOCK2	0x86
#define ESB_RELOAD_PING 0x100
#define ESB_PRELOAD_MAX 0xfffff

static BOOLEAN find_esb(struct pci_address *ret_addr, UINT64 *ret_bar)
{
	struct pci_bar bar;
	UINT32 cursor = 0;

	while (pci_next_function(&cursor, ret_addr)) {
		if (pci_read32(*ret_addr, 0) != ESB_VENDOR_DEVICE)
			continue;
		pci_get_bar(*ret_addr, 0, &bar);
		if (bar.io || !bar.base)
			return FALSE;
		*ret_bar = bar.base;
		return TRUE;
	}
	return FALSE;
}

static void esb_unlock(UINT64 bar)
{
	mmio_write16(bar + ESB_RELOAD, ESB_UNLOCK1);
	mmio_write16(bar + ESB_RELOAD, ESB_UNLOCK2);
}

BOOLEAN watchdog_arm(UINT32 seconds)
{
	struct pci_address a;
	UINT64 bar;
	/*
	 * At the 1 kHz setting one preload unit is 2^15 ticks of 33 MHz, about 1 ms. The timer runs
	 * twice (the first expiry would raise an interrupt, disabled here): half the time each.
	 */
	UINT32 preload = seconds * 1000 / 2;

	if (!find_esb(&a, &bar))
		return FALSE;
	if (preload > ESB_PRELOAD_MAX)
		preload = ESB_PRELOAD_MAX;
	pci_write16(a, PCI_COMMAND, pci_read16(a, PCI_COMMAND) | PCI_COMMAND_MEMORY);
	pci_write8(a, ESB_LOCK, 0);
	pci_write16(a, ESB_CONFIG, ESB_CONFIG_NO_IRQ);
	esb_unlock(bar);
	mmio_write32(bar + ESB_TIMER1, preload);
	esb_unlock(bar);
	mmio_write32(bar + ESB_TIMER2, preload);
	esb_unlock(bar);
	mmio_write16(bar + ESB_RELOAD, ESB_RELOAD_PING);
	pci_write8(a, ESB_LOCK, ESB_LOCK_ENABLE);
	return TRUE;
}

void watchdog_disarm(void)
{
	struct pci_address a;
	UINT64 bar;

	if (find_esb(&a, &bar))
		pci_write8(a, ESB_LOCK, 0);
}
