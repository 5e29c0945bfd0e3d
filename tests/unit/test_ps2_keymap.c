/* SPDX-License-Identifier: MIT */
/* Scan code set 1 to EFI keys: characters, shifts, locks, e0 keys, Pause and break codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/ps2_keymap.h"

/* Feed bytes; the number of keys they gave, the last in *ret. */
static int feed(struct ps2_keymap *m, const UINT8 *bytes, size_t n, EFI_KEY_DATA *ret)
{
	int keys = 0;

	for (size_t i = 0; i < n; i++) {
		EFI_KEY_DATA k;

		if (ps2_keymap_feed(m, bytes[i], &k)) {
			*ret = k;
			keys++;
		}
	}
	return keys;
}

#define FEED(m, ret, ...) \
	feed((m), (const UINT8[]){ __VA_ARGS__ }, sizeof((const UINT8[]){ __VA_ARGS__ }), (ret))

static void test_letters_digits_and_controls(void **state)
{
	struct ps2_keymap m = { 0 };
	EFI_KEY_DATA k;

	assert_int_equal(FEED(&m, &k, 0x1e, 0x9e), 1);
	assert_int_equal(k.Key.UnicodeChar, 'a');
	assert_int_equal(k.KeyState.KeyShiftState, EFI_SHIFT_STATE_VALID);
	assert_int_equal(k.KeyState.KeyToggleState, EFI_TOGGLE_STATE_VALID);
	assert_int_equal(FEED(&m, &k, 0x0b), 1);
	assert_int_equal(k.Key.UnicodeChar, '0');
	assert_int_equal(FEED(&m, &k, 0x1c), 1);
	assert_int_equal(k.Key.UnicodeChar, CHAR_CARRIAGE_RETURN);
	assert_int_equal(FEED(&m, &k, 0x0e), 1);
	assert_int_equal(k.Key.UnicodeChar, CHAR_BACKSPACE);
	assert_int_equal(FEED(&m, &k, 0x01), 1);
	assert_int_equal(k.Key.ScanCode, SCAN_ESC);
	assert_int_equal(FEED(&m, &k, 0x3b), 1);
	assert_int_equal(k.Key.ScanCode, SCAN_F1);
	assert_int_equal(FEED(&m, &k, 0x58), 1);
	assert_int_equal(k.Key.ScanCode, SCAN_F12);
}

static void test_shift_ctrl_alt_are_held_and_released(void **state)
{
	struct ps2_keymap m = { 0 };
	EFI_KEY_DATA k;

	/* Left shift down, '2', left shift up (0xaa, not a self-test reply), '2'. */
	assert_int_equal(FEED(&m, &k, 0x2a, 0x03), 1);
	assert_int_equal(k.Key.UnicodeChar, '@');
	/* Shift chose the character: not reported (EDK2 does the same). */
	assert_int_equal(k.KeyState.KeyShiftState, EFI_SHIFT_STATE_VALID);
	assert_int_equal(m.shift_state, EFI_LEFT_SHIFT_PRESSED);
	/* A key Shift does not change keeps it: Shift+Space, Shift+F1. */
	assert_int_equal(FEED(&m, &k, 0x39), 1);
	assert_int_equal(k.KeyState.KeyShiftState, EFI_SHIFT_STATE_VALID | EFI_LEFT_SHIFT_PRESSED);
	assert_int_equal(FEED(&m, &k, 0x3b), 1);
	assert_int_equal(k.KeyState.KeyShiftState, EFI_SHIFT_STATE_VALID | EFI_LEFT_SHIFT_PRESSED);
	assert_int_equal(FEED(&m, &k, 0xaa, 0x03), 1);
	assert_int_equal(k.Key.UnicodeChar, '2');
	assert_int_equal(k.KeyState.KeyShiftState, EFI_SHIFT_STATE_VALID);
	/* Right ctrl (e0 1d) and left alt with 'c'. */
	assert_int_equal(FEED(&m, &k, 0xe0, 0x1d, 0x38, 0x2e), 1);
	assert_int_equal(k.Key.UnicodeChar, 'c');
	assert_int_equal(k.KeyState.KeyShiftState,
			 EFI_SHIFT_STATE_VALID | EFI_RIGHT_CONTROL_PRESSED | EFI_LEFT_ALT_PRESSED);
	assert_int_equal(FEED(&m, &k, 0xe0, 0x9d, 0xb8), 0);
	assert_int_equal(m.shift_state, 0);
}

