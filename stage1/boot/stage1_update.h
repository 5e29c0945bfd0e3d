/* SPDX-License-Identifier: MIT */
/* Promoting or discarding /STRATA/STAGE1.NEW and RUNTIME.NEW once the boot count has its verdict. */
#pragma once

#include "lib/formats/boot_record.h"

/*
 * The copy in r->current reached the boot manager: promote STAGE1.NEW (RUNTIME.NEW) when it is
 * what runs, remove it when stage0 passed over it; r follows the files. The outcomes are
 * "promoted", "discarded", "failed" or "none", for StrataBootStatus.
 */
void stage1_update_apply(struct boot_record *r, const char **ret_stage1, const char **ret_runtime);
