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

#define LOG_PREFIX "boot: "
#include "lib/log.h"

static const EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static const EFI_GUID ready_to_boot = EFI_EVENT_GROUP_READY_TO_BOOT;

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
	status = efi_start_image(image, &exit_data_size, &exit_data);
	if (EFI_ERROR(status))
		log_warn_status(status, "%ls returned an error%s%ls", name, exit_data ? ": " : "",
				exit_data ? exit_data : u"");
	else
		log_info("%ls returned", name);
	pool_free(exit_data);
	pool_free(copy);
	return status;
}
