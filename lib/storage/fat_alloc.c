/* SPDX-License-Identifier: MIT */
/* FAT writing, clusters: free count, allocation of chains, freeing, FSInfo, the volume flush. */
#include "lib/endian.h"
#include "lib/storage/fat_internal.h"
#include "lib/storage/fat_write.h"
#include "lib/string.h"

/* FSInfo signatures and fields (fatgen103 §5). */
enum {
	FSI_LEAD_SIG = 0,
	FSI_STRUCT_SIG = 484,
	FSI_FREE_COUNT = 488,
	FSI_NEXT_FREE = 492,
	FSI_TRAIL_SIG = 508,
};

/* FAT16/32 entry at p: 28 bits of FAT32 (the top four are reserved), 16 of FAT16. */
static UINT32 entry_at(const struct fat_volume *vol, const UINT8 *p)
{
	return vol->fat_type == 32 ? get_le32(p) & 0x0fffffff : get_le16(p);
}

static void entry_put(const struct fat_volume *vol, UINT8 *p, UINT32 value)
{
	if (vol->fat_type == 32)
		put_le32(p, (get_le32(p) & 0xf0000000) | (value & 0x0fffffff));
	else
		put_le16(p, (UINT16)value);
}

/*
 * Free entries among clusters [c, c + n), or with ret_first the first free one (FAT_UNKNOWN if
 * none): a window at a time for FAT16/32, an entry at a time for FAT12's packed entries.
 */
static EFI_STATUS scan_free(struct fat_volume *vol, UINT32 c, UINT32 n, UINT32 *ret_count,
			    UINT32 *ret_first)
{
	UINT32 size = vol->fat_type / 8, count = 0, have, value;
	UINT8 *p;
	EFI_STATUS status;

	if (ret_first)
		*ret_first = FAT_UNKNOWN;
	while (n) {
		if (vol->fat_type == 12) {
			status = fat_get_raw(vol, c, &value);
			p = NULL;
			have = 1;
		} else {
			status = fat_window_entries(vol, c, &p, &have);
		}
		if (EFI_ERROR(status))
			return status;
		if (have > n)
			have = n;
		for (UINT32 i = 0; i < have; i++) {
			if (p)
				value = entry_at(vol, p + i * size);
			if (value != 0)
				continue;
			if (ret_first) {
				*ret_first = c + i;
				return EFI_SUCCESS;
			}
			count++;
		}
		c += have;
		n -= have;
	}
	if (ret_count)
		*ret_count = count;
	return EFI_SUCCESS;
}

EFI_STATUS fat_count_free(struct fat_volume *vol, UINT32 *ret_free)
{
	EFI_STATUS status;

	if (vol->free_count == FAT_UNKNOWN) {
		status = scan_free(vol, 2, vol->cluster_count, &vol->free_count, NULL);
		if (EFI_ERROR(status)) {
			vol->free_count = FAT_UNKNOWN;
			return status;
		}
	}
	*ret_free = vol->free_count;
	return EFI_SUCCESS;
}

/* One free cluster, searched from next_free round the volume; EFI_VOLUME_FULL if there is none. */
static EFI_STATUS find_free(struct fat_volume *vol, UINT32 *ret_cluster)
{
	UINT32 start = fat_cluster_valid(vol, vol->next_free) ? vol->next_free : 2;
	EFI_STATUS status;

	status = scan_free(vol, start, vol->cluster_count + 2 - start, NULL, ret_cluster);
	if (!EFI_ERROR(status) && *ret_cluster == FAT_UNKNOWN && start > 2)
		status = scan_free(vol, 2, start - 2, NULL, ret_cluster);
	if (EFI_ERROR(status))
		return status;
	return *ret_cluster == FAT_UNKNOWN ? EFI_VOLUME_FULL : EFI_SUCCESS;
}

