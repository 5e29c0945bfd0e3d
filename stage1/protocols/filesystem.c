/* SPDX-License-Identifier: MIT */
/* SimpleFileSystem and File protocols (UEFI 2.10 §13.4-13.5) over lib/storage/fat.c: open, read, info. */
#include "include/efi/protocol/simple_file_system.h"
#include "lib/container_of.h"
#include "lib/formats/device_path.h"
#include "lib/storage/fat_write.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"
#include "stage1/protocols/filesystem.h"
#include "stage1/protocols/filesystem_internal.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "fs: "
#include "lib/log.h"

#define POSITION_END 0xffffffffffffffffull

static const EFI_GUID sfs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static const EFI_GUID file_info_guid = EFI_FILE_INFO_ID;
static const EFI_GUID fs_info_guid = EFI_FILE_SYSTEM_INFO_ID;
static const EFI_GUID fs_label_guid = EFI_FILE_SYSTEM_VOLUME_LABEL_ID;

BOOLEAN is_dir(const struct file *f)
{
	return (f->fat.attributes & FAT_ATTR_DIRECTORY) != 0;
}

/* The FAT code keeps one-sector caches per volume: callbacks must not interleave with a caller. */
EFI_TPL fs_lock(void)
{
	EFI_TPL old = tpl_current();

	return old < TPL_CALLBACK ? efi_raise_tpl(TPL_CALLBACK) : old;
}

void fs_unlock(EFI_TPL old)
{
	if (old < TPL_CALLBACK)
		efi_restore_tpl(old);
}

static UINTN name_chars(const CHAR16 *s)
{
	UINTN n = 0;

	while (s[n])
		n++;
	return n;
}

/* fatgen103 §6.4: date = year-1980:7 month:4 day:5, time = hour:5 minute:6 seconds/2:5. */
static void fat_time_to_efi(UINT16 date, UINT16 time, EFI_TIME *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->Year = (UINT16)(1980 + (date >> 9));
	ret->Month = (date >> 5) & 0x0f;
	ret->Day = date & 0x1f;
	ret->Hour = (UINT8)(time >> 11);
	ret->Minute = (time >> 5) & 0x3f;
	ret->Second = (UINT8)((time & 0x1f) * 2);
	ret->TimeZone = EFI_UNSPECIFIED_TIMEZONE;
}

static UINTN file_info_size(const struct fat_file *f)
{
	return SIZE_OF_EFI_FILE_INFO + (name_chars(f->name) + 1) * sizeof(CHAR16);
}

static void file_info_fill(const struct fat_file *f, EFI_FILE_INFO *info)
{
	UINT32 cluster = f->vol->cluster_size;

	info->Size = file_info_size(f);
	info->FileSize = f->size;
	info->PhysicalSize = ((UINT64)f->size + cluster - 1) / cluster * cluster;
	fat_time_to_efi(f->create_date, f->create_time, &info->CreateTime);
	fat_time_to_efi(f->access_date, 0, &info->LastAccessTime);
	fat_time_to_efi(f->write_date, f->write_time, &info->ModificationTime);
	info->Attribute = f->attributes & EFI_FILE_VALID_ATTR;
	memcpy(info->FileName, f->name, (name_chars(f->name) + 1) * sizeof(CHAR16));
}

/* The boot sector's label; "NO NAME" is what formatters write when there is none. */
static void volume_label(const struct fat_volume *vol, CHAR16 ret_label[12])
{
	UINTN i;

	for (i = 0; i < 11 && vol->label[i]; i++)
		ret_label[i] = (UINT8)vol->label[i];
	ret_label[i] = 0;
	if (!strcmp(vol->label, "NO NAME"))
		ret_label[0] = 0;
}

static EFI_FILE_PROTOCOL file_template;

static EFI_STATUS file_new(struct filesystem *fs, const struct fat_file *fat, BOOLEAN writable,
			   EFI_FILE_PROTOCOL **ret)
{
	struct file *f = pool_zalloc(sizeof(*f));

	if (!f)
		return EFI_OUT_OF_RESOURCES;
	f->proto = file_template;
	f->fs = fs;
	f->fat = *fat;
	f->writable = writable;
	f->next = fs->files;
	fs->files = f;
	*ret = &f->proto;
	return EFI_SUCCESS;
}

/*
 * Writes of any kind find a write-protected volume first, as EDK2's FAT driver checks; then a
 * read-only file refuses a handle that may write (EFI_ACCESS_DENIED).
 */
