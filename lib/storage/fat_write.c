/* SPDX-License-Identifier: MIT */
/* FAT writing, files: create, write and extend, truncate, rename and move, delete. */
#include "lib/endian.h"
#include "lib/storage/fat_internal.h"
#include "lib/storage/fat_write.h"
#include "lib/string.h"

#define FAT_MAX_FILE_SIZE 0xffffffffull
#define ZERO_BYTES	  (16u * 1024)

/* What gaps and extensions are filled from: never written, so it costs no image bytes. */
static UINT8 zeros[ZERO_BYTES];

BOOLEAN fat_writable(const struct fat_volume *vol)
{
	return vol->dev->write != NULL;
}

static UINT32 clusters_for(const struct fat_volume *vol, UINT64 bytes)
{
	return (UINT32)((bytes + vol->cluster_size - 1) / vol->cluster_size);
}

/* Write len bytes of buf (zeros if NULL) at offset into the chain at first, which covers them. */
static EFI_STATUS chain_write(struct fat_volume *vol, UINT32 first, UINT64 offset, const UINT8 *buf,
			      UINT64 len)
{
	struct fat_chain *chain = &vol->read_hint;
	UINT32 bps = vol->bytes_per_sector;
	UINT64 lba, n;
	UINT32 in_cluster, in_sector;
	EFI_STATUS status;

	while (len) {
		status = fat_chain_seek(vol, chain, first, (UINT32)(offset / vol->cluster_size));
		if (status == EFI_END_OF_FILE)
			return EFI_VOLUME_CORRUPTED;
		if (EFI_ERROR(status))
			return status;
		in_cluster = offset % vol->cluster_size;
		lba = fat_cluster_lba(vol, chain->cluster) + in_cluster / bps;
		in_sector = in_cluster % bps;
		if (in_sector || len < bps) {
			/* Part of a sector: through the sector cache. */
			n = bps - in_sector < len ? bps - in_sector : len;
			if (n < bps) {
				status = fat_cache_sector(vol, lba, vol->dir_cache,
							  &vol->dir_cache_lba);
				if (EFI_ERROR(status))
					return status;
			} else {
				vol->dir_cache_lba = lba;
			}
			if (buf)
				memcpy(vol->dir_cache + in_sector, buf, n);
			else
				memset(vol->dir_cache + in_sector, 0, n);
			status = fat_write_kind(vol, FAT_WRITE_DATA, lba, 1, vol->dir_cache);
		} else {
			/* Whole sectors of contiguous clusters straight from the caller, one request. */
			UINT32 spc = vol->sectors_per_cluster, at = in_cluster / bps, k, used;
			UINT64 run = spc - at, max = len / bps;

			if (!buf && max > ZERO_BYTES / bps)
				max = ZERO_BYTES / bps;
			if (run < max) {
				status = fat_contiguous(vol, chain->cluster,
							(UINT32)(1 + (max - run + spc - 1) / spc),
							&k);
				if (EFI_ERROR(status))
					return status;
				run += (UINT64)(k - 1) * spc;
			}
			if (run > max)
				run = max;
			/* The hint moves to the last cluster written; a run in a row cannot loop. */
			used = (UINT32)((at + run - 1) / spc);
			if (used) {
				chain->cluster += used;
				chain->index += used;
				chain->saved = chain->cluster;
				chain->power = 1;
				chain->steps = 0;
			}
			n = run * bps;
			if (vol->dir_cache_lba >= lba && vol->dir_cache_lba < lba + run)
				vol->dir_cache_lba = FAT_NO_LBA;
			status = fat_write_kind(vol, FAT_WRITE_DATA, lba, run, buf ? buf : zeros);
		}
		if (EFI_ERROR(status))
			return status;
		if (buf)
			buf += n;
		offset += n;
		len -= n;
	}
	return EFI_SUCCESS;
}

