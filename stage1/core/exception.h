/* SPDX-License-Identifier: MIT */
/* stage1's CPU exception handling: GDT with a TSS, an IDT for vectors 0..31 and 2 interrupts. */
#pragma once

#include "include/efi/types.h"
#include "include/strata/handoff.h"

/* The timer interrupt's vector (events.c) and the APIC's spurious one: 15 apart, the IDT's end. */
#define INTERRUPT_TIMER_VECTOR	  0x20
#define INTERRUPT_SPURIOUS_VECTOR 0x2f

/*
 * Load stage1's descriptor tables: every exception reports where it happened and halts, with
 * separate stacks for #DF, NMI and #MC so a stack overflow reports too. Runs first in stage1.
 */
void exception_init(const struct handoff *h);
/* The firmware stack's bounds and the guard page below it, for backtraces and overflow notes. */
void exception_set_stack(UINT64 guard, UINT64 low, UINT64 high);
/* Test hook: when QEMU's fw_cfg file opt/strata/test-fault says "ud2", fault here and report. */
void exception_test_trigger(void);
/* Test hook: "panic-late" panics just before the boot manager unless stage1 is STAGE1.BAK. */
void exception_test_late(const struct handoff *h);
