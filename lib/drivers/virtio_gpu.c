/* SPDX-License-Identifier: MIT */
/* virtio-gpu 2D: a guest RAM frame buffer, copied to the host resource and flushed per Blt. */
#include "lib/container_of.h"
#include "lib/drivers/virtio_gpu.h"
#include "lib/formats/edid.h"
#include "lib/string.h"

#define LOG_PREFIX "virtio-gpu: "
#include "lib/log.h"

#define VIRTIO_GPU_F_EDID (1ull << 1)

/* virtio 1.1 §5.7.6.7: control queue commands and responses. */
enum {
	CMD_GET_DISPLAY_INFO = 0x0100,
	CMD_RESOURCE_CREATE_2D = 0x0101,
	CMD_RESOURCE_UNREF = 0x0102,
	CMD_SET_SCANOUT = 0x0103,
	CMD_RESOURCE_FLUSH = 0x0104,
	CMD_TRANSFER_TO_HOST_2D = 0x0105,
	CMD_RESOURCE_ATTACH_BACKING = 0x0106,
	CMD_RESOURCE_DETACH_BACKING = 0x0107,
	CMD_GET_EDID = 0x010a,
	RESP_OK_NODATA = 0x1100,
	RESP_OK_DISPLAY_INFO = 0x1101,
	RESP_OK_EDID = 0x1104,
};

/* The GOP's BltPixel is blue, green, red, reserved in memory order. */
#define FORMAT_B8G8R8X8_UNORM 2
#define MAX_SCANOUTS 16
#define QUEUE_SIZE 16
/* Guest RAM, not video memory, bounds the modes: allow up to the largest one the GOP offers. */
#define FRAMEBUFFER_LIMIT (1920ull * 1080 * 4)

struct gpu_rect {
	UINT32 x, y, width, height;
};

struct cmd_create_2d {
	struct virtio_gpu_ctrl_hdr hdr;
	UINT32 resource_id, format, width, height;
};

/* RESOURCE_UNREF and RESOURCE_DETACH_BACKING. */
struct cmd_resource {
	struct virtio_gpu_ctrl_hdr hdr;
	UINT32 resource_id, padding;
};

struct cmd_attach_backing {
	struct virtio_gpu_ctrl_hdr hdr;
	UINT32 resource_id, nr_entries;
	/* One entry: the backing store is contiguous. */
	UINT64 addr;
	UINT32 length, padding;
};

struct cmd_set_scanout {
	struct virtio_gpu_ctrl_hdr hdr;
	struct gpu_rect r;
	UINT32 scanout_id, resource_id;
};

struct cmd_flush {
	struct virtio_gpu_ctrl_hdr hdr;
	struct gpu_rect r;
	UINT32 resource_id, padding;
};

struct cmd_transfer {
	struct virtio_gpu_ctrl_hdr hdr;
	struct gpu_rect r;
	UINT64 offset;
	UINT32 resource_id, padding;
};

struct cmd_get_edid {
	struct virtio_gpu_ctrl_hdr hdr;
	UINT32 scanout, padding;
};

struct resp_display_info {
	struct virtio_gpu_ctrl_hdr hdr;
	struct {
		struct gpu_rect r;
		UINT32 enabled, flags;
	} pmodes[MAX_SCANOUTS];
};

struct resp_edid {
	struct virtio_gpu_ctrl_hdr hdr;
	UINT32 size, padding;
	UINT8 edid[VIRTIO_GPU_EDID_SIZE];
};

_Static_assert(sizeof(struct virtio_gpu_ctrl_hdr) == 24, "virtio 1.1 §5.7.6.7");
_Static_assert(sizeof(struct cmd_transfer) == 56, "virtio 1.1 §5.7.6.7");
_Static_assert(sizeof(struct resp_display_info) == 408, "virtio 1.1 §5.7.6.7");
_Static_assert(sizeof(struct cmd_transfer) <= sizeof(((struct virtio_gpu *)0)->request), "");
_Static_assert(sizeof(struct resp_edid) <= sizeof(((struct virtio_gpu *)0)->response), "");
_Static_assert(sizeof(struct resp_display_info) <= sizeof(((struct virtio_gpu *)0)->response), "");
_Static_assert(sizeof(struct cmd_flush) == sizeof(((struct virtio_gpu *)0)->flush_request), "");

