/* SPDX-License-Identifier: MIT */
/* Bitmap console fonts: glyphs and the Unicode table that maps UCS-2 characters onto them. */
#pragma once

#include "include/efi/types.h"

struct font_map_entry {
	UINT16 code;  /* UCS-2 code point */
	UINT16 glyph; /* index into the glyphs */
};

struct font {
	UINT32 width, height; /* pixels of one glyph */
	UINT32 bytes_per_row; /* rows are bit-packed, most significant bit leftmost */
	UINT32 glyph_count;
	UINT16 fallback;     /* the glyph of characters the font lacks (U+FFFD or '?') */
	const UINT8 *glyphs; /* glyph_count * height * bytes_per_row bytes */
	const struct font_map_entry *map; /* sorted by code */
	UINTN map_count;
	/* When packed_size is not 0: glyphs are an LZ4 block (lib/lz4.h) unpacked into glyph_buffer. */
	const UINT8 *packed_glyphs;
	UINT32 packed_size;
	UINT8 *glyph_buffer; /* what glyphs points to */
	/*
	 * When packed_map_size is not 0: the map is an LZ4 block of map_count entries holding each
	 * code's and glyph's difference from the entry before (from 0 for the first), unpacked and
	 * summed into map_buffer, what map points to.
	 */
	const UINT8 *packed_map;
	UINT32 packed_map_size;
	struct font_map_entry *map_buffer;
};

/*
 * Unpack a packed font's glyphs and map, before the first lookup (again is harmless).
 * EFI_SUCCESS for a font that is not packed; EFI_COMPROMISED_DATA when a block does not unpack
 * to exactly glyph_count glyphs or map_count entries.
 */
EFI_STATUS font_unpack(const struct font *f);
/* The bitmap of character c, or of the font's fallback glyph when it has none for c. */
const UINT8 *font_glyph(const struct font *f, CHAR16 c);
/* Whether the font has a glyph of its own for c. */
BOOLEAN font_has_glyph(const struct font *f, CHAR16 c);

/* The console font built into stage1 (generated at build time from a Debian PSF). */
extern const struct font font_console;