/* The last cluster of file's chain and the chain's length (0 and 0 for an empty file). */
static EFI_STATUS chain_end(struct fat_file *file, UINT32 *ret_last, UINT32 *ret_count)
{
	struct fat_volume *vol = file->vol;
	struct fat_chain *chain = &vol->read_hint;
	UINT32 have = clusters_for(vol, file->size);
	EFI_STATUS status;

	*ret_last = 0;
	*ret_count = 0;
	if (file->first_cluster == 0)
		return EFI_SUCCESS;
	status = fat_chain_seek(vol, chain, file->first_cluster, have ? have - 1 : 0);
	if (EFI_ERROR(status))
		return status == EFI_END_OF_FILE ? EFI_VOLUME_CORRUPTED : status;
	/* A chain longer than the size (a cut write of another system) is used, not leaked. */
	while ((status = fat_chain_step(vol, chain)) == EFI_SUCCESS)
		;
	if (status != EFI_END_OF_FILE)
		return status;
	*ret_last = chain->cluster;
	*ret_count = chain->index + 1;
	return EFI_SUCCESS;
}

/* Size, first cluster, attributes and times of file into its short entry; creation too if asked. */
static EFI_STATUS entry_store(const struct fat_file *file, BOOLEAN create_times)
{
	UINT8 e[32];
	EFI_STATUS status;

	status = fat_dirent_read(file, e);
	if (EFI_ERROR(status))
		return status;
	e[DIR_ATTR] = file->attributes;
	put_le16(e + DIR_CLUSTER_LO, (UINT16)file->first_cluster);
	put_le16(e + DIR_CLUSTER_HI,
		 file->vol->fat_type == 32 ? (UINT16)(file->first_cluster >> 16) : 0);
	put_le32(e + DIR_FILE_SIZE, file->attributes & FAT_ATTR_DIRECTORY ? 0 : file->size);
	if (create_times) {
		put_le16(e + DIR_CREATE_TIME, file->create_time);
		put_le16(e + DIR_CREATE_DATE, file->create_date);
	}
	put_le16(e + DIR_ACCESS_DATE, file->access_date);
	put_le16(e + DIR_WRITE_TIME, file->write_time);
	put_le16(e + DIR_WRITE_DATE, file->write_date);
	return fat_dirent_write(file, e);
}

static BOOLEAN pending_is(const struct fat_volume *vol, const struct fat_file *file)
{
	return vol->pending.dirty && vol->pending.dir_cluster == file->dir_cluster &&
	       vol->pending.dir_index == file->dir_index;
}

EFI_STATUS fat_pending_writeback(struct fat_volume *vol)
{
	const struct fat_pending_entry *p = &vol->pending;
	struct fat_file file = { .vol = vol,
				 .dir_cluster = p->dir_cluster,
				 .dir_index = p->dir_index,
				 .first_cluster = p->first_cluster,
				 .size = p->size,
				 .attributes = p->attributes,
				 .write_time = p->write_time,
				 .write_date = p->write_date,
				 .access_date = p->access_date };
	EFI_STATUS status;

	if (!p->dirty)
		return EFI_SUCCESS;
	status = entry_store(&file, FALSE);
	if (EFI_ERROR(status))
		return status;
	vol->pending.dirty = FALSE;
	return EFI_SUCCESS;
}

void fat_pending_apply(const struct fat_volume *vol, struct fat_file *file)
{
	const struct fat_pending_entry *p = &vol->pending;

	if (!pending_is(vol, file))
		return;
	file->first_cluster = p->first_cluster;
	file->size = p->size;
	file->attributes = p->attributes;
	file->write_time = p->write_time;
	file->write_date = p->write_date;
	file->access_date = p->access_date;
}

EFI_STATUS fat_update_entry(struct fat_file *file)
{
	EFI_STATUS status;

	/* A pending entry (this file's too) goes first, after its FAT entries. */
	status = fat_flush(file->vol);
	if (EFI_ERROR(status))
		return status;
	status = entry_store(file, TRUE);
	if (EFI_ERROR(status))
		return status;
	return fat_flush(file->vol);
}

static void touch(struct fat_file *file)
{
	fat_stamp(file->vol, &file->write_date, &file->write_time);
	file->access_date = file->write_date;
	file->attributes |= FAT_ATTR_ARCHIVE;
}

