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

/* Finds segment 0's window in an MCFG of size bytes; EFI_NOT_FOUND or EFI_INVALID_PARAMETER. */
EFI_STATUS mcfg_find_segment0(const void *table, UINTN size, struct mcfg_window *out);
