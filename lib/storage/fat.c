/* SPDX-License-Identifier: MIT */
/* FAT12/16/32: boot sector checks, the FAT and its write-back, cluster chains, file reads. */
#include "lib/endian.h"
#include "lib/storage/fat.h"
#include "lib/storage/fat_internal.h"
#include "lib/string.h"

/* Microsoft FAT specification (fatgen103) §3.5: only the cluster count decides the FAT type. */
#define FAT12_MAX_CLUSTERS 4084
#define FAT16_MAX_CLUSTERS 65524
/* FAT32 cluster numbers are 28 bits; 0x0ffffff7 and up are "bad" and end-of-chain marks. */
#define FAT32_MAX_CLUSTERS 0x0ffffff5

/* Byte offsets in the boot sector (fatgen103 §3.1-3.3). */
enum {
	BPB_BYTES_PER_SECTOR = 11,
	BPB_SECTORS_PER_CLUSTER = 13,
	BPB_RESERVED_SECTORS = 14,
	BPB_NUM_FATS = 16,
	BPB_ROOT_ENTRIES = 17,
	BPB_TOTAL_SECTORS16 = 19,
	BPB_MEDIA = 21,
	BPB_FAT_SIZE16 = 22,
	BPB_TOTAL_SECTORS32 = 32,
	BPB16_BOOT_SIGNATURE = 38,
	BPB32_FAT_SIZE32 = 36,
	BPB32_EXT_FLAGS = 40,
	BPB32_FS_VERSION = 42,
	BPB32_ROOT_CLUSTER = 44,
	BPB32_FSINFO = 48,
	BPB32_BOOT_SIGNATURE = 66,
};

static BOOLEAN is_power_of_two(UINT32 x)
{
	return x && !(x & (x - 1));
}

/* Every access of the file system goes through these: nothing outside the partition is touched. */
EFI_STATUS fat_read_blocks(struct fat_volume *vol, UINT64 lba, UINT64 count, void *buf)
{
	if (lba >= vol->lba_count || count > vol->lba_count - lba)
		return EFI_VOLUME_CORRUPTED;
	return block_read(vol->dev, vol->first_lba + lba, (UINTN)count, buf);
}

/*
 * The write order that keeps a cut harmless (data, then FAT entries, then directory entries) is
 * kept on a caching device by a flush wherever a write must not overtake earlier ones: data
 * after clusters just freed, a FAT change after data or a directory change, a directory change
 * after anything but the FSInfo hint. Writes of one kind in a row (a file's data runs, both FAT
 * copies) go out together. Data into clusters a pending FAT link names needs no order (they are
 * the file's, or were nobody's), nor do entries of a chain nothing refers to yet
 * (FAT_WRITE_FAT_NEW): a cut leaves them lost clusters. Both wait for frees to land.
 */
static BOOLEAN fat_needs_barrier(UINT8 kind, UINT8 pending)
{
	switch (kind) {
	case FAT_WRITE_DATA:
	case FAT_WRITE_FAT_NEW:
		return (pending & FAT_WRITE_FAT_FREED) != 0;
	case FAT_WRITE_FAT:
	case FAT_WRITE_FAT_FREED:
		return (pending & (FAT_WRITE_DATA | FAT_WRITE_DIR | FAT_WRITE_FAT_NEW)) != 0;
	case FAT_WRITE_DIR:
		return (pending & ~FAT_WRITE_FSINFO) != 0;
	default:
		return FALSE;
	}
}

EFI_STATUS fat_write_kind(struct fat_volume *vol, UINT8 kind, UINT64 lba, UINT64 count,
			  const void *buf)
{
	EFI_STATUS status;

	if (lba >= vol->lba_count || count > vol->lba_count - lba)
		return EFI_VOLUME_CORRUPTED;
	if (fat_needs_barrier(kind, vol->write_pending)) {
		status = block_flush(vol->dev);
		if (EFI_ERROR(status))
			return status;
		vol->write_pending = 0;
	}
	status = block_write(vol->dev, vol->first_lba + lba, (UINTN)count, buf);
	vol->write_pending |= kind;
	return status;
}

