// SPDX-License-Identifier: MIT
/*
 * console-text: prints script.h's known text (colours, Latin-1, box drawing, a wrap, a back space
 * and a scroll) through ConOut, then shows the cursor on a known cell, for
 * tests/boot/test_console_screen.py to compare the screen with.
 */
#include <efi.h>
#include <efilib.h>

#include "efi-apps/console-text/script.h"

static void step(SIMPLE_TEXT_OUTPUT_INTERFACE *out, INTN col, INTN row, UINTN attr, CHAR16 *text,
		 UINTN columns, UINTN rows)
{
	out->SetCursorPosition(out, col < 0 ? columns + col : (UINTN)col,
			       row < 0 ? rows + row : (UINTN)row);
	out->SetAttribute(out, attr);
	out->OutputString(out, text);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	SIMPLE_TEXT_OUTPUT_INTERFACE *out = st->ConOut;
	UINTN columns = 0, rows = 0;

	InitializeLib(image, st);
	out->QueryMode(out, (UINTN)out->Mode->Mode, &columns, &rows);
	Print(L"CONSOLE-MODE %d %lux%lu\r\n", out->Mode->Mode, columns, rows);
	out->SetAttribute(out, EFI_TEXT_ATTR(EFI_LIGHTGRAY, EFI_BLACK));
	out->EnableCursor(out, FALSE);
	out->ClearScreen(out);
#define STEP(c, r, a, t) step(out, c, r, a, t, columns, rows);
	SCRIPT
#undef STEP
	/* The cursor last, on a known cell: its two bottom pixel rows inverted (CURSOR_CELL). */
	out->SetCursorPosition(out, CURSOR_COLUMN, CURSOR_ROW);
	out->EnableCursor(out, TRUE);
	for (;;)
		st->BootServices->Stall(100000);
}
