/* SPDX-License-Identifier: MIT */
/* Start one image as a boot option: its LoadOptions, ReadyToBoot, and what it returned. */
#include "include/efi/protocol/loaded_image.h"
#include "lib/string.h"
#include "stage1/boot/boot_image.h"
#include "stage1/core/events.h"
#include "stage1/core/handles.h"
#include "stage1/core/image.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"
#include "stage1/core/watchdog_timer.h"

#define LOG_PREFIX "boot: "
#include "lib/log.h"

static const EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static const EFI_GUID ready_to_boot = EFI_EVENT_GROUP_READY_TO_BOOT;

/* What the last started image was and returned, for the boot manager's closing message. */
static UINTN started;
static CHAR16 last_name[80];
static EFI_STATUS last_status;

UINTN boot_image_last(const CHAR16 **ret_name, EFI_STATUS *ret_status)
{
	*ret_name = last_name;
	*ret_status = last_status;
	return started;
}

EFI_STATUS boot_image(EFI_DEVICE_PATH_PROTOCOL *path, void *buffer, UINTN buffer_size,
		      const CHAR16 *name, const void *options, UINTN options_size)
{
	EFI_LOADED_IMAGE_PROTOCOL *loaded;
	EFI_HANDLE image;
	EFI_STATUS status;
	UINTN exit_data_size = 0;
	CHAR16 *exit_data = NULL;
	void *copy = NULL;

	status = efi_load_image(TRUE, firmware_image_handle, path, buffer, buffer_size, &image);
	if (EFI_ERROR(status))
		return log_warn_status(status, "cannot load %ls", name);
	if (options_size &&
	    !EFI_ERROR(handle_lookup(image, &loaded_image_guid, (void **)&loaded))) {
		/* The image's own copy: the caller's buffer may not outlive this call. */
		copy = pool_alloc(EfiLoaderData, options_size);
		if (!copy) {
			efi_unload_image(image);
			return log_warn_status(EFI_OUT_OF_RESOURCES, "load options of %ls", name);
		}
		memcpy(copy, options, options_size);
		loaded->LoadOptions = copy;
		loaded->LoadOptionsSize = (UINT32)options_size;
	}
	log_info("starting %ls", name);
	events_signal_group(&ready_to_boot);
	started++;
	/* UEFI 2.10 §3.1.2: 5 minutes for the option, unless it disarms the watchdog itself. */
	watchdog_timer_set(5 * 60);
	status = efi_start_image(image, &exit_data_size, &exit_data);
	watchdog_timer_set(0);
	last_status = status;
	last_name[0] = 0;
	for (UINTN i = 0; name[i] && i + 1 < sizeof(last_name) / sizeof(last_name[0]); i++) {
		last_name[i] = name[i];
		last_name[i + 1] = 0;
	}
	if (EFI_ERROR(status))
		log_warn_status(status, "%ls returned an error%s%ls", name, exit_data ? ": " : "",
				exit_data ? exit_data : u"");
	else
		log_info("%ls returned EFI_SUCCESS", name);
	pool_free(exit_data);
	pool_free(copy);
	return status;
}
