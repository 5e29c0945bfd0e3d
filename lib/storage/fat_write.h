/* SPDX-License-Identifier: MIT */
/* FAT12/16/32 writing: create, write, resize, rename, delete, in a power-cut-safe order. */
#pragma once

#include "lib/storage/fat.h"

/*
 * Every call below but fat_write leaves the disk written when it returns (the FAT window, both
 * FAT copies, FSInfo and any entry fat_write held back). fat_write writes only the data: the
 * chain's new FAT entries stay in the window and the file's entry (size, first cluster, times)
 * in vol->pending until fat_flush, which the other calls begin with, or until the window moves.
 * A power cut at any moment leaves at worst lost clusters: data before the FAT, new chain
 * entries before the link to them, the link before the size that covers it, a size cut before
 * its clusters are freed, long-name entries deleted before their short entry. On a device with
 * a flush op (a write cache) the writes that need that order are separated by flushes
 * (fat_write_kind); fat_sync flushes the rest.
 *
 * EFI_WRITE_PROTECTED on a device without a write op; EFI_VOLUME_FULL when clusters or root
 * entries run out; EFI_ACCESS_DENIED on what the FAT cannot do (a directory's size, a
 * non-empty directory's deletion, a directory moved below itself, a name already taken).
 */

/* Whether dev can be written at all. */
BOOLEAN fat_writable(const struct fat_volume *vol);
/* Create the file or directory name (one component) in dir; attributes as FAT_ATTR_*. */
EFI_STATUS fat_create(struct fat_file *dir, const CHAR16 *name, UINT8 attributes,
		      struct fat_file *ret_file);
/*
 * Write size bytes at offset, extending the file (zeros fill a gap between its end and offset);
 * file->size follows, its entry on the disk at the next fat_flush. EFI_VOLUME_FULL if the space
 * or the 4 GiB FAT limit is exceeded, before any byte changes.
 */
EFI_STATUS fat_write(struct fat_file *file, UINT64 offset, const void *buf, UINTN size);
/* Cut or extend (with zeros) the file to size bytes. */
EFI_STATUS fat_set_size(struct fat_file *file, UINT64 size);
/* Write file's attributes and times to its directory entry. */
EFI_STATUS fat_update_entry(struct fat_file *file);
/* Give file the name new_name in directory new_dir (which may be its own). */
EFI_STATUS fat_rename(struct fat_file *file, const struct fat_file *new_dir,
		      const CHAR16 *new_name);
/* Remove the file or empty directory and free its clusters. */
EFI_STATUS fat_delete(struct fat_file *file);
/* Write what is left in memory: FAT window, then the entry fat_write held back, then FSInfo. */
EFI_STATUS fat_flush(struct fat_volume *vol);
/* fat_flush, then the device's flush: everything written is stable (EFI Flush and Close). */
EFI_STATUS fat_sync(struct fat_volume *vol);
/* A file just opened or listed takes the size fat_write holds back for its entry, if any. */
void fat_pending_apply(const struct fat_volume *vol, struct fat_file *file);
/* Free clusters, counted once by reading the FAT, then kept up to date. */
EFI_STATUS fat_count_free(struct fat_volume *vol, UINT32 *ret_free);
/* Whether name can be created on FAT: no control or reserved characters, not "." or "..". */
BOOLEAN fat_name_valid(const CHAR16 *name);

/* Internal, shared by the lib/storage/fat_*.c writers. */
EFI_STATUS fat_alloc_chain(struct fat_volume *vol, UINT32 count, UINT32 *ret_first);
EFI_STATUS fat_free_chain(struct fat_volume *vol, UINT32 first);
/* How many clusters from c on (1..max) follow each other on disk in c's chain. */
EFI_STATUS fat_contiguous(struct fat_volume *vol, UINT32 c, UINT32 max, UINT32 *ret_count);
void fat_stamp(struct fat_volume *vol, UINT16 *ret_date, UINT16 *ret_time);
/* Write the entries of a new name (long-name ones and the short one built from raw) into dir. */
EFI_STATUS fat_dirent_add(const struct fat_file *dir, const CHAR16 *name, const UINT8 raw[32],
			  struct fat_file *ret_file);
/* Mark file's entries deleted: long-name ones first, so no orphaned part is ever left. */
EFI_STATUS fat_dirent_remove(const struct fat_file *file);
/* Write the entry fat_write held back (fat_flush does, after the FAT window). */
EFI_STATUS fat_pending_writeback(struct fat_volume *vol);
/* Copy file's 32-byte short entry into ret_raw. */
EFI_STATUS fat_dirent_read(const struct fat_file *file, UINT8 ret_raw[32]);
/* Write a 32-byte short entry back at file's place. */
EFI_STATUS fat_dirent_write(const struct fat_file *file, const UINT8 raw[32]);
