/* SPDX-License-Identifier: MIT */
/* The i8042 PS/2 controller's keyboard port, polled. */
#pragma once

#include "include/efi/types.h"

/* Find the controller, turn on scan code translation (set 1) with interrupts off, enable the
 * keyboard; EFI_NOT_FOUND where the machine has no i8042 (microvm). */
EFI_STATUS ps2_init(void);
/* One byte from the keyboard, or -1 when none is waiting (mouse bytes are dropped). */
int ps2_read(void);
/* Light the keyboard's LEDs (scroll 1, num 2, caps 4). */
EFI_STATUS ps2_set_leds(UINT8 leds);
