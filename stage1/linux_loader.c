/* SPDX-License-Identifier: MIT */
/* The native Linux loader: a kernel EFI stub with its command line, the initrd by LoadFile2. */
#include "include/efi/protocol/load_file2.h"
#include "lib/bls.h"
#include "lib/container_of.h"
#include "lib/pe.h"
#include "lib/string.h"
#include "stage1/boot_manager.h"
#include "stage1/handles.h"
#include "stage1/memory.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "boot: "
#include "lib/log.h"

/*
 * LINUX_EFI_INITRD_MEDIA_GUID: Linux 5.8+ EFI stubs locate LoadFile2 on a handle whose device
 * path is this vendor media node alone, and load their initrd through it.
 */
#define LINUX_EFI_INITRD_MEDIA_GUID \
	{ 0x5568e427, 0x68fc, 0x4f3d, { 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 } }

/* Offsets in a bzImage's real-mode header (Documentation/arch/x86/boot.rst). */
#define BZIMAGE_HEADER_MAGIC_OFFSET 0x202
#define BZIMAGE_HEADER_MAGIC 0x53726448u	/* "HdrS" */

struct initrd_path {
	VENDOR_DEVICE_PATH vendor;
	EFI_DEVICE_PATH_PROTOCOL end;
} __attribute__((packed));

struct initrd {
	EFI_LOAD_FILE2_PROTOCOL load_file;
	EFI_HANDLE handle;
	void *data;
	UINTN size;
};

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

static EFI_STATUS initrd_install(struct initrd *initrd)
{
	EFI_STATUS status;

	initrd->load_file.LoadFile = initrd_load_file;
	initrd->handle = NULL;
	status = handle_install(&initrd->handle, &dp_guid, (void *)&initrd_path);
	if (EFI_ERROR(status))
		return log_warn_status(status, "initrd device path");
	status = handle_install(&initrd->handle, &load_file2_guid, &initrd->load_file);
	if (EFI_ERROR(status)) {
		handle_uninstall(initrd->handle, &dp_guid, (void *)&initrd_path);
		return log_warn_status(status, "initrd LoadFile2");
	}
	return EFI_SUCCESS;
}

/* A kernel that returned must not leave its initrd behind for the next entry. */
static void initrd_uninstall(struct initrd *initrd)
{
	handle_uninstall(initrd->handle, &load_file2_guid, &initrd->load_file);
	handle_uninstall(initrd->handle, &dp_guid, (void *)&initrd_path);
}

/* An entry path as a UEFI file name in pool memory; NULL when out of memory. */
static CHAR16 *entry_path(const char *path)
{
	UINTN chars = bls_path_ucs2(path, NULL, 0);
	CHAR16 *name = pool_alloc(EfiBootServicesData, chars * sizeof(CHAR16));

	if (name)
		bls_path_ucs2(path, name, chars);
	return name;
}

/* Read path from fs into pool memory. */
static EFI_STATUS read_entry_file(EFI_HANDLE fs, const char *path, void **ret_data,
				  UINTN *ret_size)
{
	CHAR16 *name = entry_path(path);
	EFI_STATUS status;

	if (!name)
		return EFI_OUT_OF_RESOURCES;
	status = file_read_all(fs, name, ret_data, ret_size);
	pool_free(name);
	return status;
}

/* Every initrd of the entry, one after the other in one buffer, as the stub expects them. */
static EFI_STATUS read_initrds(EFI_HANDLE fs, const struct bls_entry *entry, const CHAR16 *label,
			       struct initrd *initrd)
{
	void *parts[BLS_MAX_INITRDS];
	UINTN sizes[BLS_MAX_INITRDS], total = 0, n, at = 0;
	EFI_STATUS status = EFI_SUCCESS;

