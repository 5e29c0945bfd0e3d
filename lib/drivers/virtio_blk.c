/* SPDX-License-Identifier: MIT */
/* virtio-blk: polled reads of many sectors per request, straight into the caller's buffer. */
#include "lib/drivers/io.h"
#include "lib/drivers/virtio_blk.h"

#define LOG_PREFIX "virtio-blk: "
#include "lib/log.h"

#define VIRTIO_BLK_F_SIZE_MAX (1ull << 1)
#define VIRTIO_BLK_F_SEG_MAX (1ull << 2)
#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ull << 6)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)

#define VIRTIO_BLK_CFG_CAPACITY 0
#define VIRTIO_BLK_CFG_SIZE_MAX 8
#define VIRTIO_BLK_CFG_BLK_SIZE 20

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0

/* Upper bound per request: large enough to stream, small enough for any backend. */
#define VIRTIO_BLK_MAX_REQUEST (1024u * 1024)
/* Entries we use: header, data, status. Modern devices get a small queue to save memory. */
#define VIRTIO_BLK_QUEUE_SIZE 16

BOOLEAN virtio_blk_match(struct pci_address a)
{
	UINT16 device = pci_read16(a, PCI_DEVICE_ID);

	return pci_read16(a, PCI_VENDOR_ID) == VIRTIO_PCI_VENDOR &&
	       (device == VIRTIO_BLK_LEGACY_ID || device == VIRTIO_BLK_MODERN_ID);
}

/*
 * One request type (IN or OUT) over [lba, lba + count), split into requests of max_request bytes,
 * each a header, one data descriptor straight on the caller's buffer, and a status byte.
 */
