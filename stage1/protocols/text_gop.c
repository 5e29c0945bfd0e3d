/* SPDX-License-Identifier: MIT */
/* A text console drawn on a GOP with the built-in font, as EDK2's GraphicsConsole (UEFI §12.4). */
#include "include/efi/protocol/graphics_output.h"
#include "include/efi/protocol/simple_text_in.h"
#include "lib/formats/font.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/memory.h"
#include "stage1/protocols/text_gop.h"

#define LOG_PREFIX "text_gop: "
#include "lib/log.h"

/* EDK2's text modes: 0 is 80x25, 1 is 80x50, 2 is 100x31 where they fit, 3 the whole screen. */
#define TEXT_MODES	4

static const struct {
	UINT32 columns, rows;
} fixed_modes[TEXT_MODES - 1] = { { 80, 25 }, { 80, 50 }, { 100, 31 } };

/* The 16 colours of the EFI attribute, as the VGA palette has them (blue, green, red). */
static const EFI_GRAPHICS_OUTPUT_BLT_PIXEL palette[16] = {
	{ 0x00, 0x00, 0x00 }, { 0xaa, 0x00, 0x00 }, { 0x00, 0xaa, 0x00 }, { 0xaa, 0xaa, 0x00 },
	{ 0x00, 0x00, 0xaa }, { 0xaa, 0x00, 0xaa }, { 0x00, 0x55, 0xaa }, { 0xaa, 0xaa, 0xaa },
	{ 0x55, 0x55, 0x55 }, { 0xff, 0x55, 0x55 }, { 0x55, 0xff, 0x55 }, { 0xff, 0xff, 0x55 },
	{ 0x55, 0x55, 0xff }, { 0xff, 0x55, 0xff }, { 0x55, 0xff, 0xff }, { 0xff, 0xff, 0xff },
};

static EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
static const struct font *font = &font_console;
static SIMPLE_TEXT_OUTPUT_MODE mode;
static UINT32 columns, rows, origin_x, origin_y; /* of the mode set */
static UINT32 laid_out_width, laid_out_height;	 /* the screen's resolution when it was set */
static BOOLEAN cursor_shown;			 /* whether the cursor is drawn on the screen now */
static EFI_GRAPHICS_OUTPUT_BLT_PIXEL cursor_pixels[2 * 8]; /* two rows of a cell */

static void follow_screen(void);

/* Columns and rows of text mode number, or FALSE if it does not fit the screen. */
static BOOLEAN mode_size(UINTN number, UINT32 *ret_columns, UINT32 *ret_rows)
{
	UINT32 max_columns = gop->Mode->Info->HorizontalResolution / font->width;
	UINT32 max_rows = gop->Mode->Info->VerticalResolution / font->height;
	UINT32 c, r;

	if (number >= TEXT_MODES)
		return FALSE;
	if (number < TEXT_MODES - 1) {
		c = fixed_modes[number].columns;
		r = fixed_modes[number].rows;
	} else {
		/* The whole screen, only when it is more than 100x31 (else it repeats a mode). */
		c = max_columns;
		r = max_rows;
		if (c * r <= 100 * 31)
			return FALSE;
	}
	if (c > max_columns || r > max_rows)
		return FALSE;
	*ret_columns = c;
	*ret_rows = r;
	return TRUE;
}

static EFI_GRAPHICS_OUTPUT_BLT_PIXEL foreground(void)
{
	return palette[mode.Attribute & 0x0f];
}

static EFI_GRAPHICS_OUTPUT_BLT_PIXEL background(void)
{
	return palette[(mode.Attribute >> 4) & 0x07];
}

static void fill(EFI_GRAPHICS_OUTPUT_BLT_PIXEL colour, UINTN x, UINTN y, UINTN w, UINTN h)
{
	gop->Blt(gop, &colour, EfiBltVideoFill, 0, 0, x, y, w, h, 0);
}

/*
 * The frame buffer, when text may be drawn straight into it: one in BGRX that the device shows
 * as it is (a Blt-only or converted screen needs its Blt to copy or flush). Half the stores of
 * drawing into run_pixels and copying that with a Blt.
 */
static EFI_GRAPHICS_OUTPUT_BLT_PIXEL *direct_frame_buffer(void)
{
	if (!gop->Mode->FrameBufferBase ||
	    gop->Mode->Info->PixelFormat != PixelBlueGreenRedReserved8BitPerColor)
		return NULL;
	return (EFI_GRAPHICS_OUTPUT_BLT_PIXEL *)(UINTN)gop->Mode->FrameBufferBase;
}

