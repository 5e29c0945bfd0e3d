/* SPDX-License-Identifier: MIT */
/* SimpleFileSystem and File protocols over lib/storage/fat.c, for disk.c to put on FAT partitions. */
#pragma once

#include "include/efi/types.h"
#include "lib/storage/block.h"

struct filesystem;

/*
 * Mount the FAT file system in blocks [first_lba, first_lba + lba_count) of dev and install
 * EFI_SIMPLE_FILE_SYSTEM_PROTOCOL on handle. EFI_UNSUPPORTED if it is not FAT.
 */
EFI_STATUS filesystem_install(EFI_HANDLE handle, struct block_device *dev, EFI_LBA first_lba,
			      UINT64 lba_count, struct filesystem **ret_fs);
/* Drop cached sectors and chain positions: the disk was written behind the file system's back. */
void filesystem_invalidate(struct filesystem *fs);
/* Write what every writable volume holds back and flush its disk (ExitBootServices, reset). */
void filesystem_flush_all(void);
