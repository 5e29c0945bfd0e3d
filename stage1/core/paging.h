/* SPDX-License-Identifier: MIT */
/* stage1's own page tables, replacing stage0's 4 GiB identity map. */
#pragma once

#include "include/strata/handoff.h"

/* Identity-map all RAM in the hand-off block's memory map and everything below 4 GiB; load CR3. */
EFI_STATUS paging_init(const struct handoff *h);
/* Make the 4 KiB page at addr not present (a stack's guard page), splitting large pages. */
EFI_STATUS paging_unmap_page(UINT64 addr);
/*
 * Map stage1's own page tables read-only and set CR0.WP, so a payload writing over them faults
 * (and is reported) instead of unmapping the firmware under itself. After the last table change.
 */
EFI_STATUS paging_protect_tables(void);
/* Whether addr is in one of stage1's page-table pages (exception reports). */
BOOLEAN paging_is_table(UINT64 addr);
