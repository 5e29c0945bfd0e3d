/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any framebuffer record simple_fb_check passes is drawn inside its rows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/drivers/simple_fb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps each run small; bigger screens are the same loops. */
#define FUZZ_MAX_BYTES (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct handoff_framebuffer info;
	struct simple_fb fb;
	uint32_t rect[4];
	size_t screen_bytes, shadow_bytes;
	uint8_t *screen, *shadow;

	if (size < sizeof(info) + sizeof(rect))
		return 0;
	memcpy(&info, data, sizeof(info));
	memcpy(rect, data + sizeof(info), sizeof(rect));
	if (simple_fb_check(&info) != EFI_SUCCESS)
		return 0;
	screen_bytes = (size_t)info.bytes_per_line * info.height;
	shadow_bytes = (size_t)info.width * info.height * 4;
	if (screen_bytes > FUZZ_MAX_BYTES || shadow_bytes > FUZZ_MAX_BYTES)
		return 0;
	/* Exactly the frame buffer's rows, so the sanitizer sees a write past the last. */
	screen = malloc(screen_bytes);
	shadow = calloc(1, shadow_bytes);
	if (!screen || !shadow)
		goto out;
	info.base = (uintptr_t)screen;
	simple_fb_init(&fb, &info, shadow);
	if (fb.display.fixed_pixels_per_line < info.width ||
	    fb.display.scanout_size != screen_bytes)
		abort();
	if (fb.display.flush) {
		/* A rectangle on the screen, as the GOP's Blt checks before it flushes. */
		uint32_t x = rect[0] % info.width, y = rect[1] % info.height;
		uint32_t w = rect[2] % (info.width - x) + 1, h = rect[3] % (info.height - y) + 1;

		memcpy(shadow, data, size < shadow_bytes ? size : shadow_bytes);
		fb.display.flush(&fb.display, x, y, w, h);
	}
out:
	free(screen);
	free(shadow);
	return 0;
}
