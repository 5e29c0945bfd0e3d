/* SPDX-License-Identifier: MIT */
/* Graphics output on QEMU's displays. */
#pragma once

#include "include/efi/protocol/graphics_output.h"
#include "include/strata/handoff.h"

/*
 * EFI_GRAPHICS_OUTPUT_PROTOCOL on the frame buffer h names (coreboot's), every Bochs VBE and
 * virtio-gpu display, and ramfb; EFI_NOT_FOUND if none.
 */
EFI_STATUS gop_init(const struct handoff *h);
