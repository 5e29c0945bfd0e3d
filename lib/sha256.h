/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4), streaming. */
#pragma once

#include "include/efi/types.h"

#define SHA256_DIGEST_SIZE 32

struct sha256 {
	UINT32 state[8];
	UINT64 length;	/* bytes hashed so far */
	UINT8 block[64];
	UINTN fill;	/* bytes waiting in block */
};

/* Start a new digest. */
void sha256_init(struct sha256 *ctx);
/* Hash more bytes. */
void sha256_update(struct sha256 *ctx, const void *data, UINTN size);
/* Finish and write the 32-byte digest; ctx must be initialised again before reuse. */
void sha256_final(struct sha256 *ctx, UINT8 ret_digest[SHA256_DIGEST_SIZE]);
/* Digest of one buffer. */
void sha256(const void *data, UINTN size, UINT8 ret_digest[SHA256_DIGEST_SIZE]);
