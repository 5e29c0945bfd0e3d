/* SPDX-License-Identifier: MIT */
/*
 * UEFI decompression (UEFI 2.10 §19, the format EDK2's EfiRom -ec writes into option ROMs): LZ77
 * with a 2^13 window whose literals, match lengths and positions are canonical Huffman codes
 * sent per block. Every table lookup is bounded, and every tree walk ends within 16 bits, so a
 * hostile stream yields an error or wrong bytes, never an overrun or a hang.
 */
#include "lib/formats/uefi_decompress.h"

#define HEADER 8
#define NT 19		/* code-length codes: 16 lengths + 3 run codes */
#define TBIT 5
#define CBIT 9
#define PBIT 4		/* UEFI's position bits (EDK2's "Tiano" variant uses 5) */
#define NP 14
#define THRESHOLD 3	/* shortest match: symbol 256 is length 3 */
#define MAX_CODE 16
#define C_TABLE_BITS 12
#define PT_TABLE_BITS 8

struct decoder {
	struct uefi_decompress_scratch *s;
	const UINT8 *src;
	UINT32 src_size, src_pos;
	UINT32 bits;		/* the next 32 bits of the stream, MSB first */
	UINT32 sub_bits;	/* the byte being shifted in, and how many of its bits are left */
	UINT32 sub_count;
	UINT32 block_left;
	BOOLEAN bad;
};

/* Shift n (0..16) bits out of the buffer; past the end the stream reads as zeros, as EDK2's. */
static void fill(struct decoder *d, UINT32 n)
{
	while (n > d->sub_count) {
		n -= d->sub_count;
		d->bits = d->bits << d->sub_count | d->sub_bits >> (8 - d->sub_count);
		d->sub_bits = d->src_pos < d->src_size ? d->src[d->src_pos++] : 0;
		d->sub_count = 8;
	}
	d->bits = d->bits << n | d->sub_bits >> (8 - n);
	d->sub_bits = (d->sub_bits << n) & 0xff;
	d->sub_count -= n;
}

static UINT32 get_bits(struct decoder *d, UINT32 n)
{
	UINT32 v = d->bits >> (32 - n);

	fill(d, n);
	return v;
}

/*
 * A lookup table of table_bits over the canonical code of lengths len, with the longer codes'
 * tails as trees in left/right. FALSE when the lengths are no complete prefix code.
 */
static BOOLEAN make_table(struct decoder *d, UINT32 n, const UINT8 *len, UINT32 table_bits,
			  UINT16 *table)
{
	UINT32 count[MAX_CODE + 1] = { 0 }, start[MAX_CODE + 2], weight[MAX_CODE + 1];
	UINT32 shift = MAX_CODE - table_bits, avail = n, end;

	for (UINT32 i = 0; i < n; i++) {
		if (len[i] > MAX_CODE)
			return FALSE;
		count[len[i]]++;
	}
	start[1] = 0;
	for (UINT32 i = 1; i <= MAX_CODE; i++)
		start[i + 1] = start[i] + (count[i] << (MAX_CODE - i));
	/* No code at all is accepted as EDK2 does (it decodes as symbol 0); a partial one is not. */
	if (start[MAX_CODE + 1] != 1u << MAX_CODE && start[MAX_CODE + 1] != 0)
		return FALSE;
	for (UINT32 i = 1; i <= MAX_CODE; i++) {
		if (i <= table_bits) {
			start[i] >>= shift;
			weight[i] = 1u << (table_bits - i);
		} else {
			weight[i] = 1u << (MAX_CODE - i);
		}
	}
	end = start[table_bits + 1] >> shift;
	for (UINT32 i = end ? end : 1u << table_bits; i < 1u << table_bits; i++)
		table[i] = 0;
	for (UINT32 c = 0; c < n; c++) {
		UINT32 l = len[c], next, code;
		UINT16 *p;

		if (!l)
			continue;
		next = start[l] + weight[l];
		if (l <= table_bits) {
			for (UINT32 i = start[l]; i < next; i++)
				table[i] = (UINT16)c;
		} else {
			code = start[l];
			p = &table[code >> shift];
			for (UINT32 i = l - table_bits; i; i--) {
				if (!*p && avail < 2 * UEFI_DECOMPRESS_NC - 1) {
					d->s->left[avail] = d->s->right[avail] = 0;
					*p = (UINT16)avail++;
				}
				if (*p < 2 * UEFI_DECOMPRESS_NC - 1)
					p = code & (1u << (15 - table_bits)) ? &d->s->right[*p]
									       : &d->s->left[*p];
				code <<= 1;
			}
			*p = (UINT16)c;
		}
		start[l] = next;
	}
	return TRUE;
}

/* The symbol under the buffer: table_bits by lookup, the rest of its code down a tree. */
static UINT32 decode(struct decoder *d, const UINT16 *table, UINT32 table_bits, const UINT8 *len,
		     UINT32 n)
{
	UINT32 v = table[d->bits >> (32 - table_bits)];

	for (UINT32 mask = 1u << (31 - table_bits); v >= n; mask >>= 1) {
		if (!mask) {
			d->bad = TRUE; /* a tree deeper than any code: a looping table */
			return 0;
		}
		v = d->bits & mask ? d->s->right[v] : d->s->left[v];
	}
	fill(d, len[v]);
	return v;
}

/* The code lengths of the code-length set (special: where a 2-bit run of zeros follows) or of
 * the position set, each itself in a unary-extended 3-bit form. */