/* Bytes [from, from + len) of the file: in its chain below old_bytes, in the new chain above. */
static EFI_STATUS span_write(struct fat_file *file, UINT32 first_new, UINT64 old_bytes, UINT64 from,
			     const UINT8 *src, UINT64 len)
{
	EFI_STATUS status;

	if (from < old_bytes && len) {
		UINT64 n = old_bytes - from < len ? old_bytes - from : len;

		status = chain_write(file->vol, file->first_cluster, from, src, n);
		if (EFI_ERROR(status))
			return status;
		if (src)
			src += n;
		from += n;
		len -= n;
	}
	if (!len)
		return EFI_SUCCESS;
	return chain_write(file->vol, first_new, from - old_bytes, src, len);
}

EFI_STATUS fat_write(struct fat_file *file, UINT64 offset, const void *buf, UINTN size)
{
	struct fat_volume *vol = file->vol;
	struct fat_pending_entry *p = &vol->pending;
	UINT64 end = offset + size, old_size = file->size, old_bytes;
	UINT32 last, count, need, first_new = 0;
	EFI_STATUS status;

	if (file->attributes & FAT_ATTR_DIRECTORY)
		return EFI_UNSUPPORTED;
	if (!fat_writable(vol))
		return EFI_WRITE_PROTECTED;
	if (offset > FAT_MAX_FILE_SIZE || size > FAT_MAX_FILE_SIZE - offset)
		return EFI_VOLUME_FULL;
	if (file->dir_index == FAT_UNKNOWN)
		return EFI_ACCESS_DENIED;
	/* One entry is held back at a time: another file's goes out first. */
	if (p->dirty && !pending_is(vol, file)) {
		status = fat_flush(vol);
		if (EFI_ERROR(status))
			return status;
	}
	if (end < old_size)
		end = old_size;
	status = chain_end(file, &last, &count);
	if (EFI_ERROR(status))
		return status;
	if (!p->dirty) {
		p->disk_last = last;
		p->link_cluster = 0;
	}
	need = clusters_for(vol, end);
	if (need > count) {
		/* The whole request at once, contiguous where the free space is. */
		status = fat_alloc_chain(vol, need - count, &first_new);
		if (EFI_ERROR(status))
			return status;
	}
	/*
	 * Data into clusters either the file owns or nothing refers to yet; the new chain's entries
	 * stay in the FAT window (out whenever it moves: nothing on the disk names them), the link
	 * from the chain the disk names and the size in vol->pending. fat_flush writes the link
	 * after the data and the chain, the entry after the link, each behind a device flush: the
	 * size on the disk may lag the chain (lost clusters at a cut), never lead it.
	 */
	old_bytes = (UINT64)count * vol->cluster_size;
	if (offset > old_size) {
		status = span_write(file, first_new, old_bytes, old_size, NULL, offset - old_size);
		if (EFI_ERROR(status))
			return status;
	}
	status = span_write(file, first_new, old_bytes, offset, buf, size);
	if (EFI_ERROR(status))
		return status;
	if (first_new && last) {
		/*
		 * The link from the chain the disk names waits for fat_flush; links past it join
		 * clusters the disk names nowhere yet, as fat_alloc_chain's do. FAT12's packed
		 * entries are not held back: the new ones go out first, the link after them.
		 */
		if (vol->fat_type == 12) {
			status = fat_table_writeback(vol);
			if (EFI_ERROR(status))
				return status;
		} else if (last == p->disk_last) {
			p->link_cluster = last;
			p->link_value = first_new;
			vol->fat_allocating = TRUE;
		} else {
			vol->fat_allocating = TRUE;
		}
		status = fat_set_raw(vol, last, first_new);
		vol->fat_allocating = FALSE;
		if (EFI_ERROR(status))
			return status;
	} else if (first_new) {
		file->first_cluster = first_new;
	}
	if (first_new) {
		/* The next sequential write finds the chain's end here, not by walking it all. */
		fat_chain_start(&vol->read_hint, vol->last_alloc);
		vol->read_hint.first = file->first_cluster;
		vol->read_hint.index = need - 1;
	}
	file->size = (UINT32)end;
	/* Stamped once per write-back, as EDK2 stamps at its flush. */
	if (!p->dirty)
		touch(file);
	file->attributes |= FAT_ATTR_ARCHIVE;
	p->dirty = TRUE;
	p->attributes = file->attributes;
	p->write_time = file->write_time;
	p->write_date = file->write_date;
	p->access_date = file->access_date;
	p->dir_cluster = file->dir_cluster;
	p->dir_index = file->dir_index;
	p->first_cluster = file->first_cluster;
	p->size = file->size;
	return EFI_SUCCESS;
}

