/* SPDX-License-Identifier: MIT */
/* virtio over PCI, legacy (0.9.5 I/O BAR) and modern (1.0 capabilities): a virtio transport. */
#pragma once

#include "include/efi/types.h"
#include "lib/drivers/pci.h"
#include "lib/drivers/virtio.h"

#define VIRTIO_PCI_VENDOR 0x1af4
struct virtio_pci {
	struct virtio_transport transport;	/* first: the ops virtio drivers call */
	struct pci_address pci;
	BOOLEAN modern;
	UINT16 io;		/* legacy: I/O BAR base */
	UINT64 common;		/* modern: MMIO of each structure */
	UINT64 notify_base;
	UINT32 notify_multiplier;
	UINT64 isr;
	UINT64 device;
};

/* Find the transport, reset the device and set ACKNOWLEDGE | DRIVER; fills dev->transport. */
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
/*
 * Reset the device (stops all DMA); call before handing its memory to someone else.
 * EFI_TIMEOUT if its status does not read back 0 within VIRTIO_RESET_MS.
 */
EFI_STATUS virtio_pci_reset(struct virtio_pci *dev);
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
