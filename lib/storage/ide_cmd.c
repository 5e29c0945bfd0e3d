/* SPDX-License-Identifier: MIT */
/* IDE task files, reset signatures and bus-master PRD tables, kept pure for host tests and fuzzers. */
#include "lib/storage/ide_cmd.h"

EFI_STATUS ide_taskfile_build(struct ide_taskfile *ret, UINT8 command, UINT8 unit, UINT64 lba,
			      UINT32 count, BOOLEAN lba48)
{
	UINT32 max = lba48 ? IDE_MAX_SECTORS48 : IDE_MAX_SECTORS28;

	if (unit > 1 || count > max || (lba48 ? lba >> 48 : lba >> 28) ||
	    (count && (lba48 ? (1ull << 48) : (1ull << 28)) - lba < count))
		return EFI_INVALID_PARAMETER;
	*ret = (struct ide_taskfile){ .lba48 = lba48 };
	/* The full count wraps to 0 in its register, which the device reads as the maximum. */
	ret->reg[IDE_REG_COUNT] = (UINT8)count;
	ret->hob[IDE_REG_COUNT] = (UINT8)(count >> 8);
	for (UINT32 i = 0; i < 3; i++) {
		ret->reg[IDE_REG_LBA_LOW + i] = (UINT8)(lba >> (8 * i));
		ret->hob[IDE_REG_LBA_LOW + i] = (UINT8)(lba >> (8 * i + 24));
	}
	ret->reg[IDE_REG_DEVICE] = IDE_DEVICE_OBSOLETE | IDE_DEVICE_LBA | (UINT8)(unit << 4) |
				   (lba48 ? 0 : (UINT8)(lba >> 24 & 0xf));
	ret->reg[IDE_REG_COMMAND] = command;
	return EFI_SUCCESS;
}

enum ide_device_kind ide_signature_kind(UINT8 status, UINT8 lba_mid, UINT8 lba_high)
{
	/*
	 * A packet device clears DRDY after a reset (ATA/ATAPI-7 §9.12), so its signature counts
	 * whatever the status. A floating bus reads 0xff and an absent device 0 (QEMU).
	 */
	if ((lba_mid == 0x14 && lba_high == 0xeb) || (lba_mid == 0x69 && lba_high == 0x96))
		return IDE_DEVICE_ATAPI;
	if (status == 0xff || !(status & IDE_STATUS_DRDY))
		return IDE_DEVICE_NONE;
	if ((lba_mid == 0 && lba_high == 0) || (lba_mid == 0x3c && lba_high == 0xc3))
		return IDE_DEVICE_ATA;
	return IDE_DEVICE_NONE;
}

UINT32 ide_prd_build(struct ide_prd *prd, UINT32 max, UINT64 address, UINT32 bytes)
{
	UINT32 n = 0;

	if (!bytes || (address & 1) || (bytes & 1) || address + bytes > 0x100000000ull)
		return 0;
	while (bytes) {
		/* Up to the next 64 KiB boundary (SFF-8038i: a region may not cross one). */
		UINT32 chunk = IDE_PRD_MAX_BYTES - (UINT32)(address & (IDE_PRD_MAX_BYTES - 1));

		if (n == max)
			return 0;
		if (chunk > bytes)
			chunk = bytes;
		prd[n++] = (struct ide_prd){ .address = (UINT32)address, .bytes = (UINT16)chunk };
		address += chunk;
		bytes -= chunk;
	}
	prd[n - 1].flags = IDE_PRD_EOT;
	return n;
}