BOOLEAN virtio_gpu_match(struct pci_address a)
{
	return pci_read16(a, PCI_VENDOR_ID) == VIRTIO_PCI_VENDOR &&
	       pci_read16(a, PCI_DEVICE_ID) == VIRTIO_GPU_MODERN_ID;
}

/* Send the request already written in gpu->request (its header's type set) and check the answer. */
static EFI_STATUS gpu_command(struct virtio_gpu *gpu, UINT32 request_size, UINT32 response_size,
			      UINT32 ok)
{
	UINT32 type = gpu->request.hdr.type;
	EFI_STATUS status;

	gpu->response.hdr.type = 0;
	gpu->queue.desc[0] = (struct virtq_desc){ (UINTN)&gpu->request, request_size,
						  VIRTQ_DESC_F_NEXT, 1 };
	gpu->queue.desc[1] =
		(struct virtq_desc){ (UINTN)&gpu->response, response_size, VIRTQ_DESC_F_WRITE, 0 };
	status = virtio_submit_and_wait(&gpu->virtio, &gpu->queue, 0, NULL);
	if (EFI_ERROR(status))
		return log_error_status(status, "command %x", type);
	if (gpu->response.hdr.type != ok)
		return log_error_status(EFI_DEVICE_ERROR, "command %x: response %x", type,
					gpu->response.hdr.type);
	return EFI_SUCCESS;
}

#define REQUEST(gpu, type) ((type *)(gpu)->request.bytes)

static EFI_STATUS gpu_resource_command(struct virtio_gpu *gpu, UINT32 type, UINT32 resource)
{
	*REQUEST(gpu, struct cmd_resource) =
		(struct cmd_resource){ .hdr.type = type, .resource_id = resource };
	return gpu_command(gpu, sizeof(struct cmd_resource), sizeof(struct virtio_gpu_ctrl_hdr),
			   RESP_OK_NODATA);
}

static EFI_STATUS gpu_set_scanout(struct virtio_gpu *gpu, UINT32 resource, UINT32 width,
				  UINT32 height)
{
	*REQUEST(gpu, struct cmd_set_scanout) = (struct cmd_set_scanout){
		.hdr.type = CMD_SET_SCANOUT,
		.r = { 0, 0, width, height },
		.resource_id = resource,
	};
	return gpu_command(gpu, sizeof(struct cmd_set_scanout), sizeof(struct virtio_gpu_ctrl_hdr),
			   RESP_OK_NODATA);
}

/*
 * Copy a rectangle of the guest frame buffer to the host resource, then show it: the two
 * commands go as two chains in one notification (the device runs them in order), so a Blt
 * costs one exit and one wait instead of two.
 */
static EFI_STATUS gpu_flush(struct display_device *display, UINT32 x, UINT32 y, UINT32 width,
			    UINT32 height)
{
	static const UINT16 heads[] = { 0, 2 };
	struct virtio_gpu *gpu = container_of(display, struct virtio_gpu, display);
	struct gpu_rect r = { x, y, width, height };
	EFI_STATUS status;

	if (!gpu->resource)
		return EFI_NOT_READY;
	/* The offset is the rectangle's first pixel in the backing store; rows are width apart. */
	*REQUEST(gpu, struct cmd_transfer) = (struct cmd_transfer){
		.hdr.type = CMD_TRANSFER_TO_HOST_2D,
		.r = r,
		.offset = ((UINT64)y * gpu->width + x) * 4,
		.resource_id = gpu->resource,
	};
	*(struct cmd_flush *)gpu->flush_request = (struct cmd_flush){
		.hdr.type = CMD_RESOURCE_FLUSH,
		.r = r,
		.resource_id = gpu->resource,
	};
	gpu->response.hdr.type = 0;
	gpu->flush_response.type = 0;
	gpu->queue.desc[0] = (struct virtq_desc){ (UINTN)&gpu->request, sizeof(struct cmd_transfer),
						  VIRTQ_DESC_F_NEXT, 1 };
	gpu->queue.desc[1] = (struct virtq_desc){ (UINTN)&gpu->response,
						  sizeof(struct virtio_gpu_ctrl_hdr), VIRTQ_DESC_F_WRITE,
						  0 };
	gpu->queue.desc[2] = (struct virtq_desc){ (UINTN)gpu->flush_request,
						  sizeof(struct cmd_flush), VIRTQ_DESC_F_NEXT, 3 };
	gpu->queue.desc[3] = (struct virtq_desc){ (UINTN)&gpu->flush_response,
						  sizeof(struct virtio_gpu_ctrl_hdr), VIRTQ_DESC_F_WRITE,
						  0 };
	status = virtio_submit_chains(&gpu->virtio, &gpu->queue, heads, 2,
				      VIRTIO_TIMEOUT_MS);
	if (EFI_ERROR(status))
		return log_error_status(status, "transfer and flush");
	if (gpu->response.hdr.type != RESP_OK_NODATA || gpu->flush_response.type != RESP_OK_NODATA)
		return log_error_status(EFI_DEVICE_ERROR, "transfer and flush: responses %x, %x",
					gpu->response.hdr.type, gpu->flush_response.type);
	return EFI_SUCCESS;
}

