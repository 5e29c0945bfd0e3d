/* SPDX-License-Identifier: MIT */
/* UnicodeCollation2 and the older UnicodeCollation, for English. */
#pragma once

#include "include/efi/types.h"

/* Install both protocols on a handle of their own. */
EFI_STATUS unicode_collation_init(void);
