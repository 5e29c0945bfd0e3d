/* SPDX-License-Identifier: MIT */
/* SMBIOS entry points for a structure table whose bounds we checked (DSP0134 3.7 §5.2, §6.1). */
#include "lib/platform/smbios.h"
#include "lib/string.h"

#define SMBIOS_HEADER_SIZE 4
/* §5.2.1: the intermediate checksum covers the 15 bytes from the intermediate anchor on. */
#define SMBIOS21_INTERMEDIATE_OFFSET 16
#define SMBIOS21_INTERMEDIATE_SIZE 15

static UINT8 sum8(const void *data, UINTN size)
{
	const UINT8 *p = data;
	UINT8 sum = 0;

	while (size--)
		sum += *p++;
	return sum;
}

EFI_STATUS smbios_parse_anchor(const void *anchor, UINTN size, struct smbios_info *ret)
{
	const struct smbios21_entry_point *ep21 = anchor;
	const struct smbios30_entry_point *ep30 = anchor;

	memset(ret, 0, sizeof(*ret));
	/* QEMU leaves both checksums and the table address zero for the firmware to fill. */
	if (size >= sizeof(*ep30) && memcmp(ep30->anchor, SMBIOS30_ANCHOR, 5) == 0 &&
	    ep30->length >= sizeof(*ep30)) {
		ret->anchor_version = 3;
		ret->major_version = ep30->major_version;
		ret->minor_version = ep30->minor_version;
		ret->docrev = ep30->docrev;
	} else if (size >= sizeof(*ep21) && memcmp(ep21->anchor, SMBIOS21_ANCHOR, 4) == 0 &&
		   memcmp(ep21->intermediate_anchor, SMBIOS21_INTERMEDIATE_ANCHOR, 5) == 0 &&
		   ep21->length >= sizeof(*ep21) - 1) {
		/* Length 0x1e: a misprint in the 2.1 specification that some tools copied. */
		ret->anchor_version = 2;
		ret->major_version = ep21->major_version;
		ret->minor_version = ep21->minor_version;
	} else {
		return EFI_UNSUPPORTED;
	}
	if (ret->major_version < 2)
		return EFI_UNSUPPORTED;
	return EFI_SUCCESS;
}

/*
 * coreboot writes the 2.1 entry point at the start of its SMBT area and the 3.0 one at the next
 * paragraph boundary after it (src/arch/x86/smbios.c); a firmware with one kind has it first.
 * 2.1 entry points of length 0x1e exist (a 2.1 spec error, §5.2.1 note): accepted too.
 */
void smbios_find_entry_points(const void *area, UINTN size,
			      const struct smbios21_entry_point **ret_ep21,
			      const struct smbios30_entry_point **ret_ep30)
{
	const UINT8 *p = area;

	*ret_ep21 = NULL;
	*ret_ep30 = NULL;
	for (UINTN off = 0; p && size >= sizeof(**ret_ep30) && off <= size - sizeof(**ret_ep30);
	     off += 16) {
		const struct smbios21_entry_point *ep21 = (const void *)(p + off);
		const struct smbios30_entry_point *ep30 = (const void *)(p + off);
		UINTN left = size - off;

		if (!*ret_ep30 && memcmp(ep30->anchor, SMBIOS30_ANCHOR, 5) == 0 &&
		    ep30->length >= sizeof(*ep30) && ep30->length <= left &&
		    sum8(ep30, ep30->length) == 0)
			*ret_ep30 = ep30;
		if (!*ret_ep21 && left >= sizeof(*ep21) &&
		    memcmp(ep21->anchor, SMBIOS21_ANCHOR, 4) == 0 && ep21->length >= 0x1e &&
		    ep21->length <= left && sum8(ep21, ep21->length) == 0 &&
		    memcmp(ep21->intermediate_anchor, SMBIOS21_INTERMEDIATE_ANCHOR, 5) == 0 &&
		    sum8(p + off + SMBIOS21_INTERMEDIATE_OFFSET, SMBIOS21_INTERMEDIATE_SIZE) == 0)
			*ret_ep21 = ep21;
	}
}

EFI_STATUS smbios_check_tables(const void *tables, UINTN size, struct smbios_info *info)
{
	const UINT8 *p = tables;
	UINTN offset = 0;

	info->table_length = 0;
	info->structure_count = 0;
	info->max_structure_size = 0;
	if (size > 0xffffffffu)
		return EFI_BAD_BUFFER_SIZE;
	while (offset < size) {
		UINT8 type, length;
		UINTN s;

		if (size - offset < SMBIOS_HEADER_SIZE)
			return EFI_VOLUME_CORRUPTED;
		type = p[offset];
		length = p[offset + 1];
		if (length < SMBIOS_HEADER_SIZE || length > size - offset)
			return EFI_VOLUME_CORRUPTED;
		/* §6.1.3: strings follow the formatted area; two NULs end the set, even empty. */
		for (s = offset + length;; s++) {
			if (size - s < 2)
				return EFI_VOLUME_CORRUPTED;
			if (p[s] == 0 && p[s + 1] == 0)
				break;
		}
		s += 2;
		info->structure_count++;
		if (s - offset > info->max_structure_size)
			info->max_structure_size = (UINT32)(s - offset);
		offset = s;
		/* Anything after the end-of-table structure is not part of the table. */
		if (type == SMBIOS_TYPE_END_OF_TABLE)
			break;
	}
	if (info->structure_count == 0)
		return EFI_VOLUME_CORRUPTED;
	info->table_length = (UINT32)offset;
	return EFI_SUCCESS;
}

