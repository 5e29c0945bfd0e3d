/* SPDX-License-Identifier: MIT */
/* SMBIOS entry points for a structure table whose bounds we checked (DSP0134 3.7 §5.2, §6.1). */
#include "lib/smbios.h"
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
