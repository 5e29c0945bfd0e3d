/* SPDX-License-Identifier: MIT */
/* EDID 1.x base blocks (VESA E-EDID 1.4): the monitor's preferred size. */
#pragma once

#include "include/efi/types.h"

#define EDID_BLOCK_SIZE 128

/*
 * The preferred timing's active size (the first detailed timing descriptor). EFI_NOT_FOUND for a
 * block that is no EDID (short, wrong header), EFI_CRC_ERROR for a bad checksum, EFI_UNSUPPORTED
 * when its first descriptor is no timing.
 */
EFI_STATUS edid_preferred_size(const UINT8 *edid, UINTN size, UINT32 *ret_width,
			       UINT32 *ret_height);
