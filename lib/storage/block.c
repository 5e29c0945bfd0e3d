/* SPDX-License-Identifier: MIT */
/* Bounds-checked reads and writes through a struct block_device. */
#include "lib/storage/block.h"

EFI_STATUS block_read(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf)
{
	if (lba >= dev->block_count || count > dev->block_count - lba)
		return EFI_INVALID_PARAMETER;
	if (count == 0)
		return EFI_SUCCESS;
	return dev->read(dev, lba, count, buf);
}

EFI_STATUS block_write(struct block_device *dev, EFI_LBA lba, UINTN count, const void *buf)
{
	if (!dev->write)
		return EFI_WRITE_PROTECTED;
	if (lba >= dev->block_count || count > dev->block_count - lba)
		return EFI_INVALID_PARAMETER;
	if (count == 0)
		return EFI_SUCCESS;
	return dev->write(dev, lba, count, buf);
}

EFI_STATUS block_flush(struct block_device *dev)
{
	return dev->flush ? dev->flush(dev) : EFI_SUCCESS;
}