static void test_extended_keys(void **state)
{
	struct ps2_keymap m = { 0 };
	EFI_KEY_DATA k;

	assert_int_equal(FEED(&m, &k, 0xe0, 0x48, 0xe0, 0xc8), 1);
	assert_int_equal(k.Key.ScanCode, SCAN_UP);
	assert_int_equal(FEED(&m, &k, 0xe0, 0x53), 1);
	assert_int_equal(k.Key.ScanCode, SCAN_DELETE);
	assert_int_equal(FEED(&m, &k, 0xe0, 0x49), 1);
	assert_int_equal(k.Key.ScanCode, SCAN_PAGE_UP);
	assert_int_equal(FEED(&m, &k, 0xe0, 0x1c), 1);
	assert_int_equal(k.Key.UnicodeChar, CHAR_CARRIAGE_RETURN);
	/* The fake shifts around an extended key (e0 2a ... e0 aa) change nothing. */
	assert_int_equal(FEED(&m, &k, 0xe0, 0x2a, 0xe0, 0x47, 0xe0, 0xc7, 0xe0, 0xaa), 1);
	assert_int_equal(k.Key.ScanCode, SCAN_HOME);
	assert_int_equal(m.shift_state, 0);
}

static void test_locks_toggle_and_shape_keys(void **state)
{
	struct ps2_keymap m = { 0 };
	EFI_KEY_DATA k;

	/* Caps Lock: letters shift, digits do not; shift undoes it for letters. */
	assert_int_equal(FEED(&m, &k, 0x3a, 0xba), 0);
	assert_int_equal(ps2_keymap_leds(&m), 4);
	assert_int_equal(FEED(&m, &k, 0x30), 1);
	assert_int_equal(k.Key.UnicodeChar, 'B');
	assert_int_equal(k.KeyState.KeyToggleState, EFI_TOGGLE_STATE_VALID | EFI_CAPS_LOCK_ACTIVE);
	assert_int_equal(FEED(&m, &k, 0x02), 1);
	assert_int_equal(k.Key.UnicodeChar, '1');
	assert_int_equal(FEED(&m, &k, 0x36, 0x30, 0xb6), 1);
	assert_int_equal(k.Key.UnicodeChar, 'b');
	/* Keypad 8: Up without Num Lock, '8' with it. */
	assert_int_equal(FEED(&m, &k, 0x48), 1);
	assert_int_equal(k.Key.ScanCode, SCAN_UP);
	assert_int_equal(FEED(&m, &k, 0x45, 0xc5, 0x48), 1);
	assert_int_equal(k.Key.UnicodeChar, '8');
	assert_int_equal(ps2_keymap_leds(&m), 6);
}

static void test_pause_and_replies_give_no_key(void **state)
{
	struct ps2_keymap m = { 0 };
	EFI_KEY_DATA k;

	assert_int_equal(FEED(&m, &k, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5), 0);
	assert_int_equal(FEED(&m, &k, 0xfa, 0xfe, 0xee, 0x00, 0xff), 0);
	assert_int_equal(m.toggle_state, 0);
	/* And the next byte is a key again. */
	assert_int_equal(FEED(&m, &k, 0x10), 1);
	assert_int_equal(k.Key.UnicodeChar, 'q');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_letters_digits_and_controls),
		cmocka_unit_test(test_shift_ctrl_alt_are_held_and_released),
		cmocka_unit_test(test_extended_keys),
		cmocka_unit_test(test_locks_toggle_and_shape_keys),
		cmocka_unit_test(test_pause_and_replies_give_no_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
