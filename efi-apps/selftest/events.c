// SPDX-License-Identifier: MIT
/* Events: notification functions and TPL ordering, CheckEvent semantics, event groups. */
#include "efi-apps/selftest/selftest.h"

#define MAX_EVENTS 6

static EFI_EVENT events[MAX_EVENTS];
/* What notify functions saw, in the order they ran. */
static struct {
	UINTN count;
	UINTN who[16];
	EFI_TPL tpl[16];
} log;

static EFI_STATUS reset_events(void)
{
	SetMem(events, sizeof(events), 0);
	SetMem(&log, sizeof(log), 0);
	return EFI_SUCCESS;
}

static void close_events(void)
{
	for (UINTN i = 0; i < MAX_EVENTS; i++)
		if (events[i])
			BS->CloseEvent(events[i]);
	SetMem(events, sizeof(events), 0);
}

/* Records who ran and at which TPL: RaiseTPL to HIGH returns the TPL we were called at. */
static EFIAPI void record_notify(EFI_EVENT event, void *context)
{
	EFI_TPL tpl = BS->RaiseTPL(TPL_HIGH_LEVEL);

	BS->RestoreTPL(tpl);
	if (log.count < 16) {
		log.who[log.count] = (UINTN)context;
		log.tpl[log.count] = tpl;
	}
	log.count++;
}

static EFI_STATUS notify_tpl_order(void)
{
	EFI_TPL old;

	CHECK_OK(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, record_notify, (void *)1,
				 &events[0]));
	CHECK_OK(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_NOTIFY, record_notify, (void *)2,
				 &events[1]));
	/* Signalled at TPL_HIGH_LEVEL: nothing may run until the TPL drops again. */
	old = BS->RaiseTPL(TPL_HIGH_LEVEL);
	BS->SignalEvent(events[0]);
	BS->SignalEvent(events[1]);
	UINTN ran_early = log.count;
	BS->RestoreTPL(old);
	CHECK(ran_early == 0, "%ld notify functions ran above their TPL", (INT64)ran_early);
	CHECK(log.count == 2, "%ld notify functions ran, expected 2", (INT64)log.count);
	CHECK(log.who[0] == 2 && log.who[1] == 1,
	      "TPL_NOTIFY must run before TPL_CALLBACK; order was %ld, %ld", (INT64)log.who[0],
	      (INT64)log.who[1]);
	CHECK(log.tpl[0] == TPL_NOTIFY && log.tpl[1] == TPL_CALLBACK,
	      "notify functions ran at TPL %d and %d", (int)log.tpl[0], (int)log.tpl[1]);
	/* Signalled at TPL_APPLICATION: runs before SignalEvent returns to us. */
	CHECK_OK(BS->SignalEvent(events[0]));
	CHECK(log.count == 3, "notify did not run on return to TPL_APPLICATION");
	return EFI_SUCCESS;
}

static EFI_STATUS notify_raise_blocks(void)
{
	EFI_TPL old;

	CHECK_OK(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, record_notify, (void *)1,
				 &events[0]));
	/* At TPL_CALLBACK a TPL_CALLBACK notify is held back; at TPL_APPLICATION it runs. */
	old = BS->RaiseTPL(TPL_CALLBACK);
	CHECK(old == TPL_APPLICATION, "we run at TPL %d, expected TPL_APPLICATION", (int)old);
	BS->SignalEvent(events[0]);
	BS->SignalEvent(events[0]);
	UINTN ran_early = log.count;
	BS->RestoreTPL(old);
	CHECK(ran_early == 0, "notify ran at its own TPL");
	/* Signalling twice before it runs queues it once (UEFI 2.10 §7.1 SignalEvent). */
	CHECK(log.count == 1, "notify ran %ld times, expected once", (INT64)log.count);
	return EFI_SUCCESS;
}

