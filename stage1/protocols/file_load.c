/* SPDX-License-Identifier: MIT */
/* Files for the firmware itself (images, initrds, BLS entries), read through SimpleFileSystem. */
#include "include/efi/protocol/simple_file_system.h"
#include "lib/formats/device_path.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/protocols/device_path.h"
#include "stage1/protocols/file_load.h"

#define LOG_PREFIX "fs: "
#include "lib/log.h"

static const EFI_GUID sfs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static const EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
static const EFI_GUID file_info_id = EFI_FILE_INFO_ID;

EFI_STATUS file_read_all(EFI_HANDLE fs_handle, const CHAR16 *path, void **ret_buffer,
			 UINTN *ret_size)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *sfs;
	EFI_FILE_PROTOCOL *root, *file;
	EFI_FILE_INFO *info = NULL;
	UINTN info_size = 0, size, done = 0;
	UINT8 *buffer = NULL;
	EFI_STATUS status;

	status = handle_lookup(fs_handle, &sfs_guid, (void **)&sfs);
	if (EFI_ERROR(status))
		return EFI_NOT_FOUND;
	status = sfs->OpenVolume(sfs, &root);
	if (EFI_ERROR(status))
		return log_error_status(status, "open volume for %ls", path);
	status = root->Open(root, &file, (CHAR16 *)path, EFI_FILE_MODE_READ, 0);
	root->Close(root);
	if (EFI_ERROR(status))
		return status;

	status = file->GetInfo(file, (EFI_GUID *)&file_info_id, &info_size, NULL);
	if (status == EFI_BUFFER_TOO_SMALL) {
		info = pool_alloc(EfiBootServicesData, info_size);
		status = info ? file->GetInfo(file, (EFI_GUID *)&file_info_id, &info_size, info)
			      : EFI_OUT_OF_RESOURCES;
	}
	if (EFI_ERROR(status)) {
		log_error_status(status, "file info of %ls", path);
		goto err_close;
	}
	if (info->Attribute & EFI_FILE_DIRECTORY) {
		status = EFI_NOT_FOUND;
		log_debug("%ls is a directory", path);
		goto err_close;
	}
	size = (UINTN)info->FileSize;
	/* One spare byte: an empty file still gets a buffer, and text files a terminating NUL. */
	buffer = pool_alloc(EfiBootServicesData, size + 1);
	if (!buffer) {
		status = log_error_status(EFI_OUT_OF_RESOURCES, "%llu bytes for %ls",
					  (UINT64)size, path);
		goto err_close;
	}
	while (done < size) {
		UINTN n = size - done;

		status = file->Read(file, &n, buffer + done);
		if (EFI_ERROR(status))
			goto err_free;
		if (n == 0) {
			status = log_error_status(EFI_END_OF_FILE, "%ls ends early", path);
			goto err_free;
		}
		done += n;
	}
	buffer[size] = 0;
	pool_free(info);
	file->Close(file);
	*ret_buffer = buffer;
	*ret_size = size;
	return EFI_SUCCESS;

err_free:
	pool_free(buffer);
err_close:
	pool_free(info);
	file->Close(file);
	return status;
}

EFI_STATUS file_read_device_path(const EFI_DEVICE_PATH_PROTOCOL *path, void **ret_buffer,
				 UINTN *ret_size, EFI_HANDLE *ret_device)
{
	EFI_DEVICE_PATH_PROTOCOL *remaining = (EFI_DEVICE_PATH_PROTOCOL *)path;
	EFI_HANDLE device;
	CHAR16 *name;
	UINTN chars = 0;
	EFI_STATUS status;

	if (!device_path_size(path))
		return EFI_INVALID_PARAMETER;
	status = efi_locate_device_path((EFI_GUID *)&sfs_guid, &remaining, &device);
	if (EFI_ERROR(status))
		return EFI_NOT_FOUND;
	status = device_path_file_name(remaining, NULL, 0, &chars);
	if (status != EFI_BUFFER_TOO_SMALL)
		return EFI_NOT_FOUND;
	name = pool_alloc(EfiBootServicesData, chars * sizeof(CHAR16));
	if (!name)
		return EFI_OUT_OF_RESOURCES;
	device_path_file_name(remaining, name, chars, &chars);
	status = file_read_all(device, name, ret_buffer, ret_size);
	pool_free(name);
	if (EFI_ERROR(status))
		return status;
	if (ret_device)
		*ret_device = device;
	return EFI_SUCCESS;
}

BOOLEAN file_exists(EFI_HANDLE fs, const CHAR16 *path)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *sfs;
	EFI_FILE_PROTOCOL *root, *file;
	EFI_STATUS status;

	if (EFI_ERROR(handle_lookup(fs, &sfs_guid, (void **)&sfs)) || !sfs)
		return FALSE;
	if (EFI_ERROR(sfs->OpenVolume(sfs, &root)))
		return FALSE;
	status = root->Open(root, &file, (CHAR16 *)path, EFI_FILE_MODE_READ, 0);
	root->Close(root);
	if (EFI_ERROR(status))
		return FALSE;
	file->Close(file);
	return TRUE;
}

EFI_DEVICE_PATH_PROTOCOL *file_path_on(EFI_HANDLE fs, const CHAR16 *path)
{
	EFI_DEVICE_PATH_PROTOCOL *dev;

	if (EFI_ERROR(handle_lookup(fs, &dp_guid, (void **)&dev)) || !dev)
		return NULL;
	return device_path_alloc_file(dev, path);
}
