/* SPDX-License-Identifier: MIT */
/* PE/COFF images: LoadImage, StartImage, Exit, UnloadImage (UEFI 2.10 §7.4). */
#include "include/efi/protocol/loaded_image.h"
#include "lib/formats/device_path.h"
#include "lib/formats/pe.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "stage1/core/cpu.h"
#include "stage1/core/debug_image.h"
#include "stage1/core/events.h"
#include "stage1/core/handles.h"
#include "stage1/core/image.h"
#include "stage1/core/memory.h"
#include "stage1/core/paging.h"
#include "stage1/core/security.h"
#include "stage1/core/system_table.h"
#include "stage1/protocols/device_path.h"
#include "stage1/protocols/file_load.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "image: "
#include "lib/log.h"

#define IMAGE_MAGIC 0x474d4953u /* "SIMG" */
#define PAGE_ROUND(n) (((UINT64)(n) + EFI_PAGE_SIZE - 1) & ~(UINT64)(EFI_PAGE_SIZE - 1))

struct image {
	UINT32 magic;
	EFI_HANDLE handle;
	EFI_LOADED_IMAGE_PROTOCOL loaded;
	EFI_DEVICE_PATH_PROTOCOL *device_path;	/* LoadedImageDevicePath, NULL if none */
	EFI_PHYSICAL_ADDRESS pages;
	UINTN page_count;
	EFI_IMAGE_ENTRY_POINT entry;
	BOOLEAN started;
	BOOLEAN protected;			/* its pages carry NX or read-only attributes */
	struct cpu_context exit_context;	/* where Exit() returns to */
	struct image *caller;			/* image that was running when this one started */
	EFI_STATUS exit_status;
	UINTN exit_data_size;
	CHAR16 *exit_data;
	struct image *next;			/* every loaded image, for exception reports */
};

static const EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static const EFI_GUID loaded_image_dp_guid = EFI_LOADED_IMAGE_DEVICE_PATH_PROTOCOL_GUID;
static const EFI_GUID device_path_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;

static struct image *running;	/* the image whose code is executing, NULL for the firmware */
static struct image *images;	/* loaded images, newest first */

/* The image record behind an image handle, NULL if it is not one of ours. */
static struct image *image_record(EFI_HANDLE handle)
{
	EFI_LOADED_IMAGE_PROTOCOL *li;
	struct image *img;

	if (EFI_ERROR(handle_lookup(handle, &loaded_image_guid, (void **)&li)) || !li)
		return NULL;
	img = (struct image *)((UINT8 *)li - __builtin_offsetof(struct image, loaded));
	return img->magic == IMAGE_MAGIC && img->handle == handle ? img : NULL;
}

EFI_STATUS image_init_firmware(const struct handoff *h)
{
	struct image *img = pool_zalloc(sizeof(*img));
	EFI_STATUS status;

	if (!img)
		return EFI_OUT_OF_RESOURCES;
	img->magic = IMAGE_MAGIC;
	img->started = TRUE;
	img->loaded = (EFI_LOADED_IMAGE_PROTOCOL){
		.Revision = EFI_LOADED_IMAGE_PROTOCOL_REVISION,
		.SystemTable = efi_st,
		.ImageBase = (VOID *)(UINTN)h->stage1_base,
		.ImageSize = h->stage1_memory_size,
		.ImageCodeType = EfiBootServicesCode,
		.ImageDataType = EfiBootServicesData,
	};
	status = handle_install(&img->handle, &loaded_image_guid, &img->loaded);
	if (EFI_ERROR(status))
		return status;
	firmware_image_handle = img->handle;
	return EFI_SUCCESS;
}

/*
 * An NX_COMPAT image gets its code read-only and everything else no-execute, as EDK2's
 * ProtectUefiImage does; below a page of section alignment code and data share pages, and
 * writable code stays writable and executable.
 */
