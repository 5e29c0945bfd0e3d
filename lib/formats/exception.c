/* SPDX-License-Identifier: MIT */
/* CPU exception reports: vector names, symbol lookup and the report's lines, for both stages. */
#include "lib/formats/exception.h"
#include "lib/printf.h"

static const char *const mnemonics[EXCEPTION_VECTORS] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09", "#TS",
	"#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
	"#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

static const char *const descriptions[EXCEPTION_VECTORS] = {
	[0] = "divide error",
	[1] = "debug",
	[2] = "non-maskable interrupt",
	[3] = "breakpoint",
	[4] = "overflow",
	[5] = "bound range exceeded",
	[6] = "invalid opcode",
	[7] = "device not available",
	[8] = "double fault",
	[9] = "coprocessor segment overrun",
	[10] = "invalid TSS",
	[11] = "segment not present",
	[12] = "stack-segment fault",
	[13] = "general protection fault",
	[14] = "page fault",
	[16] = "x87 floating-point error",
	[17] = "alignment check",
	[18] = "machine check",
	[19] = "SIMD floating-point exception",
	[20] = "virtualization exception",
	[21] = "control protection exception",
	[28] = "hypervisor injection exception",
	[29] = "VMM communication exception",
	[30] = "security exception",
};

const char *exception_mnemonic(UINT64 vector)
{
	return vector < EXCEPTION_VECTORS ? mnemonics[vector] : "#??";
}

const char *exception_description(UINT64 vector)
{
	if (vector < EXCEPTION_VECTORS && descriptions[vector])
		return descriptions[vector];
	return "reserved vector";
}

BOOLEAN exception_has_error_code(UINT64 vector)
{
	/* #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX. */
	return vector < EXCEPTION_VECTORS && ((0x60227d00u >> vector) & 1);
}

void exception_fill_idt(struct exception_idt_gate idt[EXCEPTION_VECTORS], UINT64 stubs, UINT16 cs)
{
	for (UINT64 v = 0; v < EXCEPTION_VECTORS; v++) {
		UINT64 stub = stubs + 16 * v;

		idt[v] = (struct exception_idt_gate){
			.offset_low = stub & 0xffff,
			.selector = cs,
			.ist = v == EXCEPTION_DF ? EXCEPTION_IST_DF
			       : v == 2		 ? EXCEPTION_IST_NMI
			       : v == 18	 ? EXCEPTION_IST_MC
						 : 0,
			.type = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
			.offset_mid = (stub >> 16) & 0xffff,
			.offset_high = stub >> 32,
		};
	}
}

void exception_fill_tss(struct exception_tss *tss, const UINT64 tops[EXCEPTION_IST_STACKS])
{
	*tss = (struct exception_tss){ .iomap_base = sizeof(*tss) };
	for (int i = 0; i < EXCEPTION_IST_STACKS; i++)
		tss->ist[i] = tops[i];
}

void exception_tss_descriptor(UINT64 base, UINT64 ret[2])
{
	/* Limit, base 0..23, type 9 (available 64-bit TSS), present, base 24..31; base 32..63. */
	ret[0] = (sizeof(struct exception_tss) - 1) | (base & 0xffffff) << 16 | 0x89ull << 40 |
		 ((base >> 24) & 0xff) << 56;
	ret[1] = base >> 32;
}

const char *symtab_lookup(const void *table, UINT64 offset, UINT64 *ret_delta)
{
	const struct symtab_header *h = table;
	const struct symtab_entry *e;
	const char *names;
	UINT32 lo = 0, hi, names_size;

	if (!h || h->magic != SYMTAB_MAGIC || !h->count ||
	    h->total_size < sizeof(*h) + (UINT64)h->count * sizeof(*e))
		return NULL;
	e = (const struct symtab_entry *)(h + 1);
	names = (const char *)table;
	names_size = h->total_size;
	hi = h->count;
	/* The last entry starting at or below offset. */
	while (hi - lo > 1) {
		UINT32 mid = lo + (hi - lo) / 2;

		if (e[mid].start <= offset)
			lo = mid;
		else
			hi = mid;
	}
	if (offset < e[lo].start)
		return NULL;
	if (e[lo].size ? offset - e[lo].start >= e[lo].size
		       : lo + 1 < h->count && offset >= e[lo + 1].start)
		return NULL;
	if (!e[lo].size && lo + 1 == h->count)
		return NULL; /* an unsized last symbol bounds nothing */
	if (e[lo].name >= names_size)
		return NULL;
	for (UINT32 i = e[lo].name; names[i]; i++)
		if (i + 1 >= names_size)
			return NULL;
	if (ret_delta)
		*ret_delta = offset - e[lo].start;
	return names + e[lo].name;
}