/*
 * Take up to max free clusters from c on as one contiguous chain ending in end-of-chain;
 * *ret_count says how many. Only entries nothing refers to change.
 */
static EFI_STATUS take_run(struct fat_volume *vol, UINT32 c, UINT32 max, UINT32 *ret_count)
{
	UINT32 size = vol->fat_type / 8, n = 1, have;
	UINT8 *p;
	EFI_STATUS status;

	if (vol->fat_type == 12) {
		*ret_count = 1;
		return fat_set_raw(vol, c, fat_eoc(vol) | 7);
	}
	status = fat_window_entries(vol, c, &p, &have);
	if (EFI_ERROR(status))
		return status;
	if (max > vol->cluster_count + 2 - c)
		max = vol->cluster_count + 2 - c;
	if (have > max)
		have = max;
	while (n < have && entry_at(vol, p + n * size) == 0)
		n++;
	for (UINT32 i = 0; i + 1 < n; i++)
		entry_put(vol, p + i * size, c + i + 1);
	entry_put(vol, p + (n - 1) * size, fat_eoc(vol) | 7);
	fat_dirty(vol, (UINT64)c * size);
	fat_dirty(vol, (UINT64)(c + n - 1) * size);
	*ret_count = n;
	return EFI_SUCCESS;
}

EFI_STATUS fat_alloc_chain(struct fat_volume *vol, UINT32 count, UINT32 *ret_first)
{
	UINT32 free_count, prev = 0, c = 0, n;
	EFI_STATUS status;

	status = fat_count_free(vol, &free_count);
	if (EFI_ERROR(status))
		return status;
	if (count == 0 || count > free_count)
		return EFI_VOLUME_FULL;
	/*
	 * Each run of new clusters ends the chain when taken, then the previous run points at it:
	 * only clusters nothing refers to are ever marked, so a cut leaves lost clusters at worst,
	 * and the window holding only them needs no ordered write-back (a window moved on here
	 * writes what was there before, as linked or not).
	 */
	vol->fat_allocating = TRUE;
	while (count) {
		status = find_free(vol, &c);
		if (EFI_ERROR(status))
			goto out;
		status = take_run(vol, c, count, &n);
		if (EFI_ERROR(status))
			goto out;
		if (prev) {
			status = fat_set_raw(vol, prev, c);
			if (EFI_ERROR(status))
				goto out;
		} else {
			*ret_first = c;
		}
		prev = c + n - 1;
		vol->last_alloc = prev;
		vol->next_free = c + n;
		vol->free_count -= n;
		count -= n;
	}
	vol->fsinfo_dirty = TRUE;
out:
	vol->fat_allocating = FALSE;
	return status;
}

EFI_STATUS fat_contiguous(struct fat_volume *vol, UINT32 c, UINT32 max, UINT32 *ret_count)
{
	UINT32 size = vol->fat_type / 8, n = 1, have, value;
	UINT8 *p;
	EFI_STATUS status;

	/* Entries c .. c + n - 2 each point at the next cluster: n clusters in a row on disk. */
	if (max > vol->cluster_count + 2 - c)
		max = vol->cluster_count + 2 - c;
	while (n < max) {
		if (vol->fat_type == 12) {
			status = fat_get_raw(vol, c + n - 1, &value);
			if (EFI_ERROR(status))
				return status;
			if (value != c + n)
				break;
			n++;
			continue;
		}
		status = fat_window_entries(vol, c + n - 1, &p, &have);
		if (EFI_ERROR(status))
			return status;
		for (UINT32 i = 0; i < have && n < max; i++, n++)
			if (entry_at(vol, p + i * size) != c + n)
				goto out;
	}
out:
	*ret_count = n;
	return EFI_SUCCESS;
}

