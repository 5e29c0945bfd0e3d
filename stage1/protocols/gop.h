/* SPDX-License-Identifier: MIT */
/* Graphics output on QEMU's displays. */
#pragma once

#include "include/efi/protocol/graphics_output.h"

/* EFI_GRAPHICS_OUTPUT_PROTOCOL on every Bochs VBE display; EFI_NOT_FOUND if there is none. */
EFI_STATUS gop_init(void);
