/* SPDX-License-Identifier: MIT */
/* Checked walk of coreboot tables: LBIO header, records, forwards, as libpayload reads them. */
#include "lib/platform/coreboot_tables.h"
#include "lib/string.h"

#define LB_HEADER_SIZE	     24
#define LB_RECORD_SIZE	     8
#define LB_MEMORY_RANGE_SIZE 20 /* two 4-byte aligned UINT64 and a type: coreboot is 32-bit */
/* coreboot's tables are a few KiB; a bound keeps a bad table_bytes from mapping memory at will. */
#define LB_TABLE_MAX	     (1u << 20)
/* coreboot writes one forward (low memory to CBMEM); more than this is a loop. */
#define LB_FORWARD_MAX	     4

enum {
	LB_TAG_MEMORY = 0x01,
	LB_TAG_SERIAL = 0x0f,
	LB_TAG_FORWARD = 0x11,
	LB_TAG_FRAMEBUFFER = 0x12,
	LB_TAG_CBMEM_ENTRY = 0x31,
	LB_TAG_ACPI_RSDP = 0x43,
};

/* cbmem_id.h: the areas a payload looks up when no record names them. */
#define CBMEM_ID_ACPI	0x41435049u
#define CBMEM_ID_SMBIOS 0x534d4254u

static UINT32 get32(const UINT8 *p)
{
	return p[0] | (UINT32)p[1] << 8 | (UINT32)p[2] << 16 | (UINT32)p[3] << 24;
}

static UINT64 get64(const UINT8 *p)
{
	return get32(p) | (UINT64)get32(p + 4) << 32;
}

