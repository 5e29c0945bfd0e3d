/* SPDX-License-Identifier: MIT */
/* The local APIC's timer as a periodic tick, calibrated against the TSC without a wait. */
#pragma once

#include "include/efi/types.h"

/* Enable the APIC (spurious interrupts on that vector) and start its counter, to measure later. */
EFI_STATUS lapic_timer_calibrate_begin(UINT8 spurious_vector);
/* Tick on vector every period_us microseconds, from the counter's rate since calibrate_begin. */
EFI_STATUS lapic_timer_start(UINT8 vector, UINT32 period_us, UINT64 tsc_hz);
/* Mask and stop the timer: nothing more comes from it. */
void lapic_timer_stop(void);
/* End of interrupt: the APIC may deliver the next one. */
void lapic_eoi(void);