static EFI_STATUS check_event_semantics(void)
{
	CHECK_OK(BS->CreateEvent(0, 0, NULL, NULL, &events[0]));
	CHECK_STATUS(BS->CheckEvent(events[0]), EFI_NOT_READY);
	CHECK_OK(BS->SignalEvent(events[0]));
	CHECK_OK(BS->CheckEvent(events[0]));
	/* CheckEvent clears the signal: the second look finds nothing. */
	CHECK_STATUS(BS->CheckEvent(events[0]), EFI_NOT_READY);
	CHECK_OK(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, record_notify, (void *)1,
				 &events[1]));
	CHECK_STATUS(BS->CheckEvent(events[1]), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

/* A wait notify that signals its event on the second call: "ready on the second look". */
static EFIAPI void wait_notify(EFI_EVENT event, void *context)
{
	record_notify(event, context);
	if (log.count >= 2)
		BS->SignalEvent(event);
}

static EFI_STATUS notify_wait(void)
{
	UINTN index = 99;

	CHECK_OK(BS->CreateEvent(EVT_NOTIFY_WAIT, TPL_CALLBACK, wait_notify, (void *)7,
				 &events[0]));
	CHECK_STATUS(BS->CheckEvent(events[0]), EFI_NOT_READY);
	CHECK(log.count == 1, "CheckEvent ran the wait notify %ld times", (INT64)log.count);
	CHECK(log.tpl[0] == TPL_CALLBACK && log.who[0] == 7, "wait notify at TPL %d context %ld",
	      (int)log.tpl[0], (INT64)log.who[0]);
	CHECK_OK(BS->CheckEvent(events[0]));
	/* WaitForEvent also runs wait notifies; the event signals itself, so the wait ends. */
	CHECK_OK(BS->WaitForEvent(1, &events[0], &index));
	CHECK(index == 0, "index %ld", (INT64)index);
	return EFI_SUCCESS;
}

static EFI_STATUS wait_for_event_rules(void)
{
	UINTN index = 99;
	EFI_EVENT two[2];

	CHECK_OK(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, record_notify, NULL,
				 &events[0]));
	CHECK_OK(BS->CreateEvent(0, 0, NULL, NULL, &events[1]));
	/* UEFI 2.10 §7.1: a NOTIFY_SIGNAL event cannot be waited on; Index names it. */
	two[0] = events[1];
	two[1] = events[0];
	CHECK_STATUS(BS->WaitForEvent(2, two, &index), EFI_INVALID_PARAMETER);
	CHECK(index == 1, "invalid event index %ld, expected 1", (INT64)index);
	CHECK_STATUS(BS->WaitForEvent(0, two, &index), EFI_INVALID_PARAMETER);
	/* Already signalled: returns at once with its index; the wait consumes the signal. */
	CHECK_OK(BS->SignalEvent(events[1]));
	CHECK_OK(BS->WaitForEvent(1, &events[1], &index));
	CHECK(index == 0, "index %ld", (INT64)index);
	CHECK_STATUS(BS->CheckEvent(events[1]), EFI_NOT_READY);
	/* Above TPL_APPLICATION, WaitForEvent is refused. */
	EFI_TPL old = BS->RaiseTPL(TPL_CALLBACK);
	EFI_STATUS status = BS->WaitForEvent(1, &events[1], &index);
	BS->RestoreTPL(old);
	CHECK(status == EFI_UNSUPPORTED, "WaitForEvent at TPL_CALLBACK: %r", status);
	return EFI_SUCCESS;
}

static EFI_GUID group_guid = { 0x6b1c1d6e, 0x56a3, 0x4b6a, { 0x9d, 0x1f, 0x0a, 0x3c, 0x51,
							      0x7e, 0x42, 0x11 } };

static EFI_STATUS event_groups(void)
{
	CHECK_OK(BS->CreateEventEx(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, record_notify, (void *)1,
				   &group_guid, &events[0]));
	CHECK_OK(BS->CreateEventEx(EVT_NOTIFY_SIGNAL, TPL_NOTIFY, record_notify, (void *)2,
				   &group_guid, &events[1]));
	CHECK_OK(BS->CreateEventEx(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, record_notify, (void *)3, NULL,
				   &events[2]));
	/* Signalling one member signals the whole group, and nothing outside it. */
	CHECK_OK(BS->SignalEvent(events[0]));
	CHECK(log.count == 2, "%ld notifies ran for a group of 2", (INT64)log.count);
	CHECK(log.who[0] == 2 && log.who[1] == 1, "group order %ld, %ld (TPL_NOTIFY first)",
	      (INT64)log.who[0], (INT64)log.who[1]);
	/* A closed member leaves the group. */
	CHECK_OK(BS->CloseEvent(events[1]));
	events[1] = NULL;
	CHECK_OK(BS->SignalEvent(events[0]));
	CHECK(log.count == 3 && log.who[2] == 1, "after close: %ld notifies", (INT64)log.count);
	CHECK_STATUS(BS->CreateEventEx(EVT_SIGNAL_EXIT_BOOT_SERVICES, TPL_CALLBACK, record_notify,
				       NULL, &group_guid, &events[3]),
		     EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS create_event_refused(void)
{
	EFI_EVENT e;

	/* A notify type needs a notify function and a TPL a notify may run at. */
	CHECK_STATUS(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, NULL, NULL, &e),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_HIGH_LEVEL, record_notify, NULL, &e),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_APPLICATION, record_notify, NULL, &e),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->CreateEvent(0, 0, NULL, NULL, NULL), EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->CreateEvent(EVT_NOTIFY_SIGNAL | EVT_NOTIFY_WAIT, TPL_CALLBACK,
				     record_notify, NULL, &e),
		     EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(events,
	       { "events.notify_tpl_order", reset_events, notify_tpl_order, close_events },
	       { "events.notify_raise_blocks", reset_events, notify_raise_blocks, close_events },
	       { "events.check_event", reset_events, check_event_semantics, close_events },
	       { "events.notify_wait", reset_events, notify_wait, close_events },
	       { "events.wait_for_event_rules", reset_events, wait_for_event_rules, close_events },
	       { "events.groups", reset_events, event_groups, close_events },
	       { "events.create_event_refused", reset_events, create_event_refused, close_events });
