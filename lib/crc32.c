/* SPDX-License-Identifier: MIT */
/* CRC-32 with a 16-entry table: small enough for the ROM, fast enough for GPT and table headers. */
#include "lib/crc32.h"

/* Polynomial 0xEDB88320 (reflected 0x04C11DB7), one nibble at a time. */
static const UINT32 crc32_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
	0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

UINT32 crc32_update(UINT32 crc, const void *data, UINTN size)
{
	const UINT8 *p = data;

	crc = ~crc;
	while (size--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ crc32_nibble[crc & 0xf];
		crc = (crc >> 4) ^ crc32_nibble[crc & 0xf];
	}
	return ~crc;
}

UINT32 crc32(const void *data, UINTN size)
{
	return crc32_update(0, data, size);
}
