/* SPDX-License-Identifier: MIT */
/* StrataBootRecord: the durable copy of the boot-count record, in pflash unit 1's variable store. */
#pragma once

#include "include/strata/boot_status.h"

/*
 * NON_VOLATILE | BOOTSERVICE_ACCESS (the OS does not see it), vendor STRATA_BOOT_STATUS_GUID;
 * its data is the 32-byte record lib/formats/boot_record.c encodes, the same bytes as in CMOS.
 * stage0 writes it (stage0/boot_store.c), stage1 through SetVariable (docs/updating.md).
 */
#define STRATA_BOOT_RECORD_NAME	      u"StrataBootRecord"
#define STRATA_BOOT_RECORD_ATTRIBUTES 0x3
