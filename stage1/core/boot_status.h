/* SPDX-License-Identifier: MIT */
/* stage1's side of the boot count: reset when on trial and broken, mark good, tell the OS. */
#pragma once

#include "include/efi/types.h"
#include "lib/formats/boot_record.h"

/* Read the CMOS record stage0 wrote; from here a panic of a stage1 on trial resets the machine. */
void boot_status_init(void);
/* An exception report ends here: reset for the next try when this stage1 is not yet known good. */
void boot_status_crashed(void);
/*
 * The boot manager is reached: stop the watchdog and mark this copy good. Returns the record for
 * stage1_update_apply to change with the files, NULL without one.
 */
struct boot_record *boot_status_ready(void);
/* Save the record; publish StrataBootStatus with the updates' outcomes ("none", "promoted", ...). */
void boot_status_publish(const char *stage1_update, const char *runtime_update);