static void image_protect(struct image *img, const void *file, const struct pe_image_info *info)
{
	UINT64 base = (UINTN)img->loaded.ImageBase;
	UINT32 rva, size, flags;
	EFI_STATUS status;

	if (!(info->dll_characteristics & PE_DLL_NX_COMPAT) ||
	    info->section_alignment < EFI_PAGE_SIZE)
		return;
	img->protected = TRUE;
	status = paging_set_attributes(base, PAGE_ROUND(info->size_of_image), PAGING_NO_EXECUTE);
	for (UINT32 i = 0; i < info->number_of_sections && !EFI_ERROR(status); i++) {
		pe_section(file, info, i, &rva, &size, &flags);
		if ((flags & (PE_SCN_MEM_EXECUTE | PE_SCN_MEM_WRITE)) == PE_SCN_MEM_EXECUTE && size)
			status = paging_set_attributes(base + rva, PAGE_ROUND(size),
						       PAGING_READ_ONLY);
	}
	if (EFI_ERROR(status))
		log_warn("image at %p left partly unprotected: %s", img->loaded.ImageBase,
			 efi_status_name(status));
}

/* Plain read-write-execute pages again before they are freed, for whoever gets them next. */
static void image_free_pages(struct image *img)
{
	if (!img->page_count)
		return;
	if (img->protected)
		paging_set_attributes(img->pages, img->page_count * EFI_PAGE_SIZE, 0);
	memory_free_pages(img->pages, img->page_count);
}

static void image_free(struct image *img)
{
	debug_image_remove(img->handle);
	for (struct image **p = &images; *p; p = &(*p)->next) {
		if (*p == img) {
			*p = img->next;
			break;
		}
	}
	handle_close_all_opened_by(img->handle);
	if (img->device_path)
		handle_uninstall(img->handle, &loaded_image_dp_guid, img->device_path);
	handle_uninstall(img->handle, &loaded_image_guid, &img->loaded);
	image_free_pages(img);
	pool_free(img->loaded.FilePath);
	pool_free(img->device_path);
	pool_free(img->exit_data);
	img->magic = 0;
	pool_free(img);
}

static EFI_STATUS image_place(struct image *img, const void *buf, UINTN size,
			      const struct pe_image_info *info)
{
	EFI_MEMORY_TYPE code = EfiLoaderCode;
	UINTN align =
		info->section_alignment > EFI_PAGE_SIZE ? info->section_alignment : EFI_PAGE_SIZE;
	EFI_STATUS status;
	UINT64 base;

	if (info->subsystem == PE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER)
		code = EfiBootServicesCode;
	else if (info->subsystem == PE_SUBSYSTEM_EFI_RUNTIME_DRIVER)
		code = EfiRuntimeServicesCode;
	img->loaded.ImageCodeType = code;
	img->loaded.ImageDataType = code == EfiLoaderCode	  ? EfiLoaderData
				    : code == EfiBootServicesCode ? EfiBootServicesData
								  : EfiRuntimeServicesData;

	/* Extra pages let a section alignment above 4 KiB be honoured by rounding the base up. */
	img->page_count = EFI_SIZE_TO_PAGES((UINT64)info->size_of_image + align - EFI_PAGE_SIZE);
	status = memory_allocate_pages(AllocateAnyPages, code, img->page_count, &img->pages);
	if (EFI_ERROR(status)) {
		img->page_count = 0;
		return log_error_status(status, "%u bytes for the image", info->size_of_image);
	}
	base = (img->pages + align - 1) & ~((UINT64)align - 1);
	status = pe_load(buf, size, info, (void *)(UINTN)base);
	if (EFI_ERROR(status))
		return log_error_status(status, "relocating the image");
	img->loaded.ImageBase = (VOID *)(UINTN)base;
	img->loaded.ImageSize = info->size_of_image;
	img->entry = (EFI_IMAGE_ENTRY_POINT)(UINTN)(base + info->entry_point);
	image_protect(img, buf, info);
	return EFI_SUCCESS;
}

