/* SPDX-License-Identifier: MIT */
/* The boot manager: boot options in order, then the removable media path. */
#pragma once

#include "include/efi/device_path.h"

/* Load and start the image at path; logs why it failed or what it returned. */
EFI_STATUS boot_image(EFI_DEVICE_PATH_PROTOCOL *path, const CHAR16 *name);
/* Try every boot option; never returns (halts with a message when all fail). */
__attribute__((noreturn)) void boot_manager_run(void);
