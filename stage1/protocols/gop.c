/* SPDX-License-Identifier: MIT */
/* EFI_GRAPHICS_OUTPUT_PROTOCOL (UEFI 2.10 §12.9) on QEMU's displays and coreboot's framebuffer. */
#include "include/efi/protocol/graphics_output.h"
#include "lib/container_of.h"
#include "lib/drivers/bochs_vbe.h"
#include "lib/drivers/ramfb.h"
#include "lib/drivers/simple_fb.h"
#include "lib/drivers/virtio_gpu.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/protocols/device_path.h"
#include "stage1/protocols/gop.h"

#define LOG_PREFIX "gop: "
#include "lib/log.h"

/* The modes offered, smallest first; those that do not fit the video memory are left out. */
static const struct {
	UINT32 width, height;
} mode_sizes[] = {
	{ 640, 480 },	{ 800, 600 },	{ 1024, 768 },	{ 1280, 720 },
	{ 1280, 800 },	{ 1280, 1024 }, { 1440, 900 },	{ 1600, 900 },
	{ 1680, 1050 }, { 1920, 1080 },
};
#define DEFAULT_WIDTH 1024
#define DEFAULT_HEIGHT 768
#define MAX_MODES (sizeof(mode_sizes) / sizeof(mode_sizes[0]))

struct display {
	EFI_GRAPHICS_OUTPUT_PROTOCOL gop;
	EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE mode;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION info;
	struct display_device *dev;
	UINT32 stride;			/* pixels between rows of dev->framebuffer */
	UINT32 modes[MAX_MODES];	/* indices into mode_sizes */
	EFI_HANDLE handle;
	struct display *next;
};

static struct display *displays;

static const EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
static const EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;

static void mode_info(const struct display *d, UINT32 number,
		      EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *ret_info)
{
	const struct display_device *dev = d->dev;
	UINT32 i = d->modes[number];

	if (dev->fixed_width) {
		*ret_info = (EFI_GRAPHICS_OUTPUT_MODE_INFORMATION){
			.HorizontalResolution = dev->fixed_width,
			.VerticalResolution = dev->fixed_height,
			.PixelFormat = dev->fixed_bitmask ? PixelBitMask :
							    PixelBlueGreenRedReserved8BitPerColor,
			.PixelInformation = { dev->red_mask, dev->green_mask, dev->blue_mask,
					      dev->reserved_mask },
			.PixelsPerScanLine = dev->fixed_pixels_per_line,
		};
		return;
	}
	*ret_info = (EFI_GRAPHICS_OUTPUT_MODE_INFORMATION){
		.Version = 0,
		.HorizontalResolution = mode_sizes[i].width,
		.VerticalResolution = mode_sizes[i].height,
		/* As OVMF on virtio-gpu: a frame buffer the device does not scan out is not offered. */
		.PixelFormat = d->dev->blt_only ? PixelBltOnly : PixelBlueGreenRedReserved8BitPerColor,
		.PixelsPerScanLine = mode_sizes[i].width,
	};
}

