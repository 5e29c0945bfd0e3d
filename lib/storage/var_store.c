/* SPDX-License-Identifier: MIT */
/* The persistent variable store: records with state bytes and CRCs in two banks, reclaimed in turn. */
#include "lib/crc32.h"
#include "lib/storage/var_format.h"
#include "lib/storage/var_store.h"
#include "lib/string.h"

/*
 * The format (docs/variables.md): the device is two banks of equal size. A bank starts with a
 * header (magic, version, size, sequence, CRC) and a committed byte; records follow, appended
 * one after another at 8-byte boundaries. A record is a header (state bytes, attributes, sizes,
 * GUID, CRC of name and data, CRC of the header), the name and the data. Every change of state
 * is one byte programmed from 0xff to 0x00, so it happens entirely or not at all:
 *  - a record counts once its added byte is 0x00 (programmed after the whole record is written
 *    and read back), and stops counting once its deleted byte is 0x00;
 *  - a new value is a new record, added before the old one is deleted, so a power loss between
 *    the two leaves both, and mount keeps the later one;
 *  - reclaim copies the current records into the other bank, erased first, and programs that
 *    bank's committed byte last: until then the old bank, never touched, is the one in use.
 */
static const UINT8 state_set = STATE_SET;

static void entry_of(struct var_store *vs, UINT32 bank, UINT32 pos, const struct record_header *h,
		     struct var_store_entry *e)
{
	e->offset = bank + pos;
	e->attributes = h->attributes;
	e->name_size = h->name_size;
	e->data_size = h->data_size;
	e->guid = h->guid;
}

/* The last live record of (name, guid) in the active bank before limit; NO_POS if none. */
static UINT32 find_before(struct var_store *vs, UINT32 limit, const void *name, UINT32 name_size,
			  const EFI_GUID *guid, struct record_header *ret_h)
{
	struct record_header h;
	UINT32 pos = BANK_HEADER_SIZE, found = NO_POS;

	while (var_walk(vs, vs->active, &pos, limit, &h)) {
		if (var_record_live(&h) && h.name_size == name_size &&
		    !memcmp(&h.guid, guid, sizeof(*guid)) &&
		    var_flash_equal(vs, vs->active + pos + sizeof(h), name, name_size)) {
			found = pos;
			*ret_h = h;
		}
		pos += var_store_record_size(h.name_size, h.data_size);
	}
	return found;
}

EFI_STATUS var_store_find(struct var_store *vs, const void *name, UINT32 name_size,
			  const EFI_GUID *guid, struct var_store_entry *ret_entry)
{
	struct record_header h;
	UINT32 pos;

	if (!vs->mounted)
		return EFI_NOT_READY;
	pos = find_before(vs, vs->end, name, name_size, guid, &h);
	if (pos == NO_POS)
		return EFI_NOT_FOUND;
	entry_of(vs, vs->active, pos, &h, ret_entry);
	return EFI_SUCCESS;
}

EFI_STATUS var_store_next(struct var_store *vs, UINT32 *cursor, struct var_store_entry *ret_entry)
{
	struct record_header h;
	UINT32 pos = BANK_HEADER_SIZE;

	if (!vs->mounted)
		return EFI_NOT_READY;
	if (*cursor) {
		if (*cursor < vs->active + BANK_HEADER_SIZE || *cursor >= vs->active + vs->end)
			return EFI_INVALID_PARAMETER;
		pos = *cursor - vs->active;
		if (!var_walk(vs, vs->active, &pos, vs->end, &h) || vs->active + pos != *cursor)
			return EFI_INVALID_PARAMETER;
		pos += var_store_record_size(h.name_size, h.data_size);
	}
	for (; var_walk(vs, vs->active, &pos, vs->end, &h);
	     pos += var_store_record_size(h.name_size, h.data_size)) {
		if (var_record_live(&h)) {
			entry_of(vs, vs->active, pos, &h, ret_entry);
			*cursor = vs->active + pos;
			return EFI_SUCCESS;
		}
	}
	return EFI_NOT_FOUND;
}