	for (n = 0; n < entry->initrd_count; n++) {
		status = read_entry_file(fs, entry->initrd[n], &parts[n], &sizes[n]);
		if (EFI_ERROR(status)) {
			log_warn_status(status, "%ls: initrd %s", label, entry->initrd[n]);
			break;
		}
		total += sizes[n];
	}
	if (!EFI_ERROR(status) && n == 1) {
		initrd->data = parts[0];
		initrd->size = sizes[0];
		return EFI_SUCCESS;
	}
	if (!EFI_ERROR(status)) {
		initrd->data = pool_alloc(EfiBootServicesData, total ? total : 1);
		initrd->size = total;
		if (!initrd->data)
			status = log_warn_status(EFI_OUT_OF_RESOURCES, "%ls: %llu bytes of initrds",
						 label, (UINT64)total);
	}
	for (UINTN i = 0; i < n; i++) {
		if (!EFI_ERROR(status)) {
			memcpy((UINT8 *)initrd->data + at, parts[i], sizes[i]);
			at += sizes[i];
		}
		pool_free(parts[i]);
	}
	return status;
}

/*
 * A bzImage that is no PE image (built without CONFIG_EFI_STUB) would need the x86 boot
 * protocol, which Strata does not implement: say so instead of a bare load error.
 */
static BOOLEAN refuse_without_stub(const void *kernel, UINTN size, const CHAR16 *label)
{
	struct pe_image_info info;
	UINT32 magic = 0;

	if (!EFI_ERROR(pe_parse(kernel, size, &info)))
		return FALSE;
	if (size >= BZIMAGE_HEADER_MAGIC_OFFSET + sizeof(magic))
		memcpy(&magic, (const UINT8 *)kernel + BZIMAGE_HEADER_MAGIC_OFFSET, sizeof(magic));
	if (magic != BZIMAGE_HEADER_MAGIC)
		return FALSE;
	log_warn_status(EFI_UNSUPPORTED, "%ls: the kernel has no EFI stub, and the x86 boot "
			"protocol for such kernels is not implemented", label);
	return TRUE;
}

EFI_STATUS linux_boot_entry(EFI_HANDLE fs, const struct bls_entry *entry, const CHAR16 *label)
{
	const char *image_path = entry->kernel ? entry->kernel : entry->efi;
	struct initrd initrd = { 0 };
	EFI_DEVICE_PATH_PROTOCOL *path = NULL;
	CHAR16 *name, *options = NULL;
	UINTN size, chars;
	EFI_STATUS status;
	void *kernel;

	if (entry->architecture && !bls_pattern_match("x64", entry->architecture)) {
		log_info("%ls is for architecture %s, skipped", label, entry->architecture);
		return EFI_UNSUPPORTED;
	}
	status = read_entry_file(fs, image_path, &kernel, &size);
	if (EFI_ERROR(status))
		return log_warn_status(status, "%ls: kernel %s", label, image_path);
	if (entry->initrd_count) {
		status = read_initrds(fs, entry, label, &initrd);
		if (EFI_ERROR(status))
			goto err_kernel;
	}
	status = EFI_OUT_OF_RESOURCES;
	chars = bls_entry_options_ucs2(entry, NULL, 0);
	options = pool_alloc(EfiLoaderData, chars * sizeof(CHAR16));
	name = entry_path(image_path);
	path = name ? boot_file_path_on(fs, name) : NULL;
	pool_free(name);
	if (!options || !path) {
		log_warn_status(status, "%ls: command line and path", label);
		goto err_initrd;
	}
	bls_entry_options_ucs2(entry, options, chars);
	if (refuse_without_stub(kernel, size, label)) {
		status = EFI_UNSUPPORTED;
		goto err_initrd;
	}
	if (initrd.data) {
		status = initrd_install(&initrd);
		if (EFI_ERROR(status))
			goto err_initrd;
		log_info("%ls: initrd of %llu bytes through LoadFile2", label, (UINT64)initrd.size);
	}
	/* The NUL is part of the command line: stubs read LoadOptionsSize bytes at most. */
	status = boot_image(path, kernel, size, label, chars > 1 ? options : NULL,
			    chars > 1 ? chars * sizeof(CHAR16) : 0);
	if (initrd.data)
		initrd_uninstall(&initrd);
err_initrd:
	pool_free(path);
	pool_free(options);
	pool_free(initrd.data);
err_kernel:
	pool_free(kernel);
	return status;
}
