// SPDX-License-Identifier: MIT
/* Timers and Stall against the independent clock (clock.c), with tolerances that survive TCG. */
#include "efi-apps/selftest/selftest.h"

#define MS 10000 /* SetTimer counts 100 ns units */

static EFI_EVENT timers[3];
static volatile UINTN fired;

/*
 * Timers may fire up to one tick (10 ms on OVMF) early relative to our start, since SetTimer's
 * count starts at the last tick; late is bounded only by an emulator's scheduling, so the upper
 * limit is generous: a broken timer is off by orders of magnitude, not by a few hundred ms.
 */
#define EARLY_SLACK_US 20000
#define LATE_FACTOR 4
#define LATE_SLACK_US 500000

static EFI_STATUS require_clock(void)
{
	if (!clock_ready())
		return selftest_fail(__FILE__, __LINE__, L"no independent clock: %a",
				     clock_source());
	fired = 0;
	SetMem(timers, sizeof(timers), 0);
	return EFI_SUCCESS;
}

static void close_timers(void)
{
	for (UINTN i = 0; i < 3; i++)
		if (timers[i])
			BS->CloseEvent(timers[i]);
	SetMem(timers, sizeof(timers), 0);
}

static EFI_STATUS within(UINT64 us, UINT64 want_us, const char *what)
{
	CHECK(us + EARLY_SLACK_US >= want_us, "%a took %ld us, expected %ld", what, us, want_us);
	CHECK(us <= want_us * LATE_FACTOR + LATE_SLACK_US, "%a took %ld us, expected %ld", what, us,
	      want_us);
	return EFI_SUCCESS;
}

static EFI_STATUS stall_duration(void)
{
	UINT64 t = clock_now();

	CHECK_OK(BS->Stall(250000));
	return within(clock_us_since(t), 250000, "Stall(250 ms)");
}

static EFI_STATUS one_shot(void)
{
	UINTN index;
	UINT64 t;

	CHECK_OK(BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timers[0]));
	t = clock_now();
	CHECK_OK(BS->SetTimer(timers[0], TimerRelative, 300 * MS));
	CHECK_STATUS(BS->CheckEvent(timers[0]), EFI_NOT_READY);
	CHECK_OK(BS->WaitForEvent(1, &timers[0], &index));
	CHECK_OK(within(clock_us_since(t), 300000, "300 ms one-shot"));
	/* One-shot: it does not come back. */
	BS->Stall(100000);
	CHECK_STATUS(BS->CheckEvent(timers[0]), EFI_NOT_READY);
	return EFI_SUCCESS;
}

static EFIAPI void count_notify(EFI_EVENT event, void *context)
{
	fired++;
}

static EFI_STATUS periodic(void)
{
	UINTN index;
	UINT64 t;

	CHECK_OK(BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timers[0]));
	CHECK_OK(BS->SetTimer(timers[0], TimerPeriodic, 50 * MS));
	/* The first period starts at SetTimer; measure five whole periods after the first one. */
	CHECK_OK(BS->WaitForEvent(1, &timers[0], &index));
	t = clock_now();
	for (int i = 0; i < 5; i++)
		CHECK_OK(BS->WaitForEvent(1, &timers[0], &index));
	CHECK_OK(within(clock_us_since(t), 250000, "5 periods of 50 ms"));
	CHECK_OK(BS->SetTimer(timers[0], TimerCancel, 0));
	BS->CheckEvent(timers[0]);
	BS->Stall(150000);
	CHECK_STATUS(BS->CheckEvent(timers[0]), EFI_NOT_READY);
	return EFI_SUCCESS;
}

static EFI_STATUS periodic_notify(void)
{
	UINTN n;

	CHECK_OK(BS->CreateEvent(EVT_TIMER | EVT_NOTIFY_SIGNAL, TPL_CALLBACK, count_notify, NULL,
				 &timers[0]));
	CHECK_OK(BS->SetTimer(timers[0], TimerPeriodic, 20 * MS));
	/* Notifies run while we sleep on another timer: ~25 expected in 500 ms. */
	CHECK_OK(selftest_sleep_ms(500));
	n = fired;
	CHECK_OK(BS->SetTimer(timers[0], TimerCancel, 0));
	CHECK(n >= 5 && n <= 30, "20 ms periodic notify ran %ld times in 500 ms", (INT64)n);
	n = fired;
	CHECK_OK(selftest_sleep_ms(100));
	CHECK(fired == n, "notify ran %ld times after TimerCancel", (INT64)(fired - n));
	return EFI_SUCCESS;
}

static EFI_STATUS wait_several(void)
{
	UINTN index = 99;
	UINT64 t;

	CHECK_OK(BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timers[0]));
	CHECK_OK(BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timers[1]));
	CHECK_OK(BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timers[2]));
	CHECK_OK(BS->SetTimer(timers[0], TimerRelative, 10000 * MS));
	CHECK_OK(BS->SetTimer(timers[1], TimerRelative, 100 * MS));
	/* timers[2] is never set: an unset timer event never signals. */
	t = clock_now();
	CHECK_OK(BS->WaitForEvent(3, timers, &index));
	CHECK(index == 1, "WaitForEvent returned index %ld, expected 1 (the 100 ms timer)",
	      (INT64)index);
	CHECK_OK(within(clock_us_since(t), 100000, "100 ms of three timers"));
	CHECK_STATUS(BS->CheckEvent(timers[0]), EFI_NOT_READY);
	return EFI_SUCCESS;
}