/* Metadata by where it lies: FSInfo, the reserved area and FATs, else a directory. */
EFI_STATUS fat_write_blocks(struct fat_volume *vol, UINT64 lba, UINT64 count, const void *buf)
{
	UINT8 kind = FAT_WRITE_DIR;

	if (vol->fsinfo_lba && lba == vol->fsinfo_lba)
		kind = FAT_WRITE_FSINFO;
	else if (lba < (vol->fat_type == 32 ? vol->data_lba : vol->root_lba))
		kind = FAT_WRITE_FAT;
	return fat_write_kind(vol, kind, lba, count, buf);
}

EFI_STATUS fat_cache_sector(struct fat_volume *vol, UINT64 lba, UINT8 *cache, UINT64 *cache_lba)
{
	EFI_STATUS status;

	if (*cache_lba == lba)
		return EFI_SUCCESS;
	*cache_lba = FAT_NO_LBA;
	status = fat_read_blocks(vol, lba, 1, cache);
	if (EFI_ERROR(status))
		return status;
	*cache_lba = lba;
	return EFI_SUCCESS;
}

static EFI_STATUS check_bpb(struct fat_volume *vol, const UINT8 *bs)
{
	UINT32 bps = get_le16(bs + BPB_BYTES_PER_SECTOR);
	UINT32 spc = bs[BPB_SECTORS_PER_CLUSTER];
	UINT32 reserved = get_le16(bs + BPB_RESERVED_SECTORS);
	UINT32 num_fats = bs[BPB_NUM_FATS];
	UINT32 root_entries = get_le16(bs + BPB_ROOT_ENTRIES);
	UINT32 fat_size16 = get_le16(bs + BPB_FAT_SIZE16);
	UINT64 total = get_le16(bs + BPB_TOTAL_SECTORS16);
	UINT64 fat_size, root_sectors, data_start, clusters, fat_bytes_needed;
	const UINT8 *ext;

	/* Fields no FAT volume can have: whatever this is, it is not ours to read. */
	if (bps != vol->dev->block_size || !is_power_of_two(bps) || bps < 512 || bps > 4096)
		return EFI_UNSUPPORTED;
	if (!is_power_of_two(spc) || reserved == 0 || num_fats == 0)
		return EFI_UNSUPPORTED;
	if (bs[BPB_MEDIA] != 0xf0 && bs[BPB_MEDIA] < 0xf8)
		return EFI_UNSUPPORTED;

	if (total == 0)
		total = get_le32(bs + BPB_TOTAL_SECTORS32);
	fat_size = fat_size16 ? fat_size16 : get_le32(bs + BPB32_FAT_SIZE32);
	root_sectors = ((UINT64)root_entries * FAT_DIRENT_SIZE + bps - 1) / bps;
	data_start = reserved + num_fats * fat_size + root_sectors;
	if (fat_size == 0 || total > vol->lba_count || data_start >= total)
		return EFI_VOLUME_CORRUPTED;
	clusters = (total - data_start) / spc;
	if (clusters == 0 || clusters > FAT32_MAX_CLUSTERS)
		return EFI_VOLUME_CORRUPTED;

	/* A FAT32 BPB has no fixed root and no 16-bit FAT size; the cluster count must agree. */
	if (clusters <= FAT12_MAX_CLUSTERS) {
		vol->fat_type = 12;
		fat_bytes_needed = ((clusters + 2) * 3 + 1) / 2;
	} else if (clusters <= FAT16_MAX_CLUSTERS) {
		vol->fat_type = 16;
		fat_bytes_needed = (clusters + 2) * 2;
	} else {
		vol->fat_type = 32;
		fat_bytes_needed = (clusters + 2) * 4;
	}
	if (vol->fat_type == 32 ? fat_size16 || root_entries : !fat_size16 || !root_entries)
		return EFI_VOLUME_CORRUPTED;
	if (fat_bytes_needed > fat_size * bps)
		return EFI_VOLUME_CORRUPTED;

	vol->bytes_per_sector = bps;
	while ((1u << vol->sector_shift) < bps)
		vol->sector_shift++;
	vol->sectors_per_cluster = spc;
	vol->cluster_size = bps * spc;
	vol->fat_lba = reserved;
	vol->fat_sectors = (UINT32)fat_size;
	vol->root_lba = reserved + num_fats * fat_size;
	vol->root_entries = root_entries;
	vol->data_lba = data_start;
	vol->cluster_count = (UINT32)clusters;
	vol->root_cluster = 0;
	vol->num_fats = num_fats;
	vol->fat_mirrored = TRUE;
	vol->fat1_lba = reserved;
	vol->free_count = FAT_UNKNOWN;
	vol->next_free = 2;
	ext = bs + BPB16_BOOT_SIGNATURE;
	if (vol->fat_type == 32) {
		vol->root_cluster = get_le32(bs + BPB32_ROOT_CLUSTER);
		if (get_le16(bs + BPB32_FS_VERSION) != 0)
			return EFI_UNSUPPORTED;
		if (vol->root_cluster < 2 || vol->root_cluster > vol->cluster_count + 1)
			return EFI_VOLUME_CORRUPTED;
		/* fatgen103 §3.3 BPB_ExtFlags: unmirrored, only the active FAT is current. */
		if (bs[BPB32_EXT_FLAGS] & 0x80) {
			UINT32 active = bs[BPB32_EXT_FLAGS] & 0x0f;

			if (active >= num_fats)
				return EFI_VOLUME_CORRUPTED;
			vol->fat_lba += active * fat_size;
			vol->fat_mirrored = FALSE;
		}
		/* FSInfo (fatgen103 §5): a hint only, checked for its signatures when written. */
		if (get_le16(bs + BPB32_FSINFO) > 0 && get_le16(bs + BPB32_FSINFO) < reserved)
			vol->fsinfo_lba = get_le16(bs + BPB32_FSINFO);
		ext = bs + BPB32_BOOT_SIGNATURE;
	}
	/* Extended boot signature 0x29: serial number and label follow. */
	if (ext[0] == 0x29) {
		int n = 11;

		vol->serial = get_le32(ext + 1);
		memcpy(vol->label, ext + 5, 11);
		while (n > 0 && vol->label[n - 1] == ' ')
			n--;
		vol->label[n] = '\0';
	}
	return EFI_SUCCESS;
}

