/* SPDX-License-Identifier: MIT */
/*
 * UEFI decompression: round trips through an encoder of the format written here from UEFI 2.10
 * §19 (LZ77 tokens, length-limited canonical Huffman codes, the three code sets of each block),
 * over text, random and repetitive data and several blocks; then truncated and damaged streams.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/uefi_decompress.h"

#define NC 510
#define NT 19
#define NP 14
#define MAX_TOKENS 60000 /* per block, under the 16-bit block size */

struct writer {
	UINT8 *out;
	size_t cap, bytes;
	unsigned nbits;
	UINT32 acc;
};

static void put(struct writer *w, UINT32 v, unsigned n)
{
	for (unsigned i = n; i-- > 0;) {
		w->acc = w->acc << 1 | ((v >> i) & 1);
		if (++w->nbits == 8) {
			assert_true(w->bytes < w->cap);
			w->out[w->bytes++] = (UINT8)w->acc;
			w->nbits = 0;
			w->acc = 0;
		}
	}
}

/* Huffman code lengths of freq (n symbols), at most 16 bits: flatten the counts until they fit. */
static void lengths(const UINT32 *freq_in, unsigned n, UINT8 *len)
{
	static UINT32 freq[2 * NC], parent[2 * NC];
	static int alive[2 * NC];

	for (UINT32 scale = 0;; scale++) {
		unsigned nodes = n, used = 0, max = 0;

		for (unsigned i = 0; i < n; i++) {
			freq[i] = freq_in[i] ? (freq_in[i] >> scale) + 1 : 0;
			alive[i] = freq_in[i] != 0;
			used += alive[i];
			len[i] = 0;
		}
		if (used < 2)
			return; /* the callers send a one-symbol set without lengths */
		for (unsigned left = used; left > 1; left--) {
			int a = -1, b = -1;

			for (unsigned i = 0; i < nodes; i++) {
				if (!alive[i])
					continue;
				if (a < 0 || freq[i] < freq[a]) {
					b = a;
					a = (int)i;
				} else if (b < 0 || freq[i] < freq[b]) {
					b = (int)i;
				}
			}
			freq[nodes] = freq[a] + freq[b];
			alive[nodes] = 1;
			alive[a] = alive[b] = 0;
			parent[a] = parent[b] = nodes++;
		}
		for (unsigned i = 0; i < n; i++) {
			unsigned d = 0;

			if (!freq_in[i])
				continue;
			for (unsigned j = i; j != nodes - 1; j = parent[j])
				d++;
			len[i] = (UINT8)d;
			max = d > max ? d : max;
		}
		if (max <= 16)
			return;
	}
}

/* Canonical codes as make_table expects: by length, then by symbol. */
static void codes(const UINT8 *len, unsigned n, UINT32 *code)
{
	UINT32 count[18] = { 0 }, next[18] = { 0 };

	for (unsigned i = 0; i < n; i++)
		count[len[i]]++;
	count[0] = 0;
	for (unsigned l = 1; l <= 16; l++)
		next[l] = (next[l - 1] + count[l - 1]) << 1;
	for (unsigned i = 0; i < n; i++)
		if (len[i])
			code[i] = next[len[i]]++;
}

static unsigned used_count(const UINT32 *freq, unsigned n, unsigned *only)
{
	unsigned used = 0;

	for (unsigned i = 0; i < n; i++)
		if (freq[i]) {
			used++;
			*only = i;
		}
	return used;
}

/* A code-length or position set: its lengths in 3 bits, longer ones extended in unary. */
static void put_pt(struct writer *w, const UINT8 *len, unsigned n, unsigned nbit, int special)
{
	unsigned number = n;

	while (number > 0 && !len[number - 1])
		number--;
	put(w, number, nbit);
	for (unsigned i = 0; i < number;) {
		unsigned l = len[i++];

		if (l < 7)
			put(w, l, 3);
		else
			put(w, (1u << (l - 3)) - 2, l - 3); /* 111, then l-7 ones, a zero */
		if ((int)i == special) {
			unsigned z = 0;

			while (i < 6 && i < number && !len[i]) {
				i++;
				z++;
			}
			put(w, z, 2);
		}
	}
}

struct token {
	UINT16 c;	/* literal, or 253 + match length */
	UINT16 pos;	/* match distance - 1 */
};

static unsigned pcode(unsigned pos)
{
	unsigned v = 0;

	while (pos >> v)
		v++;
	return v;
}

