/* SPDX-License-Identifier: MIT */
/* ACPI MCFG (PCI Firmware Spec §4.1.2): the ECAM window, for PCI reached through ECAM (Cloud Hypervisor). */
#pragma once

#include "include/efi/types.h"

struct mcfg_window {
	UINT64 base;
	UINT16 segment;
	UINT8 start_bus;
	UINT8 end_bus;
};

/*
 * Segment 0's window in an MCFG of size bytes (its first entry for segment 0 with a base and
 * ordered buses); EFI_NOT_FOUND, or EFI_INVALID_PARAMETER for no MCFG or a length past size. The
 * checksum is the caller's: QEMU's tables blob has none until its table loader runs.
 */
EFI_STATUS mcfg_find_segment0(const void *table, UINTN size, struct mcfg_window *out);
