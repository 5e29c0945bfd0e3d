/* SPDX-License-Identifier: MIT */
/* Events, timers and TPL: a 10 ms APIC timer interrupt runs due timers (UEFI 2.10 §7.1). */
#include "lib/drivers/io.h"
#include "lib/drivers/lapic.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/exception.h"
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
#define TICK_US 10000 /* EDK2's default timer period */

static volatile EFI_TPL current_tpl = TPL_APPLICATION;
static UINT64 tsc_start, tsc_per_100ns_x1024, tsc_hz_used;
static BOOLEAN timers_stopped;
/* The tick runs: interrupts are on whenever the TPL is below TPL_HIGH_LEVEL. */
static BOOLEAN ticking;

void events_init(UINT64 tsc_hz)
{
	if (!tsc_hz) {
		tsc_hz = 2000000000ull;
		log_warn("TSC frequency unknown, assuming 2 GHz: timers may be off");
	}
	tsc_start = rdtsc();
	tsc_hz_used = tsc_hz;
	if (EFI_ERROR(lapic_timer_calibrate_begin(INTERRUPT_SPURIOUS_VECTOR)))
		log_warn("no xAPIC: timers fire only while firmware services poll");
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

/* The TPL becomes tpl; below TPL_HIGH_LEVEL the timer interrupt may come again. */
static void set_tpl(EFI_TPL tpl)
{
	current_tpl = tpl;
	if (tpl < TPL_HIGH_LEVEL && ticking)
		__asm__ volatile("sti" ::: "memory");
}

/*
 * Called at TPL_HIGH_LEVEL (interrupts off): run queued notifications whose TPL is above level,
 * highest TPL first, FIFO within a TPL, each at its own TPL with interrupts on below
 * TPL_HIGH_LEVEL, as EDK2's CoreRestoreTpl; then drop to level.
 */
static void dispatch(EFI_TPL level)
{
	for (;;) {
		struct event **best = NULL, *e;

		for (struct event **p = &queue; *p; p = &(*p)->queue_next)
			if ((*p)->notify_tpl > level &&
			    (!best || (*p)->notify_tpl > (*best)->notify_tpl))
				best = p;
		if (!best)
			break;
		e = *best;
		*best = e->queue_next;
		e->queued = FALSE;
		/* §7.1.4: a notify-signal event is no longer signaled once its notification runs. */
		if (e->type & EVT_NOTIFY_SIGNAL)
			e->signaled = FALSE;
		set_tpl(e->notify_tpl);
		e->notify(e, e->context);
		__asm__ volatile("cli" ::: "memory");
		current_tpl = TPL_HIGH_LEVEL;
	}
	set_tpl(level);
}

/* The event lists are shared with the timer interrupt: touch them at TPL_HIGH_LEVEL only. */
static EFI_TPL lock(void)
{
	return efi_raise_tpl(TPL_HIGH_LEVEL);
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
	EFI_TPL old = lock();

	if (e->has_group) {
		for (struct event *g = events; g; g = g->next)
			if (g->has_group && guid_equal(&g->group, &e->group))
				signal_one(g);
	} else {
		signal_one(e);
	}
	efi_restore_tpl(old);
}

void events_poll(void)
{
	UINT64 now;
	EFI_TPL old;

	if (timers_stopped)
		return;
	old = lock();
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
	efi_restore_tpl(old);
}

/* From cpu_timer_interrupt, interrupts off: the tick is at TPL_HIGH_LEVEL (CoreTimerTick). */
__attribute__((used)) void events_timer_interrupt(void);
__attribute__((used)) void events_timer_interrupt(void)
{
	lapic_eoi();
	events_poll();
}

void events_start_tick(void)
{
	EFI_STATUS status = lapic_timer_start(INTERRUPT_TIMER_VECTOR, TICK_US, tsc_hz_used);

	if (EFI_ERROR(status)) {
		log_warn_status(status, "APIC timer: timers fire only while firmware services poll");
		return;
	}
	ticking = TRUE;
	if (current_tpl < TPL_HIGH_LEVEL)
		set_tpl(current_tpl);
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

	if (NewTpl <= old)
		return old;
	if (NewTpl >= TPL_HIGH_LEVEL) {
		__asm__ volatile("cli" ::: "memory");
		NewTpl = TPL_HIGH_LEVEL;
	}
	current_tpl = NewTpl;
	return old;
}

VOID EFIAPI efi_restore_tpl(EFI_TPL OldTpl)
{
	if (OldTpl >= current_tpl)
		return;
	__asm__ volatile("cli" ::: "memory");
	current_tpl = TPL_HIGH_LEVEL;
	dispatch(OldTpl);
}

EFI_STATUS event_create(UINT32 type, EFI_TPL notify_tpl, EFI_EVENT_NOTIFY notify,
			const void *context, const EFI_GUID *group, EFI_EVENT *ret_event)
{
	struct event *e;
	EFI_TPL old;

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
	old = lock();
	e->next = events;
	events = e;
	efi_restore_tpl(old);
	*ret_event = e;
	return EFI_SUCCESS;
}

void events_signal_group(const EFI_GUID *group)
{
	EFI_TPL old = lock();

	for (struct event *e = events; e; e = e->next)
		if (e->has_group && guid_equal(&e->group, group))
			signal_one(e);
	efi_restore_tpl(old);
}

void events_shutdown(void)
{
	lock();
	for (struct event *e = events; e; e = e->next)
		e->timer_active = FALSE;
	timers_stopped = TRUE;
	/*
	 * The OS gets the CPU with interrupts off and the APIC timer masked and stopped, as OVMF
	 * leaves it; a tick already pending is taken here (sti lets it in after the nop), so none
	 * reaches the OS's vectors.
	 */
	lapic_timer_stop();
	if (ticking)
		__asm__ volatile("sti; nop; cli" ::: "memory");
	ticking = FALSE;
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
	EFI_TPL old;

	if (!e || !(e->type & EVT_TIMER) || (UINT32)Type > TimerRelative)
		return EFI_INVALID_PARAMETER;
	old = lock();
	e->timer_active = Type != TimerCancel;
	e->period = Type == TimerPeriodic ? TriggerTime : 0;
	/* A periodic timer of 0 fires on every poll; give it the smallest period that still advances. */
	if (Type == TimerPeriodic && !e->period)
		e->period = 1;
	e->trigger = time_now_100ns() + TriggerTime;
	efi_restore_tpl(old);
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
	EFI_STATUS status = EFI_NOT_READY;
	EFI_TPL old;

	if (e->type & EVT_NOTIFY_SIGNAL)
		return EFI_INVALID_PARAMETER;
	if (!e->signaled && (e->type & EVT_NOTIFY_WAIT)) {
		old = lock();
		queue_notify(e);
		efi_restore_tpl(old);
	}
	old = lock();
	if (e->signaled) {
		e->signaled = FALSE;
		status = EFI_SUCCESS;
	}
	efi_restore_tpl(old);
	return status;
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
	EFI_TPL old;

	if (!e)
		return EFI_INVALID_PARAMETER;
	old = lock();
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
	efi_restore_tpl(old);
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