static void put_block(struct writer *w, const struct token *t, unsigned n)
{
	UINT32 cf[NC] = { 0 }, pf[NP] = { 0 }, tf[NT] = { 0 }, cc[NC], pc[NP], tc[NT];
	UINT8 cl[NC], pl[NP], tl[NT];
	unsigned only, last;

	for (unsigned i = 0; i < n; i++) {
		cf[t[i].c]++;
		if (t[i].c >= 256)
			pf[pcode(t[i].pos)]++;
	}
	put(w, n, 16);
	lengths(cf, NC, cl);
	if (used_count(cf, NC, &only) == 1) {
		put(w, 0, 5); /* the code-length set: unused */
		put(w, 0, 5);
		put(w, 0, 9);
		put(w, only, 9);
		memset(cl, 0, sizeof(cl));
	} else {
		/* The C lengths as code-length symbols: runs of zeros 0-2, a length L as L+2. */
		UINT16 sym[NC], extra[NC];
		unsigned ns = 0;

		last = NC;
		while (!cl[last - 1])
			last--;
		for (unsigned i = 0; i < last;) {
			unsigned run = 0;

			while (i + run < last && !cl[i + run])
				run++;
			if (!run) {
				sym[ns++] = cl[i++] + 2;
			} else if (run >= 20) {
				run = run > 531 ? 531 : run;
				extra[ns] = run - 20;
				sym[ns++] = 2;
				i += run;
			} else if (run >= 3) {
				run = run > 18 ? 18 : run;
				extra[ns] = run - 3;
				sym[ns++] = 1;
				i += run;
			} else {
				sym[ns++] = 0;
				i++;
			}
		}
		for (unsigned i = 0; i < ns; i++)
			tf[sym[i]]++;
		lengths(tf, NT, tl);
		if (used_count(tf, NT, &only) == 1) {
			put(w, 0, 5);
			put(w, only, 5);
			memset(tl, 0, sizeof(tl));
		} else {
			put_pt(w, tl, NT, 5, 3);
		}
		codes(tl, NT, tc);
		put(w, last, 9);
		for (unsigned i = 0; i < ns; i++) {
			put(w, tc[sym[i]], tl[sym[i]]);
			if (sym[i] == 1)
				put(w, extra[i], 4);
			else if (sym[i] == 2)
				put(w, extra[i], 9);
		}
	}
	codes(cl, NC, cc);
	lengths(pf, NP, pl);
	if (used_count(pf, NP, &only) <= 1) {
		put(w, 0, 4);
		put(w, used_count(pf, NP, &only) ? only : 0, 4);
		memset(pl, 0, sizeof(pl));
	} else {
		put_pt(w, pl, NP, 4, -1);
	}
	codes(pl, NP, pc);
	for (unsigned i = 0; i < n; i++) {
		put(w, cc[t[i].c], cl[t[i].c]);
		if (t[i].c >= 256) {
			unsigned v = pcode(t[i].pos);

			put(w, pc[v], pl[v]);
			if (v > 1)
				put(w, t[i].pos - (1u << (v - 1)), v - 1);
		}
	}
}

/* Greedy LZ77: the longest match within 8 KiB among the last 128 places with the same 3 bytes. */
static size_t compress(const UINT8 *in, size_t size, UINT8 *out, size_t cap, unsigned block)
{
	static struct token t[MAX_TOKENS];
	static INT32 head[1 << 16];
	INT32 *prev = malloc((size ? size : 1) * sizeof(*prev));
	struct writer w = { out + 8, cap - 8, 0, 0, 0 };
	unsigned n = 0;

	assert_non_null(prev);
	memset(head, 0xff, sizeof(head));
	for (size_t i = 0; i < size;) {
		size_t best = 0, dist = 0, step;
		UINT32 hash = i + 2 < size ? (in[i] << 8 ^ in[i + 1] << 4 ^ in[i + 2]) & 0xffff : 0;
		INT32 cand = i + 2 < size ? head[hash] : -1;

		for (int chain = 0; cand >= 0 && i - (size_t)cand <= 8000 && chain < 128; chain++) {
			size_t l = 0;

			while (l < 256 && i + l < size && in[i + l] == in[cand + l])
				l++;
			if (l > best) {
				best = l;
				dist = i - (size_t)cand;
			}
			cand = prev[cand];
		}
		if (best >= 3)
			t[n++] = (struct token){ (UINT16)(253 + best), (UINT16)(dist - 1) };
		else
			t[n++] = (struct token){ in[i], 0 };
		for (step = best >= 3 ? best : 1; step; step--, i++) {
			if (i + 2 < size) {
				hash = (in[i] << 8 ^ in[i + 1] << 4 ^ in[i + 2]) & 0xffff;
				prev[i] = head[hash];
				head[hash] = (INT32)i;
			}
		}
		if (n == block) {
			put_block(&w, t, n);
			n = 0;
		}
	}
	free(prev);
	if (n)
		put_block(&w, t, n);
	put(&w, 0, 7); /* flush the last byte */
	for (int i = 0; i < 4; i++) {
		out[i] = (UINT8)(w.bytes >> (8 * i));
		out[4 + i] = (UINT8)(size >> (8 * i));
	}
	return w.bytes + 8;
}

