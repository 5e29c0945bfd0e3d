/* SPDX-License-Identifier: MIT */
/* A device command tried a bounded number of times, the device recovered after each failure. */
#pragma once

#include "include/efi/types.h"

/* One try of the command: EFI_SUCCESS, or why it failed (EFI_TIMEOUT, EFI_DEVICE_ERROR...). */
typedef EFI_STATUS (*retry_try_fn)(void *ctx, UINT32 attempt);
/*
 * After a failed try: stop the command (abort it, reset the channel or port) so a late
 * completion can never land in a later request's buffer. An error ends the retries.
 */
typedef EFI_STATUS (*retry_recover_fn)(void *ctx);

/*
 * try_once up to 1 + retries times; every failed try is followed by recover, so the device is
 * idle whatever this returns. The last try's status, or EFI_DEVICE_ERROR if recovery failed.
 */
EFI_STATUS retry_bounded(UINT32 retries, retry_try_fn try_once, retry_recover_fn recover,
			 void *ctx);