EFI_STATUS fat_mount(struct fat_volume *vol, struct block_device *dev, EFI_LBA first_lba,
		     UINT64 lba_count)
{
	EFI_STATUS status;

	memset(vol, 0, sizeof(*vol));
	if (first_lba >= dev->block_count || lba_count > dev->block_count - first_lba ||
	    lba_count == 0)
		return EFI_INVALID_PARAMETER;
	vol->dev = dev;
	vol->first_lba = first_lba;
	vol->lba_count = lba_count;
	vol->fat_cache_lba = FAT_NO_LBA;
	vol->dir_cache_lba = FAT_NO_LBA;
	status = fat_cache_sector(vol, 0, vol->dir_cache, &vol->dir_cache_lba);
	if (EFI_ERROR(status))
		return status;
	return check_bpb(vol, vol->dir_cache);
}

void fat_open_root(struct fat_volume *vol, struct fat_file *ret_dir)
{
	memset(ret_dir, 0, sizeof(*ret_dir));
	ret_dir->vol = vol;
	ret_dir->first_cluster = vol->root_cluster;
	ret_dir->attributes = FAT_ATTR_DIRECTORY;
	ret_dir->dir_index = FAT_UNKNOWN;
}

BOOLEAN fat_cluster_valid(const struct fat_volume *vol, UINT32 cluster)
{
	return cluster >= 2 && cluster <= vol->cluster_count + 1;
}

UINT64 fat_cluster_lba(const struct fat_volume *vol, UINT32 cluster)
{
	return vol->data_lba + (UINT64)(cluster - 2) * vol->sectors_per_cluster;
}

