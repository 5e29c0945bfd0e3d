/* SPDX-License-Identifier: MIT */
/* Port I/O, MMIO with compiler barriers, and the few CPU instructions drivers need. */
#pragma once

#include "include/efi/types.h"

static inline void outb(UINT16 port, UINT8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(UINT16 port, UINT16 v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(UINT16 port, UINT32 v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline UINT8 inb(UINT16 port)
{
	UINT8 v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline UINT16 inw(UINT16 port)
{
	UINT16 v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline UINT32 inl(UINT16 port)
{
	UINT32 v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* count dwords between port and buf (rep insl/outsl): an IDE sector in one instruction. */
static inline void insl(UINT16 port, void *buf, UINTN count)
{
	__asm__ volatile("rep insl" : "+D"(buf), "+c"(count) : "d"(port) : "memory");
}
static inline void outsl(UINT16 port, const void *buf, UINTN count)
{
	__asm__ volatile("rep outsl" : "+S"(buf), "+c"(count) : "d"(port) : "memory");
}

/*
 * x86 keeps stores in order and uncached MMIO is strongly ordered, so a compiler barrier is all
 * MMIO and DMA rings need between a buffer write and the doorbell.
 */
static inline void barrier(void) { __asm__ volatile("" : : : "memory"); }

#define DEFINE_MMIO(bits)                                                                         \
	static inline UINT##bits mmio_read##bits(UINT64 addr)                                    \
	{                                                                                         \
		barrier();                                                                        \
		UINT##bits v = *(volatile UINT##bits *)(UINTN)addr;                               \
		barrier();                                                                        \
		return v;                                                                         \
	}                                                                                         \
	static inline void mmio_write##bits(UINT64 addr, UINT##bits v)                           \
	{                                                                                         \
		barrier();                                                                        \
		*(volatile UINT##bits *)(UINTN)addr = v;                                          \
		barrier();                                                                        \
	}
DEFINE_MMIO(8)
DEFINE_MMIO(16)
DEFINE_MMIO(32)
DEFINE_MMIO(64)
#undef DEFINE_MMIO

static inline UINT64 rdtsc(void)
{
	UINT32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (UINT64)hi << 32 | lo;
}

static inline void cpu_relax(void) { __asm__ volatile("pause"); }

static inline void cpuid(UINT32 leaf, UINT32 sub, UINT32 *a, UINT32 *b, UINT32 *c, UINT32 *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline UINT64 rdmsr(UINT32 msr)
{
	UINT32 lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (UINT64)hi << 32 | lo;
}

static inline void wrmsr(UINT32 msr, UINT64 v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((UINT32)v), "d"((UINT32)(v >> 32)));
}

/* Stop this CPU for good: interrupts off, then hlt in a loop (an NMI would otherwise resume). */
static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
