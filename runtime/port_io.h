/* SPDX-License-Identifier: MIT */
/* Port I/O for the runtime: lib/drivers/io.h in firmware, functions a host test supplies on the host. */
#pragma once

#include "include/efi/types.h"

#ifdef STRATA_HOST
/* Host tests define these: a fake CMOS, a recorder of reset and shutdown writes. */
UINT8 inb(UINT16 port);
void outb(UINT16 port, UINT8 value);
UINT16 inw(UINT16 port);
void outw(UINT16 port, UINT16 value);
void cpu_relax(void);
__attribute__((noreturn)) void cpu_halt_forever(void);
#else
#include "lib/drivers/io.h"
#endif
