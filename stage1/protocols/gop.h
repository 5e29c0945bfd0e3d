/* SPDX-License-Identifier: MIT */
/* Graphics output on QEMU's displays. */
#pragma once

#include "include/efi/protocol/graphics_output.h"

/* EFI_GRAPHICS_OUTPUT_PROTOCOL on every Bochs VBE and virtio-gpu display; EFI_NOT_FOUND if none. */
EFI_STATUS gop_init(void);
