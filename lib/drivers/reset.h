/* SPDX-License-Identifier: MIT */
/* A warm reset of the machine from boot-time code, for the safe-update logic's next try. */
#pragma once

/* Reset through 0xcf9 (PIIX and ICH9), then the 8042; halts if neither takes. */
__attribute__((noreturn)) void reset_warm(void);
