/* SPDX-License-Identifier: MIT */
/* virtio over PCI, legacy (0.9.5 I/O BAR) and modern (1.0 capabilities), with a polled split virtqueue. */
#pragma once

#include "include/efi/types.h"
#include "lib/drivers/pci.h"

#define VIRTIO_PCI_VENDOR 0x1af4
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
	UINT64 notify;	/* modern: MMIO address of this queue's doorbell */
};

struct virtio_pci {
	struct pci_address pci;
	BOOLEAN modern;
	UINT16 io;		/* legacy: I/O BAR base */
	UINT64 common;		/* modern: MMIO of each structure */
	UINT64 notify_base;
	UINT32 notify_multiplier;
	UINT64 isr;
	UINT64 device;
};

/* Bytes of page-aligned memory a queue of size entries needs (legacy layout, also fits modern). */
UINTN virtq_memory_size(UINT16 size);

/* Find the transport, reset the device and set ACKNOWLEDGE | DRIVER. */
EFI_STATUS virtio_pci_init(struct virtio_pci *dev, struct pci_address a);
/* Negotiate: offer wanted & device features (VERSION_1 added on modern); ret_features gets the result. */
EFI_STATUS virtio_pci_negotiate(struct virtio_pci *dev, UINT64 wanted, UINT64 *ret_features);
/* Read the device-specific configuration space. */
UINT32 virtio_pci_config_read32(struct virtio_pci *dev, UINT32 offset);
UINT64 virtio_pci_config_read64(struct virtio_pci *dev, UINT32 offset);
/*
 * Set up queue index in mem (zeroed and page-aligned, mem_size bytes): at most max_size entries
 * on modern devices; legacy devices fix the size, EFI_BUFFER_TOO_SMALL if it does not fit mem.
 */
EFI_STATUS virtio_pci_setup_queue(struct virtio_pci *dev, UINT16 index, UINT16 max_size, void *mem,
				  UINTN mem_size, struct virtq *ret_queue);
/* Set DRIVER_OK: the device may now process queues. */
void virtio_pci_driver_ok(struct virtio_pci *dev);
/* Reset the device (stops all DMA); call before handing its memory to someone else. */
void virtio_pci_reset(struct virtio_pci *dev);
/* Tell the device queue q has new available entries. */
void virtio_pci_notify(struct virtio_pci *dev, struct virtq *q);
/*
 * Post a descriptor chain already written at desc[head..], ring the doorbell and poll until the
 * device returns it. EFI_TIMEOUT if the device does not answer within about ten seconds.
 */
EFI_STATUS virtio_pci_submit_and_wait(struct virtio_pci *dev, struct virtq *q, UINT16 head,
				      UINT32 *ret_len);
/*
 * The same with a bound of timeout_ms calibrated milliseconds. After EFI_TIMEOUT the chain is
 * still the device's: only a reset (virtio_pci_reset) takes it back.
 */
EFI_STATUS virtio_pci_submit_timeout(struct virtio_pci *dev, struct virtq *q, UINT16 head,
				     UINT32 timeout_ms, UINT32 *ret_len);
