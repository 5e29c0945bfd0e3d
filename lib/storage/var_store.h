/* SPDX-License-Identifier: MIT */
/* The persistent variable store: a power-fail-safe log of variable records on NOR flash. */
#pragma once

#include "include/efi/types.h"
#include "lib/storage/flash.h"

/* Largest name (with its NUL) plus data of one variable; a real dbx needs tens of KiB. */
#define VAR_STORE_MAX_VARIABLE (64u * 1024)
/*
 * Room a write keeps free at the end of the bank when a reclaim can give it back: stage0 appends
 * its boot-count record there (var_append.c), and cannot reclaim.
 */
#define VAR_STORE_APPEND_ROOM 1024u
/* Smallest device the store formats: two banks of at least 8 KiB. */
#define VAR_STORE_MIN_SIZE (16u * 1024)

/*
 * The owner fills flash and keeps this struct where it can (the runtime blob: static data, so the
 * relocations cover the flash pointer); mount fills in the rest, which holds no pointers.
 */
struct var_store {
	struct flash_device *flash;
	UINT32 bank_size;	/* half the device, whole blocks */
	UINT32 active;		/* device offset of the bank in use */
	UINT32 sequence;	/* its generation: one more at every reclaim */
	UINT32 end;		/* bank-relative: everything from here on is erased */
	UINT32 live;		/* bytes of the records that hold current values */
	UINT32 tail;		/* var_append: where what an interrupted write left starts */
	BOOLEAN mounted;
};

/* What mount found, for one console line. */
struct var_store_report {
	UINT32 variables;	/* current values kept */
	UINT32 damaged;		/* records or stretches that did not verify and were skipped */
	BOOLEAN formatted;	/* the device was blank (or held nothing usable) and was formatted */
	BOOLEAN salvaged;	/* no bank header verified: records were copied into a new bank */
};

/* One current variable as the store holds it. */
struct var_store_entry {
	UINT32 offset;		/* device offset of its record */
	UINT32 attributes;
	UINT32 name_size;	/* bytes, the NUL included */
	UINT32 data_size;
	EFI_GUID guid;
};

/* Find the newest complete bank (formatting a blank device, salvaging a damaged one); recover. */
EFI_STATUS var_store_mount(struct var_store *vs, struct var_store_report *ret_report);
/* Erase the whole device and write an empty bank (mkimage vars create). */
EFI_STATUS var_store_format(struct var_store *vs);
/* The current record of (name, guid); EFI_NOT_FOUND if none. */
EFI_STATUS var_store_find(struct var_store *vs, const void *name, UINT32 name_size,
			  const EFI_GUID *guid, struct var_store_entry *ret_entry);
/* The first variable (*cursor 0) or the one after the entry at *cursor; EFI_NOT_FOUND at the end. */
EFI_STATUS var_store_next(struct var_store *vs, UINT32 *cursor, struct var_store_entry *ret_entry);
/* Read the name of an entry (name_size bytes). */
EFI_STATUS var_store_read_name(struct var_store *vs, const struct var_store_entry *e, void *buf);
/* Read size bytes of an entry's data from offset on. */
EFI_STATUS var_store_read_data(struct var_store *vs, const struct var_store_entry *e, UINT32 offset,
			       void *buf, UINT32 size);
/*
 * Give (name, guid) a new value: data, or the old data followed by data when append. Atomic: a
 * power loss leaves the old or the new value. EFI_OUT_OF_RESOURCES when it cannot fit even after
 * a reclaim (nothing changes then).
 */
EFI_STATUS var_store_set(struct var_store *vs, const void *name, UINT32 name_size,
			 const EFI_GUID *guid, UINT32 attributes, const void *data, UINT32 size,
			 BOOLEAN append);
/* Remove (name, guid); EFI_NOT_FOUND if absent. One byte programmed: atomic. */
EFI_STATUS var_store_delete(struct var_store *vs, const void *name, UINT32 name_size,
			    const EFI_GUID *guid);
/* Bytes a bank can hold, bytes free (dead records count as free), the largest variable that fits. */
void var_store_usage(const struct var_store *vs, UINT64 *ret_capacity, UINT64 *ret_remaining,
		     UINT64 *ret_max_variable);
/* Bytes one variable costs in the store (header, name, data, padding). */
UINT32 var_store_record_size(UINT32 name_size, UINT32 data_size);