/*
 * As OVMF's VirtioGpuDxe: the new mode gets its own resource (ids 1 and 2 alternate) and backing
 * store, and the old ones go only once the scanout shows the new, so a failure keeps the old mode.
 */
static EFI_STATUS gpu_set_mode(struct display_device *display, UINT32 width, UINT32 height)
{
	struct virtio_gpu *gpu = container_of(display, struct virtio_gpu, display);
	UINT32 resource = gpu->resource == 1 ? 2 : 1;
	UINT64 bytes = (UINT64)width * height * 4;
	UINTN pages = (UINTN)((bytes + 4095) / 4096);
	EFI_STATUS status;
	void *memory;

	if (!width || !height || bytes > FRAMEBUFFER_LIMIT)
		return EFI_UNSUPPORTED;
	memory = gpu->alloc_pages(pages);
	if (!memory)
		return log_error_status(EFI_OUT_OF_RESOURCES, "%ux%u: no memory", width, height);
	memset(memory, 0, pages * 4096);
	*REQUEST(gpu, struct cmd_create_2d) = (struct cmd_create_2d){
		.hdr.type = CMD_RESOURCE_CREATE_2D,
		.resource_id = resource,
		.format = FORMAT_B8G8R8X8_UNORM,
		.width = width,
		.height = height,
	};
	status = gpu_command(gpu, sizeof(struct cmd_create_2d), sizeof(struct virtio_gpu_ctrl_hdr),
			     RESP_OK_NODATA);
	if (EFI_ERROR(status))
		goto err_free;
	*REQUEST(gpu, struct cmd_attach_backing) = (struct cmd_attach_backing){
		.hdr.type = CMD_RESOURCE_ATTACH_BACKING,
		.resource_id = resource,
		.nr_entries = 1,
		.addr = (UINTN)memory,
		.length = (UINT32)bytes,
	};
	status = gpu_command(gpu, sizeof(struct cmd_attach_backing),
			     sizeof(struct virtio_gpu_ctrl_hdr), RESP_OK_NODATA);
	if (EFI_ERROR(status))
		goto err_unref;
	status = gpu_set_scanout(gpu, resource, width, height);
	if (EFI_ERROR(status))
		goto err_detach;
	if (gpu->resource) {
		/* Errors here leave a host resource behind, nothing the screen shows. */
		gpu_resource_command(gpu, CMD_RESOURCE_DETACH_BACKING, gpu->resource);
		gpu_resource_command(gpu, CMD_RESOURCE_UNREF, gpu->resource);
		gpu->free_pages((void *)(UINTN)gpu->display.framebuffer, gpu->pages);
	}
	gpu->resource = resource;
	gpu->width = width;
	gpu->height = height;
	gpu->pages = pages;
	gpu->display.framebuffer = (UINTN)memory;
	return EFI_SUCCESS;

err_detach:
	gpu_resource_command(gpu, CMD_RESOURCE_DETACH_BACKING, resource);
err_unref:
	gpu_resource_command(gpu, CMD_RESOURCE_UNREF, resource);
err_free:
	gpu->free_pages(memory, pages);
	return status;
}