void smbios_build_ep30(struct smbios30_entry_point *ep, const struct smbios_info *info,
		       UINT64 table_address)
{
	memset(ep, 0, sizeof(*ep));
	memcpy(ep->anchor, SMBIOS30_ANCHOR, 5);
	ep->length = sizeof(*ep);
	ep->major_version = info->major_version;
	ep->minor_version = info->minor_version;
	ep->docrev = info->docrev;
	ep->entry_point_revision = 1;	/* §5.2.2: 01h, the 3.0 entry point */
	ep->table_max_size = info->table_length;
	ep->table_address = table_address;
	ep->checksum = (UINT8)(0 - sum8(ep, sizeof(*ep)));
}

EFI_STATUS smbios_build_ep21(struct smbios21_entry_point *ep, const struct smbios_info *info,
			     UINT64 table_address)
{
	if (info->table_length > 0xffff || info->structure_count > 0xffff ||
	    info->max_structure_size > 0xffff || table_address > 0xffffffffull - info->table_length)
		return EFI_UNSUPPORTED;
	memset(ep, 0, sizeof(*ep));
	memcpy(ep->anchor, SMBIOS21_ANCHOR, 4);
	ep->length = sizeof(*ep);
	ep->major_version = info->major_version;
	ep->minor_version = info->minor_version;
	ep->max_structure_size = (UINT16)info->max_structure_size;
	memcpy(ep->intermediate_anchor, SMBIOS21_INTERMEDIATE_ANCHOR, 5);
	ep->table_length = (UINT16)info->table_length;
	ep->table_address = (UINT32)table_address;
	ep->structure_count = (UINT16)info->structure_count;
	/* BCD: one digit each side (QEMU: 0x28 for 2.8); a version that does not fit leaves 0. */
	if (info->major_version < 10 && info->minor_version < 10)
		ep->bcd_revision = (UINT8)(info->major_version << 4 | info->minor_version);
	ep->intermediate_checksum = (UINT8)(0 - sum8((UINT8 *)ep + SMBIOS21_INTERMEDIATE_OFFSET,
						      SMBIOS21_INTERMEDIATE_SIZE));
	ep->checksum = (UINT8)(0 - sum8(ep, sizeof(*ep)));
	return EFI_SUCCESS;
}

/* Where the structure after the one at offset starts; never reads past length. */
static UINTN next_structure(const UINT8 *p, UINTN length, UINTN offset)
{
	UINTN s = offset + p[offset + 1];

	while (s + 1 < length && (p[s] || p[s + 1]))
		s++;
	return s + 2;
}

BOOLEAN smbios_has_type(const void *tables, UINTN length, UINT8 type)
{
	const UINT8 *p = tables;

	for (UINTN off = 0; off + SMBIOS_HEADER_SIZE <= length;
	     off = next_structure(p, length, off))
		if (p[off] == type)
			return TRUE;
	return FALSE;
}

static BOOLEAN handle_used(const UINT8 *p, UINTN length, UINT16 handle)
{
	for (UINTN off = 0; off + SMBIOS_HEADER_SIZE <= length;
	     off = next_structure(p, length, off))
		if ((p[off + 2] | p[off + 3] << 8) == handle)
			return TRUE;
	return FALSE;
}

UINT16 smbios_free_handle(const void *tables, UINTN length)
{
	UINT16 handle = 0;

	/* A table of n structures uses at most n handles: this ends by handle n. */
	while (handle < 0xfffe && handle_used(tables, length, handle))
		handle++;
	return handle;
}

static UINTN put_string(UINT8 *at, const char *s)
{
	UINTN n = strlen(s);

	memcpy(at, s, n + 1);
	return n + 1;
}

EFI_STATUS smbios_build_type0(void *buf, UINTN size, UINT16 handle, const char *vendor,
			      const char *version, const char *date, UINT8 major, UINT8 minor,
			      UINTN *ret_size)
{
	/* §7.1: the 2.4 layout, which every later version reads (they only append fields). */
	static const UINT8 formatted[24] = {
		SMBIOS_TYPE_BIOS_INFORMATION, 24, 0, 0,
		1, 2,			/* vendor, version: strings 1 and 2 */
		0x00, 0xe8,		/* starting segment 0xE800, as QEMU and OVMF say */
		3,			/* release date: string 3 */
		0,			/* ROM size 64 KiB: there is no ROM to speak of */
		0x08, 0, 0, 0, 0, 0, 0, 0, /* characteristics: bit 3, "not supported" */
		0x00,
		0x18,			/* extension byte 2: UEFI (bit 3), virtual machine (4) */
		0, 0,			/* release major.minor: patched below */
		0xff, 0xff,		/* no embedded controller */
	};
	const char *strings[3] = { vendor, version, date };
	UINT8 *p = buf;
	UINTN n = sizeof(formatted);

	for (int i = 0; i < 3; i++)
		if (!strings[i][0] || strlen(strings[i]) > 63)
			return EFI_INVALID_PARAMETER;
	if (size < SMBIOS_TYPE0_MAX_SIZE)
		return EFI_BUFFER_TOO_SMALL;
	memcpy(p, formatted, n);
	p[2] = (UINT8)handle;
	p[3] = (UINT8)(handle >> 8);
	p[20] = major;
	p[21] = minor;
	for (int i = 0; i < 3; i++)
		n += put_string(p + n, strings[i]);
	p[n++] = 0;
	*ret_size = n;
	return EFI_SUCCESS;
}
