/* SPDX-License-Identifier: MIT */
/* Bounds-checked reads through a struct block_device. */
#include "lib/storage/block.h"

EFI_STATUS block_read(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf)
{
	if (lba >= dev->block_count || count > dev->block_count - lba)
		return EFI_INVALID_PARAMETER;
	if (count == 0)
		return EFI_SUCCESS;
	return dev->read(dev, lba, count, buf);
}
