/* SPDX-License-Identifier: MIT */
/*
 * What console-text prints: each STEP moves the cursor (a negative column or row counts from the
 * right or bottom edge), sets the attribute and prints the text. tests/boot/test_console_screen.py
 * reads this file and renders the same steps with the same font.
 */
/* Where the cursor is shown after the script: the 'r' of "Strata", yellow on blue. */
#define CURSOR_COLUMN 4
#define CURSOR_ROW 1

#define SCRIPT                                                                                    \
	STEP(2, 1, 0x1e, L"Strata text console: ASCII !\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~") \
	STEP(2, 2, 0x4f, L"Latin-1: \u00e0\u00e1\u00e2\u00e3\u00e4\u00e5\u00e6\u00e7\u00e8\u00e9 "    \
			 L"\u00c0\u00c9\u00d1\u00d6\u00dc\u00df \u00a1\u00bf\u00ab\u00bb\u00b0\u00b1"  \
			 L"\u00b5\u00b6\u00bc\u00bd\u00be \u00fe\u00ff")                                \
	STEP(2, 4, 0x0b, L"\u250c\u2500\u2500\u2500\u2500\u2500\u2510 \u2554\u2550\u2557")          \
	STEP(2, 5, 0x0b, L"\u2502 box \u2502 \u2551\u2591\u2551")                                   \
	STEP(2, 6, 0x0b, L"\u2514\u2500\u2500\u2500\u2500\u2500\u2518 \u255a\u2550\u255d")          \
	STEP(2, 8, 0x07, L"AB\bC back space, then a line that wraps at the right edge:")              \
	STEP(-4, 9, 0x70, L"WRAPPED")                                                                 \
	STEP(0, -2, 0x2f, L"next to last row\r\nlast row, then scrolled up one\r\n")                  \
	STEP(0, -1, 0x0a, L"CONSOLE-TEXT-READY")
