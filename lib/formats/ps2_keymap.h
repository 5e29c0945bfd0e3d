/* SPDX-License-Identifier: MIT */
/* PS/2 scan code set 1 (what the i8042 hands over with translation on) to EFI keys. */
#pragma once

#include "include/efi/protocol/simple_text_in.h"

struct ps2_keymap {
	UINT32 shift_state; /* EFI_*_PRESSED bits of the modifiers held down */
	UINT8 toggle_state; /* EFI_*_LOCK_ACTIVE bits */
	UINT8 prefix;	    /* 0xe0 after an extended-key prefix, else 0 */
	UINT8 skip;	    /* bytes of a Pause sequence (e1 ...) still to swallow */
};

/*
 * Feed one byte from the keyboard. TRUE when it completes a key press that is a key (not a
 * modifier or lock), with ret_key filled (shift and toggle state included, both VALID).
 */
BOOLEAN ps2_keymap_feed(struct ps2_keymap *m, UINT8 byte, EFI_KEY_DATA *ret_key);
/* The LED byte of the keyboard's 0xed command (scroll 1, num 2, caps 4) for the toggle state. */
UINT8 ps2_keymap_leds(const struct ps2_keymap *m);
