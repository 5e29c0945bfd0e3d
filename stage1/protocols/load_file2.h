/* SPDX-License-Identifier: MIT */
/* The Linux initrd served through EFI_LOAD_FILE2_PROTOCOL. */
#pragma once

#include "include/efi/types.h"

/* Serve data as the initrd that Linux EFI stubs load by LoadFile2, until removed. */
EFI_STATUS linux_initrd_install(const void *data, UINTN size);
/* Remove the initrd handle (a kernel that returned must not leave it to the next one). */
void linux_initrd_uninstall(void);
