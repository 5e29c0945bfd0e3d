/* SPDX-License-Identifier: MIT */
/* File protocol writes (UEFI 2.10 §13.5): Open with CREATE, Write, SetInfo, Delete, Flush. */
#include "include/efi/runtime_services.h"
#include "lib/container_of.h"
#include "lib/storage/fat_write.h"
#include "lib/string.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"
#include "stage1/protocols/filesystem_internal.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "fs: "
#include "lib/log.h"

static const EFI_GUID file_info_guid = EFI_FILE_INFO_ID;
static const EFI_GUID fs_info_guid = EFI_FILE_SYSTEM_INFO_ID;
static const EFI_GUID fs_label_guid = EFI_FILE_SYSTEM_VOLUME_LABEL_ID;

/* fatgen103 §6.4; FALSE for a time FAT cannot hold (before 1980, after 2107, out of range). */
static BOOLEAN efi_time_to_fat(const EFI_TIME *t, UINT16 *ret_date, UINT16 *ret_time)
{
	if (t->Year < 1980 || t->Year > 2107 || t->Month < 1 || t->Month > 12 || t->Day < 1 ||
	    t->Day > 31 || t->Hour > 23 || t->Minute > 59 || t->Second > 59)
		return FALSE;
	*ret_date = (UINT16)((t->Year - 1980) << 9 | t->Month << 5 | t->Day);
	*ret_time = (UINT16)(t->Hour << 11 | t->Minute << 5 | t->Second / 2);
	return TRUE;
}

void fs_clock(UINT16 *ret_date, UINT16 *ret_time)
{
	EFI_TIME now;

	if (!efi_st || !efi_st->RuntimeServices ||
	    EFI_ERROR(efi_st->RuntimeServices->GetTime(&now, NULL)))
		return;
	efi_time_to_fat(&now, ret_date, ret_time);
}

static BOOLEAN is_separator(CHAR16 c)
{
	return c == '\\' || c == '/';
}

/* Split path at its last separator: a pool copy of the directory part, and the last name. */
static EFI_STATUS split_path(const CHAR16 *path, CHAR16 **ret_dir, const CHAR16 **ret_name)
{
	UINTN len = 0, cut;
	CHAR16 *dir;

	while (path[len])
		len++;
	while (len > 0 && is_separator(path[len - 1]))
		len--;
	for (cut = len; cut > 0 && !is_separator(path[cut - 1]); cut--)
		;
	dir = pool_alloc(EfiBootServicesData, (cut + 1) * sizeof(CHAR16));
	if (!dir)
		return EFI_OUT_OF_RESOURCES;
	memcpy(dir, path, cut * sizeof(CHAR16));
	dir[cut] = 0;
	*ret_dir = dir;
	*ret_name = path + cut;
	return EFI_SUCCESS;
}

/* A copy of the last name of path without trailing separators, for fat_create. */
static EFI_STATUS last_name(const CHAR16 *name, CHAR16 **ret)
{
	UINTN len = 0;
	CHAR16 *copy;

	while (name[len] && !is_separator(name[len]))
		len++;
	copy = pool_alloc(EfiBootServicesData, (len + 1) * sizeof(CHAR16));
	if (!copy)
		return EFI_OUT_OF_RESOURCES;
	memcpy(copy, name, len * sizeof(CHAR16));
	copy[len] = 0;
	*ret = copy;
	return EFI_SUCCESS;
}

EFI_STATUS file_create(struct file *dir, const CHAR16 *path, UINT64 attributes,
		       struct fat_file *ret_file)
{
	struct fat_volume *vol = &dir->fs->vol;
	struct fat_file parent;
	const CHAR16 *name;
	CHAR16 *dir_path, *leaf = NULL;
	EFI_STATUS status;

	status = split_path(path, &dir_path, &name);
	if (EFI_ERROR(status))
		return status;
	status = fat_open(vol, &dir->fat, dir_path, &parent);
	if (!EFI_ERROR(status) && !(parent.attributes & FAT_ATTR_DIRECTORY))
		status = EFI_NOT_FOUND;
	if (!EFI_ERROR(status))
		status = last_name(name, &leaf);
	if (!EFI_ERROR(status)) {
		status = fat_create(&parent, leaf, (UINT8)attributes, ret_file);
		if (EFI_ERROR(status))
			log_warn("create %ls: %s", path, efi_status_name(status));
	}
	pool_free(leaf);
	pool_free(dir_path);
	return status;
}