/* The FAT16/32 entry in the window of a link fat_write holds back, or NULL if not there. */
static UINT8 *held_link(struct fat_volume *vol)
{
	UINT64 offset = (UINT64)vol->pending.link_cluster * (vol->fat_type / 8);

	if (!vol->pending.link_cluster || vol->fat_type == 12 || vol->fat_cache_lba == FAT_NO_LBA ||
	    offset - vol->fat_cache_offset >= vol->fat_cache_bytes)
		return NULL;
	return vol->fat_cache + (offset - vol->fat_cache_offset);
}

/* Put value into the FAT16/32 entry at p, the reserved top bits of FAT32 kept. */
static void entry_store_raw(const struct fat_volume *vol, UINT8 *p, UINT32 value)
{
	if (vol->fat_type == 32)
		put_le32(p, (get_le32(p) & 0xf0000000) | (value & 0x0fffffff));
	else
		put_le16(p, (UINT16)value);
}

/*
 * Write the changed sectors of the FAT window to every copy (only the active one when mirroring
 * is off), the first copy first: a cut in between leaves copies that differ, each consistent.
 * A window whose changes are all entries of chains nothing links to yet goes out as
 * FAT_WRITE_FAT_NEW, without a flush before it: that is most of a long sequential write.
 */
EFI_STATUS fat_table_writeback(struct fat_volume *vol)
{
	UINT32 bps = vol->bytes_per_sector, first = vol->fat_dirty_first;
	UINT32 count = vol->fat_dirty_end - first;
	UINT64 window = vol->fat_cache_lba - vol->fat_lba;
	UINT8 kind = vol->fat_dirty_freed  ? FAT_WRITE_FAT_FREED :
		     vol->fat_dirty_linked ? FAT_WRITE_FAT :
					     FAT_WRITE_FAT_NEW;
	UINT8 *held = held_link(vol);
	EFI_STATUS status = EFI_SUCCESS;

	if (count == 0)
		return EFI_SUCCESS;
	if (held)
		entry_store_raw(vol, held, 0x0fffffff);
	/* One writeback's copies go out together; an earlier writeback lands first. */
	if (kind != FAT_WRITE_FAT_NEW && (vol->write_pending & (FAT_WRITE_FAT | FAT_WRITE_FAT_NEW |
								  FAT_WRITE_FAT_FREED))) {
		status = block_flush(vol->dev);
		if (EFI_ERROR(status))
			goto out;
		vol->write_pending = 0;
	}
	for (UINT32 i = 0; i < vol->num_fats; i++) {
		UINT64 base = vol->fat_mirrored ? vol->fat1_lba + (UINT64)i * vol->fat_sectors :
						  vol->fat_lba;

		status = fat_write_kind(vol, kind, base + window + first, count,
					vol->fat_cache + (UINTN)first * bps);
		if (EFI_ERROR(status))
			goto out;
		if (!vol->fat_mirrored)
			break;
	}
out:
	if (held)
		entry_store_raw(vol, held, vol->pending.link_value);
	if (EFI_ERROR(status))
		return status;
	vol->fat_dirty_first = vol->fat_dirty_end = 0;
	vol->fat_dirty_linked = vol->fat_dirty_freed = FALSE;
	return EFI_SUCCESS;
}

/* The FAT's bytes at offset (within the active FAT), through the FAT window cache. */
static EFI_STATUS fat_bytes(struct fat_volume *vol, UINT64 offset, UINT8 **ret_bytes)
{
	UINT32 window_sectors = FAT_CACHE_BYTES / vol->bytes_per_sector;
	UINT64 sector, first;
	EFI_STATUS status;

	/* The common case, an entry in the window held: no division (this runs per cluster). */
	if (vol->fat_cache_lba != FAT_NO_LBA && offset - vol->fat_cache_offset < vol->fat_cache_bytes) {
		*ret_bytes = vol->fat_cache + (offset - vol->fat_cache_offset);
		return EFI_SUCCESS;
	}
	sector = offset / vol->bytes_per_sector;
	first = sector - sector % window_sectors;
	if (sector >= vol->fat_sectors)
		return EFI_VOLUME_CORRUPTED;
	if (vol->fat_cache_lba != vol->fat_lba + first) {
		UINT64 count = vol->fat_sectors - first < window_sectors ? vol->fat_sectors - first
									 : window_sectors;

		status = fat_table_writeback(vol);
		if (EFI_ERROR(status))
			return status;
		vol->fat_cache_lba = FAT_NO_LBA;
		status = fat_read_blocks(vol, vol->fat_lba + first, count, vol->fat_cache);
		if (EFI_ERROR(status))
			return status;
		vol->fat_cache_lba = vol->fat_lba + first;
		vol->fat_cache_sectors = (UINT32)count;
		vol->fat_cache_offset = first * vol->bytes_per_sector;
		vol->fat_cache_bytes = (UINT32)count * vol->bytes_per_sector;
		/* The disk has the old end of chain where a held-back link is. */
		if (held_link(vol))
			entry_store_raw(vol, held_link(vol), vol->pending.link_value);
	}
	*ret_bytes = vol->fat_cache + (offset - first * vol->bytes_per_sector);
	return EFI_SUCCESS;
}