UINT16 coreboot_ip_checksum(const void *data, UINTN size)
{
	const UINT8 *p = data;
	UINT32 sum = 0;

	/* Little-endian 16-bit words; an odd last byte is a word's low half, as coreboot's. */
	for (UINTN i = 0; i < size; i++) {
		sum += (i & 1) ? (UINT32)p[i] << 8 : p[i];
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (UINT16)~sum;
}

/* The header at address if its signature and header checksum are right, else NULL. */
static const UINT8 *header_at(coreboot_map_fn map, void *ctx, UINT64 address)
{
	const UINT8 *h = map(ctx, address, LB_HEADER_SIZE);

	if (h == NULL || memcmp(h, "LBIO", 4) != 0)
		return NULL;
	return h;
}

static void take_memory(const UINT8 *rec, UINT32 size, struct coreboot_info *out)
{
	for (UINT32 off = LB_RECORD_SIZE; off + LB_MEMORY_RANGE_SIZE <= size;
	     off += LB_MEMORY_RANGE_SIZE) {
		const UINT8 *r = rec + off;

		if (out->memory_count == COREBOOT_MAX_MEMORY)
			return;
		out->memory[out->memory_count++] =
			(struct coreboot_memory_range){ get64(r), get64(r + 8), get32(r + 16) };
	}
}

static void take_framebuffer(const UINT8 *rec, struct coreboot_info *out)
{
	struct coreboot_framebuffer *fb = &out->framebuffer;

	fb->base = get64(rec + 8);
	fb->width = get32(rec + 16);
	fb->height = get32(rec + 20);
	fb->bytes_per_line = get32(rec + 24);
	fb->size = (UINT64)fb->bytes_per_line * fb->height;
	fb->bits_per_pixel = rec[28];
	fb->red_pos = rec[29];
	fb->red_size = rec[30];
	fb->green_pos = rec[31];
	fb->green_size = rec[32];
	fb->blue_pos = rec[33];
	fb->blue_size = rec[34];
	fb->reserved_pos = rec[35];
	fb->reserved_size = rec[36];
}

/* One record; *forward is set by a forward record. Sizes below a record's fields are bad input. */
static EFI_STATUS take_record(const UINT8 *rec, UINT32 tag, UINT32 size, struct coreboot_info *out,
			      UINT64 *forward, UINT64 *cbmem_acpi)
{
	static const UINT8 min_size[] = {
		[LB_TAG_MEMORY] = 8,	   [LB_TAG_SERIAL] = 24,      [LB_TAG_FORWARD] = 16,
		[LB_TAG_FRAMEBUFFER] = 37, [LB_TAG_CBMEM_ENTRY] = 24, [LB_TAG_ACPI_RSDP] = 16,
	};

	if (tag < sizeof(min_size) && size < min_size[tag])
		return EFI_INVALID_PARAMETER;
	switch (tag) {
	case LB_TAG_MEMORY:
		take_memory(rec, size, out);
		break;
	case LB_TAG_SERIAL:
		out->serial_type = get32(rec + 8);
		out->serial_base = get32(rec + 12);
		out->serial_baud = get32(rec + 16);
		out->serial_regwidth = get32(rec + 20);
		break;
	case LB_TAG_FORWARD:
		*forward = get64(rec + 8);
		break;
	case LB_TAG_FRAMEBUFFER:
		take_framebuffer(rec, out);
		break;
	case LB_TAG_ACPI_RSDP:
		out->rsdp = get64(rec + 8);
		break;
	case LB_TAG_CBMEM_ENTRY:
		if (get32(rec + 20) == CBMEM_ID_SMBIOS)
			out->smbios = get64(rec + 8);
		else if (get32(rec + 20) == CBMEM_ID_ACPI)
			*cbmem_acpi = get64(rec + 8);
		break;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS parse_one(coreboot_map_fn map, void *ctx, UINT64 address, const UINT8 *h,
			    struct coreboot_info *out, UINT64 *forward)
{
	UINT32 header_bytes = get32(h + 4), table_bytes = get32(h + 12);
	UINT32 entries = get32(h + 20);
	UINT64 cbmem_acpi = 0;
	const UINT8 *table;
	EFI_STATUS status;

	if (coreboot_ip_checksum(h, LB_HEADER_SIZE) != 0)
		return EFI_COMPROMISED_DATA;
	if (header_bytes < LB_HEADER_SIZE || header_bytes > LB_TABLE_MAX ||
	    table_bytes > LB_TABLE_MAX)
		return EFI_INVALID_PARAMETER;
	table = map(ctx, address + header_bytes, table_bytes);
	if (table == NULL && table_bytes)
		return EFI_INVALID_PARAMETER;
	if (coreboot_ip_checksum(table, table_bytes) != (UINT16)get32(h + 16))
		return EFI_COMPROMISED_DATA;

	memset(out, 0, sizeof(*out));
	out->header = address;
	for (UINT32 off = 0, i = 0; i < entries && off < table_bytes; i++) {
		UINT32 tag, size;

		if (table_bytes - off < LB_RECORD_SIZE)
			return EFI_INVALID_PARAMETER;
		tag = get32(table + off);
		size = get32(table + off + 4);
		if (size < LB_RECORD_SIZE || size > table_bytes - off)
			return EFI_INVALID_PARAMETER;
		status = take_record(table + off, tag, size, out, forward, &cbmem_acpi);
		if (EFI_ERROR(status))
			return status;
		off += size;
	}
	/* CBMEM's ACPI area starts with the RSDP; older coreboot has no record naming it. */
	if (!out->rsdp)
		out->rsdp = cbmem_acpi;
	return EFI_SUCCESS;
}

EFI_STATUS coreboot_tables_parse(coreboot_map_fn map, void *ctx, UINT64 address,
				 struct coreboot_info *out)
{
	for (UINT32 hop = 0; hop <= LB_FORWARD_MAX; hop++) {
		const UINT8 *h = header_at(map, ctx, address);
		UINT64 forward = 0;
		EFI_STATUS status;

		if (h == NULL)
			return hop ? EFI_INVALID_PARAMETER : EFI_NOT_FOUND;
		status = parse_one(map, ctx, address, h, out, &forward);
		if (EFI_ERROR(status) || !forward)
			return status;
		/* libpayload's rule: a table with a forward is replaced by the one it names. */
		address = forward;
	}
	return EFI_INVALID_PARAMETER;
}

static EFI_STATUS scan(coreboot_map_fn map, void *ctx, UINT32 start, UINT32 end,
		       struct coreboot_info *out)
{
	/* A stray "LBIO" with a bad checksum is passed over, as libpayload does. */
	for (UINT32 a = start; a + LB_HEADER_SIZE <= end; a += 16)
		if (!EFI_ERROR(coreboot_tables_parse(map, ctx, a, out)))
			return EFI_SUCCESS;
	return EFI_NOT_FOUND;
}

EFI_STATUS coreboot_tables_find(coreboot_map_fn map, void *ctx, struct coreboot_info *out)
{
	if (!EFI_ERROR(scan(map, ctx, COREBOOT_LOW_SCAN_START, COREBOOT_LOW_SCAN_END, out)))
		return EFI_SUCCESS;
	return scan(map, ctx, COREBOOT_FSEG_START, COREBOOT_FSEG_END, out);
}
