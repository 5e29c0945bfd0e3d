/* SPDX-License-Identifier: MIT */
/* ConOut as EDK2's ConSplitter: one SimpleTextOutput over the serial terminal and the screen. */
#include "include/efi/protocol/graphics_output.h"
#include "include/efi/protocol/simple_text_in.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/protocols/console.h"
#include "stage1/protocols/console_splitter.h"
#include "stage1/protocols/text_gop.h"

#define LOG_PREFIX "console: "
#include "lib/log.h"

/* Boot lines logged before the screen exists, drawn once it does. */
#define BACKLOG_BYTES 4096

static EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *serial_out, *screen_out;
static SIMPLE_TEXT_OUTPUT_MODE mode;
static char backlog[BACKLOG_BYTES];
static UINTN backlog_used;
static BOOLEAN mirroring;

/* The console whose geometry and cursor the splitter reports: the screen once there is one. */
static EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *primary(void)
{
	return screen_out ? screen_out : serial_out;
}

static void sync_mode(void)
{
	const SIMPLE_TEXT_OUTPUT_MODE *m = primary()->Mode;
	UINTN columns, rows;

	/* The screen changed its text mode by itself (it follows GOP mode changes): so does serial. */
	if (screen_out && m->Mode != mode.Mode &&
	    !EFI_ERROR(screen_out->QueryMode(screen_out, (UINTN)m->Mode, &columns, &rows)))
		console_serial_resize(columns, rows);
	mode.MaxMode = m->MaxMode;
	mode.Mode = m->Mode;
	mode.Attribute = m->Attribute;
	mode.CursorColumn = m->CursorColumn;
	mode.CursorRow = m->CursorRow;
	mode.CursorVisible = m->CursorVisible;
}

/* The first failure of the two, so a caller hears of a console that refused. */
static EFI_STATUS first_error(EFI_STATUS a, EFI_STATUS b)
{
	return EFI_ERROR(a) ? a : b;
}

static EFI_STATUS EFIAPI splitter_output_string(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						CHAR16 *String)
{
	/* The terminal's escape state and the cursor are one: no notification writes meanwhile. */
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status = serial_out->OutputString(serial_out, String);

	if (screen_out)
		status = first_error(status, screen_out->OutputString(screen_out, String));
	sync_mode();
	efi_restore_tpl(old);
	return status;
}

static EFI_STATUS EFIAPI splitter_test_string(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This, CHAR16 *String)
{
	return primary()->TestString(primary(), String);
}

static EFI_STATUS EFIAPI splitter_query_mode(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
					     UINTN ModeNumber, UINTN *Columns, UINTN *Rows)
{
	if (ModeNumber >= (UINTN)mode.MaxMode && Columns && Rows)
		return EFI_UNSUPPORTED;
	return primary()->QueryMode(primary(), ModeNumber, Columns, Rows);
}

static EFI_STATUS EFIAPI splitter_set_mode(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This, UINTN ModeNumber)
{
	UINTN columns, rows;
	EFI_STATUS status;

	if (!screen_out)
		return serial_out->SetMode(serial_out, ModeNumber);
	status = screen_out->QueryMode(screen_out, ModeNumber, &columns, &rows);
	if (EFI_ERROR(status))
		return EFI_UNSUPPORTED;
	status = screen_out->SetMode(screen_out, ModeNumber);
	if (!EFI_ERROR(status)) {
		/* The terminal has no modes of its own: it takes the screen's size. */
		console_serial_resize(columns, rows);
		serial_out->ClearScreen(serial_out);
	}
	sync_mode();
	return status;
}

static EFI_STATUS EFIAPI splitter_set_attribute(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						UINTN Attribute)
{
	EFI_STATUS status = serial_out->SetAttribute(serial_out, Attribute);

	if (screen_out)
		status = first_error(status, screen_out->SetAttribute(screen_out, Attribute));
	sync_mode();
	return status;
}

static EFI_STATUS EFIAPI splitter_clear_screen(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This)
{
	EFI_STATUS status = serial_out->ClearScreen(serial_out);

	if (screen_out)
		status = first_error(status, screen_out->ClearScreen(screen_out));
	sync_mode();
	return status;
}