static void read_pt_len(struct decoder *d, UINT32 n, UINT32 nbit, UINT32 special)
{
	UINT32 number = get_bits(d, nbit), i = 0;

	if (!number) {
		UINT32 c = get_bits(d, nbit);

		for (i = 0; i < 256; i++)
			d->s->pt_table[i] = (UINT16)c;
		for (i = 0; i < n; i++)
			d->s->pt_len[i] = 0;
		d->bad |= c >= n;
		return;
	}
	if (number > n) {
		d->bad = TRUE;
		return;
	}
	while (i < number) {
		UINT32 c = d->bits >> 29;

		if (c == 7) {
			for (UINT32 mask = 1u << 28; mask & d->bits && c < MAX_CODE + 1; mask >>= 1)
				c++;
		}
		fill(d, c < 7 ? 3 : c - 3);
		d->s->pt_len[i++] = (UINT8)c;
		if (i == special) {
			for (UINT32 run = get_bits(d, 2); run && i < n; run--)
				d->s->pt_len[i++] = 0;
		}
	}
	while (i < n)
		d->s->pt_len[i++] = 0;
	if (!make_table(d, n, d->s->pt_len, PT_TABLE_BITS, d->s->pt_table))
		d->bad = TRUE;
}

/* The literal/length code lengths, sent in the code-length code with runs of zeros. */
static void read_c_len(struct decoder *d)
{
	UINT32 number = get_bits(d, CBIT), i = 0;

	if (!number) {
		UINT32 c = get_bits(d, CBIT);

		for (i = 0; i < UEFI_DECOMPRESS_NC; i++)
			d->s->c_len[i] = 0;
		for (i = 0; i < 4096; i++)
			d->s->c_table[i] = (UINT16)c;
		d->bad |= c >= UEFI_DECOMPRESS_NC;
		return;
	}
	if (number > UEFI_DECOMPRESS_NC) {
		d->bad = TRUE;
		return;
	}
	while (i < number && !d->bad) {
		UINT32 c = decode(d, d->s->pt_table, PT_TABLE_BITS, d->s->pt_len, NT), run;

		if (c > 2) {
			d->s->c_len[i++] = (UINT8)(c - 2);
			continue;
		}
		run = c == 0 ? 1 : c == 1 ? get_bits(d, 4) + 3 : get_bits(d, CBIT) + 20;
		for (; run && i < UEFI_DECOMPRESS_NC; run--)
			d->s->c_len[i++] = 0;
	}
	while (i < UEFI_DECOMPRESS_NC)
		d->s->c_len[i++] = 0;
	if (!make_table(d, UEFI_DECOMPRESS_NC, d->s->c_len, C_TABLE_BITS, d->s->c_table))
		d->bad = TRUE;
}

static UINT32 decode_c(struct decoder *d)
{
	if (!d->block_left) {
		d->block_left = get_bits(d, 16);
		read_pt_len(d, NT, TBIT, 3);
		if (!d->bad)
			read_c_len(d);
		if (!d->bad)
			read_pt_len(d, UEFI_DECOMPRESS_NPT, PBIT, ~0u);
		if (d->bad)
			return 0;
	}
	d->block_left--;
	return decode(d, d->s->c_table, C_TABLE_BITS, d->s->c_len, UEFI_DECOMPRESS_NC);
}

/* A position code v stands for distance v < 2 ? v : 2^(v-1) + (v-1) more bits. */
static UINT32 decode_p(struct decoder *d)
{
	UINT32 v = decode(d, d->s->pt_table, PT_TABLE_BITS, d->s->pt_len, UEFI_DECOMPRESS_NPT);

	return v > 1 ? (1u << (v - 1)) + get_bits(d, v - 1) : v;
}

EFI_STATUS uefi_decompress_size(const UINT8 *src, UINTN src_size, UINT32 *ret_size)
{
	UINT32 comp;

	if (!src || src_size < HEADER)
		return EFI_INVALID_PARAMETER;
	comp = src[0] | src[1] << 8 | src[2] << 16 | (UINT32)src[3] << 24;
	if (comp > src_size - HEADER)
		return EFI_INVALID_PARAMETER;
	*ret_size = src[4] | src[5] << 8 | src[6] << 16 | (UINT32)src[7] << 24;
	return EFI_SUCCESS;
}

EFI_STATUS uefi_decompress(const UINT8 *src, UINTN src_size, UINT8 *dst, UINTN dst_size,
			   struct uefi_decompress_scratch *scratch)
{
	struct decoder d = { .s = scratch, .src = src + HEADER };
	UINT32 size, out = 0;
	EFI_STATUS status = uefi_decompress_size(src, src_size, &size);

	if (EFI_ERROR(status))
		return status;
	if (size > dst_size)
		return EFI_BUFFER_TOO_SMALL;
	d.src_size = src[0] | src[1] << 8 | src[2] << 16 | (UINT32)src[3] << 24;
	fill(&d, 16);
	fill(&d, 16);
	while (out < size) {
		UINT32 c = decode_c(&d), length, from;

		if (d.bad)
			return EFI_VOLUME_CORRUPTED;
		if (c < 256) {
			dst[out++] = (UINT8)c;
			continue;
		}
		length = c - (256 - THRESHOLD);
		from = decode_p(&d) + 1;
		if (d.bad || from > out)
			return EFI_VOLUME_CORRUPTED;
		for (; length && out < size; length--, out++)
			dst[out] = dst[out - from];
	}
	return EFI_SUCCESS;
}
