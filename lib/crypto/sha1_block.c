/* SPDX-License-Identifier: MIT */
/* SHA-1's block function for mbedTLS (MBEDTLS_SHA1_PROCESS_ALT): one loop, not its 5.5 KB unrolled one. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <mbedtls/sha1.h>

#include "include/efi/types.h"

/*
 * FIPS 180-4 §6.1.2 with the message schedule in a 16-word ring. SHA-1 only hashes the rare
 * SHA-1-signed image or dbx entry; SHA-256, the common case, keeps mbedTLS's own code.
 */
static UINT32 rol32(UINT32 x, unsigned n)
{
	return x << n | x >> (32 - n);
}

int mbedtls_internal_sha1_process(mbedtls_sha1_context *ctx, const unsigned char data[64])
{
	UINT32 w[16], s[5], f, k, t;
	unsigned i;

	for (i = 0; i < 16; i++)
		w[i] = (UINT32)data[4 * i] << 24 | (UINT32)data[4 * i + 1] << 16 |
		       (UINT32)data[4 * i + 2] << 8 | data[4 * i + 3];
	for (i = 0; i < 5; i++)
		s[i] = ctx->state[i];
	for (i = 0; i < 80; i++) {
		if (i >= 16)
			w[i & 15] = rol32(w[(i + 13) & 15] ^ w[(i + 8) & 15] ^ w[(i + 2) & 15] ^
						  w[i & 15], 1);
		if (i < 20)
			f = (s[1] & s[2]) | (~s[1] & s[3]), k = 0x5a827999;
		else if (i < 40)
			f = s[1] ^ s[2] ^ s[3], k = 0x6ed9eba1;
		else if (i < 60)
			f = (s[1] & s[2]) | (s[1] & s[3]) | (s[2] & s[3]), k = 0x8f1bbcdc;
		else
			f = s[1] ^ s[2] ^ s[3], k = 0xca62c1d6;
		t = rol32(s[0], 5) + f + s[4] + k + w[i & 15];
		s[4] = s[3];
		s[3] = s[2];
		s[2] = rol32(s[1], 30);
		s[1] = s[0];
		s[0] = t;
	}
	for (i = 0; i < 5; i++)
		ctx->state[i] += s[i];
	return 0;
}