EFI_STATUS fat_free_chain(struct fat_volume *vol, UINT32 first)
{
	UINT32 c = first, next, free_count;
	EFI_STATUS status;

	/* Counted before, so FSInfo can be kept right. */
	status = fat_count_free(vol, &free_count);
	if (EFI_ERROR(status))
		return status;
	for (UINT32 n = 0; fat_cluster_valid(vol, c); n++) {
		if (n > vol->cluster_count)
			return EFI_VOLUME_CORRUPTED;
		status = fat_get_raw(vol, c, &next);
		if (EFI_ERROR(status))
			return status;
		/* A chain into a free cluster is broken there: free what was ours, no further. */
		if (next == 0)
			break;
		status = fat_set_raw(vol, c, 0);
		if (EFI_ERROR(status))
			return status;
		/* In the window now (set_raw may have moved it): data waits for this to land. */
		vol->fat_dirty_freed = TRUE;
		vol->free_count++;
		if (c < vol->next_free)
			vol->next_free = c;
		c = next;
	}
	/* Chain positions may name clusters that are free now. */
	vol->read_hint = (struct fat_chain){ 0 };
	vol->dir_hint = (struct fat_chain){ 0 };
	vol->fsinfo_dirty = TRUE;
	return EFI_SUCCESS;
}

/* FSInfo's free count and next-free hint, if the sector carries its three signatures. */
static EFI_STATUS fsinfo_write(struct fat_volume *vol)
{
	UINT8 *s = vol->dir_cache;
	EFI_STATUS status;

	status = fat_cache_sector(vol, vol->fsinfo_lba, vol->dir_cache, &vol->dir_cache_lba);
	if (EFI_ERROR(status))
		return status;
	if (get_le32(s + FSI_LEAD_SIG) != 0x41615252 ||
	    get_le32(s + FSI_STRUCT_SIG) != 0x61417272 || get_le32(s + FSI_TRAIL_SIG) != 0xaa550000)
		return EFI_SUCCESS;
	put_le32(s + FSI_FREE_COUNT, vol->free_count);
	put_le32(s + FSI_NEXT_FREE, fat_cluster_valid(vol, vol->next_free) ? vol->next_free : 2);
	return fat_write_blocks(vol, vol->fsinfo_lba, 1, s);
}

EFI_STATUS fat_flush(struct fat_volume *vol)
{
	EFI_STATUS status;

	/* The FAT entries a held-back size covers, then the entry (each behind a device flush). */
	status = fat_table_writeback(vol);
	if (EFI_ERROR(status))
		return status;
	if (vol->pending.link_cluster) {
		/* Alone in its write-back, after the data and the chain it names. */
		UINT32 c = vol->pending.link_cluster;

		vol->pending.link_cluster = 0;
		status = fat_set_raw(vol, c, vol->pending.link_value);
		if (!EFI_ERROR(status))
			status = fat_table_writeback(vol);
		if (EFI_ERROR(status)) {
			vol->pending.link_cluster = c;
			return status;
		}
	}
	status = fat_pending_writeback(vol);
	if (EFI_ERROR(status))
		return status;
	if (!vol->fsinfo_dirty)
		return EFI_SUCCESS;
	if (vol->fsinfo_lba && vol->free_count != FAT_UNKNOWN) {
		status = fsinfo_write(vol);
		if (EFI_ERROR(status))
			return status;
	}
	vol->fsinfo_dirty = FALSE;
	return EFI_SUCCESS;
}

EFI_STATUS fat_sync(struct fat_volume *vol)
{
	EFI_STATUS status;

	status = fat_flush(vol);
	if (EFI_ERROR(status))
		return status;
	status = block_flush(vol->dev);
	if (EFI_ERROR(status))
		return status;
	vol->write_pending = 0;
	return EFI_SUCCESS;
}

void fat_stamp(struct fat_volume *vol, UINT16 *ret_date, UINT16 *ret_time)
{
	*ret_date = 1 << 5 | 1; /* 1980-01-01 */
	*ret_time = 0;
	if (vol->clock)
		vol->clock(ret_date, ret_time);
}
