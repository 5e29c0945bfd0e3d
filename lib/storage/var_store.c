/* SPDX-License-Identifier: MIT */
/* The persistent variable store: records with state bytes and CRCs in two banks, reclaimed in turn. */
#include "lib/crc32.h"
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
#define BANK_MAGIC 0x52415653u	/* "SVAR" read as little-endian bytes */
#define BANK_VERSION 1
#define BANK_HEADER_SIZE 32	/* records start here */
#define RECORD_MAGIC 0x5652u	/* "RV" */
#define ALIGN 8u
#define STATE_SET 0x00
#define STATE_CLEAR 0xff
#define CHUNK 256
#define NO_POS 0xffffffffu

struct bank_header {
	UINT8 committed;	/* 0xff while being filled, 0x00 once complete */
	UINT8 reserved[3];
	UINT32 magic;
	UINT32 version;
	UINT32 bank_size;
	UINT32 sequence;
	UINT32 crc;		/* CRC32 of magic..sequence */
};

struct record_header {
	UINT8 added;		/* 0x00 once the record is complete */
	UINT8 deleted;		/* 0x00 once superseded or deleted */
	UINT16 magic;
	UINT32 attributes;
	UINT32 name_size;
	UINT32 data_size;
	EFI_GUID guid;
	UINT32 data_crc;	/* CRC32 of name and data */
	UINT32 header_crc;	/* CRC32 of magic..data_crc */
};

_Static_assert(sizeof(struct bank_header) == 24, "bank header layout");
_Static_assert(sizeof(struct record_header) == 40, "record header layout");

#define RECORD_CRC_START 2
#define RECORD_CRC_SIZE (__builtin_offsetof(struct record_header, header_crc) - RECORD_CRC_START)
#define BANK_CRC_START 4
#define BANK_CRC_SIZE (__builtin_offsetof(struct bank_header, crc) - BANK_CRC_START)

/* A new value to write: the old record's data first (when appending), then data. */
struct new_record {
	const void *name;
	UINT32 name_size;
	const EFI_GUID *guid;
	UINT32 attributes;
	const struct var_store_entry *old;	/* NULL when there is none */
	UINT32 old_data;			/* bytes of its data to keep */
	const void *data;
	UINT32 size;
};

static const UINT8 state_set = STATE_SET;

UINT32 var_store_record_size(UINT32 name_size, UINT32 data_size)
{
	return (sizeof(struct record_header) + name_size + data_size + ALIGN - 1) & ~(ALIGN - 1);
}

static EFI_STATUS flash_read(struct var_store *vs, UINT32 off, void *buf, UINT32 size)
{
	return vs->flash->read(vs->flash, off, buf, size);
}

static EFI_STATUS flash_program(struct var_store *vs, UINT32 off, const void *buf, UINT32 size)
{
	return vs->flash->program(vs->flash, off, buf, size);
}

static BOOLEAN all_bytes(const UINT8 *p, UINT32 size, UINT8 value)
{
	for (UINT32 i = 0; i < size; i++)
		if (p[i] != value)
			return FALSE;
	return TRUE;
}

/* Whether size bytes of flash at off equal buf. */
static BOOLEAN flash_equal(struct var_store *vs, UINT32 off, const UINT8 *buf, UINT32 size)
{
	UINT8 chunk[CHUNK];

	for (UINT32 done = 0; done < size;) {
		UINT32 n = size - done < CHUNK ? size - done : CHUNK;

		if (EFI_ERROR(flash_read(vs, off + done, chunk, n)) || memcmp(chunk, buf + done, n))
			return FALSE;
		done += n;
	}
	return TRUE;
}

/* Continue a CRC over size bytes of flash at off. */
static EFI_STATUS flash_crc(struct var_store *vs, UINT32 off, UINT32 size, UINT32 *crc)
{
	UINT8 chunk[CHUNK];
	EFI_STATUS status;

	for (UINT32 done = 0; done < size;) {
		UINT32 n = size - done < CHUNK ? size - done : CHUNK;

		status = flash_read(vs, off + done, chunk, n);
		if (EFI_ERROR(status))
			return status;
		*crc = crc32_update(*crc, chunk, n);
		done += n;
	}
	return EFI_SUCCESS;
}

/* Copy size bytes from flash to flash, checking what was programmed. */
static EFI_STATUS flash_copy(struct var_store *vs, UINT32 dst, UINT32 src, UINT32 size)
{
	UINT8 chunk[CHUNK];
	EFI_STATUS status;

	for (UINT32 done = 0; done < size;) {
		UINT32 n = size - done < CHUNK ? size - done : CHUNK;

		status = flash_read(vs, src + done, chunk, n);
		if (!EFI_ERROR(status))
			status = flash_program(vs, dst + done, chunk, n);
		if (EFI_ERROR(status))
			return status;
		if (!flash_equal(vs, dst + done, chunk, n))
			return EFI_DEVICE_ERROR;
		done += n;
	}
	return EFI_SUCCESS;
}

