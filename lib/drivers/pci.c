/* SPDX-License-Identifier: MIT */
/* PCI enumeration and resource assignment: QEMU leaves every BAR and bus number unassigned. */
#include "lib/drivers/io.h"
#include "lib/drivers/pci.h"

#define LOG_PREFIX "pci: "
#include "lib/log.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc

#define PCI_CLASS_BRIDGE_PCI 0x0604
#define PCI_PRIMARY_BUS 0x18	/* primary, secondary, subordinate, latency */
#define PCI_IO_BASE 0x1c
#define PCI_MEMORY_BASE 0x20
#define PCI_PREF_MEMORY_BASE 0x24
#define PCI_PREF_BASE_UPPER32 0x28
#define PCI_PREF_LIMIT_UPPER32 0x2c
#define PCI_IO_BASE_UPPER16 0x30
#define PCI_BRIDGE_CONTROL 0x3e

#define MMIO_BRIDGE_ALIGN 0x100000
#define IO_BRIDGE_ALIGN 0x1000

static UINT8 pci_last_bus;

/*
 * Configuration space through ports CF8/CFC (mechanism #1), or through an ECAM window (PCI
 * Express enhanced configuration: 4 KiB per function, 1 MiB per bus from bus 0's address) once
 * pci_use_ecam named one: one access where the ports take two, and the only way on hosts that
 * decode no CF8 (microvm with pcie=on). Buses outside the window read as absent.
 */
static UINT64 ecam_base;
static UINT8 ecam_first_bus, ecam_last_bus;

void pci_use_ecam(UINT64 base, UINT8 first_bus, UINT8 last_bus)
{
	ecam_base = base;
	ecam_first_bus = first_bus;
	ecam_last_bus = last_bus;
}

UINT64 pci_ecam(UINT8 *ret_first_bus, UINT8 *ret_last_bus)
{
	if (ret_first_bus)
		*ret_first_bus = ecam_first_bus;
	if (ret_last_bus)
		*ret_last_bus = ecam_last_bus;
	return ecam_base;
}

/* The function's register in the ECAM window; 0 when the bus lies outside it. */
static UINT64 ecam_address(struct pci_address a, UINT8 offset)
{
	if (a.bus < ecam_first_bus || a.bus > ecam_last_bus)
		return 0;
	return ecam_base + ((UINT64)a.bus << 20 | (UINT64)(a.device & 31) << 15 |
			    (UINT64)(a.function & 7) << 12 | offset);
}

static UINT32 pci_config_address(struct pci_address a, UINT8 offset)
{
	return 0x80000000u | (UINT32)a.bus << 16 | (UINT32)a.device << 11 |
	       (UINT32)a.function << 8 | (offset & 0xfc);
}

/* An access of bits at offset (aligned to its size) through whichever mechanism is in use. */
#define DEFINE_CONFIG_ACCESS(bits, in, out, port_offset)                                          \
	UINT##bits pci_read##bits(struct pci_address a, UINT8 offset)                             \
	{                                                                                         \
		if (ecam_base) {                                                                  \
			UINT64 p = ecam_address(a, offset & ~(bits / 8 - 1));                     \
                                                                                                  \
			return p ? mmio_read##bits(p) : (UINT##bits)~0u;                          \
		}                                                                                 \
		outl(PCI_CONFIG_ADDRESS, pci_config_address(a, offset));                          \
		return in(PCI_CONFIG_DATA + (port_offset));                                       \
	}                                                                                         \
	void pci_write##bits(struct pci_address a, UINT8 offset, UINT##bits v)                    \
	{                                                                                         \
		if (ecam_base) {                                                                  \
			UINT64 p = ecam_address(a, offset & ~(bits / 8 - 1));                     \
                                                                                                  \
			if (p)                                                                    \
				mmio_write##bits(p, v);                                           \
			return;                                                                   \
		}                                                                                 \
		outl(PCI_CONFIG_ADDRESS, pci_config_address(a, offset));                          \
		out(PCI_CONFIG_DATA + (port_offset), v);                                          \
	}
