/* SPDX-License-Identifier: MIT */
/* virtio-blk driver (virtio 1.0 §5.2): a struct block_device over virtio-pci or virtio-mmio. */
#pragma once

#include "include/efi/types.h"
#include "lib/drivers/virtio_mmio.h"
#include "lib/drivers/virtio_pci.h"
#include "lib/storage/block.h"

#define VIRTIO_BLK_LEGACY_ID 0x1001
#define VIRTIO_BLK_MODERN_ID 0x1042
/* Memory a queue needs; the caller provides it page-aligned. */
#define VIRTIO_BLK_QUEUE_MEMORY (3 * 4096)

struct virtio_blk {
	struct block_device block;	/* first, so callers may cast */
	union {
		struct virtio_transport transport;	/* first in each of the two */
		struct virtio_pci pci;
		struct virtio_mmio mmio;
	};
	struct virtq queue;
	BOOLEAN read_only;
	BOOLEAN flush;			/* VIRTIO_BLK_F_FLUSH: writes may be cached until a flush */
	UINT32 max_request;		/* bytes per request */
	BOOLEAN mmio_transport;		/* which of the two the union holds, to start it again */
	BOOLEAN failed;			/* a reset did not bring the device back */
	/* Request header and status byte, which the device reads and writes by DMA. */
	struct {
		UINT32 type;
		UINT32 reserved;
		UINT64 sector;
	} header;
	volatile UINT8 status;
};

/* Whether a PCI function is a virtio-blk device (either transport). */
BOOLEAN virtio_blk_match(struct pci_address a);
/* Bring the device up with queue 0 in queue_memory (VIRTIO_BLK_QUEUE_MEMORY bytes, page-aligned). */
EFI_STATUS virtio_blk_init(struct virtio_blk *blk, struct pci_address a, void *queue_memory);
/* The same for the virtio-mmio transport at base. */
EFI_STATUS virtio_blk_init_mmio(struct virtio_blk *blk, UINT64 base, void *queue_memory);
/* Write count blocks at lba from buf; EFI_WRITE_PROTECTED on a read-only device. */
EFI_STATUS virtio_blk_write(struct virtio_blk *blk, EFI_LBA lba, UINTN count, const void *buf);
/* Make completed writes stable (VIRTIO_BLK_T_FLUSH); nothing to do on a write-through device. */
EFI_STATUS virtio_blk_flush(struct virtio_blk *blk);
/* Flush cached writes, then reset the device so it no longer touches its queue memory. */
void virtio_blk_shutdown(struct virtio_blk *blk);
