/* SPDX-License-Identifier: MIT */
/* Boot Loader Specification entries on an ESP, booted in the specification's order. */
#pragma once

#include "include/efi/types.h"

/* Boot the Boot Loader Specification entries on fs in order; EFI_NOT_FOUND if none. */
EFI_STATUS bls_boot_entries(EFI_HANDLE fs);
