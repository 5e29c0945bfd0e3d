/* SPDX-License-Identifier: MIT */
/* Deadlines and delays in milliseconds over the TSC, calibrated once by stage0 against the PIT. */
#pragma once

#include "include/efi/types.h"

/* The TSC frequency stage0 measured (the hand-off block carries it to stage1); 0 if unknown. */
void timer_set_tsc_hz(UINT64 hz);
/* The TSC value ms milliseconds from now. */
UINT64 timer_deadline(UINT32 ms);
/* Whether the TSC has passed deadline. */
BOOLEAN timer_expired(UINT64 deadline);
/* Spin for at least ms milliseconds. */
void timer_delay_ms(UINT32 ms);
