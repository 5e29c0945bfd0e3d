// SPDX-License-Identifier: MIT
/* readbench's clock: the TSC, calibrated against the ACPI PM timer found through the FADT. */
#include "efi-apps/readbench/readbench.h"

#define PM_TIMER_HZ 3579545
#define CALIBRATE_TICKS (PM_TIMER_HZ / 10) /* 100 ms */

static UINT64 tsc_hz;

UINT64 clock_now(void)
{
	UINT32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (UINT64)hi << 32 | lo;
}

UINT64 clock_us(UINT64 tsc_delta)
{
	/* Split so that minutes of TSC ticks times 10^6 cannot overflow 64 bits. */
	return tsc_delta / tsc_hz * 1000000 + tsc_delta % tsc_hz * 1000000 / tsc_hz;
}

static UINT32 inl(UINT16 port)
{
	UINT32 v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static UINT32 read32(const UINT8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (UINT32)p[3] << 24;
}

static UINT64 read64(const UINT8 *p)
{
	return read32(p) | (UINT64)read32(p + 4) << 32;
}

/* The FADT ("FACP") from the XSDT, else the RSDT; NULL when the firmware published no ACPI. */
static const UINT8 *find_fadt(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	const UINT8 *rsdp = NULL, *sdt;
	UINTN entry_size;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (!CompareGuid(&t->VendorGuid, &acpi20) ||
		    (!rsdp && !CompareGuid(&t->VendorGuid, &acpi10)))
			rsdp = t->VendorTable;
	}
	if (!rsdp || CompareMem(rsdp, "RSD PTR ", 8))
		return NULL;
	if (rsdp[15] >= 2 && read64(rsdp + 24)) {
		sdt = (const UINT8 *)(UINTN)read64(rsdp + 24);
		entry_size = 8;
	} else {
		sdt = (const UINT8 *)(UINTN)read32(rsdp + 16);
		entry_size = 4;
	}
	for (UINTN off = 36; off + entry_size <= read32(sdt + 4); off += entry_size) {
		const UINT8 *table = (const UINT8 *)(UINTN)(entry_size == 8 ? read64(sdt + off) :
									  read32(sdt + off));

		if (table && !CompareMem(table, "FACP", 4))
			return table;
	}
	return NULL;
}

/* The PM timer's I/O port (0 if none) and whether it counts 32 bits (FADT flag TMR_VAL_EXT). */
static UINT16 pm_timer_port(UINT32 *ret_mask)
{
	const UINT8 *fadt = find_fadt();
	UINT32 length;

	if (!fadt)
		return 0;
	length = read32(fadt + 4);
	*ret_mask = length >= 116 && (read32(fadt + 112) & (1 << 8)) ? 0xffffffff : 0xffffff;
	/* ACPI 6.5 §5.2.9: X_PM_TMR_BLK (a GAS, I/O space = 1) wins over PM_TMR_BLK when set. */
	if (length >= 220 && fadt[208] == 1 && read64(fadt + 212))
		return (UINT16)read64(fadt + 212);
	return length >= 80 ? (UINT16)read32(fadt + 76) : 0;
}

/*
 * The PM timer runs at 3.579545 MHz whatever the firmware does, so both firmwares are timed by
 * the same clock; its 24-bit counter wraps every 4.7 s, hence the TSC for the measurement itself.
 * A port that does not count (PM block not enabled) falls back to Stall, which is the firmware's
 * own idea of time and is said to be so.
 */
EFI_STATUS clock_init(const CHAR16 *app)
{
	UINT32 mask = 0xffffff, last, now, ticks = 0;
	UINT16 port = pm_timer_port(&mask);
	UINT64 t0, t1;

	if (port) {
		last = inl(port) & mask;
		t0 = clock_now();
		for (UINTN spins = 0; ticks < CALIBRATE_TICKS && spins < 100000000; spins++) {
			now = inl(port) & mask;
			ticks += (now - last) & mask;
			last = now;
		}
		t1 = clock_now();
		if (ticks >= CALIBRATE_TICKS) {
			tsc_hz = (t1 - t0) * PM_TIMER_HZ / ticks;
			Print(L"%s: clock TSC %ld kHz, calibrated on the ACPI PM timer "
			      L"at 0x%x\n", app, tsc_hz / 1000, port);
			return tsc_hz ? EFI_SUCCESS : EFI_NOT_READY;
		}
	}
	t0 = clock_now();
	BS->Stall(100000);
	t1 = clock_now();
	tsc_hz = (t1 - t0) * 10;
	Print(L"%s: clock TSC %ld kHz, calibrated on Stall (no PM timer)\n", app,
	      tsc_hz / 1000);
	return tsc_hz ? EFI_SUCCESS : EFI_NOT_READY;
}
