/* SPDX-License-Identifier: MIT */
/* The boot manager: boot options in order, then the removable media path, then BLS entries. */
#pragma once

#include "include/efi/device_path.h"

/*
 * Load and start the image at path with options (NULL: none) as its LoadOptions; name labels it
 * in the log, which says why it failed or that it returned.
 */
EFI_STATUS boot_image(EFI_DEVICE_PATH_PROTOCOL *path, const CHAR16 *name, const void *options,
		      UINTN options_size);
/* Whether path names a file on the file system handle fs. */
BOOLEAN boot_file_exists(EFI_HANDLE fs, const CHAR16 *path);
/* The full device path of path on the file system handle fs, in pool memory; NULL if none. */
EFI_DEVICE_PATH_PROTOCOL *boot_file_path_on(EFI_HANDLE fs, const CHAR16 *path);
/* Try every boot option; never returns (halts with a message when all fail). */
__attribute__((noreturn)) void boot_manager_run(void);