static EFI_STATUS EFIAPI file_open(EFI_FILE_PROTOCOL *This, EFI_FILE_PROTOCOL **NewHandle,
				   CHAR16 *FileName, UINT64 OpenMode, UINT64 Attributes)
{
	BOOLEAN writable = (OpenMode & EFI_FILE_MODE_WRITE) != 0;
	struct file *dir;
	struct fat_file found;
	EFI_STATUS status;
	EFI_TPL tpl;

	if (!This || !NewHandle || !FileName)
		return EFI_INVALID_PARAMETER;
	if (OpenMode != EFI_FILE_MODE_READ &&
	    OpenMode != (EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE) &&
	    OpenMode != (EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE))
		return EFI_INVALID_PARAMETER;
	if ((OpenMode & EFI_FILE_MODE_CREATE) && (Attributes & ~EFI_FILE_VALID_ATTR))
		return EFI_INVALID_PARAMETER;
	dir = container_of(This, struct file, proto);
	if (writable && !fat_writable(&dir->fs->vol))
		return EFI_WRITE_PROTECTED;
	tpl = fs_lock();
	status = fat_open(&dir->fs->vol, &dir->fat, FileName, &found);
	if (status == EFI_NOT_FOUND && (OpenMode & EFI_FILE_MODE_CREATE))
		status = file_create(dir, FileName, Attributes, &found);
	if (!EFI_ERROR(status))
		fat_pending_apply(&dir->fs->vol, &found);
	fs_unlock(tpl);
	if (EFI_ERROR(status)) {
		log_debug("open %ls: %s", FileName, efi_status_name(status));
		return status;
	}
	if (writable && (found.attributes & FAT_ATTR_READ_ONLY) && !(OpenMode & EFI_FILE_MODE_CREATE))
		return EFI_ACCESS_DENIED;
	return file_new(dir->fs, &found, writable, NewHandle);
}

/* A handle that may write flushes what Write held back, then the disk. */
EFI_STATUS EFIAPI file_close(EFI_FILE_PROTOCOL *This)
{
	struct file *f, **p;
	EFI_TPL tpl;

	if (!This)
		return EFI_INVALID_PARAMETER;
	f = container_of(This, struct file, proto);
	if (f->writable && fat_writable(&f->fs->vol)) {
		tpl = fs_lock();
		fat_sync(&f->fs->vol);
		fs_unlock(tpl);
	}
	for (p = &f->fs->files; *p; p = &(*p)->next) {
		if (*p == f) {
			*p = f->next;
			break;
		}
	}
	pool_free(f);
	return EFI_SUCCESS;
}

