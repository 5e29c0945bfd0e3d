/* SPDX-License-Identifier: MIT */
/* virtio-gpu 2D (virtio 1.1 §5.7): scanout 0 shows a host resource backed by guest RAM. */
#pragma once

#include "include/efi/types.h"
#include "lib/drivers/display.h"
#include "lib/drivers/virtio_mmio.h"
#include "lib/drivers/virtio_pci.h"

#define VIRTIO_GPU_MODERN_ID 0x1050
#define VIRTIO_MMIO_DEVICE_GPU 16	/* the virtio device ID, as a virtio-mmio transport reports it */
/* Memory the control queue needs; the caller provides it page-aligned. */
#define VIRTIO_GPU_QUEUE_MEMORY (2 * 4096)
#define VIRTIO_GPU_EDID_SIZE 1024

struct virtio_gpu_ctrl_hdr {
	UINT32 type;
	UINT32 flags;
	UINT64 fence_id;
	UINT32 ctx_id;
	UINT8 ring_idx;
	UINT8 padding[3];
};

struct virtio_gpu {
	struct display_device display;	/* first: what the GOP draws through */
	union {
		struct virtio_transport virtio;	/* what the queue code calls; first in each */
		struct virtio_pci pci;
		struct virtio_mmio mmio;	/* microvm's virtio-gpu-device */
	};
	struct virtq queue;
	BOOLEAN edid;			/* VIRTIO_GPU_F_EDID negotiated */
	UINT32 resource;		/* the scanout's resource (1 or 2), 0 before the first mode */
	UINT32 width, height;
	UINTN pages;			/* of framebuffer, the resource's backing store */
	/* Page allocation for backing stores: the caller's, as drivers never include a stage. */
	void *(*alloc_pages)(UINTN pages);
	void (*free_pages)(void *memory, UINTN pages);
	/* One request and its response at a time, read and written by DMA. */
	union {
		struct virtio_gpu_ctrl_hdr hdr;
		UINT8 bytes[64];
	} request;
	union {
		struct virtio_gpu_ctrl_hdr hdr;
		UINT8 bytes[sizeof(struct virtio_gpu_ctrl_hdr) + 8 + VIRTIO_GPU_EDID_SIZE];
	} response;
	/* A flush rides with the transfer before it: both go in one notification. */
	UINT8 flush_request[48];
	struct virtio_gpu_ctrl_hdr flush_response;
};

/* The caller zeroes gpu and sets alloc_pages and free_pages before virtio_gpu_init. */
/* Whether a PCI function is a virtio-gpu device (modern only: it has no legacy interface). */
BOOLEAN virtio_gpu_match(struct pci_address a);
/*
 * Bring the device up with its control queue in queue_memory (VIRTIO_GPU_QUEUE_MEMORY bytes,
 * page-aligned) and read scanout 0's preferred size; modes are set through gpu->display.
 */
EFI_STATUS virtio_gpu_init(struct virtio_gpu *gpu, struct pci_address a, void *queue_memory);
/* The same on the virtio-mmio transport at base. */
EFI_STATUS virtio_gpu_init_mmio(struct virtio_gpu *gpu, UINT64 base, void *queue_memory);
/* Scanout 0's EDID into edid (VIRTIO_GPU_EDID_SIZE bytes); EFI_UNSUPPORTED without the feature. */
EFI_STATUS virtio_gpu_get_edid(struct virtio_gpu *gpu, UINT8 *edid, UINTN *ret_size);
