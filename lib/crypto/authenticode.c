/* SPDX-License-Identifier: MIT */
/* The Authenticode PE image hash and the certificate table walk, every offset checked against the file. */
#include <mbedtls/md.h>

#include "lib/crypto/authenticode.h"
#include "lib/crypto/signature_list.h"
#include "lib/endian.h"
#include "lib/string.h"

#define DOS_MAGIC 0x5a4d
#define PE_SIGNATURE 0x00004550
#define PE32_MAGIC 0x10b
#define PE32PLUS_MAGIC 0x20b
#define COFF_HEADER_SIZE 20
#define SECTION_HEADER_SIZE 40
#define DIR_SECURITY 4
#define MAX_SECTIONS 96

/* Where the hash's holes are, from the PE headers. */
struct pe_layout {
	UINT32 checksum;	/* file offset of CheckSum */
	UINT32 security_dir;	/* file offset of DataDirectory[4], 0 if the image has none */
	UINT32 size_of_headers;
	UINT32 section_table;
	UINT16 number_of_sections;
	UINT32 cert_offset;	/* the certificate table (a file offset, not an RVA) */
	UINT32 cert_size;
};

static BOOLEAN in_range(UINT64 off, UINT64 len, UINT64 size)
{
	return off <= size && len <= size - off;
}

static EFI_STATUS pe_layout_read(const UINT8 *f, UINTN size, struct pe_layout *ret)
{
	UINT32 pe, opt, opt_size, dirs_off, count_off, dirs;
	UINT16 magic;

	memset(ret, 0, sizeof(*ret));
	if (size < 0x40 || get_le16(f) != DOS_MAGIC)
		return EFI_LOAD_ERROR;
	pe = get_le32(f + 0x3c);
	if (!in_range(pe, 4 + COFF_HEADER_SIZE, size) || get_le32(f + pe) != PE_SIGNATURE)
		return EFI_LOAD_ERROR;
	ret->number_of_sections = get_le16(f + pe + 6);
	opt_size = get_le16(f + pe + 20);
	opt = pe + 4 + COFF_HEADER_SIZE;
	if (!in_range(opt, opt_size, size) || opt_size < 2)
		return EFI_LOAD_ERROR;
	/* PE32 and PE32+ differ only in where the data directories start. */
	magic = get_le16(f + opt);
	if (magic == PE32_MAGIC) {
		count_off = 92;
		dirs_off = 96;
	} else if (magic == PE32PLUS_MAGIC) {
		count_off = 108;
		dirs_off = 112;
	} else {
		return EFI_LOAD_ERROR;
	}
	if (opt_size < dirs_off)
		return EFI_LOAD_ERROR;
	ret->checksum = opt + 64;
	ret->size_of_headers = get_le32(f + opt + 60);
	dirs = get_le32(f + opt + count_off);
	if (dirs > (opt_size - dirs_off) / 8)
		return EFI_LOAD_ERROR;
	if (dirs > DIR_SECURITY) {
		ret->security_dir = opt + dirs_off + DIR_SECURITY * 8;
		ret->cert_offset = get_le32(f + ret->security_dir);
		ret->cert_size = get_le32(f + ret->security_dir + 4);
	}
	ret->section_table = opt + opt_size;
	if (!in_range(ret->section_table, (UINT64)ret->number_of_sections * SECTION_HEADER_SIZE,
		      size) || ret->number_of_sections > MAX_SECTIONS)
		return EFI_LOAD_ERROR;
	if (ret->size_of_headers > size || ret->size_of_headers < ret->section_table ||
	    (ret->security_dir && ret->size_of_headers < ret->security_dir + 8))
		return EFI_LOAD_ERROR;
	if (ret->cert_size && !in_range(ret->cert_offset, ret->cert_size, size))
		return EFI_SECURITY_VIOLATION;
	return EFI_SUCCESS;
}

static int md_update(mbedtls_md_context_t *md, const UINT8 *f, UINTN start, UINTN end)
{
	return end > start ? mbedtls_md_update(md, f + start, end - start) : 0;
}

/* The sections with raw data, sorted by PointerToRawData (insertion sort: a few dozen at most). */
static UINTN sorted_sections(const UINT8 *f, const struct pe_layout *l, UINT32 *order)
{
	UINTN n = 0, i, j;

	for (i = 0; i < l->number_of_sections; i++) {
		const UINT8 *s = f + l->section_table + i * SECTION_HEADER_SIZE;
		UINT32 ptr = get_le32(s + 20);

		if (!get_le32(s + 16))
			continue;
		for (j = n; j > 0; j--) {
			const UINT8 *o = f + l->section_table + order[j - 1] * SECTION_HEADER_SIZE;

			if (get_le32(o + 20) <= ptr)
				break;
			order[j] = order[j - 1];
		}
		order[j] = (UINT32)i;
		n++;
	}
	return n;
}

