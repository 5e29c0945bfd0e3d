/* SPDX-License-Identifier: MIT */
/* lib/drivers/timer.h and lib/log.h for a driver under test: time passes only as it polls. */
#include "lib/drivers/timer.h"
#include "lib/log.h"
#include "tests/unit/fake_clock.h"

UINT64 fake_clock_ms;
void (*fake_clock_tick)(void);

UINT64 timer_deadline(UINT32 ms)
{
	return fake_clock_ms + ms;
}

BOOLEAN timer_expired(UINT64 deadline)
{
	fake_clock_ms++;
	if (fake_clock_tick)
		fake_clock_tick();
	return fake_clock_ms >= deadline;
}

void log_printf(enum log_level level, const char *prefix, const char *fmt, ...)
{
}

EFI_STATUS log_status(enum log_level level, EFI_STATUS status, const char *prefix,
		      const char *fmt, ...)
{
	return status;
}

const char *efi_status_name(EFI_STATUS status)
{
	return "";
}

void timer_delay_ms(UINT32 ms)
{
	UINT64 deadline = timer_deadline(ms);

	while (!timer_expired(deadline))
		;
}