EFI_STATUS fat_get_raw(struct fat_volume *vol, UINT32 cluster, UINT32 *ret_value)
{
	UINT8 *p;
	UINT64 offset;
	UINT32 value;
	EFI_STATUS status;

	if (vol->fat_type == 12)
		offset = cluster + cluster / 2;
	else
		offset = (UINT64)cluster * (vol->fat_type / 8);
	status = fat_bytes(vol, offset, &p);
	if (EFI_ERROR(status))
		return status;
	if (vol->fat_type == 32) {
		value = get_le32(p) & 0x0fffffff;
	} else if (vol->fat_type == 16) {
		value = get_le16(p);
	} else {
		value = p[0];
		/* A FAT12 entry may straddle two windows: fetch its second byte on its own. */
		status = fat_bytes(vol, offset + 1, &p);
		if (EFI_ERROR(status))
			return status;
		value |= (UINT32)p[0] << 8;
		value = cluster & 1 ? value >> 4 : value & 0xfff;
	}
	*ret_value = value;
	return EFI_SUCCESS;
}

/* Mark the window sector holding FAT byte offset as changed. */
void fat_dirty(struct fat_volume *vol, UINT64 offset)
{
	UINT32 sector = (UINT32)(offset - vol->fat_cache_offset) >> vol->sector_shift;

	if (!vol->fat_allocating)
		vol->fat_dirty_linked = TRUE;
	if (vol->fat_dirty_first == vol->fat_dirty_end) {
		vol->fat_dirty_first = sector;
		vol->fat_dirty_end = sector + 1;
	} else if (sector < vol->fat_dirty_first) {
		vol->fat_dirty_first = sector;
	} else if (sector >= vol->fat_dirty_end) {
		vol->fat_dirty_end = sector + 1;
	}
}

EFI_STATUS fat_set_raw(struct fat_volume *vol, UINT32 cluster, UINT32 value)
{
	UINT8 *p;
	UINT64 offset;
	EFI_STATUS status;

	if (vol->fat_type == 12)
		offset = cluster + cluster / 2;
	else
		offset = (UINT64)cluster * (vol->fat_type / 8);
	status = fat_bytes(vol, offset, &p);
	if (EFI_ERROR(status))
		return status;
	if (vol->fat_type == 32) {
		/* The top four bits are reserved and kept (fatgen103 §4). */
		put_le32(p, (get_le32(p) & 0xf0000000) | (value & 0x0fffffff));
	} else if (vol->fat_type == 16) {
		p[0] = (UINT8)value;
		p[1] = (UINT8)(value >> 8);
	} else {
		/* Odd clusters take the high nibble of the first byte, even ones the low of the second. */
		if (cluster & 1)
			p[0] = (UINT8)((p[0] & 0x0f) | (value & 0x0f) << 4);
		else
			p[0] = (UINT8)value;
		fat_dirty(vol, offset);
		status = fat_bytes(vol, offset + 1, &p);
		if (EFI_ERROR(status))
			return status;
		if (cluster & 1)
			p[0] = (UINT8)(value >> 4);
		else
			p[0] = (UINT8)((p[0] & 0xf0) | ((value >> 8) & 0x0f));
		offset++;
	}
	fat_dirty(vol, offset);
	return EFI_SUCCESS;
}

