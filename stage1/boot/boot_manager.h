/* SPDX-License-Identifier: MIT */
/* The boot manager: boot options in order, then the removable media path, then BLS entries. */
#pragma once

#include "include/efi/types.h"

/* Try every boot option; never returns (halts with a message when all fail). */
__attribute__((noreturn)) void boot_manager_run(void);
/* An EFI global variable in pool memory the caller frees; EFI_NOT_FOUND when it is not set. */
EFI_STATUS boot_variable_read(const CHAR16 *name, void **ret_data, UINTN *ret_size);
