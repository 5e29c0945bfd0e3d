/* SPDX-License-Identifier: MIT */
/* What the FAT modules share: block access, the FAT table, chains, the entry layout. */
#pragma once

#include "lib/storage/fat.h"

#define FAT_NO_LBA	    ((UINT64)-1)
#define FAT_LFN_MAX_ENTRIES 20
#define FAT_LFN_CHARS	    13

/* Byte offsets in a 32-byte directory entry (fatgen103 §6, §7). */
enum {
	DIR_NAME = 0,
	DIR_ATTR = 11,
	DIR_NT_FLAGS = 12,
	DIR_CREATE_TENTHS = 13,
	DIR_CREATE_TIME = 14,
	DIR_CREATE_DATE = 16,
	DIR_ACCESS_DATE = 18,
	DIR_CLUSTER_HI = 20,
	DIR_WRITE_TIME = 22,
	DIR_WRITE_DATE = 24,
	DIR_CLUSTER_LO = 26,
	DIR_FILE_SIZE = 28,
	LFN_ORDER = 0,
	LFN_ATTR = 11,
	LFN_TYPE = 12,
	LFN_CHECKSUM = 13,
	LFN_CLUSTER = 26,
	LFN_LAST = 0x40,
	DIR_DELETED = 0xe5,
	/* Windows NT keeps the case of all-lower-case 8.3 names in these bits instead of an LFN. */
	NT_LOWER_BASE = 0x08,
	NT_LOWER_EXT = 0x10,
};

/* Blocks [lba, lba + count) of the partition; EFI_VOLUME_CORRUPTED outside it. */
EFI_STATUS fat_read_blocks(struct fat_volume *vol, UINT64 lba, UINT64 count, void *buf);
/* Metadata blocks (FAT, directory, FSInfo, told apart by lba), in the crash-safe order. */
EFI_STATUS fat_write_blocks(struct fat_volume *vol, UINT64 lba, UINT64 count, const void *buf);
/* What fat_write_blocks writes; a file's own data is FAT_WRITE_DATA. */
#define FAT_WRITE_DATA 1
#define FAT_WRITE_FAT 2
#define FAT_WRITE_DIR 4
#define FAT_WRITE_FSINFO 8
#define FAT_WRITE_FAT_NEW 16	/* entries of a new chain nothing links to yet */
#define FAT_WRITE_FAT_FREED 32	/* FAT sectors with clusters just freed */
/* count blocks of kind at lba, after a device flush if an earlier write must land first. */
EFI_STATUS fat_write_kind(struct fat_volume *vol, UINT8 kind, UINT64 lba, UINT64 count,
			  const void *buf);
/* Load sector lba into a one-sector cache unless *cache_lba says it is there. */
EFI_STATUS fat_cache_sector(struct fat_volume *vol, UINT64 lba, UINT8 *cache, UINT64 *cache_lba);
BOOLEAN fat_cluster_valid(const struct fat_volume *vol, UINT32 cluster);
UINT64 fat_cluster_lba(const struct fat_volume *vol, UINT32 cluster);
/* The raw FAT entry of cluster (0 free, >= fat_eoc end of chain), through the window cache. */
EFI_STATUS fat_get_raw(struct fat_volume *vol, UINT32 cluster, UINT32 *ret_value);
/* Change an entry in the window cache; fat_table_writeback puts it on the disk. */
EFI_STATUS fat_set_raw(struct fat_volume *vol, UINT32 cluster, UINT32 value);
/*
 * Mark the window sector holding FAT byte offset as changed (it must be in the window); outside
 * fat_alloc_chain the change may link to something, so the window's write-back is ordered.
 */
void fat_dirty(struct fat_volume *vol, UINT64 offset);
/*
 * FAT16/32 only: the entry of cluster in the window (loaded if need be) and how many entries
 * the window holds from it on, itself included. For loops that would cost a call per cluster.
 */
EFI_STATUS fat_window_entries(struct fat_volume *vol, UINT32 cluster, UINT8 **ret_entry,
			      UINT32 *ret_count);
/*
 * Write the changed window sectors to every FAT copy: as FAT_WRITE_FAT_FREED when they free
 * clusters, as FAT_WRITE_FAT_NEW when they are only entries fat_alloc_chain made (a chain nothing
 * links to yet), else as FAT_WRITE_FAT.
 */
EFI_STATUS fat_table_writeback(struct fat_volume *vol);
/* The smallest end-of-chain value of the volume's FAT type. */
UINT32 fat_eoc(const struct fat_volume *vol);
void fat_chain_start(struct fat_chain *chain, UINT32 first);
/* Advance to the next cluster; EFI_END_OF_FILE at the end, EFI_VOLUME_CORRUPTED on a loop. */
EFI_STATUS fat_chain_step(struct fat_volume *vol, struct fat_chain *chain);
/* Move chain (a hint) to the index-th cluster of the chain at first. */
EFI_STATUS fat_chain_seek(struct fat_volume *vol, struct fat_chain *chain, UINT32 first,
			  UINT32 index);
/* The index-th entry of dir and the partition sector holding it (in vol->dir_cache). */
EFI_STATUS fat_dir_locate(const struct fat_file *dir, UINT32 index, UINT64 *ret_lba,
			  UINT8 **ret_entry);
/* Checksum of an 11-byte short name, as long-name entries record it (fatgen103 §7). */
UINT8 fat_short_name_checksum(const UINT8 *name);
