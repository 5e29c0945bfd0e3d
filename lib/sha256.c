/* SPDX-License-Identifier: MIT */
/* SHA-256 as FIPS 180-4 §6.2 describes it; used to verify stage images. */
#include "lib/sha256.h"
#include "lib/string.h"

static const UINT32 sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static inline UINT32 ror32(UINT32 x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(UINT32 state[8], const UINT8 *block)
{
	UINT32 w[64], a, b, c, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (UINT32)block[4 * i] << 24 | (UINT32)block[4 * i + 1] << 16 |
		       (UINT32)block[4 * i + 2] << 8 | block[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		UINT32 s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		UINT32 s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}

	a = state[0], b = state[1], c = state[2], d = state[3];
	e = state[4], f = state[5], g = state[6], h = state[7];
	for (int i = 0; i < 64; i++) {
		UINT32 t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) +
			    sha256_k[i] + w[i];
		UINT32 t2 =
			(ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	state[0] += a, state[1] += b, state[2] += c, state[3] += d;
	state[4] += e, state[5] += f, state[6] += g, state[7] += h;
}

void sha256_init(struct sha256 *ctx)
{
	static const UINT32 iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(ctx->state, iv, sizeof(iv));
	ctx->length = 0;
	ctx->fill = 0;
}

void sha256_update(struct sha256 *ctx, const void *data, UINTN size)
{
	const UINT8 *p = data;

	ctx->length += size;
	if (ctx->fill) {
		UINTN take = 64 - ctx->fill < size ? 64 - ctx->fill : size;

		memcpy(ctx->block + ctx->fill, p, take);
		ctx->fill += take, p += take, size -= take;
		if (ctx->fill < 64)
			return;
		sha256_block(ctx->state, ctx->block);
		ctx->fill = 0;
	}
	for (; size >= 64; p += 64, size -= 64)
		sha256_block(ctx->state, p);
	memcpy(ctx->block, p, size);
	ctx->fill = size;
}

void sha256_final(struct sha256 *ctx, UINT8 ret_digest[SHA256_DIGEST_SIZE])
{
	UINT64 bits = ctx->length * 8;

	ctx->block[ctx->fill++] = 0x80;
	if (ctx->fill > 56) {
		memset(ctx->block + ctx->fill, 0, 64 - ctx->fill);
		sha256_block(ctx->state, ctx->block);
		ctx->fill = 0;
	}
	memset(ctx->block + ctx->fill, 0, 56 - ctx->fill);
	for (int i = 0; i < 8; i++)
		ctx->block[56 + i] = (UINT8)(bits >> (56 - 8 * i));
	sha256_block(ctx->state, ctx->block);

	for (int i = 0; i < 8; i++) {
		ret_digest[4 * i] = (UINT8)(ctx->state[i] >> 24);
		ret_digest[4 * i + 1] = (UINT8)(ctx->state[i] >> 16);
		ret_digest[4 * i + 2] = (UINT8)(ctx->state[i] >> 8);
		ret_digest[4 * i + 3] = (UINT8)ctx->state[i];
	}
}

void sha256(const void *data, UINTN size, UINT8 ret_digest[SHA256_DIGEST_SIZE])
{
	struct sha256 ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, size);
	sha256_final(&ctx, ret_digest);
}