DEFINE_CONFIG_ACCESS(32, inl, outl, 0)
DEFINE_CONFIG_ACCESS(16, inw, outw, offset & 2)
DEFINE_CONFIG_ACCESS(8, inb, outb, offset & 3)
#undef DEFINE_CONFIG_ACCESS

static UINT64 align_up(UINT64 v, UINT64 align)
{
	return (v + align - 1) & ~(align - 1);
}

static BOOLEAN pci_function_present(struct pci_address a)
{
	return pci_read16(a, PCI_VENDOR_ID) != 0xffff;
}

static BOOLEAN pci_is_multifunction(struct pci_address a)
{
	return (pci_read8(a, PCI_HEADER_TYPE) & 0x80) != 0;
}

static BOOLEAN pci_is_bridge(struct pci_address a)
{
	return (pci_read8(a, PCI_HEADER_TYPE) & 0x7f) == 1 &&
	       pci_read32(a, PCI_CLASS_REVISION) >> 16 == PCI_CLASS_BRIDGE_PCI;
}

/* Size BAR index by the all-ones probe; decoding must be off while it runs. */
static void pci_size_bar(struct pci_address a, UINT32 index, struct pci_bar *bar)
{
	UINT8 off = PCI_BAR0 + 4 * index;
	UINT32 orig = pci_read32(a, off), mask;
	UINT64 size;

	*bar = (struct pci_bar){ 0 };
	pci_write32(a, off, 0xffffffff);
	mask = pci_read32(a, off);
	pci_write32(a, off, orig);
	if (mask == 0 || mask == 0xffffffff)
		return;
	if (mask & 1) {
		bar->io = TRUE;
		size = (~(mask & ~3u) & 0xffff) + 1;
	} else {
		UINT64 mask64 = mask & ~0xfull;

		bar->prefetchable = (mask & 8) != 0;
		if ((mask & 6) == 4 && index < 5) {
			UINT32 orig_hi = pci_read32(a, off + 4);

			bar->is64 = TRUE;
			pci_write32(a, off + 4, 0xffffffff);
			mask64 |= (UINT64)pci_read32(a, off + 4) << 32;
			pci_write32(a, off + 4, orig_hi);
		} else {
			mask64 |= 0xffffffff00000000ull;
		}
		size = ~mask64 + 1;
	}
	bar->size = size;
}

/*
 * Sizing a BAR turns the function's decoding off and on, and QEMU rebuilds its memory map each
 * time (a large cost under TCG), so a function's BARs are sized together once and their sizes
 * kept: a size never changes, while the bases are read afresh on every call.
 */
#define BAR_CACHE_FUNCTIONS HANDOFF_MAX_PCI_FUNCTIONS

static struct bar_sizes {
	struct pci_address a;
	BOOLEAN valid;
	struct pci_bar bars[6];
} bar_cache[BAR_CACHE_FUNCTIONS];
static UINT32 bar_cache_next;

/* The cache entry for a, or NULL. */
static struct bar_sizes *bar_cache_find(struct pci_address a)
{
	for (UINT32 i = 0; i < BAR_CACHE_FUNCTIONS; i++) {
		struct bar_sizes *c = &bar_cache[i];

		if (c->valid && c->a.bus == a.bus && c->a.device == a.device &&
		    c->a.function == a.function)
			return c;
	}
	return NULL;
}

/* A fresh entry for a: a free one, else the oldest taken. */
static struct bar_sizes *bar_cache_new(struct pci_address a)
{
	struct bar_sizes *c = &bar_cache[bar_cache_next++ % BAR_CACHE_FUNCTIONS];

	*c = (struct bar_sizes){ .a = a, .valid = TRUE };
	return c;
}