static EFI_STATUS virtio_blk_transfer(struct virtio_blk *blk, UINT32 type, EFI_LBA lba, UINTN count,
				      UINT8 *data)
{
	struct block_device *dev = &blk->block;
	UINT32 per_request = blk->max_request / dev->block_size;
	/* virtio-blk sectors are always 512 bytes, whatever the logical block size. */
	UINT32 sectors_per_block = dev->block_size / 512;
	/* The device writes into the buffer of a read and only reads that of a write. */
	UINT16 data_flags = VIRTQ_DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0);
	const char *what = type == VIRTIO_BLK_T_IN ? "read" : "write";

	while (count) {
		UINT32 n = count < per_request ? (UINT32)count : per_request;
		UINT32 len = 0;
		EFI_STATUS status;

		blk->header.type = type;
		blk->header.reserved = 0;
		blk->header.sector = lba * sectors_per_block;
		blk->status = 0xff;
		blk->queue.desc[0] = (struct virtq_desc){ (UINTN)&blk->header, sizeof(blk->header),
							  VIRTQ_DESC_F_NEXT, 1 };
		blk->queue.desc[1] = (struct virtq_desc){ (UINTN)data, n * dev->block_size,
							  data_flags, 2 };
		blk->queue.desc[2] =
			(struct virtq_desc){ (UINTN)&blk->status, 1, VIRTQ_DESC_F_WRITE, 0 };

		status = virtio_submit_and_wait(&blk->transport, &blk->queue, 0, &len);
		if (EFI_ERROR(status))
			return log_error_status(status, "%s of %u blocks at %llu", what, n, lba);
		if (blk->status != VIRTIO_BLK_S_OK)
			return log_error_status(EFI_DEVICE_ERROR, "%s at %llu: device status %u",
						what, lba, blk->status);
		data += (UINTN)n * dev->block_size;
		lba += n;
		count -= n;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS virtio_blk_read(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf)
{
	return virtio_blk_transfer((struct virtio_blk *)dev, VIRTIO_BLK_T_IN, lba, count, buf);
}

static EFI_STATUS virtio_blk_block_write(struct block_device *dev, EFI_LBA lba, UINTN count,
					 const void *buf)
{
	return virtio_blk_write((struct virtio_blk *)dev, lba, count, buf);
}

/*
 * With VIRTIO_BLK_F_FLUSH negotiated the device may cache writes (QEMU then skips its flush after
 * every write): virtio_blk_flush makes them stable. Without it the device writes through.
 */
EFI_STATUS virtio_blk_write(struct virtio_blk *blk, EFI_LBA lba, UINTN count, const void *buf)
{
	if (blk->read_only)
		return EFI_WRITE_PROTECTED;
	if (lba >= blk->block.block_count || count > blk->block.block_count - lba)
		return EFI_INVALID_PARAMETER;
	/* The device only reads the buffer of an OUT request. */
	return virtio_blk_transfer(blk, VIRTIO_BLK_T_OUT, lba, count, (UINT8 *)buf);
}

EFI_STATUS virtio_blk_flush(struct virtio_blk *blk)
{
	UINT32 len = 0;
	EFI_STATUS status;

	if (!blk->flush || blk->read_only)
		return EFI_SUCCESS;
	blk->header.type = VIRTIO_BLK_T_FLUSH;
	blk->header.reserved = 0;
	blk->header.sector = 0;
	blk->status = 0xff;
	blk->queue.desc[0] = (struct virtq_desc){ (UINTN)&blk->header, sizeof(blk->header),
						  VIRTQ_DESC_F_NEXT, 1 };
	blk->queue.desc[1] = (struct virtq_desc){ (UINTN)&blk->status, 1, VIRTQ_DESC_F_WRITE, 0 };
	status = virtio_submit_and_wait(&blk->transport, &blk->queue, 0, &len);
	if (EFI_ERROR(status))
		return log_error_status(status, "flush");
	if (blk->status != VIRTIO_BLK_S_OK)
		return log_error_status(EFI_DEVICE_ERROR, "flush: device status %u", blk->status);
	return EFI_SUCCESS;
}

static EFI_STATUS virtio_blk_block_flush(struct block_device *dev)
{
	return virtio_blk_flush((struct virtio_blk *)dev);
}

/* Everything after the transport's own init, the same over PCI and MMIO. */
static EFI_STATUS virtio_blk_start(struct virtio_blk *blk, void *queue_memory)
{
	struct virtio_transport *t = &blk->transport;
	UINT64 features;
	EFI_STATUS status;

	status = t->ops->negotiate(
		t, VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_RO | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH,
		&features);
	if (EFI_ERROR(status))
		goto err_reset;
	status = t->ops->setup_queue(t, 0, VIRTIO_BLK_QUEUE_SIZE, queue_memory,
				     VIRTIO_BLK_QUEUE_MEMORY, &blk->queue);
	if (EFI_ERROR(status))
		goto err_reset;

	blk->block.read = virtio_blk_read;
	blk->block.block_size = 512;
	if (features & VIRTIO_BLK_F_BLK_SIZE) {
		UINT32 size = t->ops->config_read32(t, VIRTIO_BLK_CFG_BLK_SIZE);

		if (size >= 512 && size <= BLOCK_MAX_SIZE && !(size & (size - 1)))
			blk->block.block_size = size;
	}
	blk->block.block_count =
		virtio_config_read64(t, VIRTIO_BLK_CFG_CAPACITY) / (blk->block.block_size / 512);
	blk->read_only = (features & VIRTIO_BLK_F_RO) != 0;
	blk->block.write = blk->read_only ? NULL : virtio_blk_block_write;
	blk->flush = (features & VIRTIO_BLK_F_FLUSH) != 0;
	blk->block.flush = blk->flush ? virtio_blk_block_flush : NULL;
	blk->max_request = VIRTIO_BLK_MAX_REQUEST;
	if (features & VIRTIO_BLK_F_SIZE_MAX) {
		UINT32 size_max = t->ops->config_read32(t, VIRTIO_BLK_CFG_SIZE_MAX);

		/* One data descriptor per request, so the segment limit is the request limit. */
		if (size_max >= blk->block.block_size && size_max < blk->max_request)
			blk->max_request = size_max & ~(blk->block.block_size - 1);
	}
	t->ops->driver_ok(t);
	log_debug("%s, %llu blocks of %u", t->modern ? "modern" : "legacy",
		  blk->block.block_count, blk->block.block_size);
	return EFI_SUCCESS;

err_reset:
	t->ops->reset(t);
	return status;
}

EFI_STATUS virtio_blk_init(struct virtio_blk *blk, struct pci_address a, void *queue_memory)
{
	EFI_STATUS status;

	*blk = (struct virtio_blk){ 0 };
	status = virtio_pci_init(&blk->pci, a);
	if (EFI_ERROR(status))
		return status;
	return virtio_blk_start(blk, queue_memory);
}

EFI_STATUS virtio_blk_init_mmio(struct virtio_blk *blk, UINT64 base, void *queue_memory)
{
	EFI_STATUS status;

	*blk = (struct virtio_blk){ 0 };
	status = virtio_mmio_init(&blk->mmio, base);
	if (EFI_ERROR(status))
		return status;
	return virtio_blk_start(blk, queue_memory);
}

void virtio_blk_shutdown(struct virtio_blk *blk)
{
	virtio_blk_flush(blk);
	blk->transport.ops->reset(&blk->transport);
}
