/* SPDX-License-Identifier: MIT */
/* stage1's own page tables, replacing stage0's 4 GiB identity map. */
#pragma once

#include "include/strata/handoff.h"

/* Identity-map all RAM in the hand-off block's memory map and everything below 4 GiB; load CR3. */
EFI_STATUS paging_init(const struct handoff *h);
/* Make the 4 KiB page at addr not present (a stack's guard page), splitting large pages. */
EFI_STATUS paging_unmap_page(UINT64 addr);
