/* SPDX-License-Identifier: MIT */
/* STAGE1.NEW promotion in a power-safe order, and the removal of a STAGE1.NEW that failed its tries. */
#include "include/efi/protocol/simple_file_system.h"
#include "lib/drivers/fw_cfg.h"
#include "lib/drivers/io.h"
#include "lib/string.h"
#include "stage1/boot/stage1_update.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "update: "
#include "lib/log.h"

static EFI_STATUS open_root(EFI_FILE_PROTOCOL **ret_root)
{
	static EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_HANDLE esp = disk_boot_partition();
	EFI_STATUS status;

	if (!esp)
		return log_error_status(EFI_NOT_FOUND, "no boot ESP to update");
	status = efi_handle_protocol(esp, &fs_guid, (VOID **)&fs);
	if (EFI_ERROR(status))
		return log_error_status(status, "boot ESP has no file system");
	status = fs->OpenVolume(fs, ret_root);
	if (EFI_ERROR(status))
		return log_error_status(status, "opening the boot ESP");
	return EFI_SUCCESS;
}

static BOOLEAN exists(EFI_FILE_PROTOCOL *root, const CHAR16 *path)
{
	EFI_FILE_PROTOCOL *f;

	if (EFI_ERROR(root->Open(root, &f, (CHAR16 *)path, EFI_FILE_MODE_READ, 0)))
		return FALSE;
	f->Close(f);
	return TRUE;
}

/* Delete path; a file that is not there is already deleted. */
static EFI_STATUS esp_remove(EFI_FILE_PROTOCOL *root, const CHAR16 *path)
{
	EFI_FILE_PROTOCOL *f;
	EFI_STATUS status;

	status = root->Open(root, &f, (CHAR16 *)path, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0);
	if (status == EFI_NOT_FOUND)
		return EFI_SUCCESS;
	if (EFI_ERROR(status))
		return log_error_status(status, "opening %ls to delete it", path);
	/* Delete closes the handle, also when it fails (UEFI 2.10 §13.5). */
	status = f->Delete(f);
	if (EFI_ERROR(status))
		return log_error_status(status, "deleting %ls", path);
	return root->Flush(root);
}

/* Rename path to name in the same directory: one directory entry replaced by another. */
static EFI_STATUS esp_rename(EFI_FILE_PROTOCOL *root, const CHAR16 *path, const CHAR16 *name)
{
	static EFI_GUID info_guid = EFI_FILE_INFO_ID;
	EFI_FILE_PROTOCOL *f;
	EFI_FILE_INFO *info;
	UINTN size = 0, name_size = sizeof(CHAR16);
	EFI_STATUS status;

	for (const CHAR16 *c = name; *c; c++)
		name_size += sizeof(CHAR16);

	status = root->Open(root, &f, (CHAR16 *)path, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0);
	if (EFI_ERROR(status))
		return log_error_status(status, "opening %ls to rename it", path);
	status = f->GetInfo(f, &info_guid, &size, NULL);
	if (status != EFI_BUFFER_TOO_SMALL)
		goto err_close;
	info = pool_zalloc(size + name_size);
	status = EFI_OUT_OF_RESOURCES;
	if (!info)
		goto err_close;
	status = f->GetInfo(f, &info_guid, &size, info);
	if (EFI_ERROR(status))
		goto err_free;
	memcpy(info->FileName, name, name_size);
	info->Size = SIZE_OF_EFI_FILE_INFO + name_size;
	status = f->SetInfo(f, &info_guid, info->Size, info);
	if (!EFI_ERROR(status))
		status = f->Flush(f);
err_free:
	pool_free(info);
err_close:
	f->Close(f);
	if (EFI_ERROR(status))
		return log_error_status(status, "renaming %ls to %ls", path, name);
	return EFI_SUCCESS;
}

/* Test hook: opt/strata/test-update-stop "N" halts after step N, for the power-cut tests. */
static void test_stop(char step)
{
	char what[2];
	UINTN size;

	if (EFI_ERROR(fw_cfg_read_file("opt/strata/test-update-stop", what, 1, &size)) || size != 1 ||
	    what[0] != step)
		return;
	log_warn("opt/strata/test-update-stop: halting after step %c of the promotion as asked",
		 step);
	cpu_halt_forever();
}

/*
 * Each step leaves a bootable ESP (docs/updates.md): BAK goes only while BIN is there to become
 * the new BAK; BIN becomes BAK while NEW is there to boot; NEW becomes BIN while BAK is there.
 */
static EFI_STATUS promote(EFI_FILE_PROTOCOL *root)
{
	EFI_STATUS status;

	if (exists(root, u"\\STRATA\\STAGE1.BIN")) {
		status = esp_remove(root, u"\\STRATA\\STAGE1.BAK");
		if (EFI_ERROR(status))
			return status;
		test_stop('1');
		status = esp_rename(root, u"\\STRATA\\STAGE1.BIN", u"STAGE1.BAK");
		if (EFI_ERROR(status))
			return status;
		test_stop('2');
	}
	status = esp_rename(root, u"\\STRATA\\STAGE1.NEW", u"STAGE1.BIN");
	if (!EFI_ERROR(status))
		test_stop('3');
	return status;
}

const char *stage1_update_apply(struct boot_record *r)
{
	EFI_FILE_PROTOCOL *root;
	const char *outcome = "none";
	EFI_STATUS status;

	if (r->current != BOOT_COPY_NEW && !(r->passed & (1u << BOOT_COPY_NEW)))
		return outcome;
	if (EFI_ERROR(open_root(&root)))
		return "failed";
	if (r->current == BOOT_COPY_NEW) {
		status = promote(root);
		if (EFI_ERROR(status)) {
			log_error("promoting STAGE1.NEW failed: it stays and is tried again at the "
				  "next boot");
			outcome = "failed";
		} else {
			boot_record_promote(r);
			log_info("STAGE1.NEW promoted: it is STAGE1.BIN now, the previous "
				 "STAGE1.BIN is STAGE1.BAK");
			outcome = "promoted";
		}
	} else {
		status = esp_remove(root, u"\\STRATA\\STAGE1.NEW");
		if (EFI_ERROR(status)) {
			outcome = "failed";
		} else {
			boot_record_forget(r, BOOT_COPY_NEW);
			log_warn("STAGE1.NEW failed its tries and was removed; STAGE1.BIN and "
				 "STAGE1.BAK are unchanged");
			outcome = "discarded";
		}
	}
	root->Close(root);
	return outcome;
}