EFI_STATUS var_store_read_name(struct var_store *vs, const struct var_store_entry *e, void *buf)
{
	return var_flash_read(vs, e->offset + sizeof(struct record_header), buf, e->name_size);
}

EFI_STATUS var_store_read_data(struct var_store *vs, const struct var_store_entry *e, UINT32 offset,
			       void *buf, UINT32 size)
{
	if (offset > e->data_size || size > e->data_size - offset)
		return EFI_INVALID_PARAMETER;
	return var_flash_read(vs, e->offset + sizeof(struct record_header) + e->name_size + offset, buf,
			  size);
}

static EFI_STATUS write_bank_header(struct var_store *vs, UINT32 bank, UINT32 sequence)
{
	struct bank_header h = { .committed = STATE_CLEAR, .reserved = { 0xff, 0xff, 0xff } };

	h.magic = BANK_MAGIC;
	h.version = BANK_VERSION;
	h.bank_size = vs->bank_size;
	h.sequence = sequence;
	h.crc = crc32((const UINT8 *)&h + BANK_CRC_START, BANK_CRC_SIZE);
	return var_flash_program(vs, bank + BANK_CRC_START, (const UINT8 *)&h + BANK_CRC_START,
			     sizeof(h) - BANK_CRC_START);
}

static EFI_STATUS erase_bank(struct var_store *vs, UINT32 bank)
{
	EFI_STATUS status;

	for (UINT32 b = 0; b < vs->bank_size; b += vs->flash->block_size) {
		status = vs->flash->erase(vs->flash, bank + b);
		if (EFI_ERROR(status))
			return status;
	}
	return EFI_SUCCESS;
}

/*
 * Copy every current record but skip into the other bank, then n if given, and make that bank
 * the one in use by programming its committed byte: the single step that switches.
 */
static EFI_STATUS reclaim(struct var_store *vs, UINT32 skip, const struct new_record *n)
{
	UINT32 spare = vs->active ? 0 : vs->bank_size;
	UINT32 pos = BANK_HEADER_SIZE, out = BANK_HEADER_SIZE;
	struct record_header h;
	EFI_STATUS status;

	status = erase_bank(vs, spare);
	if (!EFI_ERROR(status))
		status = write_bank_header(vs, spare, vs->sequence + 1);
	if (EFI_ERROR(status))
		return status;
	for (; var_walk(vs, vs->active, &pos, vs->end, &h);
	     pos += var_store_record_size(h.name_size, h.data_size)) {
		UINT32 size = var_store_record_size(h.name_size, h.data_size);

		if (!var_record_live(&h) || vs->active + pos == skip)
			continue;
		if (out + size > vs->bank_size)
			return EFI_OUT_OF_RESOURCES;
		status = var_flash_copy(vs, spare + out, vs->active + pos, size);
		if (EFI_ERROR(status))
			return status;
		out += size;
	}
	if (n) {
		if (out + var_store_record_size(n->name_size, n->old_data + n->size) > vs->bank_size)
			return EFI_OUT_OF_RESOURCES;
		status = var_record_write(vs, spare, &out, n);
		if (EFI_ERROR(status))
			return status;
	}
	status = var_flash_program(vs, spare, &state_set, 1);
	if (EFI_ERROR(status))
		return status;
	vs->active = spare;
	vs->sequence++;
	vs->end = out;
	vs->live = out - BANK_HEADER_SIZE;
	return EFI_SUCCESS;
}