static EFI_STATUS EFIAPI splitter_set_cursor_position(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						      UINTN Column, UINTN Row)
{
	EFI_STATUS status = primary()->SetCursorPosition(primary(), Column, Row);

	/* Checked by the primary first, so an out-of-range call moves neither. */
	if (!EFI_ERROR(status) && screen_out)
		status = serial_out->SetCursorPosition(serial_out, Column, Row);
	sync_mode();
	return status;
}

static EFI_STATUS EFIAPI splitter_enable_cursor(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						BOOLEAN Visible)
{
	EFI_STATUS status = serial_out->EnableCursor(serial_out, Visible);

	if (screen_out)
		status = first_error(status, screen_out->EnableCursor(screen_out, Visible));
	sync_mode();
	return status;
}

static EFI_STATUS EFIAPI splitter_reset(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
					BOOLEAN ExtendedVerification)
{
	EFI_STATUS status = serial_out->Reset(serial_out, ExtendedVerification);

	if (screen_out) {
		status = first_error(status, screen_out->Reset(screen_out, ExtendedVerification));
		console_serial_resize(80, 25);
	}
	sync_mode();
	return status;
}

static EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL splitter_out = {
	.Reset = splitter_reset,
	.OutputString = splitter_output_string,
	.TestString = splitter_test_string,
	.QueryMode = splitter_query_mode,
	.SetMode = splitter_set_mode,
	.SetAttribute = splitter_set_attribute,
	.ClearScreen = splitter_clear_screen,
	.SetCursorPosition = splitter_set_cursor_position,
	.EnableCursor = splitter_enable_cursor,
	.Mode = &mode,
};

/* Draw log text on the screen only (the log wrote the UART itself); "\n" ends a line there. */
static void draw_log_text(const char *s, UINTN n)
{
	CHAR16 buf[128];
	UINTN used = 0;

	for (UINTN i = 0; i < n; i++) {
		if (used + 3 > sizeof(buf) / sizeof(buf[0])) {
			buf[used] = 0;
			screen_out->OutputString(screen_out, buf);
			used = 0;
		}
		if (s[i] == '\n')
			buf[used++] = CHAR_CARRIAGE_RETURN;
		/* Log text is ASCII or Latin-1 bytes; either maps onto UCS-2 as it is. */
		buf[used++] = (UINT8)s[i];
	}
	buf[used] = 0;
	screen_out->OutputString(screen_out, buf);
	sync_mode();
}

static void log_mirror(const char *line, UINTN length)
{
	EFI_TPL old;

	/* A log line from inside the screen's own drawing would draw into itself. */
	if (mirroring)
		return;
	old = efi_raise_tpl(TPL_NOTIFY);
	mirroring = TRUE;
	if (screen_out) {
		draw_log_text(line, length);
	} else if (backlog_used + length <= sizeof(backlog)) {
		memcpy(backlog + backlog_used, line, length);
		backlog_used += length;
	}
	mirroring = FALSE;
	efi_restore_tpl(old);
}

void console_splitter_keep_log(void)
{
	log_set_mirror(log_mirror);
}

EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *console_splitter_init(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *serial)
{
	serial_out = serial;
	sync_mode();
	return &splitter_out;
}

EFI_STATUS console_splitter_add_screen(void)
{
	static const EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *out;
	EFI_HANDLE *handles;
	UINTN count, columns, rows;
	EFI_STATUS status;

	/* The first display found (the lowest PCI address) carries the console. */
	status = handle_find_all(&gop_guid, &handles, &count);
	if (EFI_ERROR(status))
		return status;
	status = handle_lookup(handles[0], &gop_guid, (void **)&gop);
	pool_free(handles);
	if (EFI_ERROR(status))
		return status;
	status = text_gop_init(gop, &out);
	if (EFI_ERROR(status))
		return status;
	out->QueryMode(out, (UINTN)out->Mode->Mode, &columns, &rows);
	console_serial_resize(columns, rows);
	screen_out = out;
	sync_mode();
	if (backlog_used)
		draw_log_text(backlog, backlog_used);
	backlog_used = 0;
	log_info("text console %llux%llu on the screen", (UINT64)columns, (UINT64)rows);
	return EFI_SUCCESS;
}
