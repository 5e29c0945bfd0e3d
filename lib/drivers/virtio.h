/* SPDX-License-Identifier: MIT */
/* What virtio device drivers share: the split virtqueue and the transport interface (PCI, MMIO). */
#pragma once

#include "include/efi/types.h"

#define VIRTIO_F_VERSION_1 (1ull << 32)

enum virtio_status {
	VIRTIO_STATUS_ACKNOWLEDGE = 1,
	VIRTIO_STATUS_DRIVER = 2,
	VIRTIO_STATUS_DRIVER_OK = 4,
	VIRTIO_STATUS_FEATURES_OK = 8,
	VIRTIO_STATUS_FAILED = 128,
};

/* virtio 1.0 §2.4: the split ring, laid out in one page-aligned block. */
struct virtq_desc {
	UINT64 addr;
	UINT32 len;
	UINT16 flags;
	UINT16 next;
};
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2

struct virtq_avail {
	UINT16 flags;
	UINT16 idx;
	UINT16 ring[];
};

struct virtq_used_elem {
	UINT32 id;
	UINT32 len;
};

struct virtq_used {
	UINT16 flags;
	UINT16 idx;
	struct virtq_used_elem ring[];
};

struct virtq {
	UINT16 index;	/* queue number on the device */
	UINT16 size;	/* entries */
	UINT16 last_used;
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	UINT64 notify;	/* modern PCI: MMIO address of this queue's doorbell */
};

/*
 * A transport (virtio 1.0 §4): each embeds this first and fills ops in its init. A driver only
 * calls these, so one virtio-blk serves every transport.
 */
struct virtio_transport;
struct virtio_transport_ops {
	/* Offer wanted & device features (VERSION_1 added on modern); ret_features gets the result. */
	EFI_STATUS (*negotiate)(struct virtio_transport *t, UINT64 wanted, UINT64 *ret_features);
	/* Read 32 bits of the device-specific configuration space. */
	UINT32 (*config_read32)(struct virtio_transport *t, UINT32 offset);
	/*
	 * Set up queue index in mem (zeroed and page-aligned, mem_size bytes), with at most
	 * max_size entries where the transport lets the driver choose.
	 */
	EFI_STATUS (*setup_queue)(struct virtio_transport *t, UINT16 index, UINT16 max_size,
				  void *mem, UINTN mem_size, struct virtq *ret_queue);
	/* Set DRIVER_OK: the device may now process queues. */
	void (*driver_ok)(struct virtio_transport *t);
	/*
	 * Reset the device (stops all DMA) and wait up to VIRTIO_RESET_MS for its status to read
	 * back 0 (§4.1.4.3.2); EFI_TIMEOUT if it does not, and the device cannot be used again.
	 */
	EFI_STATUS (*reset)(struct virtio_transport *t);
	/* Tell the device that queue q has new buffers. */
	void (*notify)(struct virtio_transport *t, struct virtq *q);
};

struct virtio_transport {
	const struct virtio_transport_ops *ops;
	BOOLEAN modern;		/* virtio 1.0 interface (else legacy 0.9.5) */
};

/* Polling bound of virtio_submit_and_wait in calibrated ms, long enough for a slow TCG host. */
#define VIRTIO_TIMEOUT_MS 10000
/* How long a reset may take to read back 0 before the device is given up on. */
#define VIRTIO_RESET_MS 1000

/* Bytes of page-aligned memory a queue of size entries needs (legacy layout, also fits modern). */
UINTN virtq_memory_size(UINT16 size);
/* Zero mem and lay out queue index of size entries in it, the used ring on its own page. */
void virtq_layout(struct virtq *q, UINT16 index, UINT16 size, void *mem);
/* Two 32-bit reads, which every transport supports for a 64-bit configuration field. */
UINT64 virtio_config_read64(struct virtio_transport *t, UINT32 offset);
/*
 * Post a descriptor chain already written at desc[head..], notify the device and poll until it
 * returns it. EFI_TIMEOUT if the device does not answer within about ten seconds.
 */
EFI_STATUS virtio_submit_and_wait(struct virtio_transport *t, struct virtq *q, UINT16 head,
				  UINT32 *ret_len);
/*
 * The same with a bound of timeout_ms calibrated milliseconds. After EFI_TIMEOUT the chain is
 * still the device's: only a reset takes it back.
 */
EFI_STATUS virtio_submit_timeout(struct virtio_transport *t, struct virtq *q, UINT16 head,
				 UINT32 timeout_ms, UINT32 *ret_len);
/*
 * Post count chains at once with one notification and wait until the device has returned them
 * all (in any order), as a device takes a batch in one exit; the same EFI_TIMEOUT rule.
 */
EFI_STATUS virtio_submit_chains(struct virtio_transport *t, struct virtq *q, const UINT16 *heads,
				UINT16 count, UINT32 timeout_ms);
