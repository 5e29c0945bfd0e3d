/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: any bytes as an LZ4 block, decoded into an output of exactly the size the
 * first two bytes ask for; what decodes must match a byte-by-byte reference decoder.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lz4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A 4-bit length of 15 goes on in the bytes after it while they are 255; 0 if they run out. */
static int extend(const uint8_t *s, size_t size, size_t *i, size_t *len)
{
	if (*len != 15)
		return 1;
	do {
		if (*i == size)
			return 0;
		*len += s[*i];
	} while (s[(*i)++] == 255);
	return 1;
}

/* The block format read plainly, one byte at a time; -1 when it is malformed. */
static long reference_decode(const uint8_t *s, size_t size, uint8_t *d, size_t room)
{
	size_t i = 0, n = 0;

	while (i < size) {
		size_t token = s[i++], len = token >> 4, off;

		if (!extend(s, size, &i, &len) || len > size - i || len > room - n)
			return -1;
		while (len--)
			d[n++] = s[i++];
		if (i == size)
			break;
		if (size - i < 2)
			return -1;
		off = s[i] | (size_t)s[i + 1] << 8;
		i += 2;
		len = token & 15;
		if (!off || off > n || !extend(s, size, &i, &len) || len + 4 > room - n)
			return -1;
		for (len += 4; len; len--, n++)
			d[n] = d[n - off];
	}
	return (long)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t room, block_size;
	uint8_t *block, *out, *expected;
	UINTN n = 0;
	long want;

	if (size < 2)
		return 0;
	room = data[0] | (size_t)(data[1] & 0x3f) << 8;
	block_size = size - 2;
	/* Exact-size copies, so a read past the block or a write past the output is caught. */
	block = malloc(block_size ? block_size : 1);
	out = malloc(room ? room : 1);
	expected = malloc(room ? room : 1);
	if (!block || !out || !expected)
		abort();
	memcpy(block, data + 2, block_size);
	want = reference_decode(block, block_size, expected, room);
	if (lz4_decode(block, block_size, out, room, &n) == EFI_SUCCESS) {
		if (want < 0 || n != (UINTN)want || memcmp(out, expected, n) != 0)
			abort();
	} else if (want >= 0) {
		abort();
	}
	free(expected);
	free(out);
	free(block);
	return 0;
}