/* Invert the cell's two bottom pixel rows, as EDK2 draws its cursor: the same call removes it. */
static void toggle_cursor(void)
{
	UINTN x = origin_x + (UINTN)mode.CursorColumn * font->width;
	UINTN y = origin_y + ((UINTN)mode.CursorRow + 1) * font->height - 2;
	UINTN n = font->width * 2;
	EFI_GRAPHICS_OUTPUT_BLT_PIXEL *fb = direct_frame_buffer();

	cursor_shown = !cursor_shown;
	if (fb) {
		/* In place, as the text is drawn: no Blt code to run (or translate, under TCG). */
		UINTN pitch = gop->Mode->Info->PixelsPerScanLine;
		EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);

		for (UINTN row = 0; row < 2; row++) {
			UINT32 *p = (UINT32 *)(fb + (y + row) * pitch + x);

			for (UINTN i = 0; i < font->width; i++)
				p[i] ^= 0x00ffffff;
		}
		efi_restore_tpl(old);
		return;
	}
	gop->Blt(gop, cursor_pixels, EfiBltVideoToBltBuffer, x, y, 0, 0, font->width, 2, 0);
	for (UINTN i = 0; i < n; i++) {
		cursor_pixels[i].Blue ^= 0xff;
		cursor_pixels[i].Green ^= 0xff;
		cursor_pixels[i].Red ^= 0xff;
	}
	gop->Blt(gop, cursor_pixels, EfiBltBufferToVideo, 0, 0, x, y, font->width, 2, 0);
}

static void hide_cursor(void)
{
	if (cursor_shown)
		toggle_cursor();
}

static void show_cursor(void)
{
	if (mode.CursorVisible && !cursor_shown)
		toggle_cursor();
}

/*
 * Four pixels for each nibble of glyph bits, in the colours of the attribute they were made for:
 * a glyph row of 8 pixels is two copies rather than eight decisions, which TCG runs far faster.
 */
struct quad {
	EFI_GRAPHICS_OUTPUT_BLT_PIXEL pixel[4];
};

static struct quad nibble_pixels[16];
static INT32 nibble_attribute = -1;

/*
 * Glyphs are drawn a run of cells at a time, in one Blt: a Blt per character cost more than its
 * pixels. ASCII's glyphs are looked up once, not searched for in the Unicode table each time.
 */
#define RUN_CELLS 32
#define ASCII_FIRST 0x20
#define ASCII_END 0x7f

static struct quad *run_pixels;	/* RUN_CELLS cells side by side */
static const UINT8 *ascii_glyphs[ASCII_END - ASCII_FIRST];

static const UINT8 *glyph_of(CHAR16 c)
{
	if (c >= ASCII_FIRST && c < ASCII_END)
		return ascii_glyphs[c - ASCII_FIRST];
	return font_glyph(font, c);
}

/*
 * The n glyphs side by side at dst, whose pixel rows are pitch pixels apart. A glyph at a time,
 * each of its rows one byte and two quads, the font's height read once: boot lines are most of
 * the text drawn, and each instruction of the inner loop runs 16 times a character (the loop
 * drawing a row of every glyph in turn took twice the instructions).
 */
static void expand_glyphs(const UINT8 *const *glyphs, UINTN n, EFI_GRAPHICS_OUTPUT_BLT_PIXEL *dst,
			  UINTN pitch)
{
	const UINTN height = font->height;

	/* text_gop_init accepts only fonts 8 pixels wide: a byte a row. */
	for (UINTN k = 0; k < n; k++, dst += 8) {
		EFI_GRAPHICS_OUTPUT_BLT_PIXEL *p = dst;

		for (const UINT8 *bits = glyphs[k], *end = bits + height; bits < end;
		     bits++, p += pitch) {
			struct quad *q = (struct quad *)p;

			q[0] = nibble_pixels[*bits >> 4];
			q[1] = nibble_pixels[*bits & 0x0f];
		}
	}
}

/* Draw the n (at most RUN_CELLS) printable characters of s from the cursor on, on its row. */
static void draw_run(const CHAR16 *s, UINTN n)
{
	const UINT8 *glyphs[RUN_CELLS];
	EFI_GRAPHICS_OUTPUT_BLT_PIXEL *fb = direct_frame_buffer();
	UINTN x = origin_x + (UINTN)mode.CursorColumn * font->width;
	UINTN y = origin_y + (UINTN)mode.CursorRow * font->height;

	if (nibble_attribute != mode.Attribute) {
		const EFI_GRAPHICS_OUTPUT_BLT_PIXEL colours[2] = { background(), foreground() };

		for (UINT32 v = 0; v < 16; v++) {
			for (UINT32 i = 0; i < 4; i++)
				nibble_pixels[v].pixel[i] = colours[(v >> (3 - i)) & 1];
		}
		nibble_attribute = mode.Attribute;
	}
	for (UINTN k = 0; k < n; k++)
		glyphs[k] = glyph_of(s[k]);
	if (fb) {
		UINTN pitch = gop->Mode->Info->PixelsPerScanLine;
		/* As a Blt: no event draws in the middle of it. */
		EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);

		expand_glyphs(glyphs, n, fb + y * pitch + x, pitch);
		efi_restore_tpl(old);
		return;
	}
	expand_glyphs(glyphs, n, &run_pixels->pixel[0], n * font->width);
	gop->Blt(gop, &run_pixels->pixel[0], EfiBltBufferToVideo, 0, 0, x, y, n * font->width,
		 font->height, 0);
}

