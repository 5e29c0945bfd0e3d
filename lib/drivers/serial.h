/* SPDX-License-Identifier: MIT */
/* 16550 UART console (COM1 on QEMU's pc and q35 machines). */
#pragma once

#include "include/efi/types.h"

#define SERIAL_COM1 0x3f8

/* Program the UART at port for 115200 8N1 with FIFOs; returns FALSE when no UART answers. */
BOOLEAN serial_init(UINT16 port);
/* Write bytes, turning "\n" into "\r\n". */
void serial_write(UINT16 port, const char *s, UINTN size);
/* A received byte, or -1 when none is waiting. */
int serial_getc(UINT16 port);
