/* SPDX-License-Identifier: MIT */
/* The variable store's on-flash layout and record primitives, shared by var_store and var_append. */
#pragma once

#include "include/efi/types.h"
#include "lib/storage/var_store.h"

/* docs/variables.md, Format. Only lib/storage/var_*.c include this. */
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

static inline UINT32 var_entry_data_offset(const struct var_store_entry *e)
{
	return e->offset + sizeof(struct record_header) + e->name_size;
}

EFI_STATUS var_flash_read(struct var_store *vs, UINT32 off, void *buf, UINT32 size);
EFI_STATUS var_flash_program(struct var_store *vs, UINT32 off, const void *buf, UINT32 size);
/* Whether every one of size bytes is value. */
BOOLEAN var_all_bytes(const UINT8 *p, UINT32 size, UINT8 value);
/* Whether size bytes of flash at off equal buf. */
BOOLEAN var_flash_equal(struct var_store *vs, UINT32 off, const UINT8 *buf, UINT32 size);
/* Continue a CRC over size bytes of flash at off. */
EFI_STATUS var_flash_crc(struct var_store *vs, UINT32 off, UINT32 size, UINT32 *crc);
/* Copy size bytes from flash to flash, checking what was programmed. */
EFI_STATUS var_flash_copy(struct var_store *vs, UINT32 dst, UINT32 src, UINT32 size);
/* A bank header whose magic, version, size and CRC verify (committed is the caller's). */
BOOLEAN var_bank_header_valid(const struct bank_header *h, UINT32 bank_size);
/* A record header that verifies, of a record that fits in room bytes. */
BOOLEAN var_record_header_valid(const struct record_header *h, UINT32 room);
/* Added and not deleted. */
BOOLEAN var_record_live(const struct record_header *h);
/* The next record at or after *pos (below limit) whose header verifies; FALSE if none. */
BOOLEAN var_walk(struct var_store *vs, UINT32 bank, UINT32 *pos, UINT32 limit,
		 struct record_header *h);
/* Write n at *pos of bank, read it back, commit it; *pos moves past it once anything is written. */
EFI_STATUS var_record_write(struct var_store *vs, UINT32 bank, UINT32 *pos,
			    const struct new_record *n);
/* Program the deleted byte of the record at device offset. */
EFI_STATUS var_record_retire(struct var_store *vs, UINT32 offset);
