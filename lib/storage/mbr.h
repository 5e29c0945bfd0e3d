/* SPDX-License-Identifier: MIT */
/* Master Boot Record partition tables: primary, extended and logical ones (UEFI 2.10 §5.2.1). */
#pragma once

#include "include/efi/types.h"
#include "lib/storage/block.h"

#define MBR_TYPE_EXTENDED_DOS 0x05
#define MBR_TYPE_EXTENDED_WINDOWS 0x0f
#define MBR_TYPE_PROTECTIVE 0xee
#define MBR_TYPE_EFI 0xef
#define MBR_PRIMARY_COUNT 4
/* Logical partitions followed in one extended chain; more is taken as a damaged chain. */
#define MBR_MAX_LOGICAL 128

/* One partition entry as stored at offset 446 + 16 * n of a boot record. */
struct mbr_entry {
	UINT8 boot_indicator;
	UINT8 start_chs[3];
	UINT8 type;
	UINT8 end_chs[3];
	UINT32 start_lba;
	UINT32 block_count;
} __attribute__((packed));

_Static_assert(sizeof(struct mbr_entry) == 16, "MBR entry is 16 bytes");

/* A checked MBR: its signature and primary entries, and its extended partition if any. */
struct mbr_disk {
	UINT32 signature;	/* disk signature at offset 440, for HD(n,MBR,0x...) */
	struct mbr_entry primary[MBR_PRIMARY_COUNT];
	UINT32 extended_number;	/* partition number of the extended partition, 0 if none */
	EFI_LBA extended_first_lba;
	UINT64 extended_block_count;
};

/*
 * A partition, numbered as EDK2's partition driver numbers them: used primary entries 1, 2, ...
 * in table order (the extended one included), and logical ones 1, 2, ... within the extended
 * partition (parent is its number; 0 for a primary).
 */
struct mbr_partition {
	UINT32 number;
	UINT32 parent;
	UINT8 type;
	BOOLEAN active;
	EFI_LBA first_lba;	/* from the start of the disk */
	UINT64 block_count;
	struct mbr_entry entry;	/* as stored: a logical one's start is from its EBR */
};

/* Where mbr_next_partition is: zero it before the first call. */
struct mbr_cursor {
	UINT32 primary;		/* next primary entry index */
	UINT32 primaries;	/* numbers given to primaries so far */
	UINT32 logicals;	/* logical partitions returned so far */
	EFI_LBA ebr_offset;	/* next EBR, from the start of the extended partition */
	BOOLEAN in_chain;
};

/*
 * Read and check the MBR in block 0 (0x55AA, used entries inside the disk, primaries apart).
 * EFI_NOT_FOUND without a signature, EFI_UNSUPPORTED for a protective MBR (the disk is GPT's),
 * EFI_VOLUME_CORRUPTED for a table that does not check out. scratch is one block.
 */
EFI_STATUS mbr_read(struct block_device *dev, void *scratch, struct mbr_disk *ret_disk);
/*
 * The next partition of a checked MBR (primaries, then the logical ones of the extended
 * chain, the extended partition itself included as EDK2 lists it); EFI_NOT_FOUND after the last.
 * A chain that loops, leaves its extended partition or runs past MBR_MAX_LOGICAL stops there.
 */
EFI_STATUS mbr_next_partition(struct block_device *dev, const struct mbr_disk *disk,
			      struct mbr_cursor *cursor, void *scratch,
			      struct mbr_partition *ret_part);
/* True for the extended partition types EDK2 follows (0x05, 0x0F). */
BOOLEAN mbr_type_is_extended(UINT8 type);
