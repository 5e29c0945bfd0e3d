/* SPDX-License-Identifier: MIT */
/* The variable store's record primitives, and its append path alone: small enough for stage0. */
#include "lib/crc32.h"
#include "lib/storage/var_append.h"
#include "lib/storage/var_format.h"
#include "lib/string.h"

static const UINT8 state_set = STATE_SET;

UINT32 var_store_record_size(UINT32 name_size, UINT32 data_size)
{
	return (sizeof(struct record_header) + name_size + data_size + ALIGN - 1) & ~(ALIGN - 1);
}

EFI_STATUS var_flash_read(struct var_store *vs, UINT32 off, void *buf, UINT32 size)
{
	return vs->flash->read(vs->flash, off, buf, size);
}

EFI_STATUS var_flash_program(struct var_store *vs, UINT32 off, const void *buf, UINT32 size)
{
	return vs->flash->program(vs->flash, off, buf, size);
}

BOOLEAN var_all_bytes(const UINT8 *p, UINT32 size, UINT8 value)
{
	for (UINT32 i = 0; i < size; i++)
		if (p[i] != value)
			return FALSE;
	return TRUE;
}

/* Whether size bytes of flash at off equal buf. */
BOOLEAN var_flash_equal(struct var_store *vs, UINT32 off, const UINT8 *buf, UINT32 size)
{
	UINT8 chunk[CHUNK];

	for (UINT32 done = 0; done < size;) {
		UINT32 n = size - done < CHUNK ? size - done : CHUNK;

		if (EFI_ERROR(var_flash_read(vs, off + done, chunk, n)) ||
		    memcmp(chunk, buf + done, n))
			return FALSE;
		done += n;
	}
	return TRUE;
}

/* Continue a CRC over size bytes of flash at off. */
EFI_STATUS var_flash_crc(struct var_store *vs, UINT32 off, UINT32 size, UINT32 *crc)
{
	UINT8 chunk[CHUNK];
	EFI_STATUS status;

	for (UINT32 done = 0; done < size;) {
		UINT32 n = size - done < CHUNK ? size - done : CHUNK;

		status = var_flash_read(vs, off + done, chunk, n);
		if (EFI_ERROR(status))
			return status;
		*crc = crc32_update(*crc, chunk, n);
		done += n;
	}
	return EFI_SUCCESS;
}

/* Copy size bytes from flash to flash, checking what was programmed. */
EFI_STATUS var_flash_copy(struct var_store *vs, UINT32 dst, UINT32 src, UINT32 size)
{
	UINT8 chunk[CHUNK];
	EFI_STATUS status;

	for (UINT32 done = 0; done < size;) {
		UINT32 n = size - done < CHUNK ? size - done : CHUNK;

		status = var_flash_read(vs, src + done, chunk, n);
		if (!EFI_ERROR(status))
			status = var_flash_program(vs, dst + done, chunk, n);
		if (EFI_ERROR(status))
			return status;
		if (!var_flash_equal(vs, dst + done, chunk, n))
			return EFI_DEVICE_ERROR;
		done += n;
	}
	return EFI_SUCCESS;
}

BOOLEAN var_bank_header_valid(const struct bank_header *h, UINT32 bank_size)
{
	return h->magic == BANK_MAGIC && h->version == BANK_VERSION && h->bank_size == bank_size &&
	       h->crc == crc32((const UINT8 *)h + BANK_CRC_START, BANK_CRC_SIZE);
}

/* A header that verifies, of a record that fits in the room left in its bank. */
BOOLEAN var_record_header_valid(const struct record_header *h, UINT32 room)
{
	if (h->magic != RECORD_MAGIC ||
	    h->header_crc != crc32((const UINT8 *)h + RECORD_CRC_START, RECORD_CRC_SIZE))
		return FALSE;
	if (h->name_size < 2 * sizeof(CHAR16) || h->name_size % 2 || !h->data_size ||
	    h->name_size > VAR_STORE_MAX_VARIABLE ||
	    h->data_size > VAR_STORE_MAX_VARIABLE - h->name_size)
		return FALSE;
	return var_store_record_size(h->name_size, h->data_size) <= room;
}

