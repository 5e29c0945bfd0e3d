/* SPDX-License-Identifier: MIT */
/* Events, timers and TPL without interrupts: timers fire when firmware services poll (UEFI 2.10 §7.1). */
#include "lib/drivers/io.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "events: "
#include "lib/log.h"

#define EVENT_MAGIC 0x544e5645u /* "EVNT" */
#define VALID_TYPES (EVT_TIMER | EVT_RUNTIME | EVT_NOTIFY_WAIT | EVT_NOTIFY_SIGNAL | \
		     EVT_SIGNAL_EXIT_BOOT_SERVICES | EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE)

struct event {
	UINT32 magic;
	struct event *next;		/* all events */
	struct event *queue_next;	/* pending notifications */
	UINT32 type;
	EFI_TPL notify_tpl;
	EFI_EVENT_NOTIFY notify;
	void *context;
	EFI_GUID group;
	BOOLEAN has_group;
	BOOLEAN signaled;
	BOOLEAN queued;
	BOOLEAN timer_active;
	UINT64 trigger;			/* 100 ns units of time_now_100ns() */
	UINT64 period;
};

static const EFI_GUID exit_boot_services_group = EFI_EVENT_GROUP_EXIT_BOOT_SERVICES;
static const EFI_GUID virtual_address_change_group = EFI_EVENT_GROUP_VIRTUAL_ADDRESS_CHANGE;

static struct event *events;
static struct event *queue;
static EFI_TPL current_tpl = TPL_APPLICATION;
static UINT64 tsc_start, tsc_per_100ns_x1024;
static BOOLEAN timers_stopped;

void events_init(UINT64 tsc_hz)
{
	if (!tsc_hz) {
		tsc_hz = 2000000000ull;
		log_warn("TSC frequency unknown, assuming 2 GHz: timers may be off");
	}
	tsc_start = rdtsc();
	/* Fixed point (x1024) keeps the conversion exact enough without 128-bit division. */
	tsc_per_100ns_x1024 = tsc_hz * 1024 / 10000000;
	if (!tsc_per_100ns_x1024)
		tsc_per_100ns_x1024 = 1;
}

UINT64 time_now_100ns(void)
{
	UINT64 ticks = rdtsc() - tsc_start;

	/* ticks * 1024 overflows after ~100 days at 2 GHz; split to stay exact. */
	return (ticks / tsc_per_100ns_x1024) * 1024 +
	       (ticks % tsc_per_100ns_x1024) * 1024 / tsc_per_100ns_x1024;
}

static struct event *event_record(EFI_EVENT event)
{
	for (struct event *e = events; e; e = e->next)
		if (e == event)
			return e;
	return NULL;
}

static void queue_notify(struct event *e)
{
	struct event **p = &queue;

	if (e->queued || !e->notify)
		return;
	while (*p)
		p = &(*p)->queue_next;
	e->queue_next = NULL;
	*p = e;
	e->queued = TRUE;
}

/* Run queued notifications whose TPL is above level, highest TPL first, FIFO within a TPL. */
static void dispatch(EFI_TPL level)
{
	for (;;) {
		struct event **best = NULL, *e;
		EFI_TPL saved = current_tpl;

		for (struct event **p = &queue; *p; p = &(*p)->queue_next)
			if ((*p)->notify_tpl > level &&
			    (!best || (*p)->notify_tpl > (*best)->notify_tpl))
				best = p;
		if (!best)
			return;
		e = *best;
		*best = e->queue_next;
		e->queued = FALSE;
		/* §7.1.4: a notify-signal event is no longer signaled once its notification runs. */
		if (e->type & EVT_NOTIFY_SIGNAL)
			e->signaled = FALSE;
		current_tpl = e->notify_tpl;
		e->notify(e, e->context);
		current_tpl = saved;
	}
}

static void signal_one(struct event *e)
{
	if (e->signaled)
		return;
	e->signaled = TRUE;
	if (e->type & EVT_NOTIFY_SIGNAL)
		queue_notify(e);
}

