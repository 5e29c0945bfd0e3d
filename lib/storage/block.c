/* SPDX-License-Identifier: MIT */
/* Bounds-checked reads and writes through a struct block_device, and drivers' request splitting. */
#include "lib/storage/block.h"
#include "lib/string.h"

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

EFI_STATUS block_transfer_split(const struct block_split *split, EFI_LBA lba, UINTN count,
				UINT8 *buf, BOOLEAN write, block_command_fn command, void *ctx)
{
	UINT32 bs = split->block_size;

	while (count) {
		UINT32 n = !split->direct ? 1
			   : count < split->max_blocks ? (UINT32)count : split->max_blocks;
		UINT8 *data = split->direct ? buf : split->bounce;
		EFI_STATUS status;

		if (!split->direct && write)
			memcpy(split->bounce, buf, bs);
		status = command(ctx, lba, n, data, write);
		if (EFI_ERROR(status))
			return status;
		if (!split->direct && !write)
			memcpy(buf, split->bounce, bs);
		buf += (UINTN)n * bs;
		lba += n;
		count -= n;
	}
	return EFI_SUCCESS;
}