EFI_STATUS var_store_set(struct var_store *vs, const void *name, UINT32 name_size,
			 const EFI_GUID *guid, UINT32 attributes, const void *data, UINT32 size,
			 BOOLEAN append)
{
	struct var_store_entry old;
	struct new_record n = { name, name_size, guid, attributes, NULL, 0, data, size };
	UINT32 record, old_record = 0;
	BOOLEAN cramped;
	EFI_STATUS status;

	if (!vs->mounted)
		return EFI_NOT_READY;
	if (name_size < 2 * sizeof(CHAR16) || name_size % 2 || name_size > VAR_STORE_MAX_VARIABLE ||
	    size > VAR_STORE_MAX_VARIABLE - name_size)
		return EFI_INVALID_PARAMETER;
	status = var_store_find(vs, name, name_size, guid, &old);
	if (!EFI_ERROR(status)) {
		n.old = &old;
		old_record = var_store_record_size(old.name_size, old.data_size);
		if (append) {
			if (!size)
				return EFI_SUCCESS;
			if (old.data_size > VAR_STORE_MAX_VARIABLE - name_size - size)
				return EFI_INVALID_PARAMETER;
			n.old_data = old.data_size;
		} else if (old.attributes == attributes && old.data_size == size &&
			   var_flash_equal(vs, var_entry_data_offset(&old), data, size)) {
			/* The same value again (every boot sets some): nothing to write. */
			return EFI_SUCCESS;
		}
	} else if (status != EFI_NOT_FOUND) {
		return status;
	}
	if (!n.old_data && !size)
		return EFI_INVALID_PARAMETER;

	record = var_store_record_size(name_size, n.old_data + size);
	/* Room for stage0 is kept only where dead records give it back, so a full store still fills. */
	cramped = vs->end + record + VAR_STORE_APPEND_ROOM > vs->bank_size &&
		  vs->end - BANK_HEADER_SIZE - vs->live >= VAR_STORE_APPEND_ROOM;
	if (vs->end + record <= vs->bank_size && !cramped) {
		status = var_record_write(vs, vs->active, &vs->end, &n);
		if (EFI_ERROR(status))
			return status;
		vs->live += record;
		if (n.old) {
			vs->live -= old_record;
			return var_record_retire(vs, old.offset);
		}
		return EFI_SUCCESS;
	}
	/* No room left at the end: reclaim, with the new value in place of the old one. */
	if (vs->live - old_record + record > vs->bank_size - BANK_HEADER_SIZE)
		return EFI_OUT_OF_RESOURCES;
	return reclaim(vs, n.old ? old.offset : NO_POS, &n);
}

EFI_STATUS var_store_delete(struct var_store *vs, const void *name, UINT32 name_size,
			    const EFI_GUID *guid)
{
	struct var_store_entry e;
	EFI_STATUS status = var_store_find(vs, name, name_size, guid, &e);

	if (EFI_ERROR(status))
		return status;
	status = var_record_retire(vs, e.offset);
	if (!EFI_ERROR(status))
		vs->live -= var_store_record_size(e.name_size, e.data_size);
	return status;
}

void var_store_usage(const struct var_store *vs, UINT64 *ret_capacity, UINT64 *ret_remaining,
		     UINT64 *ret_max_variable)
{
	UINT64 capacity = vs->mounted ? vs->bank_size - BANK_HEADER_SIZE : 0;
	UINT64 fit = capacity > sizeof(struct record_header) ?
			     (capacity - sizeof(struct record_header)) & ~(UINT64)(ALIGN - 1) :
			     0;

	*ret_capacity = capacity;
	*ret_remaining = capacity - (vs->mounted ? vs->live : 0);
	*ret_max_variable = fit < VAR_STORE_MAX_VARIABLE ? fit : VAR_STORE_MAX_VARIABLE;
}

/*
 * Walk the active bank: count current records (checking their data CRCs), find where the erased
 * space starts, and retire what fails its CRC when fix. Counts damage in the report.
 */
