/* SPDX-License-Identifier: MIT */
/* The PC's CMOS NVRAM bytes behind the RTC (ports 0x70/0x71), which QEMU keeps across a reset. */
#pragma once

#include "include/efi/types.h"
#include "lib/formats/boot_record.h"

/* Read size bytes of CMOS from offset (below 0x80). */
void cmos_read(UINT8 offset, UINT8 *buf, UINTN size);
/* Write size bytes of CMOS at offset (below 0x80). */
void cmos_write(UINT8 offset, const UINT8 *buf, UINTN size);
/* The boot-count record from its CMOS bytes (empty, FALSE, when they do not hold one). */
BOOLEAN cmos_load_boot_record(struct boot_record *ret_record);
/* Write the boot-count record to its CMOS bytes. */
void cmos_save_boot_record(const struct boot_record *record);