/* The entry for a, found or made, whose sizes the caller is about to write. */
static struct bar_sizes *bar_cache_entry(struct pci_address a)
{
	struct bar_sizes *c = bar_cache_find(a);

	return c ? c : bar_cache_new(a);
}

/* Decoding is off here, so the sizes are kept: later lookups need not turn it off again. */
static void pci_assign_bars(struct pci_address a, UINT32 bar_count, struct pci_windows *w)
{
	struct bar_sizes *sizes = bar_cache_entry(a);

	for (UINT32 i = 0; i < bar_count; i++) {
		UINT8 off = PCI_BAR0 + 4 * i;
		struct pci_bar bar;

		pci_size_bar(a, i, &bar);
		sizes->bars[i] = bar;
		if (!bar.size)
			continue;
		if (bar.io) {
			UINT64 base = align_up(w->io_base, bar.size);

			if (base + bar.size - 1 > w->io_limit) {
				log_warn("%02x:%02x.%x BAR%u: no room for %llu bytes of I/O", a.bus,
					 a.device, a.function, i, bar.size);
				continue;
			}
			pci_write32(a, off, (UINT32)base);
			w->io_base = (UINT32)(base + bar.size);
		} else {
			UINT64 base = align_up(w->mmio_base, bar.size);

			if (base + bar.size - 1 > w->mmio_limit || base + bar.size < base) {
				log_warn("%02x:%02x.%x BAR%u: no room for %llu bytes of MMIO",
					 a.bus, a.device, a.function, i, bar.size);
				if (bar.is64)
					i++;
				continue;
			}
			pci_write32(a, off, (UINT32)base);
			if (bar.is64)
				pci_write32(a, off + 4, (UINT32)(base >> 32));
			w->mmio_base = base + bar.size;
		}
		log_debug("%02x:%02x.%x BAR%u %s %llx+%llx", a.bus, a.device, a.function, i,
			  bar.io ? "io" : "mem",
			  bar.io ? w->io_base - bar.size : w->mmio_base - bar.size, bar.size);
		if (bar.is64)
			i++;
	}
}

static UINT32 pci_scan_bus(UINT8 bus, struct pci_windows *w);

/*
 * A bridge gets the next bus number and windows that cover exactly what its subtree took, so
 * the subtree is scanned between aligning the cursors and programming base/limit.
 */
