/* SPDX-License-Identifier: MIT */
/* The bounded retry AHCI and IDE commands share: try, recover the device on failure, try again. */
#include "lib/drivers/retry.h"

EFI_STATUS retry_bounded(UINT32 retries, retry_try_fn try_once, retry_recover_fn recover,
			 void *ctx)
{
	EFI_STATUS status = EFI_DEVICE_ERROR;

	for (UINT32 attempt = 0; attempt <= retries; attempt++) {
		status = try_once(ctx, attempt);
		if (!EFI_ERROR(status))
			return EFI_SUCCESS;
		/* Recovered even after the last try: no command may stay in flight. */
		if (EFI_ERROR(recover(ctx)))
			return EFI_DEVICE_ERROR;
	}
	return status;
}
