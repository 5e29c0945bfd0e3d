/* SPDX-License-Identifier: MIT */
/* stage1's own page tables, replacing stage0's 4 GiB identity map. */
#pragma once

#include "include/strata/handoff.h"

#define PAGING_READ_ONLY   0x1
#define PAGING_NO_EXECUTE  0x2 /* ignored on a CPU without NX */
#define PAGING_NOT_PRESENT 0x4

/* Identity-map all RAM and everything below 4 GiB, EFER.NXE on when the CPU has NX; load CR3. */
EFI_STATUS paging_init(const struct handoff *h);
/*
 * Give the page-aligned range exactly these PAGING_* attributes (0: present, writable,
 * executable), splitting large pages; the TLB is flushed. A guard page or page 0 this way too.
 */
EFI_STATUS paging_set_attributes(UINT64 base, UINT64 size, UINT32 attributes);
/* Set the PAGING_* bits of set and clear those of clear in each page, keeping the others. */
EFI_STATUS paging_change_attributes(UINT64 base, UINT64 size, UINT32 set, UINT32 clear);
/* The PAGING_* bits of addr's page, without splitting; EFI_NOT_FOUND when it is not mapped. */
EFI_STATUS paging_get_attributes(UINT64 addr, UINT32 *ret_attributes);
/*
 * Map stage1's own page tables read-only and set CR0.WP, so a payload writing over them faults
 * (and is reported) instead of unmapping the firmware under itself. Tables added later follow.
 */
EFI_STATUS paging_protect_tables(void);
/* Whether addr is in one of stage1's page-table pages (exception reports). */
BOOLEAN paging_is_table(UINT64 addr);