/* After ExitBootServices the backing store is the OS's memory: the device must stop reading it. */
static void gpu_shutdown(struct display_device *display)
{
	struct virtio_gpu *gpu = container_of(display, struct virtio_gpu, display);

	gpu->virtio.ops->reset(&gpu->virtio);
	gpu->resource = 0;
}

EFI_STATUS virtio_gpu_get_edid(struct virtio_gpu *gpu, UINT8 *edid, UINTN *ret_size)
{
	struct resp_edid *resp = (struct resp_edid *)gpu->response.bytes;
	EFI_STATUS status;

	if (!gpu->edid)
		return EFI_UNSUPPORTED;
	*REQUEST(gpu, struct cmd_get_edid) =
		(struct cmd_get_edid){ .hdr.type = CMD_GET_EDID, .scanout = 0 };
	status = gpu_command(gpu, sizeof(struct cmd_get_edid), sizeof(*resp), RESP_OK_EDID);
	if (EFI_ERROR(status))
		return status;
	*ret_size = resp->size < VIRTIO_GPU_EDID_SIZE ? resp->size : VIRTIO_GPU_EDID_SIZE;
	if (edid != resp->edid)
		memcpy(edid, resp->edid, *ret_size);
	return EFI_SUCCESS;
}

/* The EDID's preferred size, when the device offers one, over the display info's. */
static void gpu_read_edid(struct virtio_gpu *gpu)
{
	struct resp_edid *resp = (struct resp_edid *)gpu->response.bytes;
	UINT32 width, height;
	UINTN size;

	if (EFI_ERROR(virtio_gpu_get_edid(gpu, resp->edid, &size)) ||
	    EFI_ERROR(edid_preferred_size(resp->edid, size, &width, &height)))
		return;
	gpu->display.preferred_width = width;
	gpu->display.preferred_height = height;
}

/* Negotiate, set up the control queue, read scanout 0's size: on either transport, reset. */
static EFI_STATUS gpu_start(struct virtio_gpu *gpu, void *queue_memory)
{
	struct resp_display_info *info = (struct resp_display_info *)gpu->response.bytes;
	struct virtio_transport *t = &gpu->virtio;
	UINT64 features;
	EFI_STATUS status;

	status = t->ops->negotiate(t, VIRTIO_GPU_F_EDID, &features);
	if (EFI_ERROR(status))
		goto err_reset;
	gpu->edid = (features & VIRTIO_GPU_F_EDID) != 0;
	status = t->ops->setup_queue(t, 0, QUEUE_SIZE, queue_memory, VIRTIO_GPU_QUEUE_MEMORY,
				     &gpu->queue);
	if (EFI_ERROR(status))
		goto err_reset;
	t->ops->driver_ok(t);
	gpu->request.hdr = (struct virtio_gpu_ctrl_hdr){ .type = CMD_GET_DISPLAY_INFO };
	status = gpu_command(gpu, sizeof(struct virtio_gpu_ctrl_hdr), sizeof(*info),
			     RESP_OK_DISPLAY_INFO);
	if (EFI_ERROR(status))
		goto err_reset;
	if (info->pmodes[0].enabled) {
		gpu->display.preferred_width = info->pmodes[0].r.width;
		gpu->display.preferred_height = info->pmodes[0].r.height;
	}
	gpu_read_edid(gpu);
	gpu->display.framebuffer_size = FRAMEBUFFER_LIMIT;
	gpu->display.blt_only = TRUE;
	gpu->display.set_mode = gpu_set_mode;
	gpu->display.flush = gpu_flush;
	gpu->display.shutdown = gpu_shutdown;
	return EFI_SUCCESS;

err_reset:
	t->ops->reset(t);
	return status;
}

EFI_STATUS virtio_gpu_init(struct virtio_gpu *gpu, struct pci_address a, void *queue_memory)
{
	EFI_STATUS status = virtio_pci_init(&gpu->pci, a);

	return EFI_ERROR(status) ? status : gpu_start(gpu, queue_memory);
}

EFI_STATUS virtio_gpu_init_mmio(struct virtio_gpu *gpu, UINT64 base, void *queue_memory)
{
	EFI_STATUS status = virtio_mmio_init(&gpu->mmio, base);

	return EFI_ERROR(status) ? status : gpu_start(gpu, queue_memory);
}