EFI_STATUS authenticode_hash(const void *file, UINTN file_size, int md_type, UINT8 *ret_digest,
			     UINTN *ret_size)
{
	const UINT8 *f = file;
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type((mbedtls_md_type_t)md_type);
	mbedtls_md_context_t md;
	struct pe_layout l;
	UINT32 order[MAX_SECTIONS];
	UINT64 hashed, end;
	UINTN n, i;
	EFI_STATUS status;
	int err;

	if (!info)
		return EFI_UNSUPPORTED;
	status = pe_layout_read(f, file_size, &l);
	if (EFI_ERROR(status))
		return status;
	n = sorted_sections(f, &l, order);
	for (i = 0; i < n; i++) {
		const UINT8 *s = f + l.section_table + order[i] * SECTION_HEADER_SIZE;

		if (!in_range(get_le32(s + 20), get_le32(s + 16), file_size))
			return EFI_LOAD_ERROR;
	}

	mbedtls_md_init(&md);
	err = mbedtls_md_setup(&md, info, 0) || mbedtls_md_starts(&md);
	/* The headers, with CheckSum and the certificate table's directory entry left out. */
	err = err || md_update(&md, f, 0, l.checksum);
	if (l.security_dir) {
		err = err || md_update(&md, f, l.checksum + 4, l.security_dir);
		err = err || md_update(&md, f, l.security_dir + 8, l.size_of_headers);
	} else {
		err = err || md_update(&md, f, l.checksum + 4, l.size_of_headers);
	}
	hashed = l.size_of_headers;
	for (i = 0; i < n && !err; i++) {
		const UINT8 *s = f + l.section_table + order[i] * SECTION_HEADER_SIZE;
		UINT32 raw = get_le32(s + 16), ptr = get_le32(s + 20);

		err = md_update(&md, f, ptr, (UINTN)ptr + raw);
		hashed += raw;
	}
	/* Data after the last section (debug data, a UKI's tail), but not the certificate table. */
	end = file_size - l.cert_size;
	if (!err && end > hashed)
		err = md_update(&md, f, hashed, end);
	/*
	 * A file whose size is not a multiple of 8 is hashed as if zero-padded to one, as sbsign
	 * pads it before appending a signature: then an unsigned image's hash in db (from
	 * hash-to-efi-sig-list) is the hash of its signed copy. U-Boot does the same; EDK2 does not.
	 */
	if (!err && file_size % 8) {
		static const UINT8 zeros[8];

		err = mbedtls_md_update(&md, zeros, 8 - file_size % 8);
	}
	err = err || mbedtls_md_finish(&md, ret_digest);
	mbedtls_md_free(&md);
	if (err)
		return EFI_OUT_OF_RESOURCES;
	*ret_size = mbedtls_md_get_size(info);
	return EFI_SUCCESS;
}

EFI_STATUS authenticode_signatures(const void *file, UINTN file_size,
				   struct authenticode_signature *ret_sigs, UINTN max,
				   UINTN *ret_count)
{
	static const EFI_GUID pkcs7_guid = EFI_CERT_TYPE_PKCS7_GUID;
	const UINT8 *f = file;
	struct pe_layout l;
	UINT64 off, end;
	EFI_STATUS status;

	*ret_count = 0;
	status = pe_layout_read(f, file_size, &l);
	if (EFI_ERROR(status))
		return status;
	if (!l.cert_size)
		return EFI_SUCCESS;
	/* The table is not mapped into memory: it must follow the headers and sit in the file. */
	if (l.cert_offset < l.size_of_headers)
		return EFI_SECURITY_VIOLATION;
	off = l.cert_offset;
	end = (UINT64)l.cert_offset + l.cert_size;
	while (off < end) {
		UINT32 length, header;
		UINT16 revision, type;

		if (end - off < 8)
			return EFI_SECURITY_VIOLATION;
		length = get_le32(f + off);
		revision = get_le16(f + off + 4);
		type = get_le16(f + off + 6);
		if (length < 8 || length > end - off || revision != 0x0200)
			return EFI_SECURITY_VIOLATION;
		if (type == WIN_CERT_TYPE_PKCS_SIGNED_DATA && length > 8) {
			header = 8;
		} else if (type == WIN_CERT_TYPE_EFI_GUID && length > 24 &&
			   memcmp(f + off + 8, &pkcs7_guid, 16) == 0) {
			header = 24;
		} else {
			header = 0;
		}
		if (header) {
			/* One left unchecked could be the one dbx revokes. */
			if (*ret_count == max)
				return EFI_SECURITY_VIOLATION;
			ret_sigs[*ret_count].der = f + off + header;
			ret_sigs[*ret_count].size = length - header;
			(*ret_count)++;
		}
		/* Entries are padded to 8 bytes (PE/COFF spec, Attribute Certificate Table). */
		off += (length + 7ULL) & ~7ULL;
	}
	/* EDK2 refuses a walk that overshoots the table's end; so do we. */
	if (off != end)
		return EFI_SECURITY_VIOLATION;
	return EFI_SUCCESS;
}
