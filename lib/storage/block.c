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

static EFI_STATUS view_read(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf)
{
	struct block_view *v = (struct block_view *)dev;
	UINT32 ratio = v->parent->block_size / dev->block_size;
	UINT8 *out = buf;
	EFI_STATUS status;

	while (count) {
		EFI_LBA parent = lba / ratio;
		UINT32 within = (UINT32)(lba % ratio);
		UINTN n;

		/* Whole parent blocks go straight to the caller; only the edges are copied. */
		if (!within && count >= ratio) {
			n = count / ratio;
			status = block_read(v->parent, parent, n, out);
			if (EFI_ERROR(status))
				return status;
			n *= ratio;
		} else {
			if (parent != v->cached) {
				v->cached = (EFI_LBA)-1;
				status = block_read(v->parent, parent, 1, v->buf);
				if (EFI_ERROR(status))
					return status;
				v->cached = parent;
			}
			n = ratio - within < count ? ratio - within : count;
			memcpy(out, v->buf + within * dev->block_size, n * dev->block_size);
		}
		lba += n;
		count -= n;
		out += n * dev->block_size;
	}
	return EFI_SUCCESS;
}

EFI_STATUS block_view_init(struct block_view *view, struct block_device *parent,
			   UINT32 block_size)
{
	if (block_size < 512 || block_size > parent->block_size ||
	    parent->block_size % block_size)
		return EFI_UNSUPPORTED;
	*view = (struct block_view){
		.dev = { .read = view_read,
			 .block_size = block_size,
			 .block_count = parent->block_count * (parent->block_size / block_size) },
		.parent = parent,
		.cached = (EFI_LBA)-1,
	};
	return EFI_SUCCESS;
}