static struct uefi_decompress_scratch scratch;

static void round_trip(const UINT8 *in, size_t size, unsigned block)
{
	size_t cap = size * 2 + 4096, packed;
	UINT8 *z = malloc(cap), *back = malloc(size + 1);
	UINT32 orig = 0;

	packed = compress(in, size, z, cap, block);
	assert_int_equal(uefi_decompress_size(z, packed, &orig), EFI_SUCCESS);
	assert_int_equal(orig, size);
	assert_int_equal(uefi_decompress(z, packed, back, size, &scratch), EFI_SUCCESS);
	assert_memory_equal(back, in, size);
	free(z);
	free(back);
}

static void test_round_trips(void **state)
{
	static UINT8 data[40000];
	const char *text = "PCI option ROMs hold EFI drivers; OVMF loads them. ";

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (UINT8)text[i % strlen(text)];
	round_trip(data, sizeof(data), MAX_TOKENS);
	srand(18);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (UINT8)(rand() % 7 == 0 ? rand() : data[i]);
	round_trip(data, sizeof(data), MAX_TOKENS);
	round_trip(data, sizeof(data), 1000); /* many blocks */
	for (size_t i = 0; i < 5000; i++)
		data[i] = (UINT8)rand();
	round_trip(data, 5000, MAX_TOKENS);
	memset(data, 'A', 3000);
	round_trip(data, 3000, MAX_TOKENS); /* one literal and one distance */
	round_trip((const UINT8 *)"x", 1, MAX_TOKENS);
	round_trip((const UINT8 *)"ab", 2, MAX_TOKENS);
}

static void test_bad_streams(void **state)
{
	static UINT8 data[8000], z[20000], back[8000];
	size_t packed;
	UINT32 orig;

	(void)state;
	srand(7);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (UINT8)("strata"[i % 6] + (rand() % 5 == 0));
	packed = compress(data, sizeof(data), z, sizeof(z), MAX_TOKENS);
	assert_int_equal(uefi_decompress_size(z, 7, &orig), EFI_INVALID_PARAMETER);
	/* A compressed size beyond the buffer. */
	assert_int_equal(uefi_decompress_size(z, packed - 1, &orig), EFI_INVALID_PARAMETER);
	assert_int_equal(uefi_decompress(z, packed, back, sizeof(back) - 1, &scratch),
			 EFI_BUFFER_TOO_SMALL);
	/* A first match reaching before the output's start. */
	{
		static const struct token t[] = { { 'a', 0 }, { 256, 5 } };
		struct writer w = { z + 8, sizeof(z) - 8, 0, 0, 0 };

		put_block(&w, t, 2);
		put(&w, 0, 7);
		memset(z, 0, 8);
		z[0] = (UINT8)w.bytes;
		z[4] = 4;
		assert_int_equal(uefi_decompress(z, w.bytes + 8, back, 4, &scratch),
				 EFI_VOLUME_CORRUPTED);
	}
	/* Every single damaged byte of the header part: an error or other bytes, never a crash. */
	packed = compress(data, sizeof(data), z, sizeof(z), MAX_TOKENS);
	for (size_t i = 8; i < 200 && i < packed; i++) {
		z[i] ^= 0x5a;
		(void)uefi_decompress(z, packed, back, sizeof(back), &scratch);
		z[i] ^= 0x5a;
	}
	assert_int_equal(uefi_decompress(z, packed, back, sizeof(back), &scratch), EFI_SUCCESS);
	assert_memory_equal(back, data, sizeof(data));
}

/* `--compress IN OUT`: the encoder as a tool, for tests/boot/test_option_rom.py's packed ROM. */
static int compress_file(const char *in_path, const char *out_path)
{
	FILE *f = fopen(in_path, "rb");
	static UINT8 in[1 << 21], out[(1 << 22) + 4096];
	size_t size, packed;

	if (!f)
		return 1;
	size = fread(in, 1, sizeof(in), f);
	fclose(f);
	packed = compress(in, size, out, sizeof(out), MAX_TOKENS);
	f = fopen(out_path, "wb");
	if (!f || fwrite(out, 1, packed, f) != packed)
		return 1;
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--compress"))
		return compress_file(argv[2], argv[3]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_bad_streams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
