/* SPDX-License-Identifier: MIT */
/* El Torito boot catalogs on ISO 9660 media: the EFI boot image (El Torito 1.0, UEFI 2.10 §13.3). */
#pragma once

#include "include/efi/types.h"
#include "lib/storage/block.h"

#define ELTORITO_SECTOR_SIZE 2048
#define ELTORITO_PLATFORM_EFI 0xef
/* Catalog sectors read at most; xorriso and genisoimage write one. */
#define ELTORITO_MAX_CATALOG_SECTORS 4

/* The EFI boot image of a catalog, in the device's blocks. */
struct eltorito_image {
	UINT32 boot_entry;	/* CDROM() BootEntry: 0 the default entry, later bootable ones 1... */
	UINT32 load_rba;	/* first 2048-byte sector, as stored */
	UINT16 sector_count;	/* 512-byte sectors, as stored; 0 or 1 means "see the image" */
	UINT8 media_type;	/* 0 no emulation, 1-3 diskettes, 4 hard disk */
	EFI_LBA first_lba;	/* in dev's blocks */
	UINT64 block_count;	/* in dev's blocks */
};

/*
 * Walk the volume descriptors from sector 16 to the El Torito boot record, check its catalog
 * (validation entry checksum, 0x55AA) and find the first bootable entry for platform 0xEF
 * (the default entry under a 0xEF validation entry, or a section entry under a 0xEF header).
 * Its size is the stored count; when that is 0 or 1 (images over 32 MiB), the size the FAT
 * image's boot sector gives, else the rest of the volume. dev's block size divides 2048; scratch
 * is ELTORITO_SECTOR_SIZE bytes. EFI_NOT_FOUND without an ISO 9660 volume or an EFI entry,
 * EFI_VOLUME_CORRUPTED for a catalog that does not check out, EFI_UNSUPPORTED for block sizes
 * over 2048.
 */
EFI_STATUS eltorito_find_efi(struct block_device *dev, void *scratch,
			     struct eltorito_image *ret_image);
