/* SPDX-License-Identifier: MIT */
/* SetWatchdogTimer: the EFI watchdog, a timer event that resets the machine (UEFI 2.10 §7.5.1). */
#pragma once

#include "include/efi/boot_services.h"

/* Arm the EFI watchdog for seconds, 0 disarms (the boot manager's 5 minutes, ExitBootServices). */
EFI_STATUS watchdog_timer_set(UINTN seconds);

EFI_STATUS EFIAPI efi_set_watchdog_timer(UINTN Timeout, UINT64 WatchdogCode, UINTN DataSize,
					 CHAR16 *WatchdogData);
