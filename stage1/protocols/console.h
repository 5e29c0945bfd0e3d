/* SPDX-License-Identifier: MIT */
/* The EFI console on the serial port. */
#pragma once

#include "include/efi/types.h"

/* Name the serial console in ConIn/ConOut/ErrOut and *Dev, once the runtime's variables exist. */
void console_publish_variables(void);
/* Install SimpleTextOutput, SimpleTextInput(Ex) on one console handle and point the system table at it. */
EFI_STATUS console_init(UINT16 serial_port);
/* Give the terminal the size of the screen's text mode (its cursor bookkeeping and checks). */
void console_serial_resize(UINTN columns, UINTN rows);