static void signal_event(struct event *e)
{
	if (e->has_group) {
		for (struct event *g = events; g; g = g->next)
			if (g->has_group && guid_equal(&g->group, &e->group))
				signal_one(g);
	} else {
		signal_one(e);
	}
	dispatch(current_tpl);
}

void events_poll(void)
{
	UINT64 now;

	if (timers_stopped)
		return;
	now = time_now_100ns();
	for (struct event *e = events; e; e = e->next) {
		if (!e->timer_active || e->trigger > now)
			continue;
		if (e->period) {
			/* Skip missed periods rather than firing a burst after a long busy stretch. */
			e->trigger += ((now - e->trigger) / e->period + 1) * e->period;
		} else {
			e->timer_active = FALSE;
		}
		signal_one(e);
	}
	dispatch(current_tpl);
}

void stall_us(UINT64 microseconds)
{
	UINT64 end = time_now_100ns() + microseconds * 10;

	while (time_now_100ns() < end) {
		events_poll();
		cpu_relax();
	}
}

EFI_TPL tpl_current(void)
{
	return current_tpl;
}

EFI_TPL EFIAPI efi_raise_tpl(EFI_TPL NewTpl)
{
	EFI_TPL old = current_tpl;

	if (NewTpl > current_tpl)
		current_tpl = NewTpl > TPL_HIGH_LEVEL ? TPL_HIGH_LEVEL : NewTpl;
	return old;
}

VOID EFIAPI efi_restore_tpl(EFI_TPL OldTpl)
{
	if (OldTpl >= current_tpl)
		return;
	current_tpl = OldTpl;
	dispatch(current_tpl);
}

EFI_STATUS event_create(UINT32 type, EFI_TPL notify_tpl, EFI_EVENT_NOTIFY notify,
			const void *context, const EFI_GUID *group, EFI_EVENT *ret_event)
{
	struct event *e;

	if (!ret_event || (type & ~VALID_TYPES))
		return EFI_INVALID_PARAMETER;
	if ((type & EVT_NOTIFY_WAIT) && (type & EVT_NOTIFY_SIGNAL))
		return EFI_INVALID_PARAMETER;
	if (type & (EVT_NOTIFY_WAIT | EVT_NOTIFY_SIGNAL)) {
		/*
		 * Notifications run above the application and below TPL_HIGH_LEVEL, which is the
		 * firmware's own (§7.1.1); EDK2 draws the line the same way.
		 */
		if (!notify || notify_tpl <= TPL_APPLICATION || notify_tpl >= TPL_HIGH_LEVEL)
			return EFI_INVALID_PARAMETER;
	}
	if (group &&
	    (type == EVT_SIGNAL_EXIT_BOOT_SERVICES || type == EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE))
		return EFI_INVALID_PARAMETER;
	e = pool_zalloc(sizeof(*e));
	if (!e)
		return EFI_OUT_OF_RESOURCES;
	e->magic = EVENT_MAGIC;
	e->type = type;
	e->notify_tpl = notify_tpl;
	e->notify = (type & (EVT_NOTIFY_WAIT | EVT_NOTIFY_SIGNAL)) ? notify : NULL;
	e->context = (void *)context;
	/* The two special types are members of their spec-defined groups. */
	if (type == EVT_SIGNAL_EXIT_BOOT_SERVICES)
		group = &exit_boot_services_group;
	else if (type == EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE)
		group = &virtual_address_change_group;
	if (group) {
		e->group = *group;
		e->has_group = TRUE;
	}
	/* The runtime blob runs these during SetVirtualAddressMap, after boot services are gone. */
	if (e->has_group && guid_equal(&e->group, &virtual_address_change_group) && e->notify) {
		EFI_STATUS status = runtime_register_va_event(e, e->notify, e->context);

		/* Without a runtime blob there is no SetVirtualAddressMap to wait for. */
		if (EFI_ERROR(status) && status != EFI_UNSUPPORTED) {
			pool_free(e);
			return status;
		}
	}
	e->next = events;
	events = e;
	*ret_event = e;
	return EFI_SUCCESS;
}

void events_signal_group(const EFI_GUID *group)
{
	for (struct event *e = events; e; e = e->next)
		if (e->has_group && guid_equal(&e->group, group))
			signal_one(e);
	dispatch(current_tpl);
}

