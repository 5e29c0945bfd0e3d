/* SPDX-License-Identifier: MIT */
/* The machine's watchdog (i6300esb PCI watchdog, else q35's ICH9 TCO timer) for the boot count. */
#pragma once

#include "include/efi/types.h"

enum watchdog_kind {
	WATCHDOG_NONE = 0,
	WATCHDOG_I6300ESB = 1,
	WATCHDOG_ICH9_TCO = 2, /* resets only when QEMU runs with -global ICH9-LPC.noreboot=off */
};

/* Start a watchdog that resets the machine after about seconds: an i6300esb, else ICH9's TCO. */
enum watchdog_kind watchdog_arm(UINT32 seconds);
/* "i6300esb", "ICH9 TCO" or "none". */
const char *watchdog_name(UINT32 kind);
/* Stop every watchdog watchdog_arm may have started. */
void watchdog_disarm(void);