static EFI_STATUS zero_trigger(void)
{
	UINTN index;
	UINT64 t;

	CHECK_OK(BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timers[0]));
	/* UEFI 2.10 §7.1: TriggerTime 0 fires on the next timer tick. */
	t = clock_now();
	CHECK_OK(BS->SetTimer(timers[0], TimerRelative, 0));
	CHECK_OK(BS->WaitForEvent(1, &timers[0], &index));
	CHECK(clock_us_since(t) < 200000, "took %ld us", clock_us_since(t));
	return EFI_SUCCESS;
}

static EFI_STATUS close_pending_timer(void)
{
	CHECK_OK(BS->CreateEvent(EVT_TIMER | EVT_NOTIFY_SIGNAL, TPL_CALLBACK, count_notify, NULL,
				 &timers[0]));
	CHECK_OK(BS->SetTimer(timers[0], TimerRelative, 30 * MS));
	/* Closing a pending timer removes it: its notify must never run afterwards. */
	CHECK_OK(BS->CloseEvent(timers[0]));
	timers[0] = NULL;
	CHECK_OK(selftest_sleep_ms(150));
	CHECK(fired == 0, "closed timer's notify ran %ld times", (INT64)fired);
	return EFI_SUCCESS;
}

static EFI_STATUS set_timer_refused(void)
{
	CHECK_OK(BS->CreateEvent(0, 0, NULL, NULL, &timers[0]));
	CHECK_STATUS(BS->SetTimer(timers[0], TimerRelative, MS), EFI_INVALID_PARAMETER);
	CHECK_OK(BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timers[1]));
	CHECK_STATUS(BS->SetTimer(timers[1], (EFI_TIMER_DELAY)7, MS), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

/* Busy-wait on the independent clock alone: no boot service is called meanwhile. */
static void spin_us(UINT64 us)
{
	UINT64 t = clock_now();

	while (clock_us_since(t) < us)
		__asm__ volatile("pause");
}

static EFI_STATUS notify_while_spinning(void)
{
	UINT64 t;

	CHECK_OK(BS->CreateEvent(EVT_TIMER | EVT_NOTIFY_SIGNAL, TPL_CALLBACK, count_notify, NULL,
				 &timers[0]));
	CHECK_OK(BS->SetTimer(timers[0], TimerPeriodic, 10 * MS));
	/* A payload spinning on a flag a timer notify sets: only a timer interrupt can set it. */
	t = clock_now();
	while (fired < 3 && clock_us_since(t) < 2000000)
		__asm__ volatile("pause");
	CHECK(fired >= 3, "10 ms periodic notify ran %ld times in 2 s of spinning", (INT64)fired);
	return EFI_SUCCESS;
}

static EFI_STATUS tpl_defers_notify(void)
{
	EFI_TPL old;
	UINTN seen;

	CHECK_OK(BS->CreateEvent(EVT_TIMER | EVT_NOTIFY_SIGNAL, TPL_CALLBACK, count_notify, NULL,
				 &timers[0]));
	old = BS->RaiseTPL(TPL_NOTIFY);
	BS->SetTimer(timers[0], TimerRelative, 10 * MS);
	/* Due after 10 ms, but a TPL_CALLBACK notify waits while we are at TPL_NOTIFY (§7.1.8). */
	spin_us(200000);
	seen = fired;
	BS->RestoreTPL(old);
	CHECK(seen == 0, "TPL_CALLBACK notify ran %ld times at TPL_NOTIFY", (INT64)seen);
	CHECK(fired == 1, "notify ran %ld times by the return of RestoreTPL, expected 1",
	      (INT64)fired);
	return EFI_SUCCESS;
}

static EFI_STATUS watchdog_disarm(void)
{
	/* Armed for 1 s and disarmed: the machine must survive 1.5 s of spinning. */
	CHECK_OK(BS->SetWatchdogTimer(1, 0x10000, 0, NULL));
	CHECK_OK(BS->SetWatchdogTimer(0, 0, 0, NULL));
	spin_us(1500000);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(timers,
	       { "timers.stall", require_clock, stall_duration, close_timers },
	       { "timers.one_shot", require_clock, one_shot, close_timers },
	       { "timers.periodic", require_clock, periodic, close_timers },
	       { "timers.periodic_notify", require_clock, periodic_notify, close_timers },
	       { "timers.wait_several", require_clock, wait_several, close_timers },
	       { "timers.zero_trigger", require_clock, zero_trigger, close_timers },
	       { "timers.close_pending", require_clock, close_pending_timer, close_timers },
	       { "timers.set_timer_refused", require_clock, set_timer_refused, close_timers },
	       { "timers.notify_while_spinning", require_clock, notify_while_spinning, close_timers },
	       { "timers.tpl_defers_notify", require_clock, tpl_defers_notify, close_timers },
	       { "timers.watchdog_disarm", require_clock, watchdog_disarm, close_timers });
