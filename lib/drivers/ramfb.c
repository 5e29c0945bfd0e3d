/* SPDX-License-Identifier: MIT */
/* ramfb: the mode is one fw_cfg write of the frame buffer's address, format and size. */
#include "lib/container_of.h"
#include "lib/drivers/fw_cfg.h"
#include "lib/drivers/ramfb.h"

#define LOG_PREFIX "ramfb: "
#include "lib/log.h"

#define RAMFB_FILE "etc/ramfb"
/* DRM_FORMAT_XRGB8888 ("XR24"): blue, green, red, unused in memory order, as the GOP's pixel. */
#define RAMFB_FOURCC 0x34325258u

/* QEMU hw/display/ramfb.c: every field big-endian. */
struct ramfb_config {
	UINT64 address;
	UINT32 fourcc;
	UINT32 flags;
	UINT32 width;
	UINT32 height;
	UINT32 stride;
} __attribute__((packed));
_Static_assert(sizeof(struct ramfb_config) == 28, "QEMU RAMFBCfg");

static UINT32 be32(UINT32 v)
{
	return __builtin_bswap32(v);
}

BOOLEAN ramfb_present(void)
{
	UINT16 select;
	UINT32 size;

	return fw_cfg_init() && !EFI_ERROR(fw_cfg_find(RAMFB_FILE, &select, &size)) &&
	       size == sizeof(struct ramfb_config);
}

static EFI_STATUS ramfb_set_mode(struct display_device *display, UINT32 width, UINT32 height)
{
	struct ramfb_config config = {
		.address = __builtin_bswap64(display->framebuffer),
		.fourcc = be32(RAMFB_FOURCC),
		.width = be32(width),
		.height = be32(height),
		.stride = be32(width * 4),
	};
	EFI_STATUS status;

	if (!width || !height || (UINT64)width * height * 4 > display->framebuffer_size)
		return EFI_UNSUPPORTED;
	/* Needs fw_cfg DMA, which every QEMU with ramfb has. */
	status = fw_cfg_write_file(RAMFB_FILE, 0, &config, sizeof(config));
	if (EFI_ERROR(status))
		return log_warn_status(status, "mode %ux%u not taken", width, height);
	return EFI_SUCCESS;
}

void ramfb_init(struct ramfb *fb, void *framebuffer, UINT64 size)
{
	*fb = (struct ramfb){
		.display.framebuffer = (UINTN)framebuffer,
		.display.framebuffer_size = size,
		.display.set_mode = ramfb_set_mode,
	};
}