static void line(const struct exception_report_ops *ops, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void line(const struct exception_report_ops *ops, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ops->emit(ops->ctx, buf);
}

static const char *where(const struct exception_report_ops *ops, UINT64 addr, char *buf, UINTN size)
{
	if (!ops->locate || !ops->locate(ops->ctx, addr, buf, size))
		snprintf(buf, size, "no known image");
	return buf;
}

static void backtrace(const struct exception_frame *f, const struct exception_report_ops *ops)
{
	UINT64 low = ops->stack_low, high = ops->stack_high, rbp = f->rbp;
	char at[96];

	if (!low && !high) {
		low = f->rsp;
		high = f->rsp + (256 << 10);
	}
	line(ops, "backtrace (frame pointers):");
	line(ops, "  #0  0x%016llx  %s", (unsigned long long)f->rip,
	     where(ops, f->rip, at, sizeof(at)));
	/*
	 * A function without a frame of its own (a leaf) leaves its return address at rsp, and
	 * the frame chain skips its caller: show that word, marked "?", when it is known code.
	 */
	if (!(f->rsp & 7) && f->rsp >= low && f->rsp <= high - 8 && f->rsp != f->rbp) {
		UINT64 word = *(const UINT64 *)(UINTN)f->rsp;

		if (word && ops->locate && ops->locate(ops->ctx, word - 1, at, sizeof(at)))
			line(ops, "  ?   0x%016llx  %s", (unsigned long long)word, at);
	}
	for (int depth = 1; depth < EXCEPTION_BACKTRACE_MAX; depth++) {
		const UINT64 *frame = (const UINT64 *)(UINTN)rbp;
		UINT64 ret;

		/* Only frames inside the stack, 8-aligned, each above the last. */
		if (rbp & 7 || rbp < low || rbp > high - 16)
			break;
		ret = frame[1];
		if (!ret)
			break;
		line(ops, "  #%-2d 0x%016llx  %s", depth, (unsigned long long)ret,
		     where(ops, ret - 1, at, sizeof(at)));
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

void exception_report(const struct exception_frame *f, UINT64 cr2, UINT64 cr3, UINT64 guard,
		      const struct exception_report_ops *ops)
{
	char at[96];

	line(ops, "%s %s (vector %llu) at RIP 0x%llx in %s", exception_mnemonic(f->vector),
	     exception_description(f->vector), (unsigned long long)f->vector,
	     (unsigned long long)f->rip, where(ops, f->rip, at, sizeof(at)));
	if (guard && cr2 >= guard && cr2 - guard < 4096)
		line(ops,
		     "stack overflow: CR2 0x%llx is in the guard page below the firmware stack",
		     (unsigned long long)cr2);
	line(ops, "error code 0x%llx  CR2 0x%016llx  CR3 0x%016llx",
	     (unsigned long long)f->error_code, (unsigned long long)cr2, (unsigned long long)cr3);
	line(ops, "RSP 0x%016llx  RFLAGS 0x%08llx  CS 0x%llx  SS 0x%llx",
	     (unsigned long long)f->rsp, (unsigned long long)f->rflags, (unsigned long long)f->cs,
	     (unsigned long long)f->ss);
	line(ops, "RAX 0x%016llx  RBX 0x%016llx  RCX 0x%016llx", (unsigned long long)f->rax,
	     (unsigned long long)f->rbx, (unsigned long long)f->rcx);
	line(ops, "RDX 0x%016llx  RSI 0x%016llx  RDI 0x%016llx", (unsigned long long)f->rdx,
	     (unsigned long long)f->rsi, (unsigned long long)f->rdi);
	line(ops, "RBP 0x%016llx  R8  0x%016llx  R9  0x%016llx", (unsigned long long)f->rbp,
	     (unsigned long long)f->r8, (unsigned long long)f->r9);
	line(ops, "R10 0x%016llx  R11 0x%016llx  R12 0x%016llx", (unsigned long long)f->r10,
	     (unsigned long long)f->r11, (unsigned long long)f->r12);
	line(ops, "R13 0x%016llx  R14 0x%016llx  R15 0x%016llx", (unsigned long long)f->r13,
	     (unsigned long long)f->r14, (unsigned long long)f->r15);
	backtrace(f, ops);
}
