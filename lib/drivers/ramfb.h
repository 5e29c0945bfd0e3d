/* SPDX-License-Identifier: MIT */
/* QEMU's ramfb (-device ramfb): a frame buffer in guest RAM, configured through fw_cfg. */
#pragma once

#include "include/efi/types.h"
#include "lib/drivers/display.h"

struct ramfb {
	struct display_device display;	/* first: what the GOP draws through */
};

/* Whether QEMU has a ramfb (its fw_cfg file etc/ramfb); calls fw_cfg_init. */
BOOLEAN ramfb_present(void);
/* A display over framebuffer (size bytes of RAM the caller keeps for the OS too). */
void ramfb_init(struct ramfb *fb, void *framebuffer, UINT64 size);
