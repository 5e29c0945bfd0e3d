/* SPDX-License-Identifier: MIT */
/* The machine's watchdog (the i6300esb PCI watchdog) for the safe-update logic's tries. */
#pragma once

#include "include/efi/types.h"

/* Start the first watchdog found so it resets the machine after about seconds; FALSE if none. */
BOOLEAN watchdog_arm(UINT32 seconds);
/* Stop every watchdog watchdog_arm may have started. */
void watchdog_disarm(void);
