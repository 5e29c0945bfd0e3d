/* SPDX-License-Identifier: MIT */
/* LZ4 block decoding with every length and offset checked, for tables packed at build time. */
#include "lib/lz4.h"

/* A length whose 4-bit field was 15 continues in 255-runs; limit bounds it before it can wrap. */
static BOOLEAN lz4_length(const UINT8 **src, const UINT8 *end, UINTN *len, UINTN limit)
{
	UINT8 b;

	if (*len != 15)
		return TRUE;
	do {
		if (*src == end || *len > limit)
			return FALSE;
		b = *(*src)++;
		*len += b;
	} while (b == 255);
	return TRUE;
}

EFI_STATUS lz4_decode(const void *src, UINTN src_size, void *dst, UINTN dst_size, UINTN *ret_size)
{
	const UINT8 *s = src, *end = s + src_size;
	UINT8 *d = dst;
	UINTN n = 0;

	while (s < end) {
		UINT8 token = *s++;
		UINTN len = token >> 4, off;

		if (!lz4_length(&s, end, &len, dst_size) || len > (UINTN)(end - s) ||
		    len > dst_size - n)
			return EFI_COMPROMISED_DATA;
		for (UINTN i = 0; i < len; i++)
			d[n++] = *s++;
		if (s == end)
			break; /* the last sequence is literals only */
		if (end - s < 2)
			return EFI_COMPROMISED_DATA;
		off = s[0] | (UINTN)s[1] << 8;
		s += 2;
		len = token & 15;
		if (!off || off > n || !lz4_length(&s, end, &len, dst_size) ||
		    len + 4 > dst_size - n)
			return EFI_COMPROMISED_DATA;
		/* Byte by byte: a match may overlap the bytes it is producing. */
		for (len += 4; len; len--, n++)
			d[n] = d[n - off];
	}
	*ret_size = n;
	return EFI_SUCCESS;
}
