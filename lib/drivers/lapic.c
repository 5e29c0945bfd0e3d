/* SPDX-License-Identifier: MIT */
/* The local APIC's timer as a periodic tick, calibrated against the TSC without a wait. */
#include "lib/drivers/io.h"
#include "lib/drivers/lapic.h"

#define MSR_APIC_BASE	     0x1b
#define APIC_BASE_ENABLE     (1ull << 11)
#define APIC_BASE_X2APIC     (1ull << 10)
#define APIC_EOI	     0x0b0
#define APIC_SVR	     0x0f0
#define APIC_SVR_ENABLE	     0x100
#define APIC_LVT_TIMER	     0x320
#define APIC_LVT_MASKED	     (1u << 16)
#define APIC_LVT_PERIODIC    (1u << 17)
#define APIC_TIMER_INITIAL   0x380
#define APIC_TIMER_CURRENT   0x390
#define APIC_TIMER_DIVIDE    0x3e0
#define APIC_DIVIDE_16	     0x3 /* QEMU's 1 GHz bus counts 62.5 MHz: 68 s to wrap */
#define PIC1_DATA	     0x21
#define PIC2_DATA	     0xa1

static UINT64 apic_base;
static UINT64 calibrate_tsc;

static UINT32 apic_read(UINT32 reg)
{
	return mmio_read32(apic_base + reg);
}

static void apic_write(UINT32 reg, UINT32 v)
{
	mmio_write32(apic_base + reg, v);
}

EFI_STATUS lapic_timer_calibrate_begin(UINT8 spurious_vector)
{
	UINT64 msr = rdmsr(MSR_APIC_BASE);

	/* x2APIC mode has no MMIO window; stage0 never enables it, so someone else did. */
	if (!(msr & APIC_BASE_ENABLE) || (msr & APIC_BASE_X2APIC))
		return EFI_UNSUPPORTED;
	apic_base = msr & ~0xfffull;
	/*
	 * The 8259s stay masked: nothing of theirs is wired to us (LINT0 is masked), and the OS
	 * finds them as OVMF leaves them.
	 */
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	/* An APIC disabled in software forces every LVT entry masked. */
	apic_write(APIC_SVR, APIC_SVR_ENABLE | spurious_vector);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_16);
	calibrate_tsc = rdtsc();
	apic_write(APIC_TIMER_INITIAL, 0xffffffffu);
	return EFI_SUCCESS;
}

EFI_STATUS lapic_timer_start(UINT8 vector, UINT32 period_us, UINT64 tsc_hz)
{
	UINT64 ticks, tsc, count;

	if (!apic_base)
		return EFI_UNSUPPORTED;
	/*
	 * Stage1's start-up ran meanwhile; at least 1 ms makes a fair measure. A count run out
	 * (over a minute since calibrate_begin) is measured again over 10 ms.
	 */
	for (UINT64 wait = tsc_hz / 1000;; wait = tsc_hz / 100) {
		while (rdtsc() - calibrate_tsc < wait)
			cpu_relax();
		count = apic_read(APIC_TIMER_CURRENT);
		tsc = rdtsc() - calibrate_tsc;
		if (count)
			break;
		calibrate_tsc = rdtsc();
		apic_write(APIC_TIMER_INITIAL, 0xffffffffu);
	}
	/* Counter ticks per period: at most 2^32 elapsed times ~2^25 TSC ticks a period. */
	ticks = (0xffffffffull - count) * (tsc_hz / 1000000 * period_us) / tsc;
	if (!ticks || ticks > 0xffffffffull)
		return EFI_DEVICE_ERROR;
	apic_write(APIC_LVT_TIMER, APIC_LVT_PERIODIC | vector);
	apic_write(APIC_TIMER_INITIAL, (UINT32)ticks);
	return EFI_SUCCESS;
}

void lapic_timer_stop(void)
{
	if (!apic_base)
		return;
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(APIC_TIMER_INITIAL, 0);
}

void lapic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}
