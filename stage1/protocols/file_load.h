/* SPDX-License-Identifier: MIT */
/* Whole files for the firmware itself, read through SimpleFileSystem on a handle or a path. */
#pragma once

#include "include/efi/device_path.h"
#include "include/efi/types.h"

/* Read a whole file through the SimpleFileSystem on fs_handle into pool memory. */
EFI_STATUS file_read_all(EFI_HANDLE fs_handle, const CHAR16 *path, void **ret_buffer,
			 UINTN *ret_size);
/*
 * Read the file a full device path names (device part located by LocateDevicePath on
 * SimpleFileSystem, then one or more file path nodes) into pool memory; ret_device gets the
 * file system's handle. EFI_NOT_FOUND when there is no such device or file.
 */
EFI_STATUS file_read_device_path(const EFI_DEVICE_PATH_PROTOCOL *path, void **ret_buffer,
				 UINTN *ret_size, EFI_HANDLE *ret_device);
/* Whether path names a file on the file system handle fs. */
BOOLEAN file_exists(EFI_HANDLE fs, const CHAR16 *path);
/* The full device path of path on the file system handle fs, in pool memory; NULL if none. */
EFI_DEVICE_PATH_PROTOCOL *file_path_on(EFI_HANDLE fs, const CHAR16 *path);
