/* SPDX-License-Identifier: MIT */
/* PCI configuration space (mechanism #1), enumeration behind bridges, and BAR assignment. */
#pragma once

#include "include/efi/types.h"
#include "include/strata/handoff.h"

#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REVISION 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_CAPABILITY_LIST 0x34

#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_STATUS_CAP_LIST 0x10

#define PCI_CAP_ID_VENDOR 0x09

struct pci_address {
	UINT8 bus;
	UINT8 device;
	UINT8 function;
};

/* What a BAR decodes after pci_setup assigned it; size 0 when unimplemented or left unassigned. */
struct pci_bar {
	UINT64 base;
	UINT64 size;
	BOOLEAN io;
	BOOLEAN is64;
	BOOLEAN prefetchable;
};

/* Address windows pci_setup hands out; cursors advance as BARs are placed. */
struct pci_windows {
	UINT64 mmio_base;	/* first byte of the 32-bit MMIO window */
	UINT64 mmio_limit;	/* last byte */
	UINT32 io_base;
	UINT32 io_limit;
};

/*
 * Reach configuration space through the ECAM window at base (bus 0's address, as the MCFG gives
 * it) for buses first_bus..last_bus from now on, instead of ports CF8/CFC; base 0: the ports.
 */
void pci_use_ecam(UINT64 base, UINT8 first_bus, UINT8 last_bus);
/*
 * The ECAM window in use and its buses (either pointer may be NULL); 0 while configuration goes
 * through the ports.
 */
UINT64 pci_ecam(UINT8 *ret_first_bus, UINT8 *ret_last_bus);

/* Register access at an offset aligned to its size; absent functions read as all ones. */
UINT8 pci_read8(struct pci_address a, UINT8 offset);
UINT16 pci_read16(struct pci_address a, UINT8 offset);
UINT32 pci_read32(struct pci_address a, UINT8 offset);
void pci_write8(struct pci_address a, UINT8 offset, UINT8 v);
void pci_write16(struct pci_address a, UINT8 offset, UINT16 v);
void pci_write32(struct pci_address a, UINT8 offset, UINT32 v);

/*
 * Walk every bus from bus 0, number the buses behind bridges, size and assign every BAR from the
 * windows (naturally aligned; bridge windows 1 MiB / 4 KiB aligned), program bridge windows and
 * enable decoding. Returns the number of functions found.
 */
UINT32 pci_setup(struct pci_windows *windows);
/* Recompute the last bus pci_next_function visits from numbered bridges; assigns nothing. */
UINT8 pci_scan_buses(void);
/* Iterate functions on buses 0..last assigned: start with *cursor = 0; FALSE at the end. */
BOOLEAN pci_next_function(UINT32 *cursor, struct pci_address *ret_addr);
/* Whether a present function has class code class_code (base class, subclass, interface). */
BOOLEAN pci_class_is(struct pci_address a, UINT32 class_code);
/* Decode BAR index (0..5) of a function as currently programmed. */
void pci_get_bar(struct pci_address a, UINT32 index, struct pci_bar *ret_bar);
/* The BAR sizes known so far, for the hand-off block; returns how many functions were written. */
UINT32 pci_bar_sizes_save(struct handoff_pci_function *out, UINT32 max);
/* Take sizes another stage found, so pci_get_bar need not size those functions' BARs again. */
void pci_bar_sizes_load(const struct handoff_pci_function *in, UINT32 count);
/* Offset of the first capability with id at or after offset start (0: from the list head); 0 if none. */
UINT8 pci_find_capability(struct pci_address a, UINT8 id, UINT8 start);
