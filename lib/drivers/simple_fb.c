/* SPDX-License-Identifier: MIT */
/* The firmware's frame buffer as a display: one fixed mode, other formats drawn via a copy. */
#include "lib/container_of.h"
#include "lib/drivers/simple_fb.h"

/* 8 KiB pixels a side is past any monitor: bigger is a broken record, not a screen. */
#define SIMPLE_FB_MAX_SIDE 8192

static BOOLEAN mask_fits(UINT8 pos, UINT8 size, UINT8 bpp)
{
	return size <= 16 && pos + size <= bpp;
}

EFI_STATUS simple_fb_check(const struct handoff_framebuffer *info)
{
	UINT32 bytes;

	if (info->bits_per_pixel < 15 || info->bits_per_pixel > 32 || !info->width ||
	    !info->height || info->width > SIMPLE_FB_MAX_SIDE || info->height > SIMPLE_FB_MAX_SIDE)
		return EFI_UNSUPPORTED;
	/* 15-bit is stored in two bytes; the OS's line length is pixels per line times that. */
	bytes = (info->bits_per_pixel + 7) / 8;
	if (info->bytes_per_line < info->width * bytes || info->bytes_per_line % bytes)
		return EFI_UNSUPPORTED;
	if (!mask_fits(info->red_pos, info->red_size, info->bits_per_pixel) ||
	    !mask_fits(info->green_pos, info->green_size, info->bits_per_pixel) ||
	    !mask_fits(info->blue_pos, info->blue_size, info->bits_per_pixel) ||
	    !mask_fits(info->reserved_pos, info->reserved_size, info->bits_per_pixel) ||
	    !info->red_size || !info->green_size || !info->blue_size)
		return EFI_UNSUPPORTED;
	return EFI_SUCCESS;
}

BOOLEAN simple_fb_is_bgrx(const struct handoff_framebuffer *info)
{
	return info->bits_per_pixel == 32 && info->red_pos == 16 && info->red_size == 8 &&
	       info->green_pos == 8 && info->green_size == 8 && info->blue_pos == 0 &&
	       info->blue_size == 8 && info->bytes_per_line % 4 == 0;
}

/* An 8-bit colour at size bits, placed at pos. */
static UINT32 channel(UINT8 value, UINT8 pos, UINT8 size)
{
	UINT32 v = size >= 8 ? (UINT32)value << (size - 8) : (UINT32)value >> (8 - size);

	return v << pos;
}

static UINT32 mask(UINT8 pos, UINT8 size)
{
	return (UINT32)(((1ull << size) - 1) << pos);
}

/* The shadow's BGRX pixels of the rectangle, converted into the frame buffer's format. */
static EFI_STATUS simple_fb_flush(struct display_device *display, UINT32 x, UINT32 y, UINT32 width,
				  UINT32 height)
{
	struct simple_fb *fb = container_of(display, struct simple_fb, display);
	const struct handoff_framebuffer *i = &fb->info;
	UINT32 bytes = (i->bits_per_pixel + 7) / 8;

	for (UINT32 row = y; row < y + height; row++) {
		const UINT8 *src = (const UINT8 *)(UINTN)display->framebuffer +
				   ((UINTN)row * i->width + x) * 4;
		UINT8 *dst = (UINT8 *)(UINTN)i->base + (UINTN)row * i->bytes_per_line + x * bytes;

		for (UINT32 col = 0; col < width; col++, src += 4) {
			UINT32 v = channel(src[2], i->red_pos, i->red_size) |
				   channel(src[1], i->green_pos, i->green_size) |
				   channel(src[0], i->blue_pos, i->blue_size);

			for (UINT32 b = 0; b < bytes; b++, v >>= 8)
				*dst++ = (UINT8)v;
		}
	}
	return EFI_SUCCESS;
}

static EFI_STATUS simple_fb_set_mode(struct display_device *display, UINT32 width, UINT32 height)
{
	return width == display->fixed_width && height == display->fixed_height ? EFI_SUCCESS
										: EFI_UNSUPPORTED;
}

void simple_fb_init(struct simple_fb *fb, const struct handoff_framebuffer *info, void *shadow)
{
	UINT32 bytes = (info->bits_per_pixel + 7) / 8;
	BOOLEAN direct = simple_fb_is_bgrx(info);

	*fb = (struct simple_fb){
		.info = *info,
		.display = {
			.framebuffer = direct ? info->base : (UINTN)shadow,
			.framebuffer_size = (UINT64)info->width * info->height * 4,
			.framebuffer_stride = direct ? info->bytes_per_line / 4 : info->width,
			.fixed_width = info->width,
			.fixed_height = info->height,
			.fixed_pixels_per_line = info->bytes_per_line / bytes,
			.fixed_bitmask = !direct,
			.red_mask = mask(info->red_pos, info->red_size),
			.green_mask = mask(info->green_pos, info->green_size),
			.blue_mask = mask(info->blue_pos, info->blue_size),
			.reserved_mask = mask(info->reserved_pos, info->reserved_size),
			.scanout_base = info->base,
			.scanout_size = (UINT64)info->bytes_per_line * info->height,
			.set_mode = simple_fb_set_mode,
			.flush = direct ? NULL : simple_fb_flush,
		},
	};
}
