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

/*
 * Poll GetTime until the second changes. The edge lies between the previous read and the one
 * that saw it: ret_tsc is the end of that window and ret_window its width, which is wide when the
 * vCPU was descheduled while polling (a loaded host), and then the edge's time is unknown.
 */
static EFI_STATUS wait_rtc_edge(UINT64 *ret_tsc, UINT64 *ret_window)
{
	EFI_TIME t;
	UINT8 first;
	UINT64 before, last_before;
	EFI_STATUS status;

	last_before = clock_now();
	status = RT->GetTime(&t, NULL);
	if (EFI_ERROR(status))
		return status;
	first = t.Second;
	/* 25000 polls of at least 100 us: a clock that never ticks is given up after > 2.5 s. */
	for (UINTN i = 0; i < 25000; i++) {
		BS->Stall(100);
		before = clock_now();
		status = RT->GetTime(&t, NULL);
		if (EFI_ERROR(status))
			return status;
		if (t.Second != first) {
			*ret_tsc = clock_now();
			*ret_window = *ret_tsc - last_before;
			return EFI_SUCCESS;
		}
		last_before = before;
	}
	return EFI_TIMEOUT;
}

/* Seconds tried before the calibration takes what it has (each costs one second). */
#define CALIBRATION_TRIES 4

/*
 * The RTC is the one clock the firmware's timer services do not drive, so it judges them fairly.
 * A second between two edges, each seen within a narrow window (under 0.5% of that second),
 * gives the TSC's rate well within the timer cases' slack; a wide window means the vCPU was
 * descheduled around the edge, and the next second is tried.
 * Without a working GetTime, Stall is the fallback, which then only checks timers against Stall.
 */
EFI_STATUS clock_calibrate(void)
{
	UINT64 t0, t1, w0, w1;
	EFI_STATUS status;

	status = wait_rtc_edge(&t0, &w0);
	for (UINTN i = 0; !EFI_ERROR(status) && i < CALIBRATION_TRIES; i++) {
		status = wait_rtc_edge(&t1, &w1);
		if (EFI_ERROR(status) || t1 <= t0)
			break;
		tsc_per_us = (t1 - t0) / 1000000;
		source = "TSC calibrated on RTC seconds";
		if (w0 < (t1 - t0) / 200 && w1 < (t1 - t0) / 200)
			break;
		t0 = t1;
		w0 = w1;
	}
	if (!tsc_per_us) {
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
