/* SPDX-License-Identifier: MIT */
/* GUID Partition Table: reading with CRC checks and backup fallback, and writing (UEFI 2.10 §5.3). */
#pragma once

#include "include/efi/types.h"
#include "lib/storage/block.h"

#define GPT_HEADER_SIGNATURE 0x5452415020494645ull /* "EFI PART" */
#define GPT_HEADER_REVISION 0x00010000
#define GPT_ENTRY_SIZE_MIN 128
#define GPT_NAME_LENGTH 36

/* C12A7328-F81F-11D2-BA4B-00A0C93EC93B */
#define GPT_ESP_TYPE_GUID \
	{ 0xc12a7328, 0xf81f, 0x11d2, { 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b } }

/* On-disk header, UEFI 2.10 Table 5.5. */
struct gpt_header {
	UINT64 signature;
	UINT32 revision;
	UINT32 header_size;
	UINT32 header_crc32;
	UINT32 reserved;
	UINT64 my_lba;
	UINT64 alternate_lba;
	UINT64 first_usable_lba;
	UINT64 last_usable_lba;
	EFI_GUID disk_guid;
	UINT64 partition_entry_lba;
	UINT32 number_of_partition_entries;
	UINT32 size_of_partition_entry;
	UINT32 partition_entry_array_crc32;
} __attribute__((packed));

/* On-disk partition entry, UEFI 2.10 Table 5.6. */
struct gpt_entry {
	EFI_GUID partition_type_guid;
	EFI_GUID unique_partition_guid;
	UINT64 starting_lba;
	UINT64 ending_lba;
	UINT64 attributes;
	CHAR16 partition_name[GPT_NAME_LENGTH];
} __attribute__((packed));

_Static_assert(sizeof(struct gpt_header) == 92, "GPT header is 92 bytes");
_Static_assert(sizeof(struct gpt_entry) == 128, "GPT entry is 128 bytes");

/* A verified GPT: the header that checked out and where it came from. */
struct gpt_disk {
	struct gpt_header header;
	BOOLEAN used_backup;	/* primary header or its entries were damaged */
};

struct gpt_partition {
	UINT32 number;		/* 1-based index in the entry array */
	EFI_GUID type_guid;
	EFI_GUID unique_guid;
	EFI_LBA first_lba;
	EFI_LBA last_lba;
	UINT64 attributes;
	CHAR16 name[GPT_NAME_LENGTH + 1]; /* NUL-terminated */
};

/*
 * Read and verify the GPT (header CRC, entry array CRC, sane LBAs); if the primary is damaged use
 * the backup at the last LBA. scratch is BLOCK_MAX_SIZE bytes. EFI_NOT_FOUND if no GPT,
 * EFI_CRC_ERROR / EFI_VOLUME_CORRUPTED if both copies are bad.
 */
EFI_STATUS gpt_read(struct block_device *dev, void *scratch, struct gpt_disk *ret_disk);
/* Partition with 1-based number from a verified disk; EFI_NOT_FOUND if the entry is unused. */
EFI_STATUS gpt_get_partition(struct block_device *dev, const struct gpt_disk *disk, UINT32 number,
			     void *scratch, struct gpt_partition *ret_part);
/*
 * First partition of the given type GUID numbered above after, EFI_NOT_FOUND if none; a block of
 * entries is read once for all of them, so a scan of a big array costs one read per block.
 */
EFI_STATUS gpt_find_next_partition(struct block_device *dev, const struct gpt_disk *disk,
				   const EFI_GUID *type, UINT32 after, void *scratch,
				   struct gpt_partition *ret_part);
/* First partition of the given type GUID, EFI_NOT_FOUND if none. */
EFI_STATUS gpt_find_partition(struct block_device *dev, const struct gpt_disk *disk,
			      const EFI_GUID *type, void *scratch, struct gpt_partition *ret_part);

/*
 * Writer (mkimage, tests): fill protective MBR (one block), primary header (one block), backup
 * header (one block) and the entry array (entry_count * 128 bytes) for a disk of block_count
 * blocks of block_size, with the given partitions. CRCs are computed here.
 */
struct gpt_layout {
	UINT32 block_size;
	UINT64 block_count;
	EFI_GUID disk_guid;
	UINT32 entry_count;	/* usually 128 */
};
EFI_STATUS gpt_build(const struct gpt_layout *layout, const struct gpt_entry *parts,
		     UINT32 part_count, void *ret_mbr, void *ret_primary, void *ret_backup,
		     void *ret_entries);
/* LBAs the writer uses: entries start at 2 (primary) and at block_count - 1 - entry_blocks (backup). */
UINT64 gpt_entry_blocks(const struct gpt_layout *layout);