/* Directories return one EFI_FILE_INFO per call, 0 bytes at the end (§13.5.5). */
static EFI_STATUS dir_read(struct file *f, UINTN *size, void *buf)
{
	struct fat_dir_cursor saved = f->cursor;
	struct fat_file entry;
	UINTN need;
	EFI_STATUS status;

	status = fat_dir_next(&f->fat, &f->cursor, &entry);
	if (status == EFI_NOT_FOUND) {
		f->cursor = saved;
		*size = 0;
		return EFI_SUCCESS;
	}
	if (EFI_ERROR(status))
		return log_error_status(status, "read directory %ls", f->fat.name);
	fat_pending_apply(&f->fs->vol, &entry);
	need = file_info_size(&entry);
	if (*size < need || !buf) {
		f->cursor = saved;
		*size = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	file_info_fill(&entry, buf);
	*size = need;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI file_read(EFI_FILE_PROTOCOL *This, UINTN *BufferSize, VOID *Buffer)
{
	struct file *f;
	UINTN n = 0;
	EFI_STATUS status;
	EFI_TPL tpl;

	if (!This || !BufferSize)
		return EFI_INVALID_PARAMETER;
	f = container_of(This, struct file, proto);
	/* A directory answers a NULL buffer with the size it needs; a file needs a buffer. */
	if (*BufferSize && !Buffer && !is_dir(f))
		return EFI_INVALID_PARAMETER;
	tpl = fs_lock();
	if (is_dir(f)) {
		status = dir_read(f, BufferSize, Buffer);
		fs_unlock(tpl);
		return status;
	}
	if (f->position > f->fat.size) {
		fs_unlock(tpl);
		return EFI_DEVICE_ERROR;
	}
	status = fat_read(&f->fat, f->position, Buffer, *BufferSize, &n);
	fs_unlock(tpl);
	if (EFI_ERROR(status))
		return log_error_status(status, "read %ls at %llu", f->fat.name, f->position);
	f->position += n;
	*BufferSize = n;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI file_get_position(EFI_FILE_PROTOCOL *This, UINT64 *Position)
{
	struct file *f;

	if (!This || !Position)
		return EFI_INVALID_PARAMETER;
	f = container_of(This, struct file, proto);
	if (is_dir(f))
		return EFI_UNSUPPORTED;
	*Position = f->position;
	return EFI_SUCCESS;
}

/* Files: any position, past the end too (Read then fails); directories: only 0, to restart. */
static EFI_STATUS EFIAPI file_set_position(EFI_FILE_PROTOCOL *This, UINT64 Position)
{
	struct file *f;

	if (!This)
		return EFI_INVALID_PARAMETER;
	f = container_of(This, struct file, proto);
	if (is_dir(f)) {
		if (Position != 0)
			return EFI_UNSUPPORTED;
		f->cursor = (struct fat_dir_cursor){ 0 };
		return EFI_SUCCESS;
	}
	f->position = Position == POSITION_END ? f->fat.size : Position;
	return EFI_SUCCESS;
}

/* Copy size bytes of a filled record to Buffer, or say how many are needed. */
static EFI_STATUS info_result(UINTN need, UINTN *BufferSize, VOID *Buffer)
{
	if (*BufferSize < need || !Buffer) {
		*BufferSize = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	*BufferSize = need;
	return EFI_SUCCESS;
}

static EFI_STATUS fs_info(struct filesystem *fs, UINTN *BufferSize, VOID *Buffer)
{
	EFI_FILE_SYSTEM_INFO *info = Buffer;
	CHAR16 label[12];
	UINT32 free_count = 0;
	UINTN need;
	EFI_STATUS status;

	volume_label(&fs->vol, label);
	need = SIZE_OF_EFI_FILE_SYSTEM_INFO + (name_chars(label) + 1) * sizeof(CHAR16);
	status = info_result(need, BufferSize, Buffer);
	if (EFI_ERROR(status))
		return status;
	status = fat_count_free(&fs->vol, &free_count);
	if (EFI_ERROR(status))
		return log_error_status(status, "read the FAT");
	info->Size = need;
	info->ReadOnly = !fat_writable(&fs->vol);
	info->VolumeSize = (UINT64)fs->vol.cluster_count * fs->vol.cluster_size;
	info->FreeSpace = (UINT64)free_count * fs->vol.cluster_size;
	info->BlockSize = fs->vol.cluster_size;
	memcpy(info->VolumeLabel, label, (name_chars(label) + 1) * sizeof(CHAR16));
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI file_get_info(EFI_FILE_PROTOCOL *This, EFI_GUID *InformationType,
				       UINTN *BufferSize, VOID *Buffer)
{
	struct file *f;
	CHAR16 label[12];
	EFI_STATUS status;
	EFI_TPL tpl;

	if (!This || !InformationType || !BufferSize)
		return EFI_INVALID_PARAMETER;
	f = container_of(This, struct file, proto);
	if (guid_equal(InformationType, &file_info_guid)) {
		status = info_result(file_info_size(&f->fat), BufferSize, Buffer);
		if (!EFI_ERROR(status))
			file_info_fill(&f->fat, Buffer);
		return status;
	}
	if (guid_equal(InformationType, &fs_info_guid)) {
		tpl = fs_lock();
		status = fs_info(f->fs, BufferSize, Buffer);
		fs_unlock(tpl);
		return status;
	}
	if (guid_equal(InformationType, &fs_label_guid)) {
		volume_label(&f->fs->vol, label);
		status = info_result((name_chars(label) + 1) * sizeof(CHAR16), BufferSize, Buffer);
		if (!EFI_ERROR(status))
			memcpy(Buffer, label, *BufferSize);
		return status;
	}
	return EFI_UNSUPPORTED;
}

/*
 * Revision 2: every request completes before the call returns. With an event, the result goes
 * to Token->Status and the event is signalled; without one the call is blocking (§13.5.7).
 */
static EFI_STATUS complete(EFI_FILE_IO_TOKEN *token, EFI_STATUS status)
{
	token->Status = status;
	if (!token->Event)
		return status;
	efi_signal_event(token->Event);
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI file_open_ex(EFI_FILE_PROTOCOL *This, EFI_FILE_PROTOCOL **NewHandle,
				      CHAR16 *FileName, UINT64 OpenMode, UINT64 Attributes,
				      EFI_FILE_IO_TOKEN *Token)
{
	if (!Token)
		return EFI_INVALID_PARAMETER;
	return complete(Token, file_open(This, NewHandle, FileName, OpenMode, Attributes));
}

static EFI_STATUS EFIAPI file_read_ex(EFI_FILE_PROTOCOL *This, EFI_FILE_IO_TOKEN *Token)
{
	if (!Token)
		return EFI_INVALID_PARAMETER;
	return complete(Token, file_read(This, &Token->BufferSize, Token->Buffer));
}

static EFI_STATUS EFIAPI file_write_ex(EFI_FILE_PROTOCOL *This, EFI_FILE_IO_TOKEN *Token)
{
	if (!Token)
		return EFI_INVALID_PARAMETER;
	return complete(Token, file_write(This, &Token->BufferSize, Token->Buffer));
}

static EFI_STATUS EFIAPI file_flush_ex(EFI_FILE_PROTOCOL *This, EFI_FILE_IO_TOKEN *Token)
{
	if (!Token)
		return EFI_INVALID_PARAMETER;
	return complete(Token, file_flush(This));
}

static EFI_FILE_PROTOCOL file_template = {
	.Revision = EFI_FILE_PROTOCOL_REVISION2,
	.Open = file_open,
	.Close = file_close,
	.Delete = file_delete,
	.Read = file_read,
	.Write = file_write,
	.GetPosition = file_get_position,
	.SetPosition = file_set_position,
	.GetInfo = file_get_info,
	.SetInfo = file_set_info,
	.Flush = file_flush,
	.OpenEx = file_open_ex,
	.ReadEx = file_read_ex,
	.WriteEx = file_write_ex,
	.FlushEx = file_flush_ex,
};

static EFI_STATUS EFIAPI fs_open_volume(EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *This,
					EFI_FILE_PROTOCOL **Root)
{
	struct filesystem *fs;
	struct fat_file root;

	if (!This || !Root)
		return EFI_INVALID_PARAMETER;
	fs = container_of(This, struct filesystem, sfs);
	fat_open_root(&fs->vol, &root);
	return file_new(fs, &root, fat_writable(&fs->vol), Root);
}

static struct filesystem *filesystems;

void filesystem_flush_all(void)
{
	EFI_STATUS status;

	for (struct filesystem *fs = filesystems; fs; fs = fs->next) {
		if (!fat_writable(&fs->vol))
			continue;
		status = fat_sync(&fs->vol);
		if (EFI_ERROR(status))
			log_error_status(status, "flush of volume %08x", fs->vol.serial);
	}
}

/* At TPL_NOTIFY, before the disks stop at TPL_CALLBACK (disk_controllers.c). */
static VOID EFIAPI fs_exit_boot_services(EFI_EVENT Event, VOID *Context)
{
	filesystem_flush_all();
}

EFI_STATUS filesystem_install(EFI_HANDLE handle, struct block_device *dev, EFI_LBA first_lba,
			      UINT64 lba_count, struct filesystem **ret_fs)
{
	static const EFI_GUID exit_group = EFI_EVENT_GROUP_EXIT_BOOT_SERVICES;
	struct filesystem *fs = pool_zalloc(sizeof(*fs));
	EFI_EVENT event;
	EFI_STATUS status;

	if (!fs)
		return log_error_status(EFI_OUT_OF_RESOURCES, "file system state");
	if (!filesystems) {
		status = event_create(EVT_NOTIFY_SIGNAL, TPL_NOTIFY, fs_exit_boot_services, NULL,
				      &exit_group, &event);
		if (EFI_ERROR(status))
			log_error_status(status, "ExitBootServices event of the file systems");
		runtime_set_reset_notify(filesystem_flush_all);
	}
	status = fat_mount(&fs->vol, dev, first_lba, lba_count);
	if (EFI_ERROR(status))
		goto err_free;
	fs->vol.clock = fs_clock;
	fs->sfs.Revision = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_REVISION;
	fs->sfs.OpenVolume = fs_open_volume;
	status = handle_install(&handle, &sfs_guid, &fs->sfs);
	if (EFI_ERROR(status)) {
		log_error_status(status, "install SimpleFileSystem");
		goto err_free;
	}
	fs->next = filesystems;
	filesystems = fs;
	if (ret_fs)
		*ret_fs = fs;
	return EFI_SUCCESS;

err_free:
	pool_free(fs);
	return status;
}

void filesystem_invalidate(struct filesystem *fs)
{
	fs->vol.fat_cache_lba = (UINT64)-1;
	fs->vol.dir_cache_lba = (UINT64)-1;
	/* A zeroed chain names no valid first cluster, so the next walk starts over. */
	fs->vol.read_hint = (struct fat_chain){ 0 };
	fs->vol.dir_hint = (struct fat_chain){ 0 };
	fs->vol.fat_dirty_first = fs->vol.fat_dirty_end = 0;
	fs->vol.fat_dirty_linked = fs->vol.fat_dirty_freed = FALSE;
	/* An entry fat_write held back would now overwrite what was written under it. */
	fs->vol.pending = (struct fat_pending_entry){ 0 };
	fs->vol.free_count = FAT_UNKNOWN;
}
