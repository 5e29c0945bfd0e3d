/* SPDX-License-Identifier: MIT */
/* Millisecond deadlines over the TSC, so driver timeouts mean the same on every host. */
#include "lib/drivers/io.h"
#include "lib/drivers/timer.h"

/*
 * Without a measurement assume a fast TSC: a timeout then lasts longer than asked on a slower
 * host, never shorter, so a slow device is not given up on early.
 */
#define TIMER_FALLBACK_HZ 5000000000ull

static UINT64 timer_tsc_hz = TIMER_FALLBACK_HZ;

void timer_set_tsc_hz(UINT64 hz)
{
	timer_tsc_hz = hz ? hz : TIMER_FALLBACK_HZ;
}

UINT64 timer_deadline(UINT32 ms)
{
	return rdtsc() + timer_tsc_hz / 1000 * ms;
}

BOOLEAN timer_expired(UINT64 deadline)
{
	return (INT64)(rdtsc() - deadline) >= 0;
}

void timer_delay_ms(UINT32 ms)
{
	UINT64 deadline = timer_deadline(ms);

	while (!timer_expired(deadline))
		cpu_relax();
}
