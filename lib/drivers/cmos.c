/* SPDX-License-Identifier: MIT */
/* CMOS NVRAM access: index port 0x70 (bit 7 is the NMI mask, left clear), data port 0x71. */
#include "lib/drivers/cmos.h"
#include "lib/drivers/io.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

void cmos_read(UINT8 offset, UINT8 *buf, UINTN size)
{
	for (UINTN i = 0; i < size; i++) {
		outb(CMOS_INDEX, (offset + i) & 0x7f);
		buf[i] = inb(CMOS_DATA);
	}
}

void cmos_write(UINT8 offset, const UINT8 *buf, UINTN size)
{
	for (UINTN i = 0; i < size; i++) {
		outb(CMOS_INDEX, (offset + i) & 0x7f);
		outb(CMOS_DATA, buf[i]);
	}
}

BOOLEAN cmos_load_boot_record(struct boot_record *ret_record)
{
	UINT8 raw[BOOT_RECORD_SIZE];

	cmos_read(BOOT_RECORD_CMOS_OFFSET, raw, sizeof(raw));
	return boot_record_decode(raw, ret_record);
}

void cmos_save_boot_record(const struct boot_record *record)
{
	UINT8 raw[BOOT_RECORD_SIZE];

	boot_record_encode(record, raw);
	cmos_write(BOOT_RECORD_CMOS_OFFSET, raw, sizeof(raw));
}
