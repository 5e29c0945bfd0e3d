/* SPDX-License-Identifier: MIT */
/* Warm reset from boot-time code: the chipset's reset control register, then the keyboard controller. */
#include "lib/drivers/io.h"
#include "lib/drivers/reset.h"

/* PIIX3/PIIX4 and ICH9 reset control: SYS_RST (bit 1) picks a full reset, RST_CPU (bit 2) starts it. */
#define RESET_CONTROL_PORT 0xcf9
#define RESET_CONTROL_WARM 0x06
#define KBC_COMMAND_PORT   0x64
#define KBC_PULSE_RESET	   0xfe

void reset_warm(void)
{
	/* RST_CPU must go from 0 to 1 for ICH9 to act. */
	outb(RESET_CONTROL_PORT, 0x02);
	outb(RESET_CONTROL_PORT, RESET_CONTROL_WARM);
	for (volatile UINT32 i = 0; i < 1000000; i++)
		;
	outb(KBC_COMMAND_PORT, KBC_PULSE_RESET);
	cpu_halt_forever();
}