EFI_STATUS fat_window_entries(struct fat_volume *vol, UINT32 cluster, UINT8 **ret_entry,
			      UINT32 *ret_count)
{
	UINT32 size = vol->fat_type / 8;
	UINT64 offset = (UINT64)cluster * size;
	EFI_STATUS status;

	status = fat_bytes(vol, offset, ret_entry);
	if (EFI_ERROR(status))
		return status;
	*ret_count = (UINT32)((vol->fat_cache_offset + vol->fat_cache_bytes - offset) / size);
	return EFI_SUCCESS;
}

UINT32 fat_eoc(const struct fat_volume *vol)
{
	return vol->fat_type == 32 ? 0x0ffffff8 : vol->fat_type == 16 ? 0xfff8 : 0xff8;
}

/* The FAT entry of cluster: EFI_SUCCESS with the next cluster, EFI_END_OF_FILE at end of chain. */
static EFI_STATUS fat_entry(struct fat_volume *vol, UINT32 cluster, UINT32 *ret_next)
{
	UINT32 value;
	EFI_STATUS status;

	status = fat_get_raw(vol, cluster, &value);
	if (EFI_ERROR(status))
		return status;
	if (value >= fat_eoc(vol))
		return EFI_END_OF_FILE;
	/* Free (0), reserved (1), bad (eoc - 1) or beyond the volume: the chain is broken. */
	if (!fat_cluster_valid(vol, value))
		return EFI_VOLUME_CORRUPTED;
	*ret_next = value;
	return EFI_SUCCESS;
}

void fat_chain_start(struct fat_chain *chain, UINT32 first)
{
	chain->first = first;
	chain->cluster = first;
	chain->index = 0;
	chain->saved = first;
	chain->power = 1;
	chain->steps = 0;
}

/* Advance to the next cluster; EFI_END_OF_FILE at the end, EFI_VOLUME_CORRUPTED on a loop. */
EFI_STATUS fat_chain_step(struct fat_volume *vol, struct fat_chain *chain)
{
	UINT32 next;
	EFI_STATUS status;

	status = fat_entry(vol, chain->cluster, &next);
	if (EFI_ERROR(status))
		return status;
	/* A chain that visits more clusters than exist, or meets its saved cluster again, loops. */
	if (chain->index + 1 >= vol->cluster_count || next == chain->saved)
		return EFI_VOLUME_CORRUPTED;
	if (++chain->steps == chain->power) {
		chain->saved = next;
		chain->power <<= 1;
		chain->steps = 0;
	}
	chain->cluster = next;
	chain->index++;
	return EFI_SUCCESS;
}

/* Move chain (a hint, possibly for another chain) to the index-th cluster of the chain at first. */
EFI_STATUS fat_chain_seek(struct fat_volume *vol, struct fat_chain *chain, UINT32 first,
			     UINT32 index)
{
	EFI_STATUS status;

	if (!fat_cluster_valid(vol, first))
		return EFI_VOLUME_CORRUPTED;
	if (chain->first != first || chain->index > index || !fat_cluster_valid(vol, chain->cluster))
		fat_chain_start(chain, first);
	while (chain->index < index) {
		status = fat_chain_step(vol, chain);
		if (EFI_ERROR(status)) {
			fat_chain_start(chain, first);
			return status;
		}
	}
	return EFI_SUCCESS;
}

/* Sectors (at most max) readable in one request from the chain position: contiguous clusters. */
static EFI_STATUS contiguous_run(struct fat_volume *vol, struct fat_chain *chain,
				 UINT32 first_sector, UINT64 max, UINT64 *ret_sectors)
{
	UINT64 run = vol->sectors_per_cluster - first_sector;
	struct fat_chain saved;
	EFI_STATUS status;

	while (run < max) {
		saved = *chain;
		status = fat_chain_step(vol, chain);
		if (status == EFI_END_OF_FILE)
			return EFI_VOLUME_CORRUPTED; /* the file is larger than its chain */
		if (EFI_ERROR(status))
			return status;
		if (chain->cluster != saved.cluster + 1) {
			*chain = saved;
			break;
		}
		run += vol->sectors_per_cluster;
	}
	*ret_sectors = run < max ? run : max;
	return EFI_SUCCESS;
}