EFI_STATUS fat_set_size(struct fat_file *file, UINT64 size)
{
	struct fat_volume *vol = file->vol;
	struct fat_chain chain;
	UINT32 keep, next, first = file->first_cluster;
	EFI_STATUS status;

	if (file->attributes & FAT_ATTR_DIRECTORY)
		return EFI_ACCESS_DENIED;
	if (!fat_writable(vol))
		return EFI_WRITE_PROTECTED;
	if (size > FAT_MAX_FILE_SIZE)
		return EFI_VOLUME_FULL;
	status = fat_flush(vol);
	if (EFI_ERROR(status))
		return status;
	if (size == file->size)
		return EFI_SUCCESS;
	if (size > file->size) {
		status = fat_write(file, size, NULL, 0);
		return EFI_ERROR(status) ? status : fat_flush(vol);
	}
	/* The size shrinks on the disk first; the clusters it no longer covers are freed after. */
	keep = clusters_for(vol, size);
	file->size = (UINT32)size;
	if (keep == 0)
		file->first_cluster = 0;
	touch(file);
	status = fat_update_entry(file);
	if (EFI_ERROR(status) || first == 0)
		return status;
	if (keep == 0) {
		status = fat_free_chain(vol, first);
		return EFI_ERROR(status) ? status : fat_flush(vol);
	}
	fat_chain_start(&chain, first);
	status = fat_chain_seek(vol, &chain, first, keep - 1);
	if (EFI_ERROR(status))
		return status == EFI_END_OF_FILE ? EFI_VOLUME_CORRUPTED : status;
	status = fat_get_raw(vol, chain.cluster, &next);
	if (EFI_ERROR(status) || !fat_cluster_valid(vol, next))
		return status;
	/* End the kept chain before freeing the rest: a cut between leaves lost clusters only. */
	status = fat_set_raw(vol, chain.cluster, fat_eoc(vol) | 7);
	if (EFI_ERROR(status))
		return status;
	status = fat_table_writeback(vol);
	if (EFI_ERROR(status))
		return status;
	status = fat_free_chain(vol, next);
	if (EFI_ERROR(status))
		return status;
	return fat_flush(vol);
}

/* A short entry for a new file or directory, stamped now. */
static void new_entry(struct fat_volume *vol, UINT8 attributes, UINT32 cluster, UINT8 e[32])
{
	UINT16 date, time;

	memset(e, 0, 32);
	fat_stamp(vol, &date, &time);
	e[DIR_ATTR] = attributes;
	put_le16(e + DIR_CREATE_TIME, time);
	put_le16(e + DIR_CREATE_DATE, date);
	put_le16(e + DIR_ACCESS_DATE, date);
	put_le16(e + DIR_WRITE_TIME, time);
	put_le16(e + DIR_WRITE_DATE, date);
	put_le16(e + DIR_CLUSTER_LO, (UINT16)cluster);
	put_le16(e + DIR_CLUSTER_HI, vol->fat_type == 32 ? (UINT16)(cluster >> 16) : 0);
}

/* The first cluster of a new directory: ".", ".." and zeros, written before anything names it. */
static EFI_STATUS dir_cluster_init(const struct fat_file *parent, UINT32 *ret_cluster)
{
	struct fat_volume *vol = parent->vol;
	UINT32 c, parent_cluster = parent->first_cluster;
	EFI_STATUS status;

	status = fat_alloc_chain(vol, 1, &c);
	if (EFI_ERROR(status))
		return status;
	/* ".." of a directory in the root says 0, on FAT32 too (fatgen103 §6.7). */
	if (parent_cluster == vol->root_cluster)
		parent_cluster = 0;
	vol->dir_cache_lba = FAT_NO_LBA;
	for (UINT32 s = 0; s < vol->sectors_per_cluster; s++) {
		memset(vol->dir_cache, 0, vol->bytes_per_sector);
		if (s == 0) {
			new_entry(vol, FAT_ATTR_DIRECTORY, c, vol->dir_cache);
			memset(vol->dir_cache, ' ', 11);
			vol->dir_cache[0] = '.';
			new_entry(vol, FAT_ATTR_DIRECTORY, parent_cluster, vol->dir_cache + 32);
			memset(vol->dir_cache + 32, ' ', 11);
			vol->dir_cache[32] = vol->dir_cache[33] = '.';
		}
		status = fat_write_blocks(vol, fat_cluster_lba(vol, c) + s, 1, vol->dir_cache);
		if (EFI_ERROR(status))
			return status;
	}
	*ret_cluster = c;
	return fat_table_writeback(vol);
}