void events_shutdown(void)
{
	for (struct event *e = events; e; e = e->next)
		e->timer_active = FALSE;
	timers_stopped = TRUE;
}

EFI_STATUS EFIAPI efi_create_event(UINT32 Type, EFI_TPL NotifyTpl, EFI_EVENT_NOTIFY NotifyFunction,
				   VOID *NotifyContext, EFI_EVENT *Event)
{
	return event_create(Type, NotifyTpl, NotifyFunction, NotifyContext, NULL, Event);
}

EFI_STATUS EFIAPI efi_create_event_ex(UINT32 Type, EFI_TPL NotifyTpl,
				      EFI_EVENT_NOTIFY NotifyFunction, CONST VOID *NotifyContext,
				      CONST EFI_GUID *EventGroup, EFI_EVENT *Event)
{
	return event_create(Type, NotifyTpl, NotifyFunction, NotifyContext, EventGroup, Event);
}

EFI_STATUS EFIAPI efi_set_timer(EFI_EVENT Event, EFI_TIMER_DELAY Type, UINT64 TriggerTime)
{
	struct event *e = event_record(Event);

	if (!e || !(e->type & EVT_TIMER) || (UINT32)Type > TimerRelative)
		return EFI_INVALID_PARAMETER;
	e->timer_active = Type != TimerCancel;
	e->period = Type == TimerPeriodic ? TriggerTime : 0;
	/* A periodic timer of 0 fires on every poll; give it the smallest period that still advances. */
	if (Type == TimerPeriodic && !e->period)
		e->period = 1;
	e->trigger = time_now_100ns() + TriggerTime;
	return EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_signal_event(EFI_EVENT Event)
{
	struct event *e = event_record(Event);

	if (!e)
		return EFI_INVALID_PARAMETER;
	signal_event(e);
	return EFI_SUCCESS;
}

static EFI_STATUS check_event(struct event *e)
{
	if (e->type & EVT_NOTIFY_SIGNAL)
		return EFI_INVALID_PARAMETER;
	if (!e->signaled && (e->type & EVT_NOTIFY_WAIT)) {
		queue_notify(e);
		dispatch(current_tpl);
	}
	if (e->signaled) {
		e->signaled = FALSE;
		return EFI_SUCCESS;
	}
	return EFI_NOT_READY;
}

EFI_STATUS EFIAPI efi_check_event(EFI_EVENT Event)
{
	struct event *e = event_record(Event);

	if (!e)
		return EFI_INVALID_PARAMETER;
	events_poll();
	return check_event(e);
}

EFI_STATUS EFIAPI efi_wait_for_event(UINTN NumberOfEvents, EFI_EVENT *Event, UINTN *Index)
{
	if (!NumberOfEvents || !Event || !Index)
		return EFI_INVALID_PARAMETER;
	if (current_tpl != TPL_APPLICATION)
		return EFI_UNSUPPORTED;
	for (;;) {
		events_poll();
		for (UINTN i = 0; i < NumberOfEvents; i++) {
			struct event *e = event_record(Event[i]);
			EFI_STATUS status;

			if (!e) {
				*Index = i;
				return EFI_INVALID_PARAMETER;
			}
			status = check_event(e);
			if (status != EFI_NOT_READY) {
				*Index = i;
				return status;
			}
		}
		cpu_relax();
	}
}

EFI_STATUS EFIAPI efi_close_event(EFI_EVENT Event)
{
	struct event *e = event_record(Event);

	if (!e)
		return EFI_INVALID_PARAMETER;
	for (struct event **p = &queue; *p; p = &(*p)->queue_next) {
		if (*p == e) {
			*p = e->queue_next;
			break;
		}
	}
	for (struct event **p = &events; *p; p = &(*p)->next) {
		if (*p == e) {
			*p = e->next;
			break;
		}
	}
	if (e->has_group && guid_equal(&e->group, &virtual_address_change_group))
		runtime_unregister_va_event(e);
	e->magic = 0;
	pool_free(e);
	return EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_stall(UINTN Microseconds)
{
	stall_us(Microseconds);
	return EFI_SUCCESS;
}
