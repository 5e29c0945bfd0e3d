/* SPDX-License-Identifier: MIT */
/* Watchdogs: the Intel 6300ESB (PCI 8086:25ab, libvirt's model) and ICH9's TCO timer on q35. */
#include "lib/drivers/io.h"
#include "lib/drivers/pci.h"
#include "lib/drivers/watchdog.h"

#define ESB_VENDOR_DEVICE 0x25ab8086u

/* Configuration space (6300ESB datasheet §13; QEMU hw/watchdog/wdt_i6300esb.c). */
#define ESB_CONFIG	  0x60 /* 16-bit: bit 5 set disables the reset, bit 2 1 MHz clock, 1:0 irq */
#define ESB_CONFIG_NO_IRQ 0x03
#define ESB_LOCK	  0x68 /* 8-bit: bit 1 enables the timer, bit 0 locks it until reset */
#define ESB_LOCK_ENABLE	  0x02

/* Memory BAR 0: the preload and reload registers, each write after the 0x80, 0x86 unlock. */
#define ESB_TIMER1	0x00
#define ESB_TIMER2	0x04
#define ESB_RELOAD	0x0c
#define ESB_UNLOCK1	0x80
#define ESB_UNLOCK2	0x86
#define ESB_RELOAD_PING 0x100
#define ESB_PRELOAD_MAX 0xfffff

/*
 * ICH9's TCO timer (ICH9 datasheet §13.10; QEMU hw/acpi/ich9_tco.c) at PMBASE + 0x60. It resets
 * on its second expiry unless GCS.NO_REBOOT (chipset configuration at RCBA + 0x3410) is set, and
 * QEMU's noreboot pin strap (on by default) blocks it as well.
 */
#define ICH9_LPC	   ((struct pci_address){ 0, 0x1f, 0 })
#define ICH9_LPC_ID	   0x29188086u
#define ICH9_PMBASE	   0x40
#define ICH9_RCBA	   0xf0
#define ICH9_RCBA_EN	   1u
#define ICH9_RCBA_BASE	   0xfed1c000u /* where chipset vendors and OVMF put it */
#define ICH9_GCS	   0x3410
#define ICH9_GCS_NO_REBOOT (1u << 5)
#define TCO_OFFSET	   0x60
#define TCO_RLD		   0x00
#define TCO1_STS	   0x04
#define TCO2_STS	   0x06
#define TCO1_CNT	   0x08
#define TCO1_CNT_TMR_HLT   (1u << 11)
#define TCO_TMR		   0x12
#define TCO_TICK_MS	   600
#define TCO_TMR_MAX	   0x3ff

static UINT16 tco_port(void)
{
	if (pci_read32(ICH9_LPC, 0) != ICH9_LPC_ID)
		return 0;
	return (pci_read32(ICH9_LPC, ICH9_PMBASE) & 0xff80) + TCO_OFFSET;
}

static UINT64 ich9_gcs(void)
{
	UINT32 rcba = pci_read32(ICH9_LPC, ICH9_RCBA);

	if (!(rcba & ICH9_RCBA_EN)) {
		rcba = ICH9_RCBA_BASE | ICH9_RCBA_EN;
		pci_write32(ICH9_LPC, ICH9_RCBA, rcba);
	}
	return (rcba & ~0x3fffu) + ICH9_GCS;
}

static BOOLEAN tco_arm(UINT32 seconds)
{
	UINT16 port = tco_port();
	/* Two expiries before the reset. */
	UINT32 ticks = seconds * 1000 / (2 * TCO_TICK_MS);

	if (!port || port == TCO_OFFSET)
		return FALSE;
	if (ticks < 2)
		ticks = 2; /* 0 and 1 do not start the timer */
	if (ticks > TCO_TMR_MAX)
		ticks = TCO_TMR_MAX;
	mmio_write32(ich9_gcs(), mmio_read32(ich9_gcs()) & ~ICH9_GCS_NO_REBOOT);
	outw(port + TCO_TMR, ticks);
	outw(port + TCO1_STS, 0xffff);
	outw(port + TCO2_STS, 0xffff);
	outw(port + TCO1_CNT, inw(port + TCO1_CNT) & ~TCO1_CNT_TMR_HLT);
	outw(port + TCO_RLD, 1);
	return TRUE;
}

static void tco_disarm(void)
{
	UINT16 port = tco_port();

	if (!port || port == TCO_OFFSET)
		return;
	outw(port + TCO1_CNT, inw(port + TCO1_CNT) | TCO1_CNT_TMR_HLT);
	/* Leave the reset to the OS's own TCO driver, which clears NO_REBOOT when it wants it. */
	mmio_write32(ich9_gcs(), mmio_read32(ich9_gcs()) | ICH9_GCS_NO_REBOOT);
}

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

static BOOLEAN esb_arm(UINT32 seconds)
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

enum watchdog_kind watchdog_arm(UINT32 seconds)
{
	if (esb_arm(seconds))
		return WATCHDOG_I6300ESB;
	if (tco_arm(seconds))
		return WATCHDOG_ICH9_TCO;
	return WATCHDOG_NONE;
}

void watchdog_disarm(void)
{
	struct pci_address a;
	UINT64 bar;

	if (find_esb(&a, &bar))
		pci_write8(a, ESB_LOCK, 0);
	tco_disarm();
}

const char *watchdog_name(UINT32 kind)
{
	return kind == WATCHDOG_I6300ESB   ? "i6300esb"
	       : kind == WATCHDOG_ICH9_TCO ? "ICH9 TCO"
					   : "none";
}