static EFI_STATUS load_image(BOOLEAN boot_policy, EFI_HANDLE parent, EFI_DEVICE_PATH_PROTOCOL *path,
			     void *buf, UINTN size, EFI_HANDLE *ret_handle)
{
	struct pe_image_info info;
	EFI_HANDLE device = NULL;
	struct image *img;
	void *file = NULL;
	EFI_STATUS status;

	if (!buf) {
		if (!path)
			return EFI_NOT_FOUND;
		status = file_read_device_path(path, &file, &size, &device);
		if (EFI_ERROR(status))
			return status;
		buf = file;
	}
	status = pe_parse(buf, size, &info);
	if (EFI_ERROR(status)) {
		log_error_status(status, "not a loadable x86-64 EFI image (%llu bytes)",
				 (UINT64)size);
		goto err_file;
	}
	/* Secure Boot: refused images leave nothing behind, as OVMF's DENY_EXECUTE policy does. */
	status = security_authenticate(path, buf, size, boot_policy);
	if (EFI_ERROR(status))
		goto err_file;

	img = pool_zalloc(sizeof(*img));
	if (!img) {
		status = EFI_OUT_OF_RESOURCES;
		goto err_file;
	}
	img->magic = IMAGE_MAGIC;
	img->loaded.Revision = EFI_LOADED_IMAGE_PROTOCOL_REVISION;
	img->loaded.ParentHandle = parent;
	img->loaded.SystemTable = efi_st;
	if (path) {
		/* DeviceHandle is the device part of the path; FilePath what is left of it. */
		EFI_DEVICE_PATH_PROTOCOL *rest = path;

		if (!EFI_ERROR(
			    efi_locate_device_path((EFI_GUID *)&device_path_guid, &rest, &device)))
			img->loaded.FilePath = device_path_alloc_duplicate(rest);
		img->loaded.DeviceHandle = device;
		img->device_path = device_path_alloc_duplicate(path);
	}
	status = image_place(img, buf, size, &info);
	if (EFI_ERROR(status))
		goto err_image;
	status = handle_install(&img->handle, &loaded_image_guid, &img->loaded);
	if (EFI_ERROR(status))
		goto err_image;
	if (img->device_path)
		handle_install(&img->handle, &loaded_image_dp_guid, img->device_path);
	img->next = images;
	images = img;
	debug_image_add(&img->loaded, img->handle);
	pool_free(file);
	log_debug("loaded %u bytes at %p, entry %p", info.size_of_image, img->loaded.ImageBase,
		  (void *)img->entry);
	*ret_handle = img->handle;
	return EFI_SUCCESS;

err_image:
	image_free_pages(img);
	pool_free(img->loaded.FilePath);
	pool_free(img->device_path);
	pool_free(img);
err_file:
	pool_free(file);
	return status;
}

EFI_STATUS EFIAPI efi_load_image(BOOLEAN BootPolicy, EFI_HANDLE ParentImageHandle,
				 EFI_DEVICE_PATH_PROTOCOL *DevicePath, VOID *SourceBuffer,
				 UINTN SourceSize, EFI_HANDLE *ImageHandle)
{
	EFI_STATUS status;

	if (!ImageHandle || !image_record(ParentImageHandle))
		return EFI_INVALID_PARAMETER;
	status = load_image(BootPolicy, ParentImageHandle, DevicePath, SourceBuffer, SourceSize,
			    ImageHandle);
	if (EFI_ERROR(status))
		*ImageHandle = NULL;
	return status;
}

EFI_STATUS EFIAPI efi_start_image(EFI_HANDLE ImageHandle, UINTN *ExitDataSize, CHAR16 **ExitData)
{
	struct image *img = image_record(ImageHandle);
	EFI_STATUS status;

	if (!img || img->started || !img->entry)
		return EFI_INVALID_PARAMETER;
	img->started = TRUE;
	img->caller = running;
	running = img;
	if (cpu_context_save(&img->exit_context) == 0) {
		status = img->entry(ImageHandle, efi_st);
		/* Returning from the entry point is the same as calling Exit() (§7.4.2). */
		efi_exit(ImageHandle, status, 0, NULL);
	}
	running = img->caller;
	status = img->exit_status;
	if (ExitDataSize)
		*ExitDataSize = img->exit_data_size;
	if (ExitData) {
		*ExitData = img->exit_data;
		img->exit_data = NULL;
	}
	/* Applications, and drivers that failed, are unloaded when they exit (§7.4.5). */
	if (img->loaded.ImageCodeType == EfiLoaderCode || EFI_ERROR(status))
		image_free(img);
	return status;
}

