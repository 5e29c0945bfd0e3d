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

	if (EFI_ERROR(fw_cfg_read_file("opt/strata/test-update-stop", what, 1, &size)) ||
	    size != 1 || what[0] != step)
		return;
	log_warn("opt/strata/test-update-stop: halting after step %c of the promotion as asked",
		 step);
	cpu_halt_forever();
}

/* The three names of one stage: what promotion renames. */
struct stage_files {
	const char *what; /* "STAGE1" or "RUNTIME", for the log */
	const CHAR16 *new_path, *bin_path, *bak_path, *bin_name, *bak_name;
};

static const struct stage_files stage1_files = {
	"STAGE1",      u"\\STRATA\\STAGE1.NEW", u"\\STRATA\\STAGE1.BIN", u"\\STRATA\\STAGE1.BAK",
	u"STAGE1.BIN", u"STAGE1.BAK",
};
static const struct stage_files runtime_files = {
	"RUNTIME",
	u"\\STRATA\\RUNTIME.NEW",
	u"\\STRATA\\RUNTIME.BIN",
	u"\\STRATA\\RUNTIME.BAK",
	u"RUNTIME.BIN",
	u"RUNTIME.BAK",
};

/*
 * Each step leaves a bootable ESP (docs/updating.md): BAK goes only while BIN is there to become
 * the new BAK; BIN becomes BAK while NEW is there to boot; NEW becomes BIN while BAK is there.
 */
static EFI_STATUS promote(EFI_FILE_PROTOCOL *root, const struct stage_files *f)
{
	EFI_STATUS status;

	if (exists(root, f->bin_path)) {
		status = esp_remove(root, f->bak_path);
		if (EFI_ERROR(status))
			return status;
		test_stop('1');
		status = esp_rename(root, f->bin_path, f->bak_name);
		if (EFI_ERROR(status))
			return status;
		test_stop('2');
	}
	status = esp_rename(root, f->new_path, f->bin_name);
	if (!EFI_ERROR(status))
		test_stop('3');
	return status;
}

/* Promote f's NEW when it ran good, remove it when it failed; returns the outcome's word. */
static const char *settle(EFI_FILE_PROTOCOL *root, const struct stage_files *f, BOOLEAN ran,
			  BOOLEAN failed)
{
	if (ran) {
		if (EFI_ERROR(promote(root, f))) {
			log_error(
				"promoting %s.NEW failed: it stays and is tried again at the next "
				"boot",
				f->what);
			return "failed";
		}
		log_info("%s.NEW promoted: it is %s.BIN now, the previous %s.BIN is %s.BAK",
			 f->what, f->what, f->what, f->what);
		return "promoted";
	}
	if (!failed)
		return "none";
	if (EFI_ERROR(esp_remove(root, f->new_path)))
		return "failed";
	log_warn("%s.NEW failed its tries and was removed; %s.BIN and %s.BAK are unchanged",
		 f->what, f->what, f->what);
	return "discarded";
}

void stage1_update_apply(struct boot_record *r, const char **ret_stage1, const char **ret_runtime)
{
	BOOLEAN stage1_ran = r->current == BOOT_COPY_NEW;
	BOOLEAN stage1_failed = (r->passed & (1u << BOOT_COPY_NEW)) != 0;
	BOOLEAN runtime_ran = r->runtime == BOOT_RUNTIME_NEW;
	BOOLEAN runtime_failed = (r->passed & (1u << BOOT_COPY_RUNTIME_NEW)) != 0;
	EFI_FILE_PROTOCOL *root;

	*ret_stage1 = *ret_runtime = "none";
	if (!stage1_ran && !stage1_failed && !runtime_ran && !runtime_failed)
		return;
	if (EFI_ERROR(open_root(&root))) {
		*ret_stage1 = *ret_runtime = "failed";
		return;
	}
	*ret_stage1 = settle(root, &stage1_files, stage1_ran, stage1_failed);
	if (!strcmp(*ret_stage1, "promoted"))
		boot_record_promote(r);
	else if (!strcmp(*ret_stage1, "discarded"))
		boot_record_forget(r, BOOT_COPY_NEW);
	*ret_runtime = settle(root, &runtime_files, runtime_ran, runtime_failed);
	if (!strcmp(*ret_runtime, "promoted") || !strcmp(*ret_runtime, "discarded")) {
		boot_record_forget(r, BOOT_COPY_RUNTIME_NEW);
		if (runtime_ran)
			r->runtime = BOOT_RUNTIME_BIN;
	}
	root->Close(root);
}
