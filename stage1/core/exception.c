/* SPDX-License-Identifier: MIT */
/* stage1's exceptions and interrupts: GDT, TSS and IDT, and the report naming the faulting code. */
#include "lib/drivers/fw_cfg.h"
#include "lib/drivers/io.h"
#include "lib/formats/exception.h"
#include "lib/formats/symtab_packed.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "stage1/core/boot_status.h"
#include "stage1/core/cpu.h"
#include "stage1/core/exception.h"
#include "stage1/core/image.h"
#include "stage1/core/paging.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "exception: "
#include "lib/log.h"

#define MSR_APIC_BASE	  0x1b
#define APIC_ENABLED	  (1ull << 11)
#define APIC_LVT_LINT1	  0x360
#define APIC_DELIVERY_NMI 0x400 /* unmasked, edge-triggered */
#define SEL_TSS		  0x20
#define IST_STACK_SIZE	  8192

/* The code and data segments of stage0's GDT at the same selectors, then a 16-byte TSS slot. */
static UINT64 gdt[6] = {
	[1] = 0x00cf9a000000ffffull, /* 0x08: 32-bit code */
	[2] = 0x00cf92000000ffffull, /* 0x10: data */
	[3] = 0x00af9a000000ffffull, /* 0x18: 64-bit code */
};
static struct exception_tss tss;
static struct exception_idt_gate idt[INTERRUPT_SPURIOUS_VECTOR + 1];
static UINT8 ist_stacks[EXCEPTION_IST_STACKS][IST_STACK_SIZE] __attribute__((aligned(16)));

extern const UINT8 strata_symbols[];
/* Where stage1's and the runtime's packed tables unpack for each lookup (bss: no file bytes). */
static UINT8 symtab_scratch[SYMTAB_UNPACKED_MAX];

static UINT64 stage1_base, stage1_size, runtime_base, runtime_size;
static UINT64 stack_guard, stack_low, stack_high;

void exception_init(const struct handoff *h)
{
	struct cpu_gdtr gdtr = { sizeof(gdt) - 1, (UINTN)gdt };
	struct cpu_gdtr idtr = { sizeof(idt) - 1, (UINTN)idt };
	UINT64 tops[EXCEPTION_IST_STACKS];

	stage1_base = h->stage1_base;
	stage1_size = h->stage1_memory_size;
	if (h->flags & HANDOFF_FLAG_RUNTIME_PRESENT) {
		runtime_base = h->runtime_base;
		runtime_size = h->runtime_memory_size;
	}
	for (int i = 0; i < EXCEPTION_IST_STACKS; i++)
		tops[i] = (UINTN)&ist_stacks[i][IST_STACK_SIZE];
	exception_fill_tss(&tss, tops);
	exception_tss_descriptor((UINTN)&tss, &gdt[SEL_TSS / 8]);
	exception_fill_idt(idt, (UINTN)cpu_exception_stubs, 0x18);
	/* The timer's and the APIC's spurious vector: the same kind of gate, no IST. */
	for (int v = INTERRUPT_TIMER_VECTOR; v <= INTERRUPT_SPURIOUS_VECTOR; v += 15) {
		UINT64 stub = (UINTN)(v == INTERRUPT_TIMER_VECTOR ? cpu_timer_interrupt
								   : cpu_spurious_interrupt);

		idt[v] = idt[0];
		idt[v].ist = 0;
		idt[v].offset_low = stub & 0xffff;
		idt[v].offset_mid = (stub >> 16) & 0xffff;
		idt[v].offset_high = stub >> 32;
	}
	cpu_load_descriptor_tables(&gdtr, &idtr, SEL_TSS);
	/*
	 * LINT1 delivers NMIs, as the MP specification's virtual wire mode has it (and SeaBIOS and
	 * OVMF set it): a board's or QEMU's NMI then reaches the NMI gate instead of nothing.
	 */
	if (rdmsr(MSR_APIC_BASE) & APIC_ENABLED)
		mmio_write32((rdmsr(MSR_APIC_BASE) & ~0xfffull) + APIC_LVT_LINT1,
			     APIC_DELIVERY_NMI);
}

void exception_set_stack(UINT64 guard, UINT64 low, UINT64 high)
{
	stack_guard = guard;
	stack_low = low;
	stack_high = high;
}

