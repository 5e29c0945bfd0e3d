/* SPDX-License-Identifier: MIT */
/* What filesystem.c (open, read, info) and file_write.c (write, set info, delete) share. */
#pragma once

#include "include/efi/protocol/simple_file_system.h"
#include "lib/storage/fat.h"

struct file;

struct filesystem {
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL sfs;
	struct fat_volume vol;
	struct file *files; /* open handles, so a change reaches every handle of its file */
	struct filesystem *next; /* every volume, flushed at ExitBootServices and ResetSystem */
};

struct file {
	EFI_FILE_PROTOCOL proto;
	struct filesystem *fs;
	struct fat_file fat;
	BOOLEAN writable;	      /* opened with EFI_FILE_MODE_WRITE */
	UINT64 position;	      /* files */
	struct fat_dir_cursor cursor; /* directories: the next entry Read returns */
	struct file *next;
};

BOOLEAN is_dir(const struct file *f);
/* Raise to TPL_CALLBACK around FAT calls; fs_unlock restores what fs_lock returned. */
EFI_TPL fs_lock(void);
void fs_unlock(EFI_TPL old);
/* Create the last component of path (its parent must exist) in dir, for Open with CREATE. */
EFI_STATUS file_create(struct file *dir, const CHAR16 *path, UINT64 attributes,
		       struct fat_file *ret_file);
/* The RTC's time in FAT format, for new and changed entries. */
void fs_clock(UINT16 *ret_date, UINT16 *ret_time);
EFI_STATUS EFIAPI file_write(EFI_FILE_PROTOCOL *This, UINTN *BufferSize, VOID *Buffer);
EFI_STATUS EFIAPI file_set_info(EFI_FILE_PROTOCOL *This, EFI_GUID *InformationType,
				UINTN BufferSize, VOID *Buffer);
EFI_STATUS EFIAPI file_delete(EFI_FILE_PROTOCOL *This);
EFI_STATUS EFIAPI file_flush(EFI_FILE_PROTOCOL *This);
/* File handles (and one directory handle) free their state: Close without its checks. */
EFI_STATUS EFIAPI file_close(EFI_FILE_PROTOCOL *This);
