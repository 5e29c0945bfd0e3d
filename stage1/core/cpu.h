/* SPDX-License-Identifier: MIT */
/* The CPU-level helpers stage1 writes in NASM (stage1/core/cpu.asm): contexts, stacks, tables, stubs. */
#pragma once

#include "include/efi/types.h"

/* Callee-saved registers of the System V ABI, stack pointer and return address. */
struct cpu_context {
	UINT64 rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

/* Save the context; returns 0, then again the value given to cpu_context_restore. */
__attribute__((returns_twice)) UINTN cpu_context_save(struct cpu_context *ctx);
/* Return into the matching cpu_context_save with value (never 0). */
__attribute__((noreturn)) void cpu_context_restore(struct cpu_context *ctx, UINTN value);
struct cpu_gdtr {
	UINT16 limit;
	UINT64 base;
} __attribute__((packed));

/*
 * Linux's 64-bit boot protocol entry: load gdtr (code selector 0x10, data 0x18, as the protocol
 * names them), reload the segments, and jump to entry with boot_params in rsi; never returns.
 */
__attribute__((noreturn)) void cpu_enter_linux(const struct cpu_gdtr *gdtr, UINT64 entry,
					       void *boot_params);
/* Run fn(arg) on a new stack (top 16-byte aligned); fn must not return. */
__attribute__((noreturn)) void cpu_switch_stack(void *top, void (*fn)(void *), void *arg);

/* Load gdt, the task register with tss and idt; code selector 0x18 and data 0x10, as stage0's. */
void cpu_load_descriptor_tables(const struct cpu_gdtr *gdt, const struct cpu_gdtr *idt, UINT16 tss);
/* The entry stubs of vectors 0..31, 16 bytes apart; each calls exception_handler(frame). */
extern const UINT8 cpu_exception_stubs[];
/* The timer's interrupt entry: saves all state, calls events_timer_interrupt(), iretq. */
extern const UINT8 cpu_timer_interrupt[];
/* The APIC's spurious vector: returns at once. */
extern const UINT8 cpu_spurious_interrupt[];
