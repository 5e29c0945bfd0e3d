/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any byte stream from a PS/2 keyboard through the set 1 translator. */
#include <stdint.h>
#include <stdlib.h>

#include "lib/formats/ps2_keymap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps2_keymap m = { 0 };
	EFI_KEY_DATA key;

	for (size_t i = 0; i < size; i++) {
		if (ps2_keymap_feed(&m, data[i], &key)) {
			/* A key is a scan code or a character, with both states valid. */
			if ((!key.Key.ScanCode && !key.Key.UnicodeChar) ||
			    !(key.KeyState.KeyShiftState & EFI_SHIFT_STATE_VALID) ||
			    !(key.KeyState.KeyToggleState & EFI_TOGGLE_STATE_VALID))
				abort();
		}
	}
	if (ps2_keymap_leds(&m) > 7)
		abort();
	return 0;
}