EFI_STATUS fat_create(struct fat_file *dir, const CHAR16 *name, UINT8 attributes,
		      struct fat_file *ret_file)
{
	struct fat_volume *vol = dir->vol;
	UINT32 cluster = 0;
	UINT8 e[32];
	EFI_STATUS status;

	if (!(dir->attributes & FAT_ATTR_DIRECTORY))
		return EFI_INVALID_PARAMETER;
	if (!fat_writable(vol))
		return EFI_WRITE_PROTECTED;
	if (!fat_name_valid(name))
		return EFI_INVALID_PARAMETER;
	/* Directory scans below read entries from the disk: a held-back one goes out first. */
	status = fat_flush(vol);
	if (EFI_ERROR(status))
		return status;
	attributes &= FAT_ATTR_READ_ONLY | FAT_ATTR_HIDDEN | FAT_ATTR_SYSTEM | FAT_ATTR_DIRECTORY |
		      FAT_ATTR_ARCHIVE;
	if (attributes & FAT_ATTR_DIRECTORY) {
		status = dir_cluster_init(dir, &cluster);
		if (EFI_ERROR(status))
			return status;
	} else {
		attributes |= FAT_ATTR_ARCHIVE;
	}
	new_entry(vol, attributes, cluster, e);
	status = fat_dirent_add(dir, name, e, ret_file);
	if (EFI_ERROR(status)) {
		/* The new directory's cluster is named by nothing: give it back. */
		if (cluster)
			fat_free_chain(vol, cluster);
		fat_flush(vol);
		return status;
	}
	return fat_flush(vol);
}

/* Whether directory dir holds entries besides "." and "..". */
static EFI_STATUS dir_empty(const struct fat_file *dir, BOOLEAN *ret_empty)
{
	struct fat_dir_cursor cursor = { 0 };
	struct fat_file entry;
	EFI_STATUS status;

	status = fat_dir_next(dir, &cursor, &entry);
	*ret_empty = status == EFI_NOT_FOUND;
	return status == EFI_NOT_FOUND ? EFI_SUCCESS : status;
}

EFI_STATUS fat_delete(struct fat_file *file)
{
	struct fat_volume *vol = file->vol;
	BOOLEAN empty = TRUE;
	EFI_STATUS status;

	if (!fat_writable(vol))
		return EFI_WRITE_PROTECTED;
	if (file->dir_index == FAT_UNKNOWN)
		return EFI_ACCESS_DENIED;
	status = fat_flush(vol);
	if (EFI_ERROR(status))
		return status;
	if (file->attributes & FAT_ATTR_DIRECTORY) {
		status = dir_empty(file, &empty);
		if (EFI_ERROR(status))
			return status;
		if (!empty)
			return EFI_ACCESS_DENIED;
	}
	/* Entries first: clusters no entry names are lost at worst, never shared. */
	status = fat_dirent_remove(file);
	if (EFI_ERROR(status))
		return status;
	if (fat_cluster_valid(vol, file->first_cluster)) {
		status = fat_free_chain(vol, file->first_cluster);
		if (EFI_ERROR(status))
			return status;
	}
	file->dir_index = FAT_UNKNOWN;
	return fat_flush(vol);
}

/* Whether dir is cluster or below it: a directory cannot move into itself. */
static EFI_STATUS below(const struct fat_file *dir, UINT32 cluster, BOOLEAN *ret_below)
{
	struct fat_file cur = *dir, up;
	static const CHAR16 dotdot[] = { '.', '.', 0 };
	EFI_STATUS status;

	*ret_below = FALSE;
	for (UINT32 depth = 0; depth < FAT_DIR_MAX_ENTRIES; depth++) {
		if (cur.first_cluster == cluster) {
			*ret_below = TRUE;
			return EFI_SUCCESS;
		}
		if (cur.first_cluster == cur.vol->root_cluster)
			return EFI_SUCCESS;
		status = fat_open(cur.vol, &cur, dotdot, &up);
		if (EFI_ERROR(status))
			return status;
		cur = up;
	}
	return EFI_VOLUME_CORRUPTED;
}