static BOOLEAN bank_header_valid(const struct bank_header *h, UINT32 bank_size)
{
	return h->magic == BANK_MAGIC && h->version == BANK_VERSION && h->bank_size == bank_size &&
	       h->crc == crc32((const UINT8 *)h + BANK_CRC_START, BANK_CRC_SIZE);
}

/* A header that verifies, of a record that fits in the room left in its bank. */
static BOOLEAN record_header_valid(const struct record_header *h, UINT32 room)
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

static BOOLEAN record_live(const struct record_header *h)
{
	return h->added == STATE_SET && h->deleted == STATE_CLEAR;
}

/*
 * The record at or after *pos (bank-relative, its header below limit) whose header verifies;
 * what does not verify is skipped ALIGN bytes at a time. FALSE when none is left.
 */
static BOOLEAN walk(struct var_store *vs, UINT32 bank, UINT32 *pos, UINT32 limit,
		    struct record_header *h)
{
	while (*pos + sizeof(*h) <= limit) {
		if (EFI_ERROR(flash_read(vs, bank + *pos, h, sizeof(*h))))
			return FALSE;
		if (record_header_valid(h, vs->bank_size - *pos))
			return TRUE;
		*pos += ALIGN;
	}
	return FALSE;
}

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

	while (walk(vs, vs->active, &pos, limit, &h)) {
		if (record_live(&h) && h.name_size == name_size &&
		    !memcmp(&h.guid, guid, sizeof(*guid)) &&
		    flash_equal(vs, vs->active + pos + sizeof(h), name, name_size)) {
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
		if (!walk(vs, vs->active, &pos, vs->end, &h) || vs->active + pos != *cursor)
			return EFI_INVALID_PARAMETER;
		pos += var_store_record_size(h.name_size, h.data_size);
	}
	for (; walk(vs, vs->active, &pos, vs->end, &h);
	     pos += var_store_record_size(h.name_size, h.data_size)) {
		if (record_live(&h)) {
			entry_of(vs, vs->active, pos, &h, ret_entry);
			*cursor = vs->active + pos;
			return EFI_SUCCESS;
		}
	}
	return EFI_NOT_FOUND;
}

EFI_STATUS var_store_read_name(struct var_store *vs, const struct var_store_entry *e, void *buf)
{
	return flash_read(vs, e->offset + sizeof(struct record_header), buf, e->name_size);
}

EFI_STATUS var_store_read_data(struct var_store *vs, const struct var_store_entry *e, UINT32 offset,
			       void *buf, UINT32 size)
{
	if (offset > e->data_size || size > e->data_size - offset)
		return EFI_INVALID_PARAMETER;
	return flash_read(vs, e->offset + sizeof(struct record_header) + e->name_size + offset, buf,
			  size);
}

static UINT32 entry_data_offset(const struct var_store_entry *e)
{
	return e->offset + sizeof(struct record_header) + e->name_size;
}

/*
 * Write a complete record at *pos of bank and read it back, then program its added byte.
 * Once anything is programmed, *pos moves past the record whatever happens, so a failed write
 * never has its bytes programmed over.
 */
