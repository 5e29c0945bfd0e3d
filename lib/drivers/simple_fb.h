/* SPDX-License-Identifier: MIT */
/* A linear frame buffer the firmware before us set up (coreboot's), in its one fixed mode. */
#pragma once

#include "include/efi/types.h"
#include "include/strata/handoff.h"
#include "lib/drivers/display.h"

struct simple_fb {
	struct display_device display; /* first: what the GOP draws through */
	struct handoff_framebuffer info;
};

/*
 * Whether info is a mode we can draw: 15 to 32 bits per pixel in whole bytes, masks inside the
 * pixel, rows long enough; EFI_UNSUPPORTED otherwise.
 */
EFI_STATUS simple_fb_check(const struct handoff_framebuffer *info);
/* Whether the GOP may draw straight into it: 32-bit x8r8g8b8, rows a whole number of pixels. */
BOOLEAN simple_fb_is_bgrx(const struct handoff_framebuffer *info);
/*
 * A display over the checked info: drawn directly when simple_fb_is_bgrx, else in shadow
 * (width * height * 4 bytes the caller keeps) and converted to the frame buffer's format.
 */
void simple_fb_init(struct simple_fb *fb, const struct handoff_framebuffer *info, void *shadow);