/* Point the ".." entry of directory dir at the directory whose first cluster is parent. */
static EFI_STATUS set_parent(const struct fat_file *dir, UINT32 parent)
{
	struct fat_volume *vol = dir->vol;
	struct fat_file self = { .vol = vol,
				 .first_cluster = dir->first_cluster,
				 .attributes = FAT_ATTR_DIRECTORY };
	UINT64 lba;
	UINT8 *dotdot;
	EFI_STATUS status;

	if (parent == vol->root_cluster)
		parent = 0;
	status = fat_dir_locate(&self, 1, &lba, &dotdot);
	if (EFI_ERROR(status))
		return status;
	if (memcmp(dotdot, "..         ", 11))
		return EFI_SUCCESS;
	put_le16(dotdot + DIR_CLUSTER_LO, (UINT16)parent);
	put_le16(dotdot + DIR_CLUSTER_HI, vol->fat_type == 32 ? (UINT16)(parent >> 16) : 0);
	return fat_write_blocks(vol, lba, 1, vol->dir_cache);
}

EFI_STATUS fat_rename(struct fat_file *file, const struct fat_file *new_dir, const CHAR16 *new_name)
{
	struct fat_volume *vol = file->vol;
	struct fat_file moved, found;
	BOOLEAN is_below, moving, is_dir = (file->attributes & FAT_ATTR_DIRECTORY) != 0;
	UINT8 e[32];
	EFI_STATUS status;

	if (!fat_writable(vol))
		return EFI_WRITE_PROTECTED;
	if (file->dir_index == FAT_UNKNOWN)
		return EFI_ACCESS_DENIED;
	if (!fat_name_valid(new_name))
		return EFI_INVALID_PARAMETER;
	/* The entry moves as the disk has it: a held-back size goes there first. */
	status = fat_flush(vol);
	if (EFI_ERROR(status))
		return status;
	status = fat_open(vol, new_dir, new_name, &found);
	if (status == EFI_SUCCESS) {
		/* Another spelling of its own name only changes the case. */
		if (found.dir_cluster != file->dir_cluster || found.dir_index != file->dir_index)
			return EFI_ACCESS_DENIED;
	} else if (status != EFI_NOT_FOUND) {
		return status;
	}
	if (is_dir) {
		status = below(new_dir, file->first_cluster, &is_below);
		if (EFI_ERROR(status))
			return status;
		if (is_below)
			return EFI_ACCESS_DENIED;
	}
	status = fat_dirent_read(file, e);
	if (EFI_ERROR(status))
		return status;
	/*
	 * Old name first, then a moved directory's "..", then the new name: a cut in between
	 * leaves the file unnamed (lost clusters), never named twice or with a wrong parent.
	 */
	status = fat_dirent_remove(file);
	if (EFI_ERROR(status))
		return status;
	moving = is_dir && new_dir->first_cluster != file->dir_cluster;
	if (moving) {
		status = set_parent(file, new_dir->first_cluster);
		if (EFI_ERROR(status))
			return status;
	}
	status = fat_dirent_add(new_dir, new_name, e, &moved);
	if (EFI_ERROR(status)) {
		/* No room under the new name: the old one again, in the slots just freed. */
		struct fat_file old_dir = { .vol = vol,
					    .first_cluster = file->dir_cluster,
					    .attributes = FAT_ATTR_DIRECTORY };

		if (moving)
			set_parent(file, file->dir_cluster);
		fat_dirent_add(&old_dir, file->name, e, &moved);
		file->dir_index = moved.dir_index;
		file->lfn_count = moved.lfn_count;
		fat_flush(vol);
		return status;
	}
	file->dir_cluster = moved.dir_cluster;
	file->dir_index = moved.dir_index;
	file->lfn_count = moved.lfn_count;
	memcpy(file->name, moved.name, sizeof(file->name));
	return fat_flush(vol);
}
