/* SPDX-License-Identifier: MIT */
/* EDID base block parsing: header, checksum and the first detailed timing's active size. */
#include "lib/formats/edid.h"

static const UINT8 edid_header[8] = { 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 };

/* E-EDID 1.4 §3.10: the first 18-byte descriptor at 54 is the preferred timing mode. */
#define EDID_FIRST_DESCRIPTOR 54

EFI_STATUS edid_preferred_size(const UINT8 *edid, UINTN size, UINT32 *ret_width,
			       UINT32 *ret_height)
{
	const UINT8 *d = edid + EDID_FIRST_DESCRIPTOR;
	UINT8 sum = 0;
	UINT32 width, height;

	if (!edid || size < EDID_BLOCK_SIZE)
		return EFI_NOT_FOUND;
	for (UINTN i = 0; i < sizeof(edid_header); i++) {
		if (edid[i] != edid_header[i])
			return EFI_NOT_FOUND;
	}
	for (UINTN i = 0; i < EDID_BLOCK_SIZE; i++)
		sum = (UINT8)(sum + edid[i]);
	if (sum)
		return EFI_CRC_ERROR;
	/* A pixel clock of 0 marks a display descriptor (name, range limits), not a timing. */
	if (!d[0] && !d[1])
		return EFI_UNSUPPORTED;
	/* Active pixels: low 8 bits in bytes 2 and 5, high 4 bits in the upper nibble of 4 and 7. */
	width = d[2] | (UINT32)(d[4] & 0xf0) << 4;
	height = d[5] | (UINT32)(d[7] & 0xf0) << 4;
	if (!width || !height)
		return EFI_UNSUPPORTED;
	*ret_width = width;
	*ret_height = height;
	return EFI_SUCCESS;
}
