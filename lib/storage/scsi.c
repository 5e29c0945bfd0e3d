/* SPDX-License-Identifier: MIT */
/* SCSI CDBs and the data they return: sense (fixed and descriptor), INQUIRY, capacity, LUN lists. */
#include "lib/storage/scsi.h"
#include "lib/string.h"

/* SCSI fields are big-endian, n bytes wide. */
static void put_be(UINT8 *p, UINTN n, UINT64 v)
{
	while (n--) {
		p[n] = (UINT8)v;
		v >>= 8;
	}
}

static UINT64 get_be(const UINT8 *p, UINTN n)
{
	UINT64 v = 0;

	for (UINTN i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

EFI_STATUS scsi_cdb_rw(struct scsi_cdb *cdb, UINT8 opcode, UINT64 lba, UINT32 blocks)
{
	UINT8 length = 16, lba_bytes = 8, count_at = 10, count_bytes = 4;
	UINT64 lba_max, count_max;

	switch (opcode) {
	case SCSI_READ_10:
	case SCSI_WRITE_10:
		length = 10, lba_bytes = 4, count_at = 7, count_bytes = 2;
		break;
	case SCSI_READ_12:
		length = 12, lba_bytes = 4, count_at = 6;
		break;
	case SCSI_READ_16:
	case SCSI_WRITE_16:
		break;
	default:
		return EFI_INVALID_PARAMETER;
	}
	lba_max = lba_bytes == 8 ? ~0ull : 0xffffffffull;
	count_max = count_bytes == 4 ? 0xffffffffull : 0xffff;
	/* What the form cannot carry is refused, never truncated. */
	if (blocks == 0 || blocks > count_max || lba > lba_max || blocks - 1 > lba_max - lba)
		return EFI_INVALID_PARAMETER;
	scsi_cdb_start(cdb, opcode, length);
	put_be(cdb->bytes + 2, lba_bytes, lba);
	put_be(cdb->bytes + count_at, count_bytes, blocks);
	/* FUA: the write is on the medium when it completes, as struct block_device promises. */
	if (opcode == SCSI_WRITE_10 || opcode == SCSI_WRITE_16)
		cdb->bytes[1] = 0x08;
	return EFI_SUCCESS;
}

EFI_STATUS scsi_sense_parse(const UINT8 *data, UINTN length, struct scsi_sense *ret)
{
	UINT8 code;

	if (length < 2)
		return EFI_NOT_FOUND;
	code = data[0] & 0x7f;
	*ret = (struct scsi_sense){ 0 };
	if (code == 0x70 || code == 0x71) {
		/* SPC-4 §4.5.3: ASC and ASCQ only if the additional length reaches them. */
		UINTN end = length < 8 ? length : 8 + (UINTN)data[7];

		if (end > length)
			end = length;
		if (end < 3)
			return EFI_NOT_FOUND;
		ret->key = data[2] & 0xf;
		if (end >= 14) {
			ret->asc = data[12];
			ret->ascq = data[13];
		}
		return EFI_SUCCESS;
	}
	if (code == 0x72 || code == 0x73) {
		/* §4.5.2: key, ASC and ASCQ sit in the 8-byte header, before any descriptor. */
		if (length < 4)
			return EFI_NOT_FOUND;
		ret->key = data[1] & 0xf;
		ret->asc = data[2];
		ret->ascq = data[3];
		return EFI_SUCCESS;
	}
	return EFI_NOT_FOUND;
}

enum scsi_sense_class scsi_sense_classify(const struct scsi_sense *sense)
{
	switch (sense->key) {
	case SCSI_KEY_NO_SENSE:
	case SCSI_KEY_RECOVERED_ERROR:
		return SCSI_SENSE_OK;
	case SCSI_KEY_NOT_READY:
		/* 3Ah: medium not present; anything else (04h becoming ready...) may pass. */
		return sense->asc == 0x3a ? SCSI_SENSE_NO_MEDIA : SCSI_SENSE_NOT_READY;
	case SCSI_KEY_UNIT_ATTENTION:
		/* A tray opened since the last command reports the medium gone as a unit attention. */
		return sense->asc == 0x3a ? SCSI_SENSE_NO_MEDIA : SCSI_SENSE_MEDIA_CHANGED;
	case SCSI_KEY_MEDIUM_ERROR:
		return SCSI_SENSE_MEDIUM_ERROR;
	case SCSI_KEY_DATA_PROTECT:
		return SCSI_SENSE_WRITE_PROTECTED;
	case SCSI_KEY_ILLEGAL_REQUEST:
		return SCSI_SENSE_ILLEGAL_REQUEST;
	case SCSI_KEY_ABORTED_COMMAND:
		/* The target gave up on this command (a transport hiccup); sending it again may work. */
		return SCSI_SENSE_NOT_READY;
	default:
		return SCSI_SENSE_OTHER;
	}
}

EFI_STATUS scsi_sense_status(enum scsi_sense_class class)
{
	switch (class) {
	case SCSI_SENSE_OK:
		return EFI_SUCCESS;
	case SCSI_SENSE_NO_MEDIA:
		return EFI_NO_MEDIA;
	case SCSI_SENSE_MEDIA_CHANGED:
		return EFI_MEDIA_CHANGED;
	case SCSI_SENSE_NOT_READY:
		return EFI_NOT_READY;
	case SCSI_SENSE_WRITE_PROTECTED:
		return EFI_WRITE_PROTECTED;
	case SCSI_SENSE_ILLEGAL_REQUEST:
		return EFI_UNSUPPORTED;
	default:
		return EFI_DEVICE_ERROR;
	}
}

/* Copy an ASCII field, stopping at a NUL, dropping trailing spaces. */
static void copy_ascii(char *dst, const UINT8 *src, UINTN n)
{
	UINTN len = 0;

	while (len < n && src[len])
		len++;
	while (len && src[len - 1] == ' ')
		len--;
	for (UINTN i = 0; i < len; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[len] = 0;
}

EFI_STATUS scsi_inquiry_parse(const UINT8 *data, UINTN length, struct scsi_inquiry *ret)
{
	UINT8 qualifier, type;
	UINTN end;

	*ret = (struct scsi_inquiry){ 0 };
	if (length < 5)
		return EFI_VOLUME_CORRUPTED;
	qualifier = data[0] >> 5;
	type = data[0] & 0x1f;
	/* SPC-4 §6.4.2: qualifier 1 and 3, and type 1Fh, say no unit is there. */
	if (qualifier == 1 || qualifier == 3 || type == 0x1f)
		return EFI_NOT_FOUND;
	ret->type = type;
	ret->removable = (data[1] & 0x80) != 0;
	end = 5 + (UINTN)data[4];
	if (end > length)
		end = length;
	if (end >= 16)
		copy_ascii(ret->vendor, data + 8, 8);
	if (end >= 32)
		copy_ascii(ret->product, data + 16, 16);
	return EFI_SUCCESS;
}

static EFI_STATUS capacity_check(UINT64 last, UINT32 block_size, struct scsi_capacity *ret)
{
	if (block_size < 512 || block_size > BLOCK_MAX_SIZE || (block_size & (block_size - 1)) ||
	    last == ~0ull)
		return EFI_VOLUME_CORRUPTED;
	ret->blocks = last + 1;
	ret->block_size = block_size;
	return EFI_SUCCESS;
}

EFI_STATUS scsi_capacity10_parse(const UINT8 *data, UINTN length, struct scsi_capacity *ret)
{
	UINT32 last;

	if (length < 8)
		return EFI_VOLUME_CORRUPTED;
	last = (UINT32)get_be(data, 4);
	/* SBC-3 §5.15.2: FFFFFFFFh says the last LBA does not fit this form. */
	if (last == 0xffffffffu)
		return EFI_BUFFER_TOO_SMALL;
	return capacity_check(last, (UINT32)get_be(data + 4, 4), ret);
}

EFI_STATUS scsi_capacity16_parse(const UINT8 *data, UINTN length, struct scsi_capacity *ret)
{
	if (length < 12)
		return EFI_VOLUME_CORRUPTED;
	return capacity_check(get_be(data, 8), (UINT32)get_be(data + 8, 4), ret);
}

EFI_STATUS scsi_report_luns_next(const UINT8 *data, UINTN length, UINT32 *cursor,
				 UINT16 *ret_lun)
{
	UINT64 listed, entries;

	if (length < 8)
		return EFI_NOT_FOUND;
	listed = get_be(data, 4) / 8;
	entries = (length - 8) / 8;
	if (listed < entries)
		entries = listed;
	while (*cursor < entries) {
		const UINT8 *e = data + 8 + (UINTN)*cursor * 8;
		UINT8 method = e[0] >> 6;
		BOOLEAN rest_zero = TRUE;

		(*cursor)++;
		for (int i = 2; i < 8; i++)
			rest_zero &= e[i] == 0;
		if (!rest_zero)
			continue;	/* a second level of addressing: not a LUN of this target */
		/* SAM-5 §4.7.7: peripheral (00b) on bus 0, or flat space (01b), one level. */
		if (method == 0 && (e[0] & 0x3f) == 0) {
			*ret_lun = e[1];
			return EFI_SUCCESS;
		}
		if (method == 1) {
			*ret_lun = (UINT16)((e[0] & 0x3f) << 8 | e[1]);
			return EFI_SUCCESS;
		}
	}
	return EFI_NOT_FOUND;
}
