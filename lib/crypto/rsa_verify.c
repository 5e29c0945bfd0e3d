/* SPDX-License-Identifier: MIT */
/* RSA PKCS#1 v1.5 SHA-256 verification by Montgomery multiplication: no mbedTLS, for stage0. */
#include "lib/crypto/rsa_verify.h"
#include "lib/string.h"

#define MAX_LIMBS (RSA_VERIFY_MAX_SIZE / 8)

typedef unsigned __int128 UINT128;

/* RFC 8017 §9.2 note 1: the DER of DigestInfo for SHA-256, before the 32-byte hash. */
static const UINT8 sha256_digest_info[19] = {
	0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
};

struct rsa_work {
	UINT64 n[MAX_LIMBS], s[MAX_LIMBS], rr[MAX_LIMBS], x[MAX_LIMBS];
	UINT64 t[MAX_LIMBS + 2];
	UINT8 em[RSA_VERIFY_MAX_SIZE];
};

/* Little-endian limbs from big-endian bytes, and back. */
static void from_bytes(UINT64 *r, const UINT8 *be, UINTN k)
{
	for (UINTN i = 0; i < k; i++) {
		UINT64 v = 0;

		for (UINTN b = 0; b < 8; b++)
			v = v << 8 | be[(k - 1 - i) * 8 + b];
		r[i] = v;
	}
}

static void to_bytes(UINT8 *be, const UINT64 *r, UINTN k)
{
	for (UINTN i = 0; i < k; i++)
		for (UINTN b = 0; b < 8; b++)
			be[(k - 1 - i) * 8 + 7 - b] = (UINT8)(r[i] >> (8 * b));
}

static BOOLEAN at_least(const UINT64 *a, const UINT64 *b, UINTN k)
{
	for (UINTN i = k; i-- > 0;)
		if (a[i] != b[i])
			return a[i] > b[i];
	return TRUE;
}

static void subtract(UINT64 *a, const UINT64 *b, UINTN k)
{
	UINT64 borrow = 0;

	for (UINTN i = 0; i < k; i++) {
		UINT128 d = (UINT128)a[i] - b[i] - borrow;

		a[i] = (UINT64)d;
		borrow = (UINT64)(d >> 64) & 1;
	}
}

/* r = a * b / 2^(64k) mod n (CIOS); a, b < n; r may be a or b. */
static void mont_mul(struct rsa_work *w, UINT64 *r, const UINT64 *a, const UINT64 *b, UINT64 n0inv,
		     UINTN k)
{
	UINT64 *t = w->t;

	memset(t, 0, (k + 2) * sizeof(*t));
	for (UINTN i = 0; i < k; i++) {
		UINT64 c = 0, m;
		UINT128 p;

		for (UINTN j = 0; j < k; j++) {
			p = (UINT128)a[i] * b[j] + t[j] + c;
			t[j] = (UINT64)p;
			c = (UINT64)(p >> 64);
		}
		p = (UINT128)t[k] + c;
		t[k] = (UINT64)p;
		t[k + 1] = (UINT64)(p >> 64);
		m = t[0] * n0inv;
		p = (UINT128)m * w->n[0] + t[0];
		c = (UINT64)(p >> 64);
		for (UINTN j = 1; j < k; j++) {
			p = (UINT128)m * w->n[j] + t[j] + c;
			t[j - 1] = (UINT64)p;
			c = (UINT64)(p >> 64);
		}
		p = (UINT128)t[k] + c;
		t[k - 1] = (UINT64)p;
		t[k] = t[k + 1] + (UINT64)(p >> 64);
	}
	/* t < 2n: one subtraction brings it below n. */
	if (t[k] || at_least(t, w->n, k))
		subtract(t, w->n, k);
	memcpy(r, t, k * sizeof(*t));
}

EFI_STATUS rsa_verify_pkcs1_sha256(const UINT8 *modulus, UINTN size, const UINT8 *signature,
				   const UINT8 digest[32])
{
	static struct rsa_work w;
	UINTN k = size / 8, pad = size - 3 - sizeof(sha256_digest_info) - 32;
	UINT64 n0inv;

	if (size % 8 || size < 128 || size > RSA_VERIFY_MAX_SIZE || !(modulus[0] & 0x80) ||
	    !(modulus[size - 1] & 1))
		return EFI_INVALID_PARAMETER;
	from_bytes(w.n, modulus, k);
	from_bytes(w.s, signature, k);
	if (at_least(w.s, w.n, k))
		return EFI_SECURITY_VIOLATION;

	/* -n^-1 mod 2^64 by Newton's iteration: each step doubles the correct low bits from 3. */
	n0inv = w.n[0];
	for (int i = 0; i < 5; i++)
		n0inv *= 2 - w.n[0] * n0inv;
	n0inv = -n0inv;

	/*
	 * R^2 mod n, R = 2^(64k): R mod n is 2^(64k) - n (the top bit of n is set). Doubled 2k
	 * times it is R·2^(2k); a Montgomery square of R·2^j is R·2^(2j), so five give R·2^(64k).
	 */
	memset(w.rr, 0, sizeof(w.rr));
	subtract(w.rr, w.n, k);
	for (UINTN i = 0; i < 2 * k; i++) {
		UINT64 carry = w.rr[k - 1] >> 63;

		for (UINTN j = k - 1; j > 0; j--)
			w.rr[j] = w.rr[j] << 1 | w.rr[j - 1] >> 63;
		w.rr[0] <<= 1;
		if (carry || at_least(w.rr, w.n, k))
			subtract(w.rr, w.n, k);
	}
	for (int i = 0; i < 5; i++)
		mont_mul(&w, w.rr, w.rr, w.rr, n0inv, k);

	/* s^65537: s·R, squared 16 times, then one product with plain s leaves Montgomery form. */
	mont_mul(&w, w.x, w.s, w.rr, n0inv, k);
	for (int i = 0; i < 16; i++)
		mont_mul(&w, w.x, w.x, w.x, n0inv, k);
	mont_mul(&w, w.x, w.x, w.s, n0inv, k);
	to_bytes(w.em, w.x, k);

	/* RFC 8017 §9.2: EM = 00 01 FF..FF 00 DigestInfo hash, compared whole, never parsed. */
	if (w.em[0] != 0 || w.em[1] != 1 || w.em[2 + pad] != 0)
		return EFI_SECURITY_VIOLATION;
	for (UINTN i = 0; i < pad; i++)
		if (w.em[2 + i] != 0xff)
			return EFI_SECURITY_VIOLATION;
	if (memcmp(w.em + 3 + pad, sha256_digest_info, sizeof(sha256_digest_info)) != 0 ||
	    memcmp(w.em + size - 32, digest, 32) != 0)
		return EFI_SECURITY_VIOLATION;
	return EFI_SUCCESS;
}
