// SPDX-License-Identifier: MIT
/* Console: OutputString, QueryMode, SetMode, SetAttribute, cursor calls and input return codes. */
#include "efi-apps/selftest/selftest.h"

static INT32 saved_attr;

static EFI_STATUS save(void)
{
	saved_attr = ST->ConOut->Mode->Attribute;
	return EFI_SUCCESS;
}

static void restore(void)
{
	ST->ConOut->SetAttribute(ST->ConOut, (UINTN)saved_attr);
}

static EFI_STATUS output_string(void)
{
	SIMPLE_TEXT_OUTPUT_INTERFACE *out = ST->ConOut;

	CHECK_OK(out->OutputString(out, L"console: OutputString line\r\n"));
	CHECK_OK(out->OutputString(out, L""));
	CHECK_OK(out->TestString(out, L"plain ASCII"));
	return EFI_SUCCESS;
}

static EFI_STATUS query_mode(void)
{
	SIMPLE_TEXT_OUTPUT_INTERFACE *out = ST->ConOut;
	UINTN cols = 0, rows = 0;
	EFI_STATUS status;

	CHECK(out->Mode, "no Mode");
	CHECK(out->Mode->MaxMode >= 1, "MaxMode %d", out->Mode->MaxMode);
	CHECK(out->Mode->Mode >= 0 && out->Mode->Mode < out->Mode->MaxMode, "Mode %d of %d",
	      out->Mode->Mode, out->Mode->MaxMode);
	/* Mode 0 is 80x25 on every console (UEFI 2.10 §12.4). */
	CHECK_OK(out->QueryMode(out, 0, &cols, &rows));
	CHECK(cols == 80 && rows == 25, "mode 0 is %ldx%ld", (INT64)cols, (INT64)rows);
	/* Mode 1 (80x50) is optional: it exists or is EFI_UNSUPPORTED. */
	if (out->Mode->MaxMode > 1) {
		status = out->QueryMode(out, 1, &cols, &rows);
		CHECK(status == EFI_SUCCESS || status == EFI_UNSUPPORTED, "mode 1: %r", status);
		if (status == EFI_SUCCESS)
			CHECK(cols == 80 && rows == 50, "mode 1 is %ldx%ld", (INT64)cols,
			      (INT64)rows);
	}
	CHECK_STATUS(out->QueryMode(out, out->Mode->MaxMode, &cols, &rows), EFI_UNSUPPORTED);
	CHECK_STATUS(out->SetMode(out, out->Mode->MaxMode), EFI_UNSUPPORTED);
	return EFI_SUCCESS;
}

static EFI_STATUS set_attribute(void)
{
	SIMPLE_TEXT_OUTPUT_INTERFACE *out = ST->ConOut;
	UINTN attr = EFI_TEXT_ATTR(EFI_YELLOW, EFI_BLUE);

	CHECK_OK(out->SetAttribute(out, attr));
	CHECK(out->Mode->Attribute == (INT32)attr, "Mode->Attribute 0x%x, set 0x%lx",
	      out->Mode->Attribute, (UINT64)attr);
	CHECK_OK(out->SetAttribute(out, EFI_TEXT_ATTR(EFI_LIGHTGRAY, EFI_BLACK)));
	/* Bits above 0x7f are not attributes; the current one stays. */
	CHECK_STATUS(out->SetAttribute(out, 0x100), EFI_UNSUPPORTED);
	CHECK(out->Mode->Attribute == EFI_TEXT_ATTR(EFI_LIGHTGRAY, EFI_BLACK),
	      "attribute changed by a refused call");
	return EFI_SUCCESS;
}

static EFI_STATUS cursor(void)
{
	SIMPLE_TEXT_OUTPUT_INTERFACE *out = ST->ConOut;
	UINTN cols, rows;

	CHECK_OK(out->QueryMode(out, (UINTN)out->Mode->Mode, &cols, &rows));
	CHECK_STATUS(out->SetCursorPosition(out, cols, 0), EFI_UNSUPPORTED);
	CHECK_STATUS(out->SetCursorPosition(out, 0, rows), EFI_UNSUPPORTED);
	CHECK_OK(out->SetCursorPosition(out, 0, out->Mode->CursorRow));
	CHECK(out->Mode->CursorColumn == 0, "CursorColumn %d after moving to 0",
	      out->Mode->CursorColumn);
	EFI_STATUS status = out->EnableCursor(out, TRUE);
	CHECK(status == EFI_SUCCESS || status == EFI_UNSUPPORTED, "EnableCursor: %r", status);
	return EFI_SUCCESS;
}

static INT32 saved_mode;

static EFI_STATUS save_mode(void)
{
	saved_mode = ST->ConOut->Mode->Mode;
	return EFI_SUCCESS;
}

static void restore_mode(void)
{
	ST->ConOut->SetMode(ST->ConOut, (UINTN)saved_mode);
}