static UINT32 pci_setup_bridge(struct pci_address a, struct pci_windows *w)
{
	UINT8 secondary = ++pci_last_bus;
	UINT64 mmio_start, io_start;
	UINT32 found;

	pci_write16(a, PCI_COMMAND, 0);
	pci_assign_bars(a, 2, w);
	/* primary, secondary, subordinate (open while scanning), latency timer */
	pci_write32(a, PCI_PRIMARY_BUS, (pci_read32(a, PCI_PRIMARY_BUS) & 0xff000000) |
						 0xff << 16 | (UINT32)secondary << 8 | a.bus);

	w->mmio_base = mmio_start = align_up(w->mmio_base, MMIO_BRIDGE_ALIGN);
	w->io_base = (UINT32)(io_start = align_up(w->io_base, IO_BRIDGE_ALIGN));
	found = pci_scan_bus(secondary, w);
	w->mmio_base = align_up(w->mmio_base, MMIO_BRIDGE_ALIGN);
	w->io_base = (UINT32)align_up(w->io_base, IO_BRIDGE_ALIGN);

	pci_write8(a, PCI_PRIMARY_BUS + 2, pci_last_bus);
	if (w->mmio_base > mmio_start)
		pci_write32(a, PCI_MEMORY_BASE, (UINT32)((mmio_start >> 16) & 0xfff0) |
							(UINT32)((w->mmio_base - 1) & 0xfff00000));
	else
		pci_write32(a, PCI_MEMORY_BASE, 0x0000fff0); /* base > limit: closed */
	if (w->io_base > io_start) {
		pci_write16(a, PCI_IO_BASE, (UINT16)(((io_start >> 8) & 0xf0) |
						     ((w->io_base - 1) & 0xf000)));
		pci_write32(a, PCI_IO_BASE_UPPER16, 0);
	} else {
		pci_write16(a, PCI_IO_BASE, 0x00f0);
	}
	/* Every BAR sits in the non-prefetchable window, which forwards all memory cycles in range. */
	pci_write32(a, PCI_PREF_MEMORY_BASE, 0x0000fff0);
	pci_write32(a, PCI_PREF_BASE_UPPER32, 0xffffffff);
	pci_write32(a, PCI_PREF_LIMIT_UPPER32, 0);
	pci_write16(a, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	log_debug("bridge %02x:%02x.%x -> bus %u..%u", a.bus, a.device, a.function, secondary,
		  pci_last_bus);
	return found;
}

static UINT32 pci_setup_function(struct pci_address a, struct pci_windows *w)
{
	if (pci_is_bridge(a))
		return 1 + pci_setup_bridge(a, w);
	if ((pci_read8(a, PCI_HEADER_TYPE) & 0x7f) != 0)
		return 1; /* CardBus and unknown layouts keep their reset state */
	pci_write16(a, PCI_COMMAND, 0);
	pci_assign_bars(a, 6, w);
	pci_write16(a, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	return 1;
}

static UINT32 pci_scan_bus(UINT8 bus, struct pci_windows *w)
{
	UINT32 found = 0;

	for (UINT8 dev = 0; dev < 32; dev++) {
		struct pci_address a = { bus, dev, 0 };

		if (!pci_function_present(a))
			continue;
		UINT8 functions = pci_is_multifunction(a) ? 8 : 1;

		for (a.function = 0; a.function < functions; a.function++)
			if (pci_function_present(a))
				found += pci_setup_function(a, w);
	}
	return found;
}

UINT32 pci_setup(struct pci_windows *windows)
{
	pci_last_bus = 0;
	return pci_scan_bus(0, windows);
}

UINT8 pci_scan_buses(void)
{
	struct pci_address a = { 0, 0, 0 };

	/* Bridges on bus 0 span every bus behind them; their subordinate numbers say how far. */
	pci_last_bus = 0;
	for (a.device = 0; a.device < 32; a.device++) {
		UINT8 functions;

		a.function = 0;
		if (!pci_function_present(a))
			continue;
		functions = pci_is_multifunction(a) ? 8 : 1;
		for (; a.function < functions; a.function++) {
			UINT8 subordinate;

			if (!pci_function_present(a) || !pci_is_bridge(a))
				continue;
			subordinate = pci_read8(a, PCI_PRIMARY_BUS + 2);
			/* 0xff is still the "open" value of a bridge pci_setup never closed. */
			if (subordinate != 0xff && subordinate > pci_last_bus)
				pci_last_bus = subordinate;
		}
	}
	return pci_last_bus;
}

BOOLEAN pci_class_is(struct pci_address a, UINT32 class_code)
{
	return pci_read16(a, PCI_VENDOR_ID) != 0xffff &&
	       pci_read32(a, PCI_CLASS_REVISION) >> 8 == class_code;
}

BOOLEAN pci_next_function(UINT32 *cursor, struct pci_address *ret_addr)
{
	/* cursor = bus << 8 | device << 3 | function, of the next function to look at */
	for (; *cursor <= ((UINT32)pci_last_bus << 8 | 0xff); (*cursor)++) {
		struct pci_address a = { (UINT8)(*cursor >> 8), (*cursor >> 3) & 31, *cursor & 7 };

		if (a.function && !pci_is_multifunction((struct pci_address){ a.bus, a.device, 0 }))
			continue;
		if (!pci_function_present(a)) {
			if (a.function == 0)
				*cursor |= 7; /* no device: skip its other functions */
			continue;
		}
		(*cursor)++;
		*ret_addr = a;
		return TRUE;
	}
	return FALSE;
}

static const struct bar_sizes *pci_bar_sizes(struct pci_address a)
{
	struct bar_sizes *c = bar_cache_find(a);
	UINT16 command;
	UINT32 count = (pci_read8(a, PCI_HEADER_TYPE) & 0x7f) == 1 ? 2 : 6;

	if (c)
		return c;
	c = bar_cache_new(a);
	/* Decoding off for the probes, so the device does not claim the all-ones address. */
	command = pci_read16(a, PCI_COMMAND);
	pci_write16(a, PCI_COMMAND, command & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (UINT32 i = 0; i < count; i++) {
		pci_size_bar(a, i, &c->bars[i]);
		if (c->bars[i].is64)
			i++;
	}
	pci_write16(a, PCI_COMMAND, command);
	return c;
}

UINT32 pci_bar_sizes_save(struct handoff_pci_function *out, UINT32 max)
{
	UINT32 n = 0;

	for (UINT32 i = 0; i < BAR_CACHE_FUNCTIONS && n < max; i++) {
		const struct bar_sizes *c = &bar_cache[i];
		struct handoff_pci_function *f = &out[n];

		if (!c->valid)
			continue;
		*f = (struct handoff_pci_function){ c->a.bus, c->a.device, c->a.function };
		for (UINT32 b = 0; b < 6; b++) {
			const struct pci_bar *bar = &c->bars[b];

			f->bar_size[b] = bar->size;
			f->bar_flags |= (UINT32)((bar->io ? HANDOFF_BAR_IO : 0) |
						 (bar->is64 ? HANDOFF_BAR_64 : 0) |
						 (bar->prefetchable ? HANDOFF_BAR_PREFETCHABLE : 0))
					<< (4 * b);
		}
		n++;
	}
	return n;
}

void pci_bar_sizes_load(const struct handoff_pci_function *in, UINT32 count)
{
	for (UINT32 i = 0; i < count && i < BAR_CACHE_FUNCTIONS; i++) {
		struct bar_sizes *c = bar_cache_entry((struct pci_address){ in[i].bus, in[i].device,
									     in[i].function });

		for (UINT32 b = 0; b < 6; b++) {
			UINT32 flags = in[i].bar_flags >> (4 * b);

			c->bars[b] = (struct pci_bar){
				.size = in[i].bar_size[b],
				.io = (flags & HANDOFF_BAR_IO) != 0,
				.is64 = (flags & HANDOFF_BAR_64) != 0,
				.prefetchable = (flags & HANDOFF_BAR_PREFETCHABLE) != 0,
			};
		}
	}
}

void pci_get_bar(struct pci_address a, UINT32 index, struct pci_bar *ret_bar)
{
	UINT8 off = PCI_BAR0 + 4 * index;
	UINT32 lo;

	*ret_bar = (struct pci_bar){ 0 };
	if (index > 5)
		return;
	*ret_bar = pci_bar_sizes(a)->bars[index];
	lo = pci_read32(a, off);
	if (ret_bar->io)
		ret_bar->base = lo & ~3u;
	else
		ret_bar->base = (lo & ~0xfu) |
				(ret_bar->is64 ? (UINT64)pci_read32(a, off + 4) << 32 : 0);
}

UINT8 pci_find_capability(struct pci_address a, UINT8 id, UINT8 start)
{
	UINT8 off;

	if (!(pci_read16(a, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	off = start ? pci_read8(a, start + 1) : pci_read8(a, PCI_CAPABILITY_LIST);
	/* 48 hops at most: a looping list in a broken device must not hang the boot. */
	for (int hops = 0; off >= 0x40 && hops < 48; hops++) {
		off &= 0xfc;
		if (pci_read8(a, off) == id)
			return off;
		off = pci_read8(a, off + 1);
	}
	return 0;
}