/* Strata's own code by symbol, then the runtime blob, then the loaded EFI images. */
static BOOLEAN locate(void *ctx, UINT64 addr, char *buf, UINTN size)
{
	const char *name;
	UINT64 delta;

	if (addr >= stage1_base && addr - stage1_base < stage1_size) {
		name = symtab_packed_lookup(strata_symbols, addr - stage1_base, &delta,
					    symtab_scratch, sizeof(symtab_scratch));
		if (name)
			snprintf(buf, size, "stage1: %s+0x%llx", name, (unsigned long long)delta);
		else
			snprintf(buf, size, "stage1+0x%llx",
				 (unsigned long long)(addr - stage1_base));
		return TRUE;
	}
	if (runtime_size && addr >= runtime_base && addr - runtime_base < runtime_size) {
		const void *symbols = runtime_symbols();

		name = symbols ? symtab_packed_lookup(symbols, addr - runtime_base, &delta,
						       symtab_scratch, sizeof(symtab_scratch))
			       : NULL;
		if (name)
			snprintf(buf, size, "runtime: %s+0x%llx", name, (unsigned long long)delta);
		else
			snprintf(buf, size, "runtime+0x%llx",
				 (unsigned long long)(addr - runtime_base));
		return TRUE;
	}
	return image_describe_address(addr, buf, size);
}

static void emit(void *ctx, const char *line)
{
	UINTN *lines = ctx;

	/* The first line is the error; the rest are its details. */
	log_printf((*lines)++ ? LOG_LEVEL_INFO : LOG_LEVEL_ERROR, LOG_PREFIX, "%s", line);
}

__attribute__((noreturn, used)) void exception_handler(struct exception_frame *f);
__attribute__((noreturn, used)) void exception_handler(struct exception_frame *f)
{
	static BOOLEAN reporting;
	UINT64 cr2, cr3;
	UINTN lines = 0;
	char at[96];
	struct exception_report_ops ops = {
		.locate = locate,
		.emit = emit,
		.ctx = &lines,
		.stack_low = stack_low,
		.stack_high = stack_high,
	};

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	if (reporting) {
		log_error("%s at RIP 0x%llx while reporting an exception; system halted",
			  exception_mnemonic(f->vector), (unsigned long long)f->rip);
		cpu_halt_forever();
	}
	reporting = TRUE;
	/*
	 * The stack the backtrace reads: the firmware stack when rsp is in it or in its guard
	 * page (an overflow), else near rsp.
	 */
	if (f->rsp < stack_guard || f->rsp >= stack_high)
		ops.stack_low = ops.stack_high = 0;
	exception_report(f, cr2, cr3, stack_guard, &ops);
	/* #PF error code: bit 0 the page was present, 1 a write, 4 an instruction fetch. */
	if (f->vector == EXCEPTION_PF && paging_is_table(cr2))
		log_error("CR2 is in Strata's page tables (read-only): the code wrote to memory it "
			  "does not own");
	else if (f->vector == EXCEPTION_PF && cr2 < EFI_PAGE_SIZE && !(f->error_code & 1))
		log_error("NULL pointer dereference: CR2 0x%llx is in page 0, unmapped while boot "
			  "services run",
			  (unsigned long long)cr2);
	else if (f->vector == EXCEPTION_PF && (f->error_code & 0x11) == 0x11)
		log_error("instruction fetch from a no-execute page (an image's data) at 0x%llx",
			  (unsigned long long)cr2);
	else if (f->vector == EXCEPTION_PF && (f->error_code & 3) == 3)
		log_error("write to a read-only page (an image's code) at 0x%llx",
			  (unsigned long long)cr2);
	boot_status_crashed();
	if (locate(NULL, f->rip, at, sizeof(at)) && !strncmp(at, "EFI image", 9))
		log_error("the fault is in the code of an EFI image loaded by the firmware, not in "
			  "Strata; system halted");
	else
		log_error("system halted");
	cpu_halt_forever();
}

static __attribute__((noinline)) void exception_test_ud2(void)
{
	__asm__ volatile("ud2");
}

void exception_test_trigger(void)
{
	char what[8];
	UINTN size;

	if (EFI_ERROR(fw_cfg_read_file("opt/strata/test-fault", what, sizeof(what) - 1, &size)))
		return;
	what[size] = 0;
	if (!strcmp(what, "ud2")) {
		log_warn("opt/strata/test-fault: executing ud2 in stage1 as asked");
		exception_test_ud2();
	}
}

void exception_test_late(const struct handoff *h)
{
	char what[16];
	UINTN size;

	if (EFI_ERROR(fw_cfg_read_file("opt/strata/test-fault", what, sizeof(what) - 1, &size)))
		return;
	what[size] = 0;
	/* Only the copy under test breaks: the backup, the same build, boots. */
	if (!strcmp(what, "panic-late") && !(h->flags & HANDOFF_FLAG_STAGE1_BACKUP))
		panic("opt/strata/test-fault: panicking late in stage1's start-up as asked");
}
