/* SPDX-License-Identifier: MIT */
/* The small interface a display driver gives stage1's GOP: a frame buffer, mode setting, flush. */
#pragma once

#include "include/efi/types.h"

struct display_device {
	/* Where Blt draws, 32-bit BGRX pixels, one row per width: the device's memory or RAM. */
	UINT64 framebuffer;
	UINT64 framebuffer_size;	/* bytes: bounds the modes offered */
	/* The OS cannot keep drawing in framebuffer (a host copy must be asked for): PixelBltOnly. */
	BOOLEAN blt_only;
	/* set_mode leaves the visible screen black by itself (std VGA clears it in the device). */
	BOOLEAN clears_on_set_mode;
	/* Pixels from one row of framebuffer to the next; 0: the mode's width. */
	UINT32 framebuffer_stride;
	/*
	 * A mode set by the firmware before us (coreboot's frame buffer): the one mode offered, as
	 * the OS is told of it, its frame buffer at scanout_base (framebuffer may be a RAM copy the
	 * flush converts from). fixed_width 0: set_mode sets any mode of the GOP's list.
	 */
	UINT32 fixed_width, fixed_height, fixed_pixels_per_line;
	BOOLEAN fixed_bitmask;	/* not BGRX: the OS gets the masks */
	UINT32 red_mask, green_mask, blue_mask, reserved_mask;
	UINT64 scanout_base, scanout_size;
	/* The monitor's preferred size (EDID or the device's display info); 0 when unknown. */
	UINT32 preferred_width, preferred_height;
	/* Switch to width x height at 32 bits per pixel; may move framebuffer. */
	EFI_STATUS (*set_mode)(struct display_device *display, UINT32 width, UINT32 height);
	/* Show a changed rectangle; NULL when the device scans framebuffer out by itself. */
	EFI_STATUS (*flush)(struct display_device *display, UINT32 x, UINT32 y, UINT32 width,
			    UINT32 height);
	/* Stop all DMA at ExitBootServices; NULL when there is none. */
	void (*shutdown)(struct display_device *display);
};
