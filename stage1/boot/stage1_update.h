/* SPDX-License-Identifier: MIT */
/* Promoting or discarding /STRATA/STAGE1.NEW on the boot ESP once the boot count has its verdict. */
#pragma once

#include "lib/formats/boot_record.h"

/*
 * The copy in r->current reached the boot manager: promote STAGE1.NEW when it is what runs,
 * remove it when stage0 passed over it; r follows the files. Returns "promoted", "discarded",
 * "failed" or "none" for StrataBootStatus.
 */
const char *stage1_update_apply(struct boot_record *r);
