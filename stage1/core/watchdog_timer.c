/* SPDX-License-Identifier: MIT */
/* SetWatchdogTimer: the EFI watchdog, a timer event that resets the machine (UEFI 2.10 §7.5.1). */
#include "lib/drivers/reset.h"
#include "stage1/core/events.h"
#include "stage1/core/system_table.h"
#include "stage1/core/watchdog_timer.h"

#define LOG_PREFIX "watchdog: "
#include "lib/log.h"

/*
 * A software watchdog on the timer interrupt, as EDK2's WatchdogTimer driver: it fires while a
 * payload spins. It is not the hardware watchdog (i6300esb, ICH9 TCO) stage1 stops for the boot
 * count (boot_status.c): that one guards stage1's start-up, this one a boot option's run.
 */
static EFI_EVENT timer;

static VOID EFIAPI expired(EFI_EVENT Event, VOID *Context)
{
	log_error("watchdog expired, resetting");
	/* ResetSystem first, as EDK2: it flushes the file systems' caches before the reset. */
	efi_st->RuntimeServices->ResetSystem(EfiResetCold, EFI_TIMEOUT, 0, NULL);
	reset_warm();
}

EFI_STATUS watchdog_timer_set(UINTN seconds)
{
	EFI_STATUS status;

	/* Nothing to disarm is nothing to allocate: ExitBootServices may not change the map. */
	if (!timer && !seconds)
		return EFI_SUCCESS;
	if (!timer) {
		/* TPL_NOTIFY, as EDK2: a payload at TPL_CALLBACK cannot hold it off. */
		status = event_create(EVT_TIMER | EVT_NOTIFY_SIGNAL, TPL_NOTIFY, expired, NULL, NULL,
				      &timer);
		if (EFI_ERROR(status))
			return status;
	}
	/* Seconds in 100 ns units; capped where the product would overflow. */
	if (seconds > 0xffffffffu)
		seconds = 0xffffffffu;
	return efi_set_timer(timer, seconds ? TimerRelative : TimerCancel,
			     (UINT64)seconds * 10000000);
}

EFI_STATUS EFIAPI efi_set_watchdog_timer(UINTN Timeout, UINT64 WatchdogCode, UINTN DataSize,
					 CHAR16 *WatchdogData)
{
	/* Codes 0..0xffff are the firmware's own (§7.5.1). */
	if (WatchdogCode <= 0xffff && Timeout)
		return EFI_INVALID_PARAMETER;
	return watchdog_timer_set(Timeout);
}
