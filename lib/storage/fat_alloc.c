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

EFI_STATUS fat_count_free(struct fat_volume *vol, UINT32 *ret_free)
{
	UINT32 count = 0, value;
	EFI_STATUS status;

	if (vol->free_count == FAT_UNKNOWN) {
		for (UINT32 c = 2; c <= vol->cluster_count + 1; c++) {
			status = fat_get_raw(vol, c, &value);
			if (EFI_ERROR(status))
				return status;
			count += value == 0;
		}
		vol->free_count = count;
	}
	*ret_free = vol->free_count;
	return EFI_SUCCESS;
}

/* One free cluster, searched from next_free round the volume; EFI_VOLUME_FULL if there is none. */
static EFI_STATUS find_free(struct fat_volume *vol, UINT32 *ret_cluster)
{
	UINT32 c = vol->next_free, value;
	EFI_STATUS status;

	for (UINT32 n = 0; n < vol->cluster_count; n++, c++) {
		if (!fat_cluster_valid(vol, c))
			c = 2;
		status = fat_get_raw(vol, c, &value);
		if (EFI_ERROR(status))
			return status;
		if (value == 0) {
			*ret_cluster = c;
			return EFI_SUCCESS;
		}
	}
	return EFI_VOLUME_FULL;
}

EFI_STATUS fat_alloc_chain(struct fat_volume *vol, UINT32 count, UINT32 *ret_first)
{
	UINT32 free_count, prev = 0, c = 0;
	EFI_STATUS status;

	status = fat_count_free(vol, &free_count);
	if (EFI_ERROR(status))
		return status;
	if (count == 0 || count > free_count)
		return EFI_VOLUME_FULL;
	/*
	 * Each new cluster ends the chain when taken, then the previous one points at it: only
	 * clusters nothing refers to are ever marked, so a cut leaves lost clusters at worst.
	 */
	for (UINT32 i = 0; i < count; i++) {
		status = find_free(vol, &c);
		if (EFI_ERROR(status))
			return status;
		status = fat_set_raw(vol, c, fat_eoc(vol) | 7);
		if (EFI_ERROR(status))
			return status;
		if (prev) {
			status = fat_set_raw(vol, prev, c);
			if (EFI_ERROR(status))
				return status;
		} else {
			*ret_first = c;
		}
		prev = c;
		vol->next_free = c + 1;
		vol->free_count--;
	}
	vol->fsinfo_dirty = TRUE;
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
	if (get_le32(s + FSI_LEAD_SIG) != 0x41615252 || get_le32(s + FSI_STRUCT_SIG) != 0x61417272 ||
	    get_le32(s + FSI_TRAIL_SIG) != 0xaa550000)
		return EFI_SUCCESS;
	put_le32(s + FSI_FREE_COUNT, vol->free_count);
	put_le32(s + FSI_NEXT_FREE, fat_cluster_valid(vol, vol->next_free) ? vol->next_free : 2);
	return fat_write_blocks(vol, vol->fsinfo_lba, 1, s);
}

EFI_STATUS fat_flush(struct fat_volume *vol)
{
	EFI_STATUS status;

	status = fat_table_writeback(vol);
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

void fat_stamp(struct fat_volume *vol, UINT16 *ret_date, UINT16 *ret_time)
{
	*ret_date = 1 << 5 | 1; /* 1980-01-01 */
	*ret_time = 0;
	if (vol->clock)
		vol->clock(ret_date, ret_time);
}
