/* SPDX-License-Identifier: MIT */
/* Starting one image as a boot option, shared by the boot manager, BLS and the Linux loader. */
#pragma once

#include "include/efi/device_path.h"

/*
 * Load and start the image at path (from buffer if not NULL, path then only names it) with
 * options (NULL: none) as its LoadOptions; name labels it in the log, which says why it failed
 * or that it returned.
 */
EFI_STATUS boot_image(EFI_DEVICE_PATH_PROTOCOL *path, void *buffer, UINTN buffer_size,
		      const CHAR16 *name, const void *options, UINTN options_size);
/* How many images were started; the last one's name and what it returned (if any started). */
UINTN boot_image_last(const CHAR16 **ret_name, EFI_STATUS *ret_status);
