/* SPDX-License-Identifier: MIT */
/* stage0's CPU exceptions: a TSS and an IDT for vectors 0..31, and a report naming the function. */
#include "lib/drivers/fw_cfg.h"
#include "lib/drivers/io.h"
#include "lib/formats/exception.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "stage0/stage0.h"

#define LOG_PREFIX "exception: "
#include "lib/log.h"

#define IST_STACK_SIZE 4096

struct idtr {
	UINT16 limit;
	UINT64 base;
} __attribute__((packed));

extern UINT64 stage0_gdt[];
extern const UINT8 stage0_exception_stubs[], strata_symbols[];
extern UINT8 stage0_stack[], stage0_stack_top[];
void stage0_load_exception_tables(const struct idtr *idtr);

static struct exception_tss tss;
static struct exception_idt_gate idt[EXCEPTION_VECTORS];
static UINT8 ist_stacks[EXCEPTION_IST_STACKS][IST_STACK_SIZE] __attribute__((aligned(16)));

void exception_init(void)
{
	struct idtr idtr = { sizeof(idt) - 1, (UINTN)idt };
	UINT64 tops[EXCEPTION_IST_STACKS];

	for (int i = 0; i < EXCEPTION_IST_STACKS; i++)
		tops[i] = (UINTN)&ist_stacks[i][IST_STACK_SIZE];
	exception_fill_tss(&tss, tops);
	exception_tss_descriptor((UINTN)&tss, &stage0_gdt[4]);
	exception_fill_idt(idt, (UINTN)stage0_exception_stubs, 0x18);
	stage0_load_exception_tables(&idtr);
}

static BOOLEAN locate(void *ctx, UINT64 addr, char *buf, UINTN size)
{
	UINT64 delta;
	const char *name = symtab_lookup(strata_symbols, addr, &delta);

	if (!name)
		return FALSE;
	snprintf(buf, size, "stage0: %s+0x%llx", name, (unsigned long long)delta);
	return TRUE;
}

static void emit(void *ctx, const char *line)
{
	UINTN *lines = ctx;

	log_printf((*lines)++ ? LOG_LEVEL_INFO : LOG_LEVEL_ERROR, LOG_PREFIX, "%s", line);
}

__attribute__((noreturn, used)) void stage0_exception_handler(struct exception_frame *f);
__attribute__((noreturn, used)) void stage0_exception_handler(struct exception_frame *f)
{
	static BOOLEAN reporting;
	UINTN lines = 0;
	UINT64 cr2, cr3;
	struct exception_report_ops ops = {
		.locate = locate,
		.emit = emit,
		.ctx = &lines,
		.stack_low = (UINTN)stage0_stack,
		.stack_high = (UINTN)stage0_stack_top,
	};

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	if (reporting) {
		log_error("%s at RIP 0x%llx while reporting an exception; system halted",
			  exception_mnemonic(f->vector), (unsigned long long)f->rip);
		cpu_halt_forever();
	}
	reporting = TRUE;
	if (f->rsp < ops.stack_low || f->rsp >= ops.stack_high)
		ops.stack_low = ops.stack_high = 0;
	exception_report(f, cr2, cr3, 0, &ops);
	boot_count_crashed();
	log_error("system halted");
	cpu_halt_forever();
}

static __attribute__((noinline)) void exception_test_ud2(void)
{
	__asm__ volatile("ud2");
}

void exception_test_trigger(void)
{
	char what[16];
	UINTN size;

	if (EFI_ERROR(fw_cfg_read_file("opt/strata/test-fault", what, sizeof(what) - 1, &size)))
		return;
	what[size] = 0;
	if (!strcmp(what, "stage0-ud2")) {
		log_warn("opt/strata/test-fault: executing ud2 in stage0 as asked");
		exception_test_ud2();
		log_error("ud2 returned");
	}
}
