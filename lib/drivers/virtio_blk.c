/* SPDX-License-Identifier: MIT */
/* virtio-blk: polled reads of many sectors per request, straight into the caller's buffer. */
#include "lib/drivers/io.h"
#include "lib/drivers/retry.h"
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
/* Tries of a request beyond the first, each after a reset if the last one timed out. */
#define VIRTIO_BLK_RETRIES 2

BOOLEAN virtio_blk_match(struct pci_address a)
{
	UINT16 device = pci_read16(a, PCI_DEVICE_ID);

	return pci_read16(a, PCI_VENDOR_ID) == VIRTIO_PCI_VENDOR &&
	       (device == VIRTIO_BLK_LEGACY_ID || device == VIRTIO_BLK_MODERN_ID);
}

static EFI_STATUS virtio_blk_start(struct virtio_blk *blk, void *queue_memory);

/*
 * One request in flight: a header, the data (none for a flush) straight on the caller's buffer,
 * and a status byte. in_flight: the last try timed out, so the device still owns the chain.
 */
struct virtio_blk_request {
	struct virtio_blk *blk;
	UINT32 type;
	UINT64 sector;
	UINT8 *data;
	UINT32 bytes;
	BOOLEAN in_flight;
};

static EFI_STATUS virtio_blk_try(void *ctx, UINT32 attempt)
{
	struct virtio_blk_request *r = ctx;
	struct virtio_blk *blk = r->blk;
	struct virtq_desc *desc = blk->queue.desc;
	/* The device writes into the buffer of a read and only reads that of a write. */
	UINT16 data_flags = r->type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0;
	UINT16 n = 0;
	EFI_STATUS status;

	blk->header.type = r->type;
	blk->header.reserved = 0;
	blk->header.sector = r->sector;
	blk->status = 0xff;
	desc[n++] = (struct virtq_desc){ (UINTN)&blk->header, sizeof(blk->header), 0, 0 };
	if (r->bytes)
		desc[n++] = (struct virtq_desc){ (UINTN)r->data, r->bytes, data_flags, 0 };
	desc[n++] = (struct virtq_desc){ (UINTN)&blk->status, 1, VIRTQ_DESC_F_WRITE, 0 };
	for (UINT16 i = 0; i + 1 < n; i++) {
		desc[i].flags |= VIRTQ_DESC_F_NEXT;
		desc[i].next = i + 1;
	}
	status = virtio_submit_and_wait(&blk->transport, &blk->queue, 0, NULL);
	if (status == EFI_TIMEOUT) {
		r->in_flight = TRUE;
		log_warn("type %u at sector %llu: no answer in %u ms, resetting (try %u)", r->type,
			 r->sector, VIRTIO_TIMEOUT_MS, attempt + 1);
		return status;
	}
	if (EFI_ERROR(status))
		return status;
	if (blk->status != VIRTIO_BLK_S_OK) {
		log_debug("type %u at sector %llu: status %u (try %u)", r->type, r->sector,
			  blk->status, attempt + 1);
		return EFI_DEVICE_ERROR;
	}
	return EFI_SUCCESS;
}

/*
 * After a timeout only a reset takes the chain back from the device (§2.1.2), so its late
 * completion can never be taken as the next request's. The device then starts again on a fresh
 * queue; if it does not, every later request fails at once. A request the device answered
 * with an error left the queue in order: nothing to do.
 */
static EFI_STATUS virtio_blk_recover(void *ctx)
{
	struct virtio_blk_request *r = ctx;
	struct virtio_blk *blk = r->blk;
	EFI_STATUS status;

	if (!r->in_flight)
		return EFI_SUCCESS;
	r->in_flight = FALSE;
	status = blk->mmio_transport ? virtio_mmio_init(&blk->mmio, blk->mmio.base)
				     : virtio_pci_init(&blk->pci, blk->pci.pci);
	if (!EFI_ERROR(status))
		status = virtio_blk_start(blk, blk->queue.desc);
	if (EFI_ERROR(status)) {
		blk->failed = TRUE;
		return log_error_status(EFI_DEVICE_ERROR, "the device does not come back after a "
				       "reset: giving it up");
	}
	return EFI_SUCCESS;
}

/* A request tried up to 1 + VIRTIO_BLK_RETRIES times (lib/drivers/retry.c). */
static EFI_STATUS virtio_blk_request(struct virtio_blk *blk, UINT32 type, UINT64 sector,
				     UINT8 *data, UINT32 bytes)
{
	struct virtio_blk_request r = { blk, type, sector, data, bytes, FALSE };

	if (blk->failed)
		return EFI_DEVICE_ERROR;
	return retry_bounded(VIRTIO_BLK_RETRIES, virtio_blk_try, virtio_blk_recover, &r);
}

/* One request type (IN or OUT) over [lba, lba + count), in requests of max_request bytes. */
static EFI_STATUS virtio_blk_transfer(struct virtio_blk *blk, UINT32 type, EFI_LBA lba, UINTN count,
				      UINT8 *data)
{
	struct block_device *dev = &blk->block;
	UINT32 per_request = blk->max_request / dev->block_size;
	/* virtio-blk sectors are always 512 bytes, whatever the logical block size. */
	UINT32 sectors_per_block = dev->block_size / 512;

	while (count) {
		UINT32 n = count < per_request ? (UINT32)count : per_request;
		EFI_STATUS status = virtio_blk_request(blk, type, lba * sectors_per_block, data,
						       n * dev->block_size);

		if (EFI_ERROR(status))
			return log_error_status(status, "%s of %u blocks at %llu",
						type == VIRTIO_BLK_T_IN ? "read" : "write", n, lba);
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
	EFI_STATUS status;

	if (!blk->flush || blk->read_only)
		return EFI_SUCCESS;
	status = virtio_blk_request(blk, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
	return EFI_ERROR(status) ? log_error_status(status, "flush") : EFI_SUCCESS;
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
	blk->mmio_transport = TRUE;
	return virtio_blk_start(blk, queue_memory);
}

void virtio_blk_shutdown(struct virtio_blk *blk)
{
	virtio_blk_flush(blk);
	blk->transport.ops->reset(&blk->transport);
}