static EFI_STATUS scan(struct var_store *vs, struct var_store_report *r, BOOLEAN fix,
		       UINT32 *ret_last)
{
	struct record_header h;
	UINT32 pos = BANK_HEADER_SIZE, end = BANK_HEADER_SIZE;
	BOOLEAN in_garbage = FALSE;
	UINT32 pending = 0;	/* stretches of garbage since the last record */
	UINT32 garbage_start = 0;
	UINT8 tail[sizeof(h)];
	EFI_STATUS status;

	vs->live = 0;
	*ret_last = NO_POS;
	while (pos + sizeof(h) <= vs->bank_size) {
		status = var_flash_read(vs, vs->active + pos, &h, sizeof(h));
		if (EFI_ERROR(status))
			return status;
		if (var_record_header_valid(&h, vs->bank_size - pos)) {
			UINT32 size = var_store_record_size(h.name_size, h.data_size);
			UINT32 crc = 0;

			/* Garbage with records after it is damage, not an interrupted last write. */
			r->damaged += pending;
			pending = 0;
			in_garbage = FALSE;
			if (var_record_live(&h)) {
				status = var_flash_crc(vs, vs->active + pos + sizeof(h),
						   h.name_size + h.data_size, &crc);
				if (EFI_ERROR(status))
					return status;
				if (crc == h.data_crc) {
					vs->live += size;
					r->variables++;
					*ret_last = pos;
				} else {
					r->damaged++;
					if (fix)
						var_record_retire(vs, vs->active + pos);
				}
			}
			pos += size;
			end = pos;
			continue;
		}
		if (var_all_bytes((const UINT8 *)&h, ALIGN, 0x00)) {
			/* Cleared: an interrupted write that an earlier mount zeroed. */
			in_garbage = FALSE;
			end = pos + ALIGN;
		} else if (!var_all_bytes((const UINT8 *)&h, ALIGN, 0xff)) {
			if (!pending)
				garbage_start = pos;
			if (!in_garbage)
				pending++;
			in_garbage = TRUE;
			end = pos + ALIGN;
		} else {
			in_garbage = FALSE;
		}
		pos += ALIGN;
	}
	/*
	 * Garbage after the last record is what a power loss while a header was being written
	 * leaves (its erased bytes may split it in stretches): not damage.
	 */
	/* The few bytes after the last whole header: no record fits there, but they must be erased. */
	if (pos < vs->bank_size) {
		status = var_flash_read(vs, vs->active + pos, tail, vs->bank_size - pos);
		if (EFI_ERROR(status))
			return status;
		if (!var_all_bytes(tail, vs->bank_size - pos, 0xff))
			end = vs->bank_size;
	}
	vs->end = end;
	/*
	 * Zero what the interrupted write left (bits only go 1 -> 0), so that once records follow
	 * it the next mount sees a cleared stretch, not damage. No header starts with 8 zeroes.
	 */
	if (fix && pending) {
		static const UINT8 zeroes[CHUNK];

		for (UINT32 off = garbage_start; off < end && off + ALIGN <= vs->bank_size;) {
			UINT32 n = end - off < CHUNK ? end - off : CHUNK;

			status = var_flash_program(vs, vs->active + off, zeroes, n);
			if (EFI_ERROR(status))
				return status;
			off += n;
		}
	}
	return EFI_SUCCESS;
}

/*
 * A power loss between adding a new value and deleting the old one leaves both, and only for the
 * last record added (every earlier one was followed by its deletion): keep the later one.
 */
static void drop_duplicate(struct var_store *vs, UINT32 last, struct var_store_report *r,
			   BOOLEAN fix)
{
	struct record_header h, old;
	UINT8 name[CHUNK];
	UINT32 pos;

	if (last == NO_POS || EFI_ERROR(var_flash_read(vs, vs->active + last, &h, sizeof(h))))
		return;
	/* Names are short; one longer than a chunk is left to find's last-one-wins rule. */
	if (h.name_size > sizeof(name) ||
	    EFI_ERROR(var_flash_read(vs, vs->active + last + sizeof(h), name, h.name_size)))
		return;
	pos = find_before(vs, last, name, h.name_size, &h.guid, &old);
	if (pos == NO_POS)
		return;
	vs->live -= var_store_record_size(old.name_size, old.data_size);
	r->variables--;
	if (fix)
		var_record_retire(vs, vs->active + pos);
}

