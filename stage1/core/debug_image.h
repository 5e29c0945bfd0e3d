/* SPDX-License-Identifier: MIT */
/* The debug image info table (a configuration table) and the system table pointer (§18.4). */
#pragma once

#include "include/efi/protocol/loaded_image.h"

/* Place the system table pointer on a 4 MiB boundary and install the (empty) table. */
EFI_STATUS debug_image_init(void);
/* List a loaded image in the table (LoadImage); remove it again (UnloadImage, an exiting app). */
void debug_image_add(EFI_LOADED_IMAGE_PROTOCOL *loaded, EFI_HANDLE handle);
void debug_image_remove(EFI_HANDLE handle);
