// SPDX-License-Identifier: MIT
/* An independent clock for the timer cases: the TSC, calibrated against the RTC's second edges. */
#include "efi-apps/selftest/selftest.h"

static UINT64 tsc_per_us;
static const char *source = "none";

UINT64 clock_now(void)
{
	UINT32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (UINT64)hi << 32 | lo;
}

UINT64 clock_us_since(UINT64 start)
{
	return tsc_per_us ? (clock_now() - start) / tsc_per_us : 0;
}

const char *clock_source(void)
{
	return source;
}

BOOLEAN clock_ready(void)
{
	return tsc_per_us != 0;
}

/* Poll GetTime until the second changes; ret_tsc is the TSC right after the edge. */
static EFI_STATUS wait_rtc_edge(UINT64 *ret_tsc)
{
	EFI_TIME t;
	UINT8 first;
	EFI_STATUS status;

	status = RT->GetTime(&t, NULL);
	if (EFI_ERROR(status))
		return status;
	first = t.Second;
	/* 25000 polls of at least 100 us: a clock that never ticks is given up after > 2.5 s. */
	for (UINTN i = 0; i < 25000; i++) {
		status = RT->GetTime(&t, NULL);
		if (EFI_ERROR(status))
			return status;
		if (t.Second != first) {
			*ret_tsc = clock_now();
			return EFI_SUCCESS;
		}
		BS->Stall(100);
	}
	return EFI_TIMEOUT;
}

/*
 * The RTC is the one clock the firmware's timer services do not drive, so it judges them fairly.
 * One second between two edges gives ~0.1 ms error (the poll period), plenty for ms timers.
 * Without a working GetTime, Stall is the fallback, which then only checks timers against Stall.
 */
EFI_STATUS clock_calibrate(void)
{
	UINT64 t0, t1;
	EFI_STATUS status;

	status = wait_rtc_edge(&t0);
	if (!EFI_ERROR(status))
		status = wait_rtc_edge(&t1);
	if (!EFI_ERROR(status) && t1 > t0) {
		tsc_per_us = (t1 - t0) / 1000000;
		source = "TSC calibrated on RTC seconds";
	} else {
		t0 = clock_now();
		BS->Stall(200000);
		t1 = clock_now();
		tsc_per_us = (t1 - t0) / 200000;
		source = "TSC calibrated on Stall (GetTime unusable)";
	}
	if (!tsc_per_us) {
		source = "none (TSC does not advance)";
		return EFI_UNSUPPORTED;
	}
	return status;
}