EFI_STATUS var_store_format(struct var_store *vs)
{
	EFI_STATUS status;
	UINT32 block = vs->flash->block_size;

	if (!block || block & (block - 1) || vs->flash->size < VAR_STORE_MIN_SIZE ||
	    vs->flash->size / 2 < block)
		return EFI_UNSUPPORTED;
	vs->bank_size = (vs->flash->size / 2) & ~(block - 1);
	vs->mounted = FALSE;
	vs->active = 0;
	status = erase_bank(vs, 0);
	if (!EFI_ERROR(status))
		status = erase_bank(vs, vs->bank_size);
	if (!EFI_ERROR(status))
		status = write_bank_header(vs, 0, 1);
	if (!EFI_ERROR(status))
		status = var_flash_program(vs, 0, &state_set, 1);
	if (EFI_ERROR(status))
		return status;
	vs->sequence = 1;
	vs->end = BANK_HEADER_SIZE;
	vs->live = 0;
	vs->mounted = TRUE;
	return EFI_SUCCESS;
}

/* Every byte of the device is value. */
static BOOLEAN device_filled(struct var_store *vs, UINT8 value)
{
	UINT8 chunk[CHUNK];

	for (UINT32 off = 0; off < vs->flash->size; off += CHUNK) {
		UINT32 n = vs->flash->size - off < CHUNK ? vs->flash->size - off : CHUNK;

		if (EFI_ERROR(var_flash_read(vs, off, chunk, n)) || !var_all_bytes(chunk, n, value))
			return FALSE;
	}
	return TRUE;
}

EFI_STATUS var_store_mount(struct var_store *vs, struct var_store_report *ret_report)
{
	struct bank_header h[2];
	struct var_store_report scratch[2];
	BOOLEAN valid[2];
	UINT32 block = vs->flash->block_size, last, best;
	EFI_STATUS status;

	memset(ret_report, 0, sizeof(*ret_report));
	vs->mounted = FALSE;
	if (!block || block & (block - 1) || vs->flash->size < VAR_STORE_MIN_SIZE ||
	    vs->flash->size / 2 < block)
		return EFI_UNSUPPORTED;
	vs->bank_size = (vs->flash->size / 2) & ~(block - 1);
	for (int i = 0; i < 2; i++) {
		status = var_flash_read(vs, i * vs->bank_size, &h[i], sizeof(h[i]));
		if (EFI_ERROR(status))
			return status;
		valid[i] = h[i].committed == STATE_SET && var_bank_header_valid(&h[i], vs->bank_size);
	}

	if (valid[0] || valid[1]) {
		/* Sequence numbers compare as serial numbers, so even a wrap picks the newer bank. */
		best = valid[0] && valid[1] ? (INT32)(h[1].sequence - h[0].sequence) > 0 : valid[1];
		vs->active = best * vs->bank_size;
		vs->sequence = h[best].sequence;
		status = scan(vs, ret_report, TRUE, &last);
		if (EFI_ERROR(status))
			return status;
		vs->mounted = TRUE;
		drop_duplicate(vs, last, ret_report, TRUE);
		return EFI_SUCCESS;
	}

	/* No bank verifies: a blank device, an interrupted format, or damage beyond the headers. */
	for (int i = 0; i < 2; i++) {
		memset(&scratch[i], 0, sizeof(scratch[i]));
		vs->active = i * vs->bank_size;
		status = scan(vs, &scratch[i], FALSE, &last);
		if (EFI_ERROR(status))
			return status;
	}
	if (!scratch[0].variables && !scratch[1].variables) {
		BOOLEAN blank = device_filled(vs, 0xff) || device_filled(vs, 0x00);

		status = var_store_format(vs);
		if (EFI_ERROR(status))
			return status;
		ret_report->formatted = TRUE;
		ret_report->damaged = blank ? 0 : 1;
		return EFI_SUCCESS;
	}
	/* Keep the bank with more that verifies; its records go to the other, under a new header. */
	best = scratch[1].variables > scratch[0].variables;
	vs->active = best * vs->bank_size;
	vs->sequence = 0;
	status = scan(vs, ret_report, TRUE, &last);
	if (EFI_ERROR(status))
		return status;
	vs->mounted = TRUE;
	drop_duplicate(vs, last, ret_report, TRUE);
	ret_report->salvaged = TRUE;
	ret_report->damaged++;
	status = reclaim(vs, NO_POS, NULL);
	if (EFI_ERROR(status))
		vs->mounted = FALSE;
	return status;
}
