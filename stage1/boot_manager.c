/* SPDX-License-Identifier: MIT */
/* The boot manager: try each boot option in turn, say why one failed, fall through to the next. */
#include "include/efi/protocol/loaded_image.h"
#include "include/efi/protocol/simple_file_system.h"
#include "lib/device_path.h"
#include "lib/string.h"
#include "stage1/boot_manager.h"
#include "stage1/device_path.h"
#include "stage1/events.h"
#include "stage1/handles.h"
#include "stage1/image.h"
#include "stage1/memory.h"
#include "stage1/stage1.h"
#include "stage1/system_table.h"

#define LOG_PREFIX "boot: "
#include "lib/log.h"

/* UEFI 2.10 §3.5.1.1: the removable media boot path for x64. */
#define REMOVABLE_PATH u"\\EFI\\BOOT\\BOOTX64.EFI"

static const EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static const EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
static const EFI_GUID ready_to_boot = EFI_EVENT_GROUP_READY_TO_BOOT;

/* The full device path of a file on a file system handle: the handle's path + a file node. */
static EFI_DEVICE_PATH_PROTOCOL *file_path_on(EFI_HANDLE fs, const CHAR16 *path)
{
	EFI_DEVICE_PATH_PROTOCOL *dev;

	if (EFI_ERROR(handle_lookup(fs, &dp_guid, (void **)&dev)) || !dev)
		return NULL;
	return device_path_alloc_file(dev, path);
}

EFI_STATUS boot_image(EFI_DEVICE_PATH_PROTOCOL *path, const CHAR16 *name)
{
	EFI_HANDLE image;
	EFI_STATUS status;
	UINTN exit_data_size = 0;
	CHAR16 *exit_data = NULL;

	status = efi_load_image(TRUE, firmware_image_handle, path, NULL, 0, &image);
	if (EFI_ERROR(status))
		return log_warn_status(status, "cannot load %ls", name);
	log_info("starting %ls", name);
	events_signal_group(&ready_to_boot);
	status = efi_start_image(image, &exit_data_size, &exit_data);
	if (EFI_ERROR(status))
		log_warn_status(status, "%ls returned an error%s%ls", name, exit_data ? ": " : "",
				exit_data ? exit_data : u"");
	else
		log_info("%ls returned", name);
	pool_free(exit_data);
	return status;
}

/* The removable media path on the boot ESP first, then on every other file system. */
static void boot_removable_media(void)
{
	EFI_HANDLE boot_esp = disk_boot_partition();
	EFI_HANDLE *handles = NULL;
	UINTN count = 0;

	if (boot_esp) {
		EFI_DEVICE_PATH_PROTOCOL *path = file_path_on(boot_esp, REMOVABLE_PATH);

		if (path)
			boot_image(path, REMOVABLE_PATH);
		pool_free(path);
	}
	if (EFI_ERROR(handle_find_all(&fs_guid, &handles, &count)))
		return;
	for (UINTN i = 0; i < count; i++) {
		EFI_DEVICE_PATH_PROTOCOL *path;

		if (handles[i] == boot_esp)
			continue;
		path = file_path_on(handles[i], REMOVABLE_PATH);
		if (path)
			boot_image(path, REMOVABLE_PATH);
		pool_free(path);
	}
	pool_free(handles);
}

void boot_manager_run(void)
{
	boot_removable_media();
	log_error("no boot option is left to try (an EFI application belongs at %ls on the ESP)",
		  REMOVABLE_PATH);
	panic("nothing more to boot");
}
