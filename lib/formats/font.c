/* SPDX-License-Identifier: MIT */
/* Character to glyph lookup in a console font's sorted Unicode table; unpacking its glyphs. */
#include "lib/formats/font.h"
#include "lib/lz4.h"

/* The map entry of c, or NULL. */
static const struct font_map_entry *font_find(const struct font *f, CHAR16 c)
{
	UINTN lo = 0, hi = f->map_count;

	while (lo < hi) {
		UINTN mid = lo + (hi - lo) / 2;

		if (f->map[mid].code == c)
			return f->map[mid].glyph < f->glyph_count ? &f->map[mid] : NULL;
		if (f->map[mid].code < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

EFI_STATUS font_unpack(const struct font *f)
{
	UINTN size = (UINTN)f->glyph_count * f->height * f->bytes_per_row, n;

	if (!f->packed_size)
		return EFI_SUCCESS;
	if (!f->glyph_buffer ||
	    lz4_decode(f->packed_glyphs, f->packed_size, f->glyph_buffer, size, &n) != EFI_SUCCESS ||
	    n != size)
		return EFI_COMPROMISED_DATA;
	return EFI_SUCCESS;
}

BOOLEAN font_has_glyph(const struct font *f, CHAR16 c)
{
	return font_find(f, c) != NULL;
}

const UINT8 *font_glyph(const struct font *f, CHAR16 c)
{
	const struct font_map_entry *e = font_find(f, c);
	UINT32 glyph = e ? e->glyph : f->fallback < f->glyph_count ? f->fallback : 0;

	return f->glyphs + (UINTN)glyph * f->height * f->bytes_per_row;
}
