/* SPDX-License-Identifier: MIT */
/* FAT12/16/32 file system: mount, open by path, read, list directories (writing: fat_write.h). */
#pragma once

#include "include/efi/types.h"
#include "lib/storage/block.h"

#define FAT_NAME_MAX 255
/*
 * FAT bytes read at once: walking a large file's chain then costs one disk request per 4096
 * FAT32 entries rather than per 128, which is what streams a multi-MiB file at disk speed.
 */
#define FAT_CACHE_BYTES (16u * 1024)
#define FAT_DIRENT_SIZE 32
/* fatgen103 §6: a directory holds at most 65536 entries; also bounds scans of broken ones. */
#define FAT_DIR_MAX_ENTRIES 65536
/* A count or index not known, or no entry (the root has no directory entry of its own). */
#define FAT_UNKNOWN 0xffffffffu

enum fat_attributes {
	FAT_ATTR_READ_ONLY = 0x01,
	FAT_ATTR_HIDDEN = 0x02,
	FAT_ATTR_SYSTEM = 0x04,
	FAT_ATTR_VOLUME_ID = 0x08,
	FAT_ATTR_DIRECTORY = 0x10,
	FAT_ATTR_ARCHIVE = 0x20,
	FAT_ATTR_LONG_NAME = 0x0f,
};

/*
 * A position in a cluster chain: cluster is the index-th cluster after first. saved, power and
 * steps are Brent's cycle detection, which catches a loop inside a file's nominal size that the
 * "no chain is longer than cluster_count" bound alone would miss.
 */
struct fat_chain {
	UINT32 first;
	UINT32 cluster;
	UINT32 index;
	UINT32 saved;
	UINT32 power;
	UINT32 steps;
};

struct fat_volume {
	struct block_device *dev;
	EFI_LBA first_lba;	/* partition start on dev */
	UINT64 lba_count;	/* partition length in blocks */
	UINT8 fat_type;		/* 12, 16 or 32 */
	UINT32 bytes_per_sector;
	UINT32 sector_shift;	/* log2(bytes_per_sector) */
	UINT32 sectors_per_cluster;
	UINT32 cluster_size;	/* bytes */
	UINT64 fat_lba;		/* first FAT, relative to first_lba */
	UINT32 fat_sectors;	/* one FAT's length */
	UINT64 root_lba;	/* FAT12/16 fixed root directory, relative to first_lba */
	UINT32 root_entries;
	UINT32 root_cluster;	/* FAT32 */
	UINT64 data_lba;	/* cluster 2, relative to first_lba */
	UINT32 cluster_count;	/* data clusters; valid cluster numbers are 2..cluster_count+1 */
	UINT32 num_fats;
	BOOLEAN fat_mirrored;	/* writes go to every FAT copy, else to the active one only */
	UINT64 fat1_lba;	/* first FAT copy, relative to first_lba */
	UINT64 fsinfo_lba;	/* FAT32 FSInfo sector; 0: none */
	UINT32 free_count;	/* free clusters, FAT_UNKNOWN until counted */
	UINT32 next_free;	/* where the next allocation starts looking */
	UINT32 last_alloc;	/* the end of the chain fat_alloc_chain made last */
	BOOLEAN fsinfo_dirty;
	/*
	 * The directory entry of the file fat_write changed last, left in memory so sequential
	 * writes cost no metadata writes: fat_flush writes it after the FAT entries it covers.
	 * link_cluster (0: none) is the end of the chain the disk names, whose link to the
	 * clusters added since (link_value) stays in memory too: FAT write-backs give it its old
	 * end-of-chain value, so everything after it on the disk is named by nothing yet.
	 */
	struct fat_pending_entry {
		BOOLEAN dirty;
		UINT8 attributes;
		UINT16 write_time, write_date, access_date;
		UINT32 dir_cluster, dir_index, first_cluster, size;
		UINT32 disk_last;	/* the chain's last cluster when the entry became dirty */
		UINT32 link_cluster, link_value;
	} pending;
	UINT8 write_pending;	/* FAT_WRITE_* kinds written since the device's last flush */
	/* The time for new and changed entries, in FAT format; NULL stamps 1980-01-01 00:00. */
	void (*clock)(UINT16 *ret_date, UINT16 *ret_time);
	UINT32 serial;
	char label[12]; /* volume label from the boot sector, NUL-terminated, trailing spaces cut */
	/* One-sector caches so FAT walks and directory scans do not re-read the same block. */
	UINT64 fat_cache_lba;		/* first sector of the FAT window held in fat_cache */
	UINT32 fat_cache_sectors;	/* sectors in that window */
	UINT64 fat_cache_offset;	/* its first byte within the FAT */
	UINT32 fat_cache_bytes;		/* its length */
	UINT32 fat_dirty_first, fat_dirty_end;	/* window sectors changed and not yet written */
	BOOLEAN fat_dirty_linked;	/* a change there is more than a new unlinked chain's entries */
	BOOLEAN fat_dirty_freed;	/* ... or frees clusters */
	BOOLEAN fat_allocating;		/* fat_alloc_chain is marking unlinked entries */
	UINT8 fat_cache[FAT_CACHE_BYTES];
	UINT64 dir_cache_lba;
	UINT8 dir_cache[BLOCK_MAX_SIZE];	/* also fat_read's partial sectors */
	/* Last chain positions: sequential reads and scans need not walk from the first cluster. */
	struct fat_chain read_hint;
	struct fat_chain dir_hint;
};