/* After f's entry changed, from where it was (old_cluster, old_index), other handles follow. */
static void sync_handles(struct file *f, UINT32 old_cluster, UINT32 old_index)
{
	if (old_index == FAT_UNKNOWN)
		return;
	for (struct file *o = f->fs->files; o; o = o->next)
		if (o != f && o->fat.dir_cluster == old_cluster && o->fat.dir_index == old_index)
			o->fat = f->fat;
}

/* What a change through f needs: a writable volume, then a handle opened for writing. */
static EFI_STATUS may_change(const struct file *f)
{
	if (!fat_writable(&f->fs->vol))
		return EFI_WRITE_PROTECTED;
	return f->writable ? EFI_SUCCESS : EFI_ACCESS_DENIED;
}

EFI_STATUS EFIAPI file_write(EFI_FILE_PROTOCOL *This, UINTN *BufferSize, VOID *Buffer)
{
	struct file *f;
	EFI_STATUS status;
	EFI_TPL tpl;

	if (!This || !BufferSize || (*BufferSize && !Buffer))
		return EFI_INVALID_PARAMETER;
	f = container_of(This, struct file, proto);
	if (is_dir(f))
		return EFI_UNSUPPORTED;
	status = may_change(f);
	if (EFI_ERROR(status))
		return status;
	tpl = fs_lock();
	status = fat_write(&f->fat, f->position, Buffer, *BufferSize);
	if (!EFI_ERROR(status))
		sync_handles(f, f->fat.dir_cluster, f->fat.dir_index);
	fs_unlock(tpl);
	if (EFI_ERROR(status)) {
		*BufferSize = 0;
		if (status == EFI_VOLUME_FULL)
			return log_warn_status(status, "write %ls: volume full", f->fat.name);
		return log_error_status(status, "write %ls at %llu", f->fat.name, f->position);
	}
	f->position += *BufferSize;
	return EFI_SUCCESS;
}

