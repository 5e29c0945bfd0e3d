/* SPDX-License-Identifier: MIT */
/* Events, timers, task priority levels and the time base (UEFI 2.10 §7.1). */
#pragma once

#include "include/efi/boot_services.h"

/* Calibrate the time base (TSC frequency from the hand-off block). */
void events_init(UINT64 tsc_hz);
/* Monotonic time in 100 ns units since stage1 started. */
UINT64 time_now_100ns(void);
/* Busy-wait, running due timers meanwhile. */
void stall_us(UINT64 microseconds);
/* Fire timers that are due and run pending notifications above the current TPL. */
void events_poll(void);
/* Start the 10 ms timer interrupt: from here on timers fire while payloads run. */
void events_start_tick(void);
/* CreateEventEx without the EFIAPI wrapper (group may be NULL). */
EFI_STATUS event_create(UINT32 type, EFI_TPL notify_tpl, EFI_EVENT_NOTIFY notify,
			const void *context, const EFI_GUID *group, EFI_EVENT *ret_event);
/* Signal every event in a group (ExitBootServices, ready-to-boot, ...). */
void events_signal_group(const EFI_GUID *group);
/* Stop all timers and the tick, interrupts off: after ExitBootServices nothing may fire. */
void events_shutdown(void);
/* The TPL in force. */
EFI_TPL tpl_current(void);

EFI_TPL EFIAPI efi_raise_tpl(EFI_TPL NewTpl);
VOID EFIAPI efi_restore_tpl(EFI_TPL OldTpl);
EFI_STATUS EFIAPI efi_create_event(UINT32 Type, EFI_TPL NotifyTpl, EFI_EVENT_NOTIFY NotifyFunction,
				   VOID *NotifyContext, EFI_EVENT *Event);
EFI_STATUS EFIAPI efi_create_event_ex(UINT32 Type, EFI_TPL NotifyTpl,
				      EFI_EVENT_NOTIFY NotifyFunction, CONST VOID *NotifyContext,
				      CONST EFI_GUID *EventGroup, EFI_EVENT *Event);
EFI_STATUS EFIAPI efi_set_timer(EFI_EVENT Event, EFI_TIMER_DELAY Type, UINT64 TriggerTime);
EFI_STATUS EFIAPI efi_wait_for_event(UINTN NumberOfEvents, EFI_EVENT *Event, UINTN *Index);
EFI_STATUS EFIAPI efi_signal_event(EFI_EVENT Event);
EFI_STATUS EFIAPI efi_close_event(EFI_EVENT Event);
EFI_STATUS EFIAPI efi_check_event(EFI_EVENT Event);
EFI_STATUS EFIAPI efi_stall(UINTN Microseconds);