BOOLEAN var_record_live(const struct record_header *h)
{
	return h->added == STATE_SET && h->deleted == STATE_CLEAR;
}

/*
 * The record at or after *pos (bank-relative, its header below limit) whose header verifies;
 * what does not verify is skipped ALIGN bytes at a time. FALSE when none is left.
 */
BOOLEAN var_walk(struct var_store *vs, UINT32 bank, UINT32 *pos, UINT32 limit,
		 struct record_header *h)
{
	while (*pos + sizeof(*h) <= limit) {
		if (EFI_ERROR(var_flash_read(vs, bank + *pos, h, sizeof(*h))))
			return FALSE;
		if (var_record_header_valid(h, vs->bank_size - *pos))
			return TRUE;
		*pos += ALIGN;
	}
	return FALSE;
}

/*
 * Write a complete record at *pos of bank and read it back, then program its added byte.
 * Once anything is programmed, *pos moves past the record whatever happens, so a failed write
 * never has its bytes programmed over.
 */
EFI_STATUS var_record_write(struct var_store *vs, UINT32 bank, UINT32 *pos,
			    const struct new_record *n)
{
	struct record_header h = { .added = STATE_CLEAR, .deleted = STATE_CLEAR };
	UINT32 total = n->old_data + n->size;
	UINT32 off = bank + *pos, body = off + sizeof(h);
	UINT32 crc = crc32_update(0, n->name, n->name_size), check = 0;
	EFI_STATUS status;

	if (n->old) {
		status = var_flash_crc(vs, var_entry_data_offset(n->old), n->old_data, &crc);
		if (EFI_ERROR(status))
			return status;
	}
	crc = crc32_update(crc, n->data, n->size);
	h.magic = RECORD_MAGIC;
	h.attributes = n->attributes;
	h.name_size = n->name_size;
	h.data_size = total;
	h.guid = *n->guid;
	h.data_crc = crc;
	h.header_crc = crc32((const UINT8 *)&h + RECORD_CRC_START, RECORD_CRC_SIZE);

	*pos += var_store_record_size(n->name_size, total);
	status = var_flash_program(vs, off + RECORD_CRC_START, (const UINT8 *)&h + RECORD_CRC_START,
				   sizeof(h) - RECORD_CRC_START);
	if (!EFI_ERROR(status))
		status = var_flash_program(vs, body, n->name, n->name_size);
	if (!EFI_ERROR(status) && n->old_data)
		status = var_flash_copy(vs, body + n->name_size, var_entry_data_offset(n->old),
					n->old_data);
	if (!EFI_ERROR(status) && n->size)
		status = var_flash_program(vs, body + n->name_size + n->old_data, n->data, n->size);
	if (EFI_ERROR(status))
		return status;
	/* What the flash holds now, not what we meant to write, is what gets committed. */
	if (!var_flash_equal(vs, off + RECORD_CRC_START, (const UINT8 *)&h + RECORD_CRC_START,
			     sizeof(h) - RECORD_CRC_START))
		return EFI_DEVICE_ERROR;
	status = var_flash_crc(vs, body, n->name_size + total, &check);
	if (EFI_ERROR(status))
		return status;
	if (check != crc)
		return EFI_DEVICE_ERROR;
	return var_flash_program(vs, off, &state_set, 1);
}

EFI_STATUS var_record_retire(struct var_store *vs, UINT32 offset)
{
	return var_flash_program(vs, offset + __builtin_offsetof(struct record_header, deleted),
				 &state_set, 1);
}

/*
 * Without recovery (that is var_store_mount's): the bank in use, where its erased space starts,
 * and where what an interrupted write left before it starts (vs->tail). A record is found as
 * var_store_find finds it, the last current one of its name whose data CRC verifies.
 */
