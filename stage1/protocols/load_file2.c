/* SPDX-License-Identifier: MIT */
/* The Linux initrd as EFI_LOAD_FILE2_PROTOCOL on the LINUX_EFI_INITRD_MEDIA_GUID device path. */
#include "include/efi/protocol/load_file2.h"
#include "lib/container_of.h"
#include "lib/string.h"
#include "stage1/core/handles.h"
#include "stage1/protocols/load_file2.h"

#define LOG_PREFIX "boot: "
#include "lib/log.h"

/*
 * LINUX_EFI_INITRD_MEDIA_GUID: Linux 5.8+ EFI stubs locate LoadFile2 on a handle whose device
 * path is this vendor media node alone, and load their initrd through it.
 */
#define LINUX_EFI_INITRD_MEDIA_GUID \
	{ 0x5568e427, 0x68fc, 0x4f3d, { 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 } }

struct initrd_path {
	VENDOR_DEVICE_PATH vendor;
	EFI_DEVICE_PATH_PROTOCOL end;
} __attribute__((packed));

struct initrd {
	EFI_LOAD_FILE2_PROTOCOL load_file;
	EFI_HANDLE handle;
	const void *data;
	UINTN size;
};

/* One kernel runs at a time, so one initrd handle is enough. */
static struct initrd the_initrd;

static const EFI_GUID load_file2_guid = EFI_LOAD_FILE2_PROTOCOL_GUID;
static const EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;

static const struct initrd_path initrd_path = {
	.vendor = {
		.Header = { MEDIA_DEVICE_PATH, MEDIA_VENDOR_DP, { sizeof(VENDOR_DEVICE_PATH), 0 } },
		.Guid = LINUX_EFI_INITRD_MEDIA_GUID,
	},
	.end = { END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, { END_DEVICE_PATH_LENGTH, 0 } },
};

/* UEFI 2.10 §13.2.2: the size first when the buffer is missing or short, then the bytes. */
static EFI_STATUS EFIAPI initrd_load_file(EFI_LOAD_FILE2_PROTOCOL *This,
					  EFI_DEVICE_PATH_PROTOCOL *FilePath, BOOLEAN BootPolicy,
					  UINTN *BufferSize, VOID *Buffer)
{
	struct initrd *initrd = container_of(This, struct initrd, load_file);

	if (!This || !BufferSize || !FilePath)
		return EFI_INVALID_PARAMETER;
	if (BootPolicy)
		return EFI_UNSUPPORTED;
	if (!Buffer || *BufferSize < initrd->size) {
		*BufferSize = initrd->size;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(Buffer, initrd->data, initrd->size);
	*BufferSize = initrd->size;
	return EFI_SUCCESS;
}

EFI_STATUS linux_initrd_install(const void *data, UINTN size)
{
	struct initrd *initrd = &the_initrd;
	EFI_STATUS status;

	if (initrd->handle)
		return EFI_ALREADY_STARTED;
	initrd->data = data;
	initrd->size = size;
	initrd->load_file.LoadFile = initrd_load_file;
	initrd->handle = NULL;
	status = handle_install(&initrd->handle, &dp_guid, (void *)&initrd_path);
	if (EFI_ERROR(status))
		return log_warn_status(status, "initrd device path");
	status = handle_install(&initrd->handle, &load_file2_guid, &initrd->load_file);
	if (EFI_ERROR(status)) {
		handle_uninstall(initrd->handle, &dp_guid, (void *)&initrd_path);
		initrd->handle = NULL;
		return log_warn_status(status, "initrd LoadFile2");
	}
	return EFI_SUCCESS;
}

/* A kernel that returned must not leave its initrd behind for the next entry. */
void linux_initrd_uninstall(void)
{
	struct initrd *initrd = &the_initrd;

	if (!initrd->handle)
		return;
	handle_uninstall(initrd->handle, &load_file2_guid, &initrd->load_file);
	handle_uninstall(initrd->handle, &dp_guid, (void *)&initrd_path);
	initrd->handle = NULL;
}

