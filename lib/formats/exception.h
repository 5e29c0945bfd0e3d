/* SPDX-License-Identifier: MIT */
/* CPU exception reports: vector names, the built-in symbol table, the report's lines (host-testable). */
#pragma once

#include "include/efi/types.h"

/*
 * What the NASM stubs leave on the stack, lowest address first: the general registers they push,
 * the vector and error code (0 for vectors without one), then the CPU's interrupt frame.
 */
struct exception_frame {
	UINT64 rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
	UINT64 vector, error_code;
	UINT64 rip, cs, rflags, rsp, ss;
};

#define EXCEPTION_VECTORS 32
#define EXCEPTION_DF	  8
#define EXCEPTION_PF	  14

/* The 64-bit TSS (Intel SDM vol. 3 §8.7): Strata uses its IST slots only. */
struct exception_tss {
	UINT32 reserved0;
	UINT64 rsp[3];
	UINT64 reserved1;
	UINT64 ist[7];
	UINT64 reserved2;
	UINT16 reserved3;
	UINT16 iomap_base;
} __attribute__((packed));

/* A 64-bit IDT gate (SDM vol. 3 §6.14.1). */
struct exception_idt_gate {
	UINT16 offset_low;
	UINT16 selector;
	UINT8 ist;
	UINT8 type;
	UINT16 offset_mid;
	UINT32 offset_high;
	UINT32 reserved;
} __attribute__((packed));

/* IST slots: #DF, NMI and #MC run on stacks of their own, so a stack overflow reports too. */
#define EXCEPTION_IST_DF     1
#define EXCEPTION_IST_NMI    2
#define EXCEPTION_IST_MC     3
#define EXCEPTION_IST_STACKS 3

/*
 * Interrupt gates (present, DPL 0) for vectors 0..31 to stubs + 16 * vector in code segment cs,
 * with the IST slots above.
 */
void exception_fill_idt(struct exception_idt_gate idt[EXCEPTION_VECTORS], UINT64 stubs, UINT16 cs);
/* The TSS's IST pointers to the tops of stacks[0..2], and no I/O bitmap. */
void exception_fill_tss(struct exception_tss *tss, const UINT64 tops[EXCEPTION_IST_STACKS]);
/* The two GDT words of an available 64-bit TSS descriptor for the TSS at base. */
void exception_tss_descriptor(UINT64 base, UINT64 ret[2]);

/* "#PF", or "#32" style for a vector with no architectural name. */
const char *exception_mnemonic(UINT64 vector);
/* "page fault"; "reserved vector" for the reserved ones. */
const char *exception_description(UINT64 vector);
/* Whether the CPU pushes an error code for this vector (SDM vol. 3 §6.13). */
BOOLEAN exception_has_error_code(UINT64 vector);

/*
 * The symbol table built into a stage by its second link (mk/gen-symtab.sh): a header, entries
 * sorted by start, then NUL-terminated names. Offsets of names count from the table's start.
 */
#define SYMTAB_MAGIC 0x544d5953u /* "SYMT" */
struct symtab_header {
	UINT32 magic;
	UINT32 count;
	UINT32 total_size;
	UINT32 reserved;
};
struct symtab_entry {
	UINT32 start; /* offset from the stage's link base */
	UINT32 size;  /* 0 when unknown (assembly): up to the next symbol */
	UINT32 name;
};

/*
 * The function holding offset and offset's distance into it; NULL when the table is malformed or
 * no function holds offset.
 */
const char *symtab_lookup(const void *table, UINT64 offset, UINT64 *ret_delta);

/*
 * The report's callbacks. locate writes where addr is ("stage1: efi_main+0x12" or "\EFI\BOOT\X.EFI
 * +0x40") into buf and returns TRUE, or returns FALSE when nothing known holds addr. emit gets
 * each line of the report without its newline.
 */
struct exception_report_ops {
	BOOLEAN (*locate)(void *ctx, UINT64 addr, char *buf, UINTN size);
	void (*emit)(void *ctx, const char *line);
	void *ctx;
	/* Stack range the backtrace may read frames from; 0, 0 for [rsp, rsp + 256 KiB). */
	UINT64 stack_low, stack_high;
};

/* Depth the backtrace stops at. */
#define EXCEPTION_BACKTRACE_MAX 16

/*
 * The whole report: the vector and where RIP is, error code, control registers, every general
 * register, then a frame-pointer backtrace of return addresses read inside the stack range.
 * guard, when not 0, is the firmware stack's guard page: CR2 inside it is called a stack overflow.
 */
void exception_report(const struct exception_frame *f, UINT64 cr2, UINT64 cr3, UINT64 guard,
		      const struct exception_report_ops *ops);