EFI_STATUS EFIAPI efi_exit(EFI_HANDLE ImageHandle, EFI_STATUS ExitStatus, UINTN ExitDataSize,
			   CHAR16 *ExitData)
{
	struct image *img = image_record(ImageHandle);

	if (!img)
		return EFI_INVALID_PARAMETER;
	if (!img->started) {
		image_free(img);
		return EFI_SUCCESS;
	}
	if (img != running)
		return EFI_INVALID_PARAMETER;
	img->exit_status = ExitStatus;
	img->exit_data_size = 0;
	if (ExitData && ExitDataSize) {
		/* Exit data must be pool memory the caller of StartImage frees; copy to be sure. */
		img->exit_data = pool_alloc(EfiBootServicesData, ExitDataSize);
		if (img->exit_data) {
			memcpy(img->exit_data, ExitData, ExitDataSize);
			img->exit_data_size = ExitDataSize;
		}
	}
	/* Restore the TPL the image was started at: an image may exit with it raised. */
	efi_restore_tpl(TPL_APPLICATION);
	cpu_context_restore(&img->exit_context, 1);
}

EFI_STATUS EFIAPI efi_unload_image(EFI_HANDLE ImageHandle)
{
	struct image *img = image_record(ImageHandle);
	EFI_STATUS status;

	if (!img || img->handle == firmware_image_handle)
		return EFI_INVALID_PARAMETER;
	if (img->started) {
		if (!img->loaded.Unload)
			return EFI_UNSUPPORTED;
		status = img->loaded.Unload(ImageHandle);
		if (EFI_ERROR(status))
			return status;
	}
	image_free(img);
	return EFI_SUCCESS;
}

BOOLEAN image_describe_address(UINT64 addr, char *buf, UINTN size)
{
	CHAR16 path[96];
	char name[96];
	UINTN n = 0;

	for (struct image *img = images; img; img = img->next) {
		UINT64 base = (UINTN)img->loaded.ImageBase;
		const char *pdb;

		if (addr < base || addr - base >= img->loaded.ImageSize)
			continue;
		if (img->loaded.FilePath)
			device_path_to_text(img->loaded.FilePath, TRUE, path,
					    sizeof(path) / sizeof(path[0]));
		else
			path[0] = 0;
		/* The log is ASCII: file names outside it show as '?'. */
		for (n = 0; path[n] && n < sizeof(name) - 1; n++)
			name[n] = path[n] < 0x80 ? (char)path[n] : '?';
		name[n] = 0;
		if (!n) {
			/* From a buffer: name the image that loaded it, when it has a path. */
			struct image *parent = image_record(img->loaded.ParentHandle);

			path[0] = 0;
			if (parent && parent->loaded.FilePath)
				device_path_to_text(parent->loaded.FilePath, TRUE, path,
						    sizeof(path) / sizeof(path[0]));
			n = snprintf(name, sizeof(name), "(loaded from memory by %s",
				     path[0] ? "" : "the firmware");
			for (UINTN i = 0; path[i] && n < sizeof(name) - 2; i++)
				name[n++] = path[i] < 0x80 ? (char)path[i] : '?';
			name[n++] = ')';
			name[n] = 0;
		}
		pdb = pe_debug_pdb_name(img->loaded.ImageBase, img->loaded.ImageSize);
		snprintf(buf, size, "EFI image %s+0x%llx%s%s%s", name,
			 (unsigned long long)(addr - base), pdb ? " (PDB " : "", pdb ? pdb : "",
			 pdb ? ")" : "");
		return TRUE;
	}
	return FALSE;
}