static EFI_STATUS EFIAPI gop_query_mode(EFI_GRAPHICS_OUTPUT_PROTOCOL *This, UINT32 ModeNumber,
					UINTN *SizeOfInfo, EFI_GRAPHICS_OUTPUT_MODE_INFORMATION **Info)
{
	struct display *d = container_of(This, struct display, gop);
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;

	if (!This || !SizeOfInfo || !Info || ModeNumber >= d->mode.MaxMode)
		return EFI_INVALID_PARAMETER;
	/* The caller frees it with FreePool. */
	info = pool_alloc(EfiBootServicesData, sizeof(*info));
	if (!info)
		return EFI_OUT_OF_RESOURCES;
	mode_info(d, ModeNumber, info);
	*SizeOfInfo = sizeof(*info);
	*Info = info;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI gop_set_mode(EFI_GRAPHICS_OUTPUT_PROTOCOL *This, UINT32 ModeNumber)
{
	struct display *d = container_of(This, struct display, gop);
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION info;
	EFI_STATUS status;
	UINTN size;

	if (!This)
		return EFI_INVALID_PARAMETER;
	if (ModeNumber >= d->mode.MaxMode)
		return EFI_UNSUPPORTED;
	mode_info(d, ModeNumber, &info);
	status = d->dev->set_mode(d->dev, info.HorizontalResolution, info.VerticalResolution);
	if (EFI_ERROR(status))
		return EFI_DEVICE_ERROR;
	d->info = info;
	d->mode.Mode = ModeNumber;
	d->stride = d->dev->framebuffer_stride ? d->dev->framebuffer_stride :
						 info.HorizontalResolution;
	size = (UINTN)d->stride * info.VerticalResolution * 4;
	d->mode.FrameBufferBase = d->dev->blt_only ? 0 : d->dev->framebuffer;
	d->mode.FrameBufferSize = d->dev->blt_only ? 0 : size;
	if (d->dev->fixed_width) {
		d->mode.FrameBufferBase = d->dev->scanout_base;
		d->mode.FrameBufferSize = d->dev->scanout_size;
	}
	/* UEFI 2.10 §12.9: SetMode clears the visible screen to black. */
	if (!d->dev->clears_on_set_mode)
		memset((void *)(UINTN)d->dev->framebuffer, 0, size);
	if (d->dev->flush && EFI_ERROR(d->dev->flush(d->dev, 0, 0, info.HorizontalResolution,
						      info.VerticalResolution)))
		return EFI_DEVICE_ERROR;
	return EFI_SUCCESS;
}

/* Whether the rectangle at (x, y) of width x height lies on the screen. */
static BOOLEAN on_screen(const struct display *d, UINTN x, UINTN y, UINTN width, UINTN height)
{
	return x < d->info.HorizontalResolution && y < d->info.VerticalResolution &&
	       width <= d->info.HorizontalResolution - x &&
	       height <= d->info.VerticalResolution - y;
}

static EFI_GRAPHICS_OUTPUT_BLT_PIXEL *pixel_at(const struct display *d, UINTN x, UINTN y)
{
	return (EFI_GRAPHICS_OUTPUT_BLT_PIXEL *)(UINTN)d->dev->framebuffer +
	       y * d->stride + x;
}

static EFI_STATUS EFIAPI gop_blt(EFI_GRAPHICS_OUTPUT_PROTOCOL *This,
				 EFI_GRAPHICS_OUTPUT_BLT_PIXEL *BltBuffer,
				 EFI_GRAPHICS_OUTPUT_BLT_OPERATION BltOperation, UINTN SourceX,
				 UINTN SourceY, UINTN DestinationX, UINTN DestinationY, UINTN Width,
				 UINTN Height, UINTN Delta)
{
	struct display *d = container_of(This, struct display, gop);
	UINTN row_bytes = Width * sizeof(EFI_GRAPHICS_OUTPUT_BLT_PIXEL);
	UINTN stride = d->stride;
	EFI_STATUS status = EFI_SUCCESS;
	EFI_TPL old;

	if (!This || (UINT32)BltOperation >= EfiGraphicsOutputBltOperationMax || !Width ||
	    !Height || (BltOperation != EfiBltVideoToVideo && !BltBuffer))
		return EFI_INVALID_PARAMETER;
	/* Delta 0: the buffer's rows are exactly Width pixels apart. */
	if (!Delta)
		Delta = row_bytes;
	switch (BltOperation) {
	case EfiBltVideoFill:
	case EfiBltBufferToVideo:
		if (!on_screen(d, DestinationX, DestinationY, Width, Height))
			return EFI_INVALID_PARAMETER;
		break;
	case EfiBltVideoToBltBuffer:
		if (!on_screen(d, SourceX, SourceY, Width, Height))
			return EFI_INVALID_PARAMETER;
		break;
	default:
		if (!on_screen(d, SourceX, SourceY, Width, Height) ||
		    !on_screen(d, DestinationX, DestinationY, Width, Height))
			return EFI_INVALID_PARAMETER;
		break;
	}
	/* As EDK2: no event may draw in the middle of a Blt. */
	old = efi_raise_tpl(TPL_NOTIFY);
	/* Row pointers advance by a stride: a text console's Blts are many and small. */
	switch (BltOperation) {
	case EfiBltVideoFill: {
		EFI_GRAPHICS_OUTPUT_BLT_PIXEL *p = pixel_at(d, DestinationX, DestinationY);

		for (UINTN row = 0; row < Height; row++, p += stride) {
			for (UINTN x = 0; x < Width; x++)
				p[x] = *BltBuffer;
		}
		break;
	}
	case EfiBltVideoToBltBuffer: {
		const EFI_GRAPHICS_OUTPUT_BLT_PIXEL *p = pixel_at(d, SourceX, SourceY);
		UINT8 *buffer = (UINT8 *)BltBuffer + DestinationY * Delta +
				DestinationX * sizeof(*BltBuffer);

		for (UINTN row = 0; row < Height; row++, p += stride, buffer += Delta)
			memcpy(buffer, p, row_bytes);
		break;
	}
	case EfiBltBufferToVideo: {
		EFI_GRAPHICS_OUTPUT_BLT_PIXEL *p = pixel_at(d, DestinationX, DestinationY);
		const UINT8 *buffer = (const UINT8 *)BltBuffer + SourceY * Delta +
				      SourceX * sizeof(*BltBuffer);

		for (UINTN row = 0; row < Height; row++, p += stride, buffer += Delta)
			memcpy(p, buffer, row_bytes);
		break;
	}
	default:
		for (UINTN row = 0; row < Height; row++) {
			/* Overlapping copies downwards go bottom row first. */
			UINTN r = DestinationY > SourceY ? Height - 1 - row : row;

			memmove(pixel_at(d, DestinationX, DestinationY + r),
				pixel_at(d, SourceX, SourceY + r), row_bytes);
		}
		break;
	}
	/* A device that shows a copy of the frame buffer gets the changed rectangle. */
	if (d->dev->flush && BltOperation != EfiBltVideoToBltBuffer &&
	    EFI_ERROR(d->dev->flush(d->dev, (UINT32)DestinationX, (UINT32)DestinationY,
				    (UINT32)Width, (UINT32)Height)))
		status = EFI_DEVICE_ERROR;
	efi_restore_tpl(old);
	return status;
}

static const ACPI_ADR_DEVICE_PATH display_adr = {
	.Header = { ACPI_DEVICE_PATH, ACPI_ADR_DP, { sizeof(display_adr), 0 } },
	.ADR = ACPI_DISPLAY_ADR_VGA,
};

/* The GOP over dev, on a new handle with path (pool memory, the handle's from then on). */
static EFI_STATUS display_install(struct display_device *dev, EFI_DEVICE_PATH_PROTOCOL *path,
				  const char *where, const char *name)
{
	struct display *d = pool_zalloc(sizeof(*d));
	UINT32 fallback = 0, preferred = MAX_MODES;
	EFI_STATUS status;

	if (!d || !path) {
		pool_free(d);
		pool_free(path);
		return EFI_OUT_OF_RESOURCES;
	}
	d->dev = dev;
	/* A fixed mode is mode 0, the one entry; modes[] is not read for it. */
	if (dev->fixed_width)
		d->mode.MaxMode = 1;
	for (UINT32 i = 0; i < MAX_MODES && !dev->fixed_width; i++) {
		if ((UINT64)mode_sizes[i].width * mode_sizes[i].height * 4 > dev->framebuffer_size)
			continue;
		if (mode_sizes[i].width == DEFAULT_WIDTH && mode_sizes[i].height == DEFAULT_HEIGHT)
			fallback = d->mode.MaxMode;
		/* The monitor's preferred size, when it is one of ours, is the mode set at start. */
		if (mode_sizes[i].width == dev->preferred_width &&
		    mode_sizes[i].height == dev->preferred_height)
			preferred = d->mode.MaxMode;
		d->modes[d->mode.MaxMode++] = i;
	}
	if (!d->mode.MaxMode) {
		status = log_warn_status(EFI_UNSUPPORTED, "%llu KiB of video memory: no mode fits",
					 dev->framebuffer_size >> 10);
		goto err_free;
	}
	if (preferred == MAX_MODES)
		preferred = fallback;
	d->gop = (EFI_GRAPHICS_OUTPUT_PROTOCOL){
		.QueryMode = gop_query_mode,
		.SetMode = gop_set_mode,
		.Blt = gop_blt,
		.Mode = &d->mode,
	};
	d->mode.Info = &d->info;
	d->mode.SizeOfInfo = sizeof(d->info);
	status = gop_set_mode(&d->gop, preferred);
	if (EFI_ERROR(status))
		goto err_free;
	status = handle_install(&d->handle, &dp_guid, path);
	if (EFI_ERROR(status))
		goto err_free;
	/* The handle holds the path from here on. */
	path = NULL;
	status = handle_install(&d->handle, &gop_guid, &d->gop);
	if (EFI_ERROR(status))
		goto err_free;
	if (dev->blt_only)
		log_info("%s: %ux%u, %u modes, Blt only (%s)", where, d->info.HorizontalResolution,
			 d->info.VerticalResolution, d->mode.MaxMode, name);
	else
		log_info("%s: %ux%u, %u modes, frame buffer at %llx (%s)", where,
			 d->info.HorizontalResolution, d->info.VerticalResolution, d->mode.MaxMode,
			 d->mode.FrameBufferBase, name);
	if (dev->preferred_width)
		log_debug("monitor prefers %ux%u", dev->preferred_width, dev->preferred_height);
	d->next = displays;
	displays = d;
	return EFI_SUCCESS;

err_free:
	pool_free(path);
	pool_free(d);
	return status;
}

/* A PCI display's output is a child of its function, as OVMF's QemuVideoDxe names it. */
static EFI_STATUS pci_display_install(struct display_device *dev, struct pci_address a,
				      const char *name)
{
	char where[16];

	snprintf(where, sizeof(where), "%02x:%02x.%x", a.bus, a.device, a.function);
	return display_install(dev, device_path_alloc_pci_child(a, &display_adr.Header), where,
			       name);
}

static void *gpu_alloc_pages(UINTN pages)
{
	EFI_PHYSICAL_ADDRESS memory = 0xffffffff;

	/* Below 4 GiB, as the queue memory of the other virtio devices. */
	if (EFI_ERROR(memory_allocate_pages(AllocateMaxAddress, EfiBootServicesData, pages,
					    &memory)))
		return NULL;
	return (void *)(UINTN)memory;
}

static void gpu_free_pages(void *memory, UINTN pages)
{
	memory_free_pages((UINTN)memory, pages);
}

static EFI_STATUS bochs_add(struct pci_address a)
{
	struct bochs_vbe *vbe = pool_zalloc(sizeof(*vbe));
	EFI_STATUS status;

	if (!vbe)
		return EFI_OUT_OF_RESOURCES;
	status = bochs_vbe_init(vbe, a);
	if (!EFI_ERROR(status))
		status = pci_display_install(&vbe->display, a, "Bochs VBE");
	if (EFI_ERROR(status))
		pool_free(vbe);
	return status;
}

/* A virtio-gpu on PCI function a, or on the virtio-mmio transport at mmio_base (microvm). */
static EFI_STATUS virtio_gpu_add(struct pci_address a, UINT64 mmio_base)
{
	struct virtio_gpu *gpu = pool_zalloc(sizeof(*gpu));
	EFI_PHYSICAL_ADDRESS queue = 0xffffffff;
	EFI_STATUS status;

	if (!gpu)
		return EFI_OUT_OF_RESOURCES;
	status = memory_allocate_pages(AllocateMaxAddress, EfiBootServicesData,
				       VIRTIO_GPU_QUEUE_MEMORY / 4096, &queue);
	if (EFI_ERROR(status))
		goto err_free;
	gpu->alloc_pages = gpu_alloc_pages;
	gpu->free_pages = gpu_free_pages;
	status = mmio_base ? virtio_gpu_init_mmio(gpu, mmio_base, (void *)(UINTN)queue)
			   : virtio_gpu_init(gpu, a, (void *)(UINTN)queue);
	if (EFI_ERROR(status))
		goto err_free_queue;
	if (mmio_base) {
		char where[32];

		/* VenHw(virtio-mmio, base)/AcpiAdr(...), as OVMF's VirtioGpuDxe names its child. */
		snprintf(where, sizeof(where), "virtio-mmio@%llx", mmio_base);
		status = display_install(&gpu->display,
					 device_path_alloc_virtio_mmio_child(mmio_base,
									     &display_adr.Header),
					 where, "virtio-gpu");
	} else {
		status = pci_display_install(&gpu->display, a, "virtio-gpu");
	}
	if (EFI_ERROR(status))
		goto err_shutdown;
	return EFI_SUCCESS;

err_shutdown:
	gpu->display.shutdown(&gpu->display);
err_free_queue:
	memory_free_pages(queue, VIRTIO_GPU_QUEUE_MEMORY / 4096);
err_free:
	pool_free(gpu);
	return status;
}

/*
 * ramfb has a fixed frame buffer of 1024x768 (modes up to it); reserved memory, so the OS can keep
 * drawing in it, and the path OVMF's QemuRamfbDxe gives it.
 */
static EFI_STATUS ramfb_add(void)
{
	static const VENDOR_DEVICE_PATH vendor = {
		.Header = { HARDWARE_DEVICE_PATH, HW_VENDOR_DP, { sizeof(vendor), 0 } },
		.Guid = { 0x557423a1, 0x63ab, 0x406c, { 0xbe, 0x7e, 0x91, 0xcd, 0xbc, 0x08, 0xc4, 0x57 } },
	};
	UINTN pages = (DEFAULT_WIDTH * DEFAULT_HEIGHT * 4 + 4095) / 4096;
	EFI_PHYSICAL_ADDRESS memory = 0xffffffff;
	EFI_DEVICE_PATH_PROTOCOL *node;
	struct ramfb *fb;
	EFI_STATUS status;

	status = memory_allocate_pages(AllocateMaxAddress, EfiReservedMemoryType, pages, &memory);
	if (EFI_ERROR(status))
		return log_error_status(status, "ramfb: no memory");
	fb = pool_zalloc(sizeof(*fb));
	node = device_path_alloc_append_node(NULL, &vendor.Header);
	if (!fb || !node) {
		status = EFI_OUT_OF_RESOURCES;
		goto err_free;
	}
	ramfb_init(fb, (void *)(UINTN)memory, pages * 4096);
	status = display_install(&fb->display, device_path_alloc_append_node(node, &display_adr.Header),
				 "ramfb", "fw_cfg etc/ramfb");
	if (EFI_ERROR(status))
		goto err_free;
	pool_free(node);
	return EFI_SUCCESS;

err_free:
	pool_free(node);
	pool_free(fb);
	memory_free_pages(memory, pages);
	return status;
}

/*
 * coreboot's frame buffer in the mode coreboot set. Preferred to a native driver of the same
 * display, as libpayload's payloads draw where coreboot left the screen: coreboot chose the mode
 * for its panel, and the device may be one we have no driver for. Formats other than x8r8g8b8
 * are drawn in a RAM copy and converted by the flush.
 */
static EFI_STATUS firmware_fb_add(const struct handoff_framebuffer *info)
{
	/* Strata's own vendor node for a frame buffer on no PCI display we found. */
	static const VENDOR_DEVICE_PATH vendor = {
		.Header = { HARDWARE_DEVICE_PATH, HW_VENDOR_DP, { sizeof(vendor), 0 } },
		.Guid = { 0x5d1e8a6b, 0x3c0f, 0x4b7e, { 0x9a, 0x51, 0x2e, 0x77, 0xc4, 0x0b, 0x18, 0x6d } },
	};
	UINTN pages = EFI_SIZE_TO_PAGES((UINTN)info->width * info->height * 4);
	EFI_PHYSICAL_ADDRESS shadow = 0;
	EFI_DEVICE_PATH_PROTOCOL *node;
	struct simple_fb *fb;
	EFI_STATUS status;

	status = simple_fb_check(info);
	if (EFI_ERROR(status))
		return log_warn_status(status, "coreboot frame buffer %ux%u, %u bpp, %u bytes a row: "
				       "not a format we draw", info->width, info->height,
				       info->bits_per_pixel, info->bytes_per_line);
	fb = pool_zalloc(sizeof(*fb));
	if (!fb)
		return EFI_OUT_OF_RESOURCES;
	if (!simple_fb_is_bgrx(info)) {
		status = memory_allocate_pages(AllocateAnyPages, EfiBootServicesData, pages, &shadow);
		if (EFI_ERROR(status))
			goto err_free;
	}
	simple_fb_init(fb, info, (void *)(UINTN)shadow);
	if (info->on_pci) {
		status = pci_display_install(&fb->display,
					     (struct pci_address){ info->pci_bus, info->pci_device,
								   info->pci_function },
					     "coreboot frame buffer");
	} else {
		node = device_path_alloc_append_node(NULL, &vendor.Header);
		status = display_install(&fb->display,
					 node ? device_path_alloc_append_node(node, &display_adr.Header) :
						NULL,
					 "firmware", "coreboot frame buffer");
		pool_free(node);
	}
	if (EFI_ERROR(status))
		goto err_free_shadow;
	return EFI_SUCCESS;

err_free_shadow:
	if (shadow)
		memory_free_pages(shadow, pages);
err_free:
	pool_free(fb);
	return status;
}

/* After ExitBootServices the payload owns memory: no display may keep reading it by DMA. */
static VOID EFIAPI gop_exit_boot_services(EFI_EVENT Event, VOID *Context)
{
	for (struct display *d = displays; d; d = d->next) {
		if (d->dev->shutdown)
			d->dev->shutdown(d->dev);
	}
}

EFI_STATUS gop_init(const struct handoff *h)
{
	const struct handoff_framebuffer *fb = &h->framebuffer;
	BOOLEAN fb_taken = fb->base && !EFI_ERROR(firmware_fb_add(fb));
	static const EFI_GUID exit_group = EFI_EVENT_GROUP_EXIT_BOOT_SERVICES;
	struct pci_address a;
	UINT32 cursor = 0;
	EFI_EVENT event;
	EFI_STATUS status;

	while (pci_next_function(&cursor, &a)) {
		if (fb_taken && fb->on_pci && a.bus == fb->pci_bus && a.device == fb->pci_device &&
		    a.function == fb->pci_function) {
			log_info("%02x:%02x.%x: coreboot's frame buffer preferred to a native driver",
				 a.bus, a.device, a.function);
			continue;
		}
		if (bochs_vbe_match(a))
			bochs_add(a);
		else if (virtio_gpu_match(a))
			virtio_gpu_add(a, 0);
	}
	/* microvm: a virtio-gpu-device among its virtio-mmio transports. */
	if (h->flags & HANDOFF_FLAG_MICROVM) {
		UINT64 bases[32];
		BOOLEAN from_dsdt;
		UINT32 n = virtio_mmio_microvm_transports(bases, 32, &from_dsdt);

		for (UINT32 i = 0; i < n; i++)
			if (virtio_mmio_device_id(bases[i]) == VIRTIO_MMIO_DEVICE_GPU)
				virtio_gpu_add((struct pci_address){ 0 }, bases[i]);
	}
	if (ramfb_present())
		ramfb_add();
	if (!displays)
		return EFI_NOT_FOUND;
	status = event_create(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, gop_exit_boot_services, NULL,
			      &exit_group, &event);
	if (EFI_ERROR(status))
		return log_error_status(status, "ExitBootServices event");
	return EFI_SUCCESS;
}