/* Move the text up one row, with a blank last row in the current background. */
static void scroll(void)
{
	UINTN w = (UINTN)columns * font->width, h = (UINTN)(rows - 1) * font->height;

	if (h)
		gop->Blt(gop, NULL, EfiBltVideoToVideo, origin_x, origin_y + font->height, origin_x,
			 origin_y, w, h, 0);
	fill(background(), origin_x, origin_y + h, w, font->height);
}

static void line_feed(void)
{
	if (mode.CursorRow + 1 < (INT32)rows)
		mode.CursorRow++;
	else
		scroll();
}

static EFI_STATUS EFIAPI text_gop_output_string(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						CHAR16 *String)
{
	UINTN n;

	if (!String)
		return EFI_INVALID_PARAMETER;
	follow_screen();
	if (!columns)
		return EFI_DEVICE_ERROR;
	hide_cursor();
	for (; *String; String++) {
		switch (*String) {
		case CHAR_LINEFEED:
			line_feed();
			break;
		case CHAR_CARRIAGE_RETURN:
			mode.CursorColumn = 0;
			break;
		case CHAR_BACKSPACE:
			if (mode.CursorColumn > 0) {
				mode.CursorColumn--;
			} else if (mode.CursorRow > 0) {
				mode.CursorRow--;
				mode.CursorColumn = (INT32)columns - 1;
			}
			break;
		default:
			/* Other control characters have no glyph; tabs and bells are the caller's. */
			if (*String < 0x20)
				break;
			n = 1;
			while (n < RUN_CELLS && n < columns - (UINTN)mode.CursorColumn &&
			       String[n] >= 0x20)
				n++;
			draw_run(String, n);
			String += n - 1;
			mode.CursorColumn += (INT32)n;
			if (mode.CursorColumn >= (INT32)columns) {
				mode.CursorColumn = 0;
				line_feed();
			}
		}
	}
	show_cursor();
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_gop_test_string(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This, CHAR16 *String)
{
	if (!String)
		return EFI_INVALID_PARAMETER;
	for (; *String; String++) {
		if (*String >= 0x20 && !font_has_glyph(font, *String))
			return EFI_UNSUPPORTED;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_gop_query_mode(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
					     UINTN ModeNumber, UINTN *Columns, UINTN *Rows)
{
	UINT32 c, r;

	if (!Columns || !Rows)
		return EFI_INVALID_PARAMETER;
	if (!mode_size(ModeNumber, &c, &r))
		return EFI_UNSUPPORTED;
	*Columns = c;
	*Rows = r;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_gop_clear_screen(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This)
{
	follow_screen();
	/* The whole screen, borders around a small mode included, as GraphicsConsole does. */
	fill(background(), 0, 0, gop->Mode->Info->HorizontalResolution,
	     gop->Mode->Info->VerticalResolution);
	cursor_shown = FALSE;
	mode.CursorColumn = 0;
	mode.CursorRow = 0;
	show_cursor();
	return EFI_SUCCESS;
}

/* Take the geometry of a mode that fits, without drawing. */
static void use_mode(UINTN number, UINT32 c, UINT32 r)
{
	columns = c;
	rows = r;
	/* A mode smaller than the screen sits in its middle. */
	origin_x = (gop->Mode->Info->HorizontalResolution - c * font->width) / 2;
	origin_y = (gop->Mode->Info->VerticalResolution - r * font->height) / 2;
	mode.Mode = (INT32)number;
	laid_out_width = gop->Mode->Info->HorizontalResolution;
	laid_out_height = gop->Mode->Info->VerticalResolution;
}

/* The largest text mode of the screen now, and its size; FALSE if none fits. */
static BOOLEAN largest_mode(UINTN *ret_number, UINT32 *ret_columns, UINT32 *ret_rows)
{
	BOOLEAN found = FALSE;
	UINT32 c, r;

	for (UINTN i = 0; i < TEXT_MODES; i++) {
		if (mode_size(i, &c, &r)) {
			*ret_number = i;
			*ret_columns = c;
			*ret_rows = r;
			found = TRUE;
		}
	}
	return found;
}

/*
 * A payload set another GOP mode (which cleared the screen): lay the text out again in the new
 * resolution's largest mode, from the top left, as GraphicsConsole does on a mode change.
 */
static void follow_screen(void)
{
	UINTN number;
	UINT32 c, r;

	if (gop->Mode->Info->HorizontalResolution == laid_out_width &&
	    gop->Mode->Info->VerticalResolution == laid_out_height)
		return;
	if (!largest_mode(&number, &c, &r)) {
		/* Too small for 80x25: draw nothing rather than off the screen. */
		columns = rows = 0;
		return;
	}
	use_mode(number, c, r);
	cursor_shown = FALSE;
	mode.CursorColumn = 0;
	mode.CursorRow = 0;
}

static EFI_STATUS EFIAPI text_gop_set_mode(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This, UINTN ModeNumber)
{
	UINT32 c, r;

	if (!mode_size(ModeNumber, &c, &r))
		return EFI_UNSUPPORTED;
	use_mode(ModeNumber, c, r);
	return text_gop_clear_screen(This);
}

static EFI_STATUS EFIAPI text_gop_set_attribute(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						UINTN Attribute)
{
	if (Attribute & ~0x7full)
		return EFI_UNSUPPORTED;
	mode.Attribute = (INT32)Attribute;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_gop_set_cursor_position(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						      UINTN Column, UINTN Row)
{
	follow_screen();
	if (Column >= columns || Row >= rows)
		return EFI_UNSUPPORTED;
	hide_cursor();
	mode.CursorColumn = (INT32)Column;
	mode.CursorRow = (INT32)Row;
	show_cursor();
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_gop_enable_cursor(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						BOOLEAN Visible)
{
	follow_screen();
	hide_cursor();
	mode.CursorVisible = Visible;
	show_cursor();
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_gop_reset(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
					BOOLEAN ExtendedVerification)
{
	text_gop_set_attribute(This, EFI_TEXT_ATTR(EFI_LIGHTGRAY, EFI_BLACK));
	return text_gop_set_mode(This, 0);
}

static EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL text_gop_out = {
	.Reset = text_gop_reset,
	.OutputString = text_gop_output_string,
	.TestString = text_gop_test_string,
	.QueryMode = text_gop_query_mode,
	.SetMode = text_gop_set_mode,
	.SetAttribute = text_gop_set_attribute,
	.ClearScreen = text_gop_clear_screen,
	.SetCursorPosition = text_gop_set_cursor_position,
	.EnableCursor = text_gop_enable_cursor,
	.Mode = &mode,
};

EFI_STATUS text_gop_init(EFI_GRAPHICS_OUTPUT_PROTOCOL *screen,
			 EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL **ret_out)
{
	EFI_STATUS status;
	UINTN largest;
	UINT32 c, r;

	status = font_unpack(font);
	if (EFI_ERROR(status))
		return log_error_status(status, "the console font's glyphs do not unpack");
	if (font->width != 8 || font->bytes_per_row != 1)
		return log_error_status(EFI_UNSUPPORTED, "a %ux%u font: text is drawn 8 pixels a cell",
					font->width, font->height);
	gop = screen;
	/* A screen drawn in place needs no buffer, and its format is the device's for good. */
	if (!direct_frame_buffer() && !run_pixels) {
		run_pixels = pool_alloc(EfiBootServicesData,
					(UINTN)RUN_CELLS * font->width * font->height * 4);
		if (!run_pixels)
			return log_error_status(EFI_OUT_OF_RESOURCES, "no memory to draw text in");
	}
	for (CHAR16 ch = ASCII_FIRST; ch < ASCII_END; ch++)
		ascii_glyphs[ch - ASCII_FIRST] = font_glyph(font, ch);
	mode = (SIMPLE_TEXT_OUTPUT_MODE){ .MaxMode = TEXT_MODES,
					  .Attribute = EFI_TEXT_ATTR(EFI_LIGHTGRAY, EFI_BLACK),
					  .CursorVisible = TRUE };
	if (!largest_mode(&largest, &c, &r))
		return log_warn_status(EFI_UNSUPPORTED, "%ux%u is too small for 80x25 text",
				       gop->Mode->Info->HorizontalResolution,
				       gop->Mode->Info->VerticalResolution);
	/*
	 * The largest mode: boot lines of 100 columns fit, and the screen has no idle border. GOP's
	 * SetMode has just cleared the screen to black, the background of the start attribute:
	 * a second clear would only cost time (3 MiB of writes at 1024x768).
	 */
	use_mode(largest, c, r);
	show_cursor();
	*ret_out = &text_gop_out;
	return EFI_SUCCESS;
}