/* Every mode QueryMode offers can be set and has its size; the others are refused. */
static EFI_STATUS set_mode(void)
{
	SIMPLE_TEXT_OUTPUT_INTERFACE *out = ST->ConOut;
	INT32 max = out->Mode->MaxMode, usable = 0;

	for (INT32 m = 0; m < max; m++) {
		UINTN cols = 0, rows = 0;
		EFI_STATUS status = out->QueryMode(out, (UINTN)m, &cols, &rows);

		CHECK(status == EFI_SUCCESS || status == EFI_UNSUPPORTED, "QueryMode %d: %r", m,
		      status);
		if (status == EFI_UNSUPPORTED) {
			CHECK_STATUS(out->SetMode(out, (UINTN)m), EFI_UNSUPPORTED);
			continue;
		}
		usable++;
		CHECK(cols >= 80 && rows >= 25, "mode %d is %ldx%ld", m, (INT64)cols, (INT64)rows);
		CHECK_OK(out->SetMode(out, (UINTN)m));
		CHECK(out->Mode->Mode == m, "Mode %d after SetMode(%d)", out->Mode->Mode, m);
		CHECK(out->Mode->MaxMode == max, "MaxMode changed to %d", out->Mode->MaxMode);
		CHECK(out->Mode->CursorColumn == 0 && out->Mode->CursorRow == 0,
		      "cursor at %d,%d after SetMode", out->Mode->CursorColumn, out->Mode->CursorRow);
		CHECK_OK(out->SetCursorPosition(out, cols - 1, rows - 1));
		CHECK(out->Mode->CursorColumn == (INT32)cols - 1 &&
			      out->Mode->CursorRow == (INT32)rows - 1,
		      "cursor at %d,%d, set %ld,%ld", out->Mode->CursorColumn, out->Mode->CursorRow,
		      (INT64)cols - 1, (INT64)rows - 1);
		CHECK_STATUS(out->SetCursorPosition(out, cols, rows - 1), EFI_UNSUPPORTED);
		CHECK_STATUS(out->SetCursorPosition(out, cols - 1, rows), EFI_UNSUPPORTED);
	}
	CHECK(usable >= 1, "no usable text mode of %d", max);
	return EFI_SUCCESS;
}

/* The cursor after text: a full line wraps, a line feed on the last row scrolls, BS steps back. */
static EFI_STATUS wrap_and_scroll(void)
{
	SIMPLE_TEXT_OUTPUT_INTERFACE *out = ST->ConOut;
	UINTN cols, rows;

	CHECK_OK(out->QueryMode(out, (UINTN)out->Mode->Mode, &cols, &rows));
	CHECK_OK(out->SetCursorPosition(out, 3, 1));
	CHECK_OK(out->OutputString(out, L"ab\b"));
	CHECK(out->Mode->CursorColumn == 4 && out->Mode->CursorRow == 1,
	      "cursor at %d,%d after ab and BS from 3,1", out->Mode->CursorColumn,
	      out->Mode->CursorRow);
	CHECK_OK(out->SetCursorPosition(out, cols - 2, 1));
	CHECK_OK(out->OutputString(out, L"yz"));
	CHECK(out->Mode->CursorColumn == 0 && out->Mode->CursorRow == 2,
	      "cursor at %d,%d after filling row 1", out->Mode->CursorColumn,
	      out->Mode->CursorRow);
	CHECK_OK(out->SetCursorPosition(out, 5, rows - 1));
	CHECK_OK(out->OutputString(out, L"last\r\n"));
	CHECK(out->Mode->CursorColumn == 0 && out->Mode->CursorRow == (INT32)rows - 1,
	      "cursor at %d,%d after a line feed on the last row", out->Mode->CursorColumn,
	      out->Mode->CursorRow);
	return EFI_SUCCESS;
}

static EFI_STATUS input(void)
{
	SIMPLE_INPUT_INTERFACE *in = ST->ConIn;
	EFI_INPUT_KEY key;

	/* Nobody types during the test: no key is waiting. */
	CHECK_OK(in->Reset(in, FALSE));
	CHECK_STATUS(in->ReadKeyStroke(in, &key), EFI_NOT_READY);
	CHECK(in->WaitForKey, "no WaitForKey event");
	CHECK_STATUS(BS->CheckEvent(in->WaitForKey), EFI_NOT_READY);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(console,
	       { "console.output_string", NULL, output_string, NULL },
	       { "console.query_mode", NULL, query_mode, NULL },
	       { "console.set_attribute", save, set_attribute, restore },
	       { "console.cursor", NULL, cursor, NULL },
	       { "console.set_mode", save_mode, set_mode, restore_mode },
	       { "console.wrap_and_scroll", NULL, wrap_and_scroll, NULL },
	       { "console.input", NULL, input, NULL });
