/* SPDX-License-Identifier: MIT */
/* The boot manager: boot options in order, then the removable media path, then BLS entries. */
#pragma once

#include "include/efi/device_path.h"
#include "lib/bls.h"

/*
 * Load and start the image at path (from buffer if not NULL, path then only names it) with
 * options (NULL: none) as its LoadOptions; name labels it in the log, which says why it failed
 * or that it returned.
 */
EFI_STATUS boot_image(EFI_DEVICE_PATH_PROTOCOL *path, void *buffer, UINTN buffer_size,
		      const CHAR16 *name, const void *options, UINTN options_size);
/* Whether path names a file on the file system handle fs. */
BOOLEAN boot_file_exists(EFI_HANDLE fs, const CHAR16 *path);
/* The full device path of path on the file system handle fs, in pool memory; NULL if none. */
EFI_DEVICE_PATH_PROTOCOL *boot_file_path_on(EFI_HANDLE fs, const CHAR16 *path);

/* bls.c: boot the Boot Loader Specification entries on fs in order; EFI_NOT_FOUND if none. */
EFI_STATUS bls_boot_entries(EFI_HANDLE fs);
/* linux_loader.c: boot one entry's kernel (or EFI program) and initrds from fs; label for logs. */
EFI_STATUS linux_boot_entry(EFI_HANDLE fs, const struct bls_entry *entry, const CHAR16 *label);

/* Try every boot option; never returns (halts with a message when all fail). */
__attribute__((noreturn)) void boot_manager_run(void);