EFI_STATUS var_append_open(struct var_store *vs, const void *name, UINT32 name_size,
			   const EFI_GUID *guid, struct var_store_entry *ret_entry)
{
	struct bank_header b[2];
	struct record_header h;
	UINT32 block = vs->flash->block_size, pos = BANK_HEADER_SIZE, crc;
	BOOLEAN valid[2], found = FALSE;
	EFI_STATUS status;

	vs->mounted = FALSE;
	ret_entry->offset = 0;
	if (!block || block & (block - 1) || vs->flash->size < VAR_STORE_MIN_SIZE)
		return EFI_UNSUPPORTED;
	vs->bank_size = (vs->flash->size / 2) & ~(block - 1);
	for (int i = 0; i < 2; i++) {
		status = var_flash_read(vs, i * vs->bank_size, &b[i], sizeof(b[i]));
		if (EFI_ERROR(status))
			return status;
		valid[i] =
			b[i].committed == STATE_SET && var_bank_header_valid(&b[i], vs->bank_size);
	}
	/* Blank, or damaged beyond the headers: only a mount with recovery may write then. */
	if (!valid[0] && !valid[1])
		return EFI_VOLUME_CORRUPTED;
	vs->active =
		(valid[0] && valid[1] ? (INT32)(b[1].sequence - b[0].sequence) > 0 : valid[1]) *
		vs->bank_size;
	vs->end = vs->tail = pos;
	while (pos + ALIGN <= vs->bank_size) {
		status = var_flash_read(vs, vs->active + pos, &h,
					pos + sizeof(h) <= vs->bank_size ? sizeof(h) : ALIGN);
		if (EFI_ERROR(status))
			return status;
		/* Erased: no header starts with 8 bytes of 0xff (its magic is not 0xffff). */
		if (var_all_bytes((const UINT8 *)&h, ALIGN, 0xff)) {
			pos += ALIGN;
			continue;
		}
		if (pos + sizeof(h) <= vs->bank_size &&
		    var_record_header_valid(&h, vs->bank_size - pos)) {
			crc = 0;
			if (var_record_live(&h) && h.name_size == name_size &&
			    !memcmp(&h.guid, guid, sizeof(*guid)) &&
			    var_flash_equal(vs, vs->active + pos + sizeof(h), name, name_size) &&
			    !EFI_ERROR(var_flash_crc(vs, vs->active + pos + sizeof(h),
						     h.name_size + h.data_size, &crc)) &&
			    crc == h.data_crc) {
				found = TRUE;
				*ret_entry = (struct var_store_entry){ vs->active + pos,
								       h.attributes, h.name_size,
								       h.data_size, h.guid };
			}
			pos += var_store_record_size(h.name_size, h.data_size);
			vs->end = vs->tail = pos;
			continue;
		}
		/* Neither erased nor a record: an interrupted write (or zeroes where mount cleared one). */
		pos += ALIGN;
		vs->end = pos;
	}
	return found ? EFI_SUCCESS : EFI_NOT_FOUND;
}

EFI_STATUS var_append_set(struct var_store *vs, struct var_store_entry *entry, const void *name,
			  UINT32 name_size, const EFI_GUID *guid, UINT32 attributes,
			  const void *data, UINT32 size)
{
	UINT32 old = entry->offset, at = vs->end;
	static const UINT8 zeroes[ALIGN];
	struct new_record n = { name, name_size, guid, attributes, NULL, 0, data, size };
	EFI_STATUS status;

	if (vs->end + var_store_record_size(name_size, size) > vs->bank_size)
		return EFI_OUT_OF_RESOURCES;
	/*
	 * Zero what an interrupted write left, as mount does (bits only go 1 -> 0), so that with a
	 * record after it the next mount sees a cleared stretch, not damage.
	 */
	for (; vs->tail < vs->end; vs->tail += ALIGN) {
		status = var_flash_program(vs, vs->active + vs->tail, zeroes, ALIGN);
		if (EFI_ERROR(status))
			return status;
	}
	status = var_record_write(vs, vs->active, &vs->end, &n);
	vs->tail = vs->end;
	if (EFI_ERROR(status))
		return status;
	*entry = (struct var_store_entry){ vs->active + at, attributes, name_size, size, *guid };
	return old ? var_record_retire(vs, old) : EFI_SUCCESS;
}
