/* SPDX-License-Identifier: MIT */
/* PS/2 scan code set 1 to EFI keys: a US layout, modifiers, locks, the e0 extended keys. */
#include "lib/formats/ps2_keymap.h"

#define BREAK 0x80

/* Plain and shifted characters of the set 1 make codes 0x00..0x39 (US layout). */
static const char plain[0x3a] = "\0\x1b"
				"1234567890-=\b\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const char shifted[0x3a] =
	"\0\x1b"
	"!@#$%^&*()_+\b\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

/* Keypad 0x47..0x53: the digit with Num Lock, else the navigation key. */
static const char keypad_digit[13] = "789-456+1230.";
static const UINT8 keypad_scan[13] = {
	SCAN_HOME, SCAN_UP,   SCAN_PAGE_UP,   0,	   SCAN_LEFT,	0, SCAN_RIGHT, 0,
	SCAN_END,  SCAN_DOWN, SCAN_PAGE_DOWN, SCAN_INSERT, SCAN_DELETE,
};

/* The modifier bit of a make code (e0-prefixed or not), or 0. */
static UINT32 modifier(UINT8 code, BOOLEAN extended)
{
	switch (code) {
	case 0x2a:
		return extended ? 0 : EFI_LEFT_SHIFT_PRESSED; /* e0 2a: a fake shift */
	case 0x36:
		return extended ? 0 : EFI_RIGHT_SHIFT_PRESSED;
	case 0x1d:
		return extended ? EFI_RIGHT_CONTROL_PRESSED : EFI_LEFT_CONTROL_PRESSED;
	case 0x38:
		return extended ? EFI_RIGHT_ALT_PRESSED : EFI_LEFT_ALT_PRESSED;
	case 0x5b:
		return extended ? EFI_LEFT_LOGO_PRESSED : 0;
	case 0x5c:
		return extended ? EFI_RIGHT_LOGO_PRESSED : 0;
	case 0x5d:
		return extended ? EFI_MENU_KEY_PRESSED : 0;
	}
	return 0;
}

/* Scan code and character of a make code; FALSE for a code with no EFI key. */
static BOOLEAN key_of(const struct ps2_keymap *m, UINT8 code, BOOLEAN extended, EFI_INPUT_KEY *ret)
{
	BOOLEAN shift = (m->shift_state & (EFI_LEFT_SHIFT_PRESSED | EFI_RIGHT_SHIFT_PRESSED)) != 0;

	*ret = (EFI_INPUT_KEY){ SCAN_NULL, CHAR_NULL };
	if (extended) {
		if (code == 0x1c)
			ret->UnicodeChar = CHAR_CARRIAGE_RETURN; /* keypad Enter */
		else if (code == 0x35)
			ret->UnicodeChar = '/';
		else if (code >= 0x47 && code <= 0x53 && keypad_scan[code - 0x47])
			ret->ScanCode = keypad_scan[code - 0x47];
		return ret->ScanCode || ret->UnicodeChar;
	}
	if (code >= 0x3b && code <= 0x44) {
		ret->ScanCode = (UINT16)(SCAN_F1 + (code - 0x3b));
	} else if (code == 0x57 || code == 0x58) {
		ret->ScanCode = code == 0x57 ? SCAN_F11 : SCAN_F12;
	} else if (code == 0x01) {
		ret->ScanCode = SCAN_ESC;
	} else if (code >= 0x47 && code <= 0x53) {
		/* Shift inverts Num Lock on the keypad, as on a PC. */
		if (((m->toggle_state & EFI_NUM_LOCK_ACTIVE) != 0) != shift)
			ret->UnicodeChar = (CHAR16)keypad_digit[code - 0x47];
		else
			ret->ScanCode = keypad_scan[code - 0x47];
	} else if (code < sizeof(plain)) {
		char c = shift ? shifted[code] : plain[code];

		/* Caps Lock shifts letters only. */
		if ((m->toggle_state & EFI_CAPS_LOCK_ACTIVE) && plain[code] >= 'a' &&
		    plain[code] <= 'z')
			c = shift ? plain[code] : shifted[code];
		ret->UnicodeChar = (UINT8)c;
	}
	return ret->ScanCode || ret->UnicodeChar;
}

BOOLEAN ps2_keymap_feed(struct ps2_keymap *m, UINT8 byte, EFI_KEY_DATA *ret_key)
{
	BOOLEAN extended = m->prefix == 0xe0, released = (byte & BREAK) != 0;
	UINT8 code = byte & ~BREAK;
	UINT32 bit;

	if (m->skip) {
		m->skip--;
		return FALSE;
	}
	if (byte == 0xe0) {
		m->prefix = 0xe0;
		return FALSE;
	}
	if (byte == 0xe1) {
		/* Pause: e1 1d 45 e1 9d c5, no EFI key. */
		m->skip = 5;
		return FALSE;
	}
	m->prefix = 0;
	/* Keyboard replies (ack, resend, echo, errors), not keys; 0xaa (self-test passed) is also
	 * left Shift's release in set 1, so it stays a key byte. */
	if (byte == 0xfa || byte == 0xfe || byte == 0xee || byte == 0x00 || byte == 0xff)
		return FALSE;
	bit = modifier(code, extended);
	if (bit) {
		if (released)
			m->shift_state &= ~bit;
		else
			m->shift_state |= bit;
		return FALSE;
	}
	if (released)
		return FALSE;
	if (!extended && (code == 0x3a || code == 0x45 || code == 0x46)) {
		m->toggle_state ^= code == 0x3a	  ? EFI_CAPS_LOCK_ACTIVE
				   : code == 0x45 ? EFI_NUM_LOCK_ACTIVE
						  : EFI_SCROLL_LOCK_ACTIVE;
		return FALSE;
	}
	if (!key_of(m, code, extended, &ret_key->Key))
		return FALSE;
	ret_key->KeyState.KeyShiftState = EFI_SHIFT_STATE_VALID | m->shift_state;
	/* A character Shift chose ('A', '!') does not report Shift, as EDK2's keyboard drivers. */
	if (!extended && code < sizeof(plain) && plain[code] != shifted[code] &&
	    ret_key->Key.UnicodeChar)
		ret_key->KeyState.KeyShiftState &=
			~(UINT32)(EFI_LEFT_SHIFT_PRESSED | EFI_RIGHT_SHIFT_PRESSED);
	ret_key->KeyState.KeyToggleState = EFI_TOGGLE_STATE_VALID | m->toggle_state;
	return TRUE;
}

UINT8 ps2_keymap_leds(const struct ps2_keymap *m)
{
	return (UINT8)((m->toggle_state & EFI_SCROLL_LOCK_ACTIVE ? 1 : 0) |
		       (m->toggle_state & EFI_NUM_LOCK_ACTIVE ? 2 : 0) |
		       (m->toggle_state & EFI_CAPS_LOCK_ACTIVE ? 4 : 0));
}