static EFI_STATUS write_record(struct var_store *vs, UINT32 bank, UINT32 *pos,
			       const struct new_record *n)
{
	struct record_header h = { .added = STATE_CLEAR, .deleted = STATE_CLEAR };
	UINT32 total = n->old_data + n->size;
	UINT32 off = bank + *pos, body = off + sizeof(h);
	UINT32 crc = crc32_update(0, n->name, n->name_size), check = 0;
	EFI_STATUS status;

	if (n->old) {
		status = flash_crc(vs, entry_data_offset(n->old), n->old_data, &crc);
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
	status = flash_program(vs, off + RECORD_CRC_START, (const UINT8 *)&h + RECORD_CRC_START,
			       sizeof(h) - RECORD_CRC_START);
	if (!EFI_ERROR(status))
		status = flash_program(vs, body, n->name, n->name_size);
	if (!EFI_ERROR(status) && n->old_data)
		status = flash_copy(vs, body + n->name_size, entry_data_offset(n->old),
				    n->old_data);
	if (!EFI_ERROR(status) && n->size)
		status = flash_program(vs, body + n->name_size + n->old_data, n->data, n->size);
	if (EFI_ERROR(status))
		return status;
	/* What the flash holds now, not what we meant to write, is what gets committed. */
	if (!flash_equal(vs, off + RECORD_CRC_START, (const UINT8 *)&h + RECORD_CRC_START,
			 sizeof(h) - RECORD_CRC_START))
		return EFI_DEVICE_ERROR;
	status = flash_crc(vs, body, n->name_size + total, &check);
	if (EFI_ERROR(status))
		return status;
	if (check != crc)
		return EFI_DEVICE_ERROR;
	return flash_program(vs, off, &state_set, 1);
}

static EFI_STATUS retire(struct var_store *vs, UINT32 offset)
{
	return flash_program(vs, offset + __builtin_offsetof(struct record_header, deleted),
			     &state_set, 1);
}

static EFI_STATUS write_bank_header(struct var_store *vs, UINT32 bank, UINT32 sequence)
{
	struct bank_header h = { .committed = STATE_CLEAR, .reserved = { 0xff, 0xff, 0xff } };

	h.magic = BANK_MAGIC;
	h.version = BANK_VERSION;
	h.bank_size = vs->bank_size;
	h.sequence = sequence;
	h.crc = crc32((const UINT8 *)&h + BANK_CRC_START, BANK_CRC_SIZE);
	return flash_program(vs, bank + BANK_CRC_START, (const UINT8 *)&h + BANK_CRC_START,
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
	for (; walk(vs, vs->active, &pos, vs->end, &h);
	     pos += var_store_record_size(h.name_size, h.data_size)) {
		UINT32 size = var_store_record_size(h.name_size, h.data_size);

		if (!record_live(&h) || vs->active + pos == skip)
			continue;
		if (out + size > vs->bank_size)
			return EFI_OUT_OF_RESOURCES;
		status = flash_copy(vs, spare + out, vs->active + pos, size);
		if (EFI_ERROR(status))
			return status;
		out += size;
	}
	if (n) {
		if (out + var_store_record_size(n->name_size, n->old_data + n->size) > vs->bank_size)
			return EFI_OUT_OF_RESOURCES;
		status = write_record(vs, spare, &out, n);
		if (EFI_ERROR(status))
			return status;
	}
	status = flash_program(vs, spare, &state_set, 1);
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
			   flash_equal(vs, entry_data_offset(&old), data, size)) {
			/* The same value again (every boot sets some): nothing to write. */
			return EFI_SUCCESS;
		}
	} else if (status != EFI_NOT_FOUND) {
		return status;
	}
	if (!n.old_data && !size)
		return EFI_INVALID_PARAMETER;

	record = var_store_record_size(name_size, n.old_data + size);
	if (vs->end + record <= vs->bank_size) {
		status = write_record(vs, vs->active, &vs->end, &n);
		if (EFI_ERROR(status))
			return status;
		vs->live += record;
		if (n.old) {
			vs->live -= old_record;
			return retire(vs, old.offset);
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
	status = retire(vs, e.offset);
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
		status = flash_read(vs, vs->active + pos, &h, sizeof(h));
		if (EFI_ERROR(status))
			return status;
		if (record_header_valid(&h, vs->bank_size - pos)) {
			UINT32 size = var_store_record_size(h.name_size, h.data_size);
			UINT32 crc = 0;

			/* Garbage with records after it is damage, not an interrupted last write. */
			r->damaged += pending;
			pending = 0;
			in_garbage = FALSE;
			if (record_live(&h)) {
				status = flash_crc(vs, vs->active + pos + sizeof(h),
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
						retire(vs, vs->active + pos);
				}
			}
			pos += size;
			end = pos;
			continue;
		}
		if (all_bytes((const UINT8 *)&h, ALIGN, 0x00)) {
			/* Cleared: an interrupted write that an earlier mount zeroed. */
			in_garbage = FALSE;
			end = pos + ALIGN;
		} else if (!all_bytes((const UINT8 *)&h, ALIGN, 0xff)) {
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
		status = flash_read(vs, vs->active + pos, tail, vs->bank_size - pos);
		if (EFI_ERROR(status))
			return status;
		if (!all_bytes(tail, vs->bank_size - pos, 0xff))
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

			status = flash_program(vs, vs->active + off, zeroes, n);
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

	if (last == NO_POS || EFI_ERROR(flash_read(vs, vs->active + last, &h, sizeof(h))))
		return;
	/* Names are short; one longer than a chunk is left to find's last-one-wins rule. */
	if (h.name_size > sizeof(name) ||
	    EFI_ERROR(flash_read(vs, vs->active + last + sizeof(h), name, h.name_size)))
		return;
	pos = find_before(vs, last, name, h.name_size, &h.guid, &old);
	if (pos == NO_POS)
		return;
	vs->live -= var_store_record_size(old.name_size, old.data_size);
	r->variables--;
	if (fix)
		retire(vs, vs->active + pos);
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
		status = flash_program(vs, 0, &state_set, 1);
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

		if (EFI_ERROR(flash_read(vs, off, chunk, n)) || !all_bytes(chunk, n, value))
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
		status = flash_read(vs, i * vs->bank_size, &h[i], sizeof(h[i]));
		if (EFI_ERROR(status))
			return status;
		valid[i] = h[i].committed == STATE_SET && bank_header_valid(&h[i], vs->bank_size);
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