static UINTN name_len(const CHAR16 *s, UINTN max)
{
	UINTN n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static BOOLEAN time_set(const EFI_TIME *t)
{
	static const EFI_TIME zero;

	return memcmp(t, &zero, sizeof(zero)) != 0;
}

/* Rename or move f to path (absolute, or relative to f's directory). */
static EFI_STATUS rename_to(struct file *f, const CHAR16 *path)
{
	struct fat_volume *vol = &f->fs->vol;
	struct fat_file parent = { .vol = vol,
				   .first_cluster = f->fat.dir_cluster,
				   .attributes = FAT_ATTR_DIRECTORY,
				   .dir_index = FAT_UNKNOWN };
	struct fat_file new_dir;
	const CHAR16 *name;
	CHAR16 *dir_path, *leaf = NULL;
	EFI_STATUS status;

	status = split_path(path, &dir_path, &name);
	if (EFI_ERROR(status))
		return status;
	status = fat_open(vol, &parent, dir_path, &new_dir);
	if (!EFI_ERROR(status) && !(new_dir.attributes & FAT_ATTR_DIRECTORY))
		status = EFI_NOT_FOUND;
	if (!EFI_ERROR(status))
		status = last_name(name, &leaf);
	if (!EFI_ERROR(status))
		status = fat_rename(&f->fat, &new_dir, leaf);
	pool_free(leaf);
	pool_free(dir_path);
	return status;
}

/*
 * EFI_FILE_INFO: size, name (rename and move), attributes and times; a zeroed time leaves the
 * time alone. The directory bit cannot change; a read-only file may change its attributes only.
 */
static EFI_STATUS set_file_info(struct file *f, UINTN size, EFI_FILE_INFO *info)
{
	struct fat_file *fat = &f->fat;
	UINTN chars = (size - SIZE_OF_EFI_FILE_INFO) / sizeof(CHAR16), len;
	UINT32 old_cluster = fat->dir_cluster, old_index = fat->dir_index;
	BOOLEAN renaming, resizing;
	UINT16 date, time;
	EFI_STATUS status;

	len = name_len(info->FileName, chars);
	if (info->Size > size || info->Size < SIZE_OF_EFI_FILE_INFO || len == chars ||
	    (info->Attribute & ~EFI_FILE_VALID_ATTR))
		return EFI_INVALID_PARAMETER;
	if (((info->Attribute & EFI_FILE_DIRECTORY) != 0) != is_dir(f))
		return EFI_ACCESS_DENIED;
	renaming = len != name_len(fat->name, FAT_NAME_MAX + 1) ||
		   memcmp(info->FileName, fat->name, len * sizeof(CHAR16));
	resizing = !is_dir(f) && info->FileSize != fat->size;
	if (is_dir(f) && info->FileSize != 0 && info->FileSize != fat->size)
		return EFI_ACCESS_DENIED;
	if (fat->dir_index == FAT_UNKNOWN) {
		/* The root (or a "..") has no entry of its own to change. */
		if (renaming || info->Attribute != (fat->attributes & EFI_FILE_VALID_ATTR))
			return EFI_ACCESS_DENIED;
		return EFI_SUCCESS;
	}
	if ((fat->attributes & FAT_ATTR_READ_ONLY) && (renaming || resizing))
		return EFI_ACCESS_DENIED;
	if (renaming) {
		status = rename_to(f, info->FileName);
		if (EFI_ERROR(status))
			return status;
	}
	if (resizing) {
		status = fat_set_size(fat, info->FileSize);
		if (EFI_ERROR(status))
			return status;
	}
	if (time_set(&info->CreateTime)) {
		if (!efi_time_to_fat(&info->CreateTime, &date, &time))
			return EFI_INVALID_PARAMETER;
		fat->create_date = date;
		fat->create_time = time;
	}
	if (time_set(&info->ModificationTime)) {
		if (!efi_time_to_fat(&info->ModificationTime, &date, &time))
			return EFI_INVALID_PARAMETER;
		fat->write_date = date;
		fat->write_time = time;
	}
	if (time_set(&info->LastAccessTime)) {
		if (!efi_time_to_fat(&info->LastAccessTime, &date, &time))
			return EFI_INVALID_PARAMETER;
		fat->access_date = date;
	}
	fat->attributes = (UINT8)((fat->attributes & ~EFI_FILE_VALID_ATTR) | info->Attribute);
	status = fat_update_entry(fat);
	if (!EFI_ERROR(status))
		sync_handles(f, old_cluster, old_index);
	return status;
}

EFI_STATUS EFIAPI file_set_info(EFI_FILE_PROTOCOL *This, EFI_GUID *InformationType,
				UINTN BufferSize, VOID *Buffer)
{
	struct file *f;
	EFI_STATUS status;
	EFI_TPL tpl;

	if (!This || !InformationType || !Buffer)
		return EFI_INVALID_PARAMETER;
	f = container_of(This, struct file, proto);
	if (guid_equal(InformationType, &fs_info_guid) ||
	    guid_equal(InformationType, &fs_label_guid)) {
		/* Changing the volume label is not implemented (docs/storage.md). */
		return fat_writable(&f->fs->vol) ? EFI_UNSUPPORTED : EFI_WRITE_PROTECTED;
	}
	if (!guid_equal(InformationType, &file_info_guid))
		return EFI_UNSUPPORTED;
	if (BufferSize < SIZE_OF_EFI_FILE_INFO + sizeof(CHAR16))
		return EFI_BAD_BUFFER_SIZE;
	status = may_change(f);
	if (EFI_ERROR(status))
		return status;
	tpl = fs_lock();
	status = set_file_info(f, BufferSize, Buffer);
	fs_unlock(tpl);
	if (EFI_ERROR(status))
		log_debug("set info of %ls: %s", f->fat.name, efi_status_name(status));
	return status;
}

/* Delete closes the handle whatever happens; its one failure is a warning (§13.5.4). */
EFI_STATUS EFIAPI file_delete(EFI_FILE_PROTOCOL *This)
{
	struct file *f;
	EFI_STATUS status;
	EFI_TPL tpl;

	if (!This)
		return EFI_INVALID_PARAMETER;
	f = container_of(This, struct file, proto);
	status = may_change(f);
	if (!EFI_ERROR(status)) {
		tpl = fs_lock();
		status = fat_delete(&f->fat);
		fs_unlock(tpl);
	}
	if (EFI_ERROR(status))
		log_debug("delete %ls: %s", f->fat.name, efi_status_name(status));
	file_close(This);
	return EFI_ERROR(status) ? EFI_WARN_DELETE_FAILURE : EFI_SUCCESS;
}

/* Write leaves the FAT link and the entry in memory; Flush writes them and flushes the disk. */
EFI_STATUS EFIAPI file_flush(EFI_FILE_PROTOCOL *This)
{
	struct file *f;
	EFI_STATUS status;
	EFI_TPL tpl;

	if (!This)
		return EFI_INVALID_PARAMETER;
	f = container_of(This, struct file, proto);
	status = may_change(f);
	if (EFI_ERROR(status))
		return status;
	tpl = fs_lock();
	status = fat_sync(&f->fs->vol);
	fs_unlock(tpl);
	return status;
}