/* An open file or directory. first_cluster 0 with FAT_ATTR_DIRECTORY is the root of FAT12/16. */
struct fat_file {
	struct fat_volume *vol;
	UINT32 first_cluster;
	UINT32 size;		/* bytes; 0 for directories */
	UINT8 attributes;
	UINT16 write_time, write_date, create_time, create_date, access_date;
	CHAR16 name[FAT_NAME_MAX + 1]; /* long name if present, else the 8.3 name */
	/* Where the entry lives: FAT_UNKNOWN dir_index for the root and for "." and "..". */
	UINT32 dir_cluster;	/* first cluster of the directory holding it; 0: FAT12/16 root */
	UINT32 dir_index;	/* its short entry */
	UINT8 lfn_count;	/* long-name entries just before it */
};

/* Position in a directory for fat_dir_next; start zeroed. */
struct fat_dir_cursor {
	UINT32 index;		/* next 32-byte entry */
};

/* Mount the FAT file system in blocks [first_lba, first_lba + lba_count) of dev; EFI_VOLUME_CORRUPTED or EFI_UNSUPPORTED on a bad BPB. */
EFI_STATUS fat_mount(struct fat_volume *vol, struct block_device *dev, EFI_LBA first_lba,
		     UINT64 lba_count);
/* The root directory as a file. */
void fat_open_root(struct fat_volume *vol, struct fat_file *ret_dir);
/*
 * Open path relative to dir (NULL or a leading separator: the root). Separators '\' or '/',
 * repeated ones ignored; "." and ".." handled; names matched case-insensitively against long
 * and 8.3 names.
 * EFI_NOT_FOUND if a component is missing, EFI_NOT_FOUND too if a non-final component is a file.
 */
EFI_STATUS fat_open(struct fat_volume *vol, const struct fat_file *dir, const CHAR16 *path,
		    struct fat_file *ret_file);
/*
 * Read up to size bytes at offset; *ret_read says how many (0 at or past the end). Whole clusters
 * that are contiguous on disk are read in one request straight into buf.
 * EFI_VOLUME_CORRUPTED on a broken or looping cluster chain.
 */
EFI_STATUS fat_read(const struct fat_file *file, UINT64 offset, void *buf, UINTN size,
		    UINTN *ret_read);
/*
 * The index-th 32-byte entry of dir, pointing into vol->dir_cache (valid until the next read);
 * EFI_NOT_FOUND past the end. Internal: shared by lib/storage/fat.c and lib/storage/fat_dir.c.
 */
EFI_STATUS fat_dir_entry(const struct fat_file *dir, UINT32 index, const UINT8 **ret_entry);
/* Next entry of directory dir (skipping volume labels, deleted entries, "." and ".."); EFI_NOT_FOUND at the end. */
EFI_STATUS fat_dir_next(const struct fat_file *dir, struct fat_dir_cursor *cursor,
			struct fat_file *ret_entry);
