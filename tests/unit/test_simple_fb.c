/* SPDX-License-Identifier: MIT */
/* simple_fb over a frame buffer in host memory: the checks, the direct mode and the conversion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/drivers/simple_fb.h"

static UINT8 screen[64 * 4 * 8];
static UINT8 shadow[16 * 8 * 4];

/* coreboot's usual mode: x8r8g8b8. */
static struct handoff_framebuffer xrgb(UINT32 width, UINT32 height, UINT32 pitch)
{
	return (struct handoff_framebuffer){
		.base = (UINTN)screen, .width = width, .height = height, .bytes_per_line = pitch,
		.bits_per_pixel = 32, .red_pos = 16, .red_size = 8, .green_pos = 8,
		.green_size = 8, .blue_pos = 0, .blue_size = 8, .reserved_pos = 24,
		.reserved_size = 8,
	};
}

static void test_xrgb_is_drawn_directly_with_its_pitch(void **state)
{
	struct handoff_framebuffer info = xrgb(16, 8, 80);
	struct simple_fb fb;

	(void)state;
	assert_int_equal(simple_fb_check(&info), EFI_SUCCESS);
	assert_true(simple_fb_is_bgrx(&info));
	simple_fb_init(&fb, &info, NULL);
	assert_int_equal(fb.display.framebuffer, (UINTN)screen);
	assert_int_equal(fb.display.framebuffer_stride, 20);
	assert_int_equal(fb.display.fixed_pixels_per_line, 20);
	assert_false(fb.display.fixed_bitmask);
	assert_null(fb.display.flush);
	assert_int_equal(fb.display.scanout_size, 80 * 8);
	assert_int_equal(fb.display.set_mode(&fb.display, 16, 8), EFI_SUCCESS);
	assert_int_equal(fb.display.set_mode(&fb.display, 640, 480), EFI_UNSUPPORTED);
}

static void test_bad_records_are_refused(void **state)
{
	struct handoff_framebuffer info;

	(void)state;
	info = xrgb(16, 8, 60); /* rows shorter than the width */
	assert_int_equal(simple_fb_check(&info), EFI_UNSUPPORTED);
	info = xrgb(0, 8, 64);
	assert_int_equal(simple_fb_check(&info), EFI_UNSUPPORTED);
	info = xrgb(16, 8, 64);
	info.bits_per_pixel = 8; /* palette modes are not drawn */
	assert_int_equal(simple_fb_check(&info), EFI_UNSUPPORTED);
	info = xrgb(16, 8, 64);
	info.red_pos = 30; /* past the pixel */
	assert_int_equal(simple_fb_check(&info), EFI_UNSUPPORTED);
	info = xrgb(16, 8, 64);
	info.blue_size = 0;
	assert_int_equal(simple_fb_check(&info), EFI_UNSUPPORTED);
	info = xrgb(16, 8, 49); /* not a whole number of pixels a row */
	info.bits_per_pixel = 24;
	info.reserved_size = 0;
	assert_int_equal(simple_fb_check(&info), EFI_UNSUPPORTED);
}

/* The GOP's BGRX pixel at (x, y) of the shadow, as a Blt leaves it. */
static void put(UINT32 width, UINT32 x, UINT32 y, UINT8 r, UINT8 g, UINT8 b)
{
	UINT8 *p = shadow + (y * width + x) * 4;

	p[0] = b;
	p[1] = g;
	p[2] = r;
}

static void test_24_bit_rgb_is_converted_by_the_flush(void **state)
{
	struct handoff_framebuffer info = {
		.base = (UINTN)screen, .width = 16, .height = 8, .bytes_per_line = 51,
		.bits_per_pixel = 24, .red_pos = 0, .red_size = 8, .green_pos = 8,
		.green_size = 8, .blue_pos = 16, .blue_size = 8,
	};
	struct simple_fb fb;

	(void)state;
	memset(screen, 0xee, sizeof(screen));
	assert_int_equal(simple_fb_check(&info), EFI_SUCCESS);
	assert_false(simple_fb_is_bgrx(&info));
	simple_fb_init(&fb, &info, shadow);
	assert_int_equal(fb.display.framebuffer, (UINTN)shadow);
	assert_int_equal(fb.display.framebuffer_stride, 16);
	assert_int_equal(fb.display.fixed_pixels_per_line, 17);
	assert_true(fb.display.fixed_bitmask);
	assert_int_equal(fb.display.red_mask, 0xff);
	assert_int_equal(fb.display.blue_mask, 0xff0000);
	put(16, 3, 2, 0x12, 0x34, 0x56);
	assert_int_equal(fb.display.flush(&fb.display, 3, 2, 1, 1), EFI_SUCCESS);
	assert_int_equal(screen[2 * 51 + 9], 0x12);
	assert_int_equal(screen[2 * 51 + 10], 0x34);
	assert_int_equal(screen[2 * 51 + 11], 0x56);
	/* Only the rectangle is written. */
	assert_int_equal(screen[2 * 51 + 12], 0xee);
	assert_int_equal(screen[2 * 51 + 8], 0xee);
}

static void test_rgb565_keeps_the_high_bits(void **state)
{
	struct handoff_framebuffer info = {
		.base = (UINTN)screen, .width = 16, .height = 8, .bytes_per_line = 32,
		.bits_per_pixel = 16, .red_pos = 11, .red_size = 5, .green_pos = 5,
		.green_size = 6, .blue_pos = 0, .blue_size = 5,
	};
	struct simple_fb fb;

	(void)state;
	assert_int_equal(simple_fb_check(&info), EFI_SUCCESS);
	simple_fb_init(&fb, &info, shadow);
	assert_int_equal(fb.display.green_mask, 0x7e0);
	put(16, 0, 1, 0xff, 0x80, 0x08);
	assert_int_equal(fb.display.flush(&fb.display, 0, 1, 1, 1), EFI_SUCCESS);
	/* red 31 << 11 | green 32 << 5 | blue 1 */
	assert_int_equal(screen[32] | screen[33] << 8, 0xf801 | 32 << 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xrgb_is_drawn_directly_with_its_pitch),
		cmocka_unit_test(test_bad_records_are_refused),
		cmocka_unit_test(test_24_bit_rgb_is_converted_by_the_flush),
		cmocka_unit_test(test_rgb565_keeps_the_high_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
