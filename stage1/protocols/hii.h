/* SPDX-License-Identifier: MIT */
/* The HII Database and HII String protocols: package lists applications register, and their strings. */
#pragma once

#include "include/efi/types.h"

/* Install EFI_HII_DATABASE_PROTOCOL and EFI_HII_STRING_PROTOCOL on a handle of their own. */
EFI_STATUS hii_init(void);
