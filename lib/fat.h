/* SPDX-License-Identifier: MIT */
/* FAT12/16/32 read-only file system: mount, open by path, read, enumerate directories with long names. */
#pragma once

#include "include/efi/types.h"
#include "lib/block.h"

#define FAT_NAME_MAX 255

enum fat_attributes {
	FAT_ATTR_READ_ONLY = 0x01,
	FAT_ATTR_HIDDEN = 0x02,
	FAT_ATTR_SYSTEM = 0x04,
	FAT_ATTR_VOLUME_ID = 0x08,
	FAT_ATTR_DIRECTORY = 0x10,
	FAT_ATTR_ARCHIVE = 0x20,
	FAT_ATTR_LONG_NAME = 0x0f,
};

struct fat_volume {
	struct block_device *dev;
	EFI_LBA first_lba;	/* partition start on dev */
	UINT64 lba_count;	/* partition length in blocks */
	UINT8 fat_type;		/* 12, 16 or 32 */
	UINT32 bytes_per_sector;
	UINT32 sectors_per_cluster;
	UINT32 cluster_size;	/* bytes */
	UINT64 fat_lba;		/* first FAT, relative to first_lba */
	UINT32 fat_sectors;	/* one FAT's length */
	UINT64 root_lba;	/* FAT12/16 fixed root directory, relative to first_lba */
	UINT32 root_entries;
	UINT32 root_cluster;	/* FAT32 */
	UINT64 data_lba;	/* cluster 2, relative to first_lba */
	UINT32 cluster_count;	/* data clusters; valid cluster numbers are 2..cluster_count+1 */
	UINT32 serial;
	char label[12];		/* volume label from the boot sector, NUL-terminated, trailing spaces cut */
	/* One-sector caches so FAT walks and directory scans do not re-read the same block. */
	UINT64 fat_cache_lba;
	UINT8 fat_cache[BLOCK_MAX_SIZE];
	UINT64 dir_cache_lba;
	UINT8 dir_cache[BLOCK_MAX_SIZE];
};

/* An open file or directory. first_cluster 0 with FAT_ATTR_DIRECTORY is the root of FAT12/16. */
struct fat_file {
	struct fat_volume *vol;
	UINT32 first_cluster;
	UINT32 size;		/* bytes; 0 for directories */
	UINT8 attributes;
	UINT16 write_time, write_date, create_time, create_date, access_date;
	CHAR16 name[FAT_NAME_MAX + 1]; /* long name if present, else the 8.3 name */
};

/* Position in a directory for fat_dir_next; start zeroed. */
struct fat_dir_cursor {
	UINT32 index;		/* next 32-byte entry */
};

/* Mount the FAT file system in blocks [first_lba, first_lba + lba_count) of dev; EFI_VOLUME_CORRUPTED or EFI_UNSUPPORTED on a bad BPB. */
EFI_STATUS fat_mount(struct fat_volume *vol, struct block_device *dev, EFI_LBA first_lba, UINT64 lba_count);
/* The root directory as a file. */
void fat_open_root(struct fat_volume *vol, struct fat_file *ret_dir);
/*
 * Open path relative to dir (NULL: the root). Separators '\' or '/', repeated ones ignored;
 * "." and ".." handled; names matched case-insensitively against long and 8.3 names.
 * EFI_NOT_FOUND if a component is missing, EFI_NOT_FOUND too if a non-final component is a file.
 */
EFI_STATUS fat_open(struct fat_volume *vol, const struct fat_file *dir, const CHAR16 *path,
		    struct fat_file *ret_file);
/*
 * Read up to size bytes at offset; *ret_read says how many (0 at or past the end). Whole clusters
 * that are contiguous on disk are read in one request straight into buf.
 * EFI_VOLUME_CORRUPTED on a broken or looping cluster chain.
 */
EFI_STATUS fat_read(const struct fat_file *file, UINT64 offset, void *buf, UINTN size, UINTN *ret_read);
/* Next entry of directory dir (skipping volume labels, deleted entries, "." and ".."); EFI_NOT_FOUND at the end. */
EFI_STATUS fat_dir_next(const struct fat_file *dir, struct fat_dir_cursor *cursor, struct fat_file *ret_entry);