EFI_STATUS fat_read(const struct fat_file *file, UINT64 offset, void *buf, UINTN size,
		    UINTN *ret_read)
{
	struct fat_volume *vol = file->vol;
	struct fat_chain *chain = &vol->read_hint;
	UINT32 bps = vol->bytes_per_sector;
	UINT8 *out = buf;
	UINT64 remaining, sectors, lba, n;
	UINT32 in_cluster, in_sector;
	EFI_STATUS status;

	*ret_read = 0;
	if (file->attributes & FAT_ATTR_DIRECTORY || offset >= file->size)
		return EFI_SUCCESS;
	remaining = file->size - offset;
	if (remaining > size)
		remaining = size;
	while (remaining) {
		status = fat_chain_seek(vol, chain, file->first_cluster, offset / vol->cluster_size);
		if (status == EFI_END_OF_FILE)
			return EFI_VOLUME_CORRUPTED; /* the file is larger than its chain */
		if (EFI_ERROR(status))
			return status;
		in_cluster = offset % vol->cluster_size;
		lba = fat_cluster_lba(vol, chain->cluster) + in_cluster / bps;
		in_sector = in_cluster % bps;
		if (in_sector || remaining < bps) {
			/* Head or tail of the request: through the cache, copy the part wanted. */
			status = fat_cache_sector(vol, lba, vol->dir_cache, &vol->dir_cache_lba);
			if (EFI_ERROR(status))
				return status;
			n = bps - in_sector;
			if (n > remaining)
				n = remaining;
			memcpy(out, vol->dir_cache + in_sector, n);
			sectors = 0;
		} else {
			/* Whole sectors straight into the caller's buffer, one request a run. */
			status = contiguous_run(vol, chain, in_cluster / bps, remaining / bps,
						&sectors);
			if (EFI_ERROR(status))
				return status;
			status = fat_read_blocks(vol, lba, sectors, out);
			if (EFI_ERROR(status))
				return status;
			n = 0;
		}
		n += sectors * bps;
		out += n;
		offset += n;
		remaining -= n;
		*ret_read += n;
	}
	return EFI_SUCCESS;
}

/* A directory is the fixed root region of FAT12/16 (first_cluster 0) or a cluster chain. */
EFI_STATUS fat_dir_locate(const struct fat_file *dir, UINT32 index, UINT64 *ret_lba,
			  UINT8 **ret_entry)
{
	struct fat_volume *vol = dir->vol;
	UINT64 byte = (UINT64)index * FAT_DIRENT_SIZE, lba;
	EFI_STATUS status;

	if (index >= FAT_DIR_MAX_ENTRIES)
		return EFI_NOT_FOUND;
	if (dir->first_cluster == 0 && vol->fat_type != 32) {
		if (index >= vol->root_entries)
			return EFI_NOT_FOUND;
		lba = vol->root_lba + byte / vol->bytes_per_sector;
	} else {
		status = fat_chain_seek(vol, &vol->dir_hint, dir->first_cluster,
				    (UINT32)(byte / vol->cluster_size));
		if (status == EFI_END_OF_FILE)
			return EFI_NOT_FOUND;
		if (EFI_ERROR(status))
			return status;
		lba = fat_cluster_lba(vol, vol->dir_hint.cluster) +
		      byte % vol->cluster_size / vol->bytes_per_sector;
	}
	status = fat_cache_sector(vol, lba, vol->dir_cache, &vol->dir_cache_lba);
	if (EFI_ERROR(status))
		return status;
	*ret_lba = lba;
	*ret_entry = vol->dir_cache + byte % vol->bytes_per_sector;
	return EFI_SUCCESS;
}

EFI_STATUS fat_dir_entry(const struct fat_file *dir, UINT32 index, const UINT8 **ret_entry)
{
	UINT64 lba;

	return fat_dir_locate(dir, index, &lba, (UINT8 **)ret_entry);
}
