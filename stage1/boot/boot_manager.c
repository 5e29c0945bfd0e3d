/* SPDX-License-Identifier: MIT */
/* The boot manager: try each boot option in turn, say why one failed, fall through to the next. */
#include "include/efi/protocol/loaded_image.h"
#include "include/efi/protocol/simple_file_system.h"
#include "include/efi/runtime_services.h"
#include "lib/formats/device_path.h"
#include "lib/formats/load_option.h"
#include "lib/string.h"
#include "stage1/boot/bls.h"
#include "stage1/boot/boot_image.h"
#include "stage1/boot/boot_manager.h"
#include "stage1/boot/boot_menu.h"
#include "stage1/core/events.h"
#include "stage1/core/handles.h"
#include "stage1/core/image.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"
#include "stage1/protocols/device_path.h"
#include "stage1/protocols/file_load.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "boot: "
#include "lib/log.h"

/* UEFI 2.10 §3.5.1.1: the removable media boot path for x64. */
#define REMOVABLE_PATH u"\\EFI\\BOOT\\BOOTX64.EFI"
/* Enough of a description to tell options apart in the log. */
#define LABEL_CHARS 64

static const EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static const EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
static const EFI_GUID global_guid = EFI_GLOBAL_VARIABLE;

/* A whole global variable in pool memory; EFI_NOT_FOUND when it does not exist. */
EFI_STATUS boot_variable_read(const CHAR16 *name, void **ret_data, UINTN *ret_size)
{
	EFI_RUNTIME_SERVICES *rt = efi_st->RuntimeServices;
	UINTN size = 0;
	EFI_STATUS status;
	void *data;

	status = rt->GetVariable((CHAR16 *)name, (EFI_GUID *)&global_guid, NULL, &size, NULL);
	if (status != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(status) ? status : EFI_NOT_FOUND;
	data = pool_alloc(EfiBootServicesData, size);
	if (!data)
		return EFI_OUT_OF_RESOURCES;
	status = rt->GetVariable((CHAR16 *)name, (EFI_GUID *)&global_guid, NULL, &size, data);
	if (EFI_ERROR(status)) {
		pool_free(data);
		return status;
	}
	*ret_data = data;
	*ret_size = size;
	return EFI_SUCCESS;
}

static EFI_STATUS variable_write(const CHAR16 *name, UINT32 attributes, UINTN size, void *data)
{
	return efi_st->RuntimeServices->SetVariable((CHAR16 *)name, (EFI_GUID *)&global_guid,
						     attributes, size, data);
}

/* Whether the partition node hd names the partition of node (UEFI 2.10 §3.1.2, short form). */
static BOOLEAN same_partition(const HARDDRIVE_DEVICE_PATH *hd, const EFI_DEVICE_PATH_PROTOCOL *node)
{
	HARDDRIVE_DEVICE_PATH a, b;

	if (node->Type != MEDIA_DEVICE_PATH || node->SubType != MEDIA_HARDDRIVE_DP ||
	    device_path_node_length(node) != sizeof(b) ||
	    device_path_node_length(&hd->Header) != sizeof(a))
		return FALSE;
	memcpy(&a, hd, sizeof(a));
	memcpy(&b, node, sizeof(b));
	if (a.SignatureType != b.SignatureType || a.MBRType != b.MBRType)
		return FALSE;
	if (a.SignatureType == SIGNATURE_TYPE_GUID)
		return !memcmp(a.Signature, b.Signature, sizeof(a.Signature));
	/* An MBR signature names the disk, not the partition. */
	if (a.SignatureType == SIGNATURE_TYPE_MBR)
		return !memcmp(a.Signature, b.Signature, 4) &&
		       a.PartitionNumber == b.PartitionNumber;
	return a.PartitionStart == b.PartitionStart && a.PartitionSize == b.PartitionSize;
}

/* HD(...)/rest → the full path of the partition handle that matches, followed by rest. */
static EFI_DEVICE_PATH_PROTOCOL *expand_partition(const EFI_DEVICE_PATH_PROTOCOL *path)
{
	EFI_DEVICE_PATH_PROTOCOL *result = NULL;
	EFI_HANDLE *handles;
	UINTN count;

	if (EFI_ERROR(handle_find_all(&dp_guid, &handles, &count)))
		return NULL;
	for (UINTN i = 0; i < count && !result; i++) {
		const EFI_DEVICE_PATH_PROTOCOL *dev, *node, *last = NULL;
		UINTN size;

		if (EFI_ERROR(handle_lookup(handles[i], &dp_guid, (void **)&dev)) || !dev ||
		    !device_path_size(dev))
			continue;
		for (node = dev; !device_path_is_end_any(node); node = device_path_next(node))
			last = node;
		if (!last || !same_partition((const HARDDRIVE_DEVICE_PATH *)path, last))
			continue;
		size = device_path_append(dev, device_path_next(path), NULL);
		result = size ? pool_alloc(EfiBootServicesData, size) : NULL;
		if (result)
			device_path_append(dev, device_path_next(path), result);
	}
	pool_free(handles);
	return result;
}

/* File(...) alone: the first file system holding that file, the boot ESP first. */
static EFI_DEVICE_PATH_PROTOCOL *expand_file(const EFI_DEVICE_PATH_PROTOCOL *path)
{
	EFI_DEVICE_PATH_PROTOCOL *result = NULL;
	EFI_HANDLE *handles, esp = disk_boot_partition();
	CHAR16 name[260];
	UINTN count, chars;

	if (EFI_ERROR(device_path_file_name(path, name, 260, &chars)))
		return NULL;
	if (esp && file_exists(esp, name))
		return file_path_on(esp, name);
	if (EFI_ERROR(handle_find_all(&fs_guid, &handles, &count)))
		return NULL;
	for (UINTN i = 0; i < count && !result; i++)
		if (file_exists(handles[i], name))
			result = file_path_on(handles[i], name);
	pool_free(handles);
	return result;
}

/* The full path to load for an option's path; a bare device gets the removable media path. */
static EFI_DEVICE_PATH_PROTOCOL *expand_path(const EFI_DEVICE_PATH_PROTOCOL *path)
{
	EFI_DEVICE_PATH_PROTOCOL *full, *rest, *with_file;
	EFI_HANDLE device;

	if (path->Type == MEDIA_DEVICE_PATH && path->SubType == MEDIA_HARDDRIVE_DP)
		full = expand_partition(path);
	else if (path->Type == MEDIA_DEVICE_PATH && path->SubType == MEDIA_FILEPATH_DP)
		full = expand_file(path);
	else
		full = device_path_alloc_duplicate(path);
	if (!full)
		return NULL;
	/* UEFI 2.10 §3.1.2: a path that ends at a device boots its removable media path. */
	rest = full;
	if (!EFI_ERROR(efi_locate_device_path((EFI_GUID *)&fs_guid, &rest, &device)) &&
	    device_path_is_end(rest)) {
		with_file = file_path_on(device, REMOVABLE_PATH);
		pool_free(full);
		full = with_file;
	}
	return full;
}

/* Load and start Boot####; its status, or why it could not be started. */
static EFI_STATUS boot_option(UINT16 number)
{
	CHAR16 name[9], label[LABEL_CHARS + 16], *text;
	EFI_DEVICE_PATH_PROTOCOL *path;
	struct load_option lo;
	EFI_STATUS status;
	UINTN size, n;
	void *data;

	load_option_variable_name(u"Boot", number, name);
	status = boot_variable_read(name, &data, &size);
	if (EFI_ERROR(status))
		return log_warn_status(status, "%ls is in the boot order but cannot be read", name);
	status = load_option_parse(data, size, &lo);
	if (EFI_ERROR(status)) {
		log_warn_status(status, "%ls is not a valid load option", name);
		goto out;
	}
	/* "Boot0001 (Debian)" names the option in every later message. */
	memcpy(label, name, 8 * sizeof(CHAR16));
	n = 8;
	label[n++] = ' ';
	label[n++] = '(';
	for (UINTN i = 0; i < lo.description_chars && i < LABEL_CHARS; i++)
		label[n++] = lo.description[i];
	label[n++] = ')';
	label[n] = 0;
	if (!(lo.attributes & LOAD_OPTION_ACTIVE) ||
	    (lo.attributes & LOAD_OPTION_CATEGORY) != LOAD_OPTION_CATEGORY_BOOT) {
		log_info("%ls is not an active boot option, skipped", label);
		status = EFI_NOT_STARTED;
		goto out;
	}
	path = expand_path(lo.file_path);
	if (!path) {
		text = device_path_alloc_text(lo.file_path);
		status = log_warn_status(EFI_NOT_FOUND, "%ls: no device for %ls", label,
					 text ? text : u"its path");
		pool_free(text);
		goto out;
	}
	/* UEFI 2.10 §3.3: BootCurrent is volatile, set by the boot manager for the OS to read. */
	variable_write(u"BootCurrent",
		       EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS,
		       sizeof(number), &number);
	status = boot_image(path, NULL, 0, label, lo.optional_data, lo.optional_data_size);
	pool_free(path);
out:
	pool_free(data);
	return status;
}

/* BootNext, deleted before its option runs so it is used once (UEFI 2.10 §3.1.2). */
static BOOLEAN take_boot_next(UINT16 *ret_number)
{
	EFI_STATUS status;
	UINTN size;
	void *data;

	if (EFI_ERROR(boot_variable_read(u"BootNext", &data, &size)))
		return FALSE;
	/* A BootNext that cannot be deleted would be booted again after every return. */
	status = variable_write(u"BootNext", 0, 0, NULL);
	if (EFI_ERROR(status)) {
		log_warn_status(status, "BootNext cannot be deleted, ignored");
		pool_free(data);
		return FALSE;
	}
	if (size != sizeof(UINT16)) {
		log_warn("BootNext has %llu bytes instead of 2, ignored", (UINT64)size);
		pool_free(data);
		return FALSE;
	}
	memcpy(ret_number, data, sizeof(UINT16));
	pool_free(data);
	return TRUE;
}

/*
 * The first option of BootOrder not tried yet. BootOrder is read afresh each time, so options an
 * application added before it returned are seen too.
 */
static BOOLEAN next_in_boot_order(UINT8 *tried, UINT16 *ret_number)
{
	BOOLEAN found = FALSE;
	UINT16 number;
	UINTN size;
	UINT8 *data;

	if (EFI_ERROR(boot_variable_read(u"BootOrder", (void **)&data, &size)))
		return FALSE;
	for (UINTN i = 0; i + 1 < size && !found; i += 2) {
		number = (UINT16)(data[i] | data[i + 1] << 8);
		if (tried[number / 8] & (1u << (number % 8)))
			continue;
		tried[number / 8] |= (UINT8)(1u << (number % 8));
		*ret_number = number;
		found = TRUE;
	}
	pool_free(data);
	return found;
}

/* The removable media path on fs, if the file is there; whether it was there. */
static BOOLEAN boot_removable_on(EFI_HANDLE fs)
{
	EFI_DEVICE_PATH_PROTOCOL *path;

	if (!file_exists(fs, REMOVABLE_PATH))
		return FALSE;
	path = file_path_on(fs, REMOVABLE_PATH);
	if (path)
		boot_image(path, NULL, 0, REMOVABLE_PATH, NULL, 0);
	pool_free(path);
	return TRUE;
}

/*
 * Without boot options: the removable media path on the boot ESP; Boot Loader Specification
 * entries there when it has none; then the removable media path on every other file system.
 */
static void boot_fallbacks(void)
{
	EFI_HANDLE boot_esp = disk_boot_partition();
	EFI_HANDLE *handles = NULL;
	UINTN count = 0;

	if (boot_esp && !boot_removable_on(boot_esp))
		bls_boot_entries(boot_esp);
	if (EFI_ERROR(handle_find_all(&fs_guid, &handles, &count)))
		return;
	for (UINTN i = 0; i < count; i++)
		if (handles[i] != boot_esp)
			boot_removable_on(handles[i]);
	pool_free(handles);
}

void boot_manager_run(void)
{
	/* One bit per option number: each Boot#### of BootOrder is tried once. */
	UINT8 *tried = pool_zalloc(0x10000 / 8);
	BOOLEAN fallbacks_done = FALSE;
	const CHAR16 *last;
	EFI_STATUS status;
	UINTN started;
	UINT16 number;

	if (!tried)
		panic("no memory for the boot manager");
	boot_menu_offer();
	for (;;) {
		/* After anything returns, look again: it may have set BootNext or new options. */
		if (take_boot_next(&number)) {
			log_info("BootNext: Boot%04X", number);
			boot_option(number);
		} else if (next_in_boot_order(tried, &number)) {
			if (boot_image_last(&last, &status))
				log_info("trying next: Boot%04X of BootOrder", number);
			boot_option(number);
		} else if (!fallbacks_done) {
			fallbacks_done = TRUE;
			if (boot_image_last(&last, &status))
				log_info("trying next: %ls and Boot Loader Specification entries",
					 REMOVABLE_PATH);
			boot_fallbacks();
		} else {
			break;
		}
	}
	started = boot_image_last(&last, &status);
	if (started)
		log_error("no boot option is left to try (%llu started and returned; "
			  "the last, %ls, returned %s)",
			  (UINT64)started, last, efi_status_name(status));
	else
		log_error("no boot option is left to try: no boot option worked, and no file "
			  "system has %ls or a Boot Loader Specification entry that loads",
			  REMOVABLE_PATH);
	panic("nothing more to boot");
}
