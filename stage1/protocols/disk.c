/* SPDX-License-Identifier: MIT */
/* BlockIo(2) and DiskIo (UEFI 2.10 §13.7, §13.9-13.10) on every disk and partition. */
#include "include/efi/protocol/block_io.h"
#include "include/efi/protocol/block_io2.h"
#include "include/efi/protocol/disk_io.h"
#include "lib/container_of.h"
#include "lib/formats/device_path.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/protocols/device_path.h"
#include "stage1/protocols/disk.h"
#include "stage1/protocols/filesystem.h"

#define LOG_PREFIX "disk: "
#include "lib/log.h"

static const EFI_GUID block_io_guid = EFI_BLOCK_IO_PROTOCOL_GUID;
static const EFI_GUID block_io2_guid = EFI_BLOCK_IO2_PROTOCOL_GUID;
static const EFI_GUID disk_io_guid = EFI_DISK_IO_PROTOCOL_GUID;
static const EFI_GUID device_path_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;

static struct volume *volumes;

/* A driver's request state is shared: no notification may start a request meanwhile. */
static EFI_TPL lock(void)
{
	EFI_TPL old = tpl_current();

	return old < TPL_NOTIFY ? efi_raise_tpl(TPL_NOTIFY) : old;
}

static void unlock(EFI_TPL old)
{
	if (old < TPL_NOTIFY)
		efi_restore_tpl(old);
}

/* Blocks [lba, lba + count) of v, already checked against its size. */
static EFI_STATUS volume_transfer(struct volume *v, EFI_LBA lba, UINTN count, void *buf,
				  BOOLEAN write)
{
	EFI_TPL tpl = lock();
	EFI_STATUS status;

	if (write)
		status = v->disk->write(v->disk, v->first_lba + lba, count, buf);
	else
		status = block_read(v->disk->block, v->first_lba + lba, count, buf);
	/* An ATAPI drive tells a changed medium to a READ: the next check reads the new one. */
	if (status == EFI_NO_MEDIA && v->disk->unit)
		v->disk->unit->block.block_count = 0;
	unlock(tpl);
	if (write && !EFI_ERROR(status)) {
		/* File systems on this disk may have cached what was just overwritten. */
		for (struct volume *o = volumes; o; o = o->next)
			if (o->disk == v->disk && o->fs)
				filesystem_invalidate(o->fs);
	}
	return status;
}

static void media_reinstall(struct volume *v)
{
	/* Reinstalled so a driver bound to the old medium lets it go (UEFI 2.10 §13.9). */
	efi_reinstall_protocol_interface(v->handle, (EFI_GUID *)&block_io_guid, &v->block_io,
					 &v->block_io);
	efi_reinstall_protocol_interface(v->handle, (EFI_GUID *)&block_io2_guid, &v->block_io2,
					 &v->block_io2);
}

/*
 * Take a child of an old medium off its handle, as EDK2's partition driver does when BlockIo is
 * reinstalled; its memory stays for callers still holding its protocols (they get EFI_NO_MEDIA).
 */
static void volume_retire(struct volume *v)
{
	EFI_GUID **guids;
	UINTN n;

	if (EFI_ERROR(efi_protocols_per_handle(v->handle, &guids, &n)))
		return;
	for (UINTN i = 0; i < n; i++) {
		void *iface;

		if (!EFI_ERROR(handle_lookup(v->handle, guids[i], &iface)))
			handle_uninstall(v->handle, guids[i], iface);
	}
	pool_free(guids);
	v->handle = NULL;
}

/*
 * A drive of removable media gets TEST UNIT READY before each request, as EDK2's ScsiDisk
 * does: a new medium shows only there or as a failed command. A new one gets a new MediaId and
 * new partition children; the old children read as gone.
 */
static EFI_STATUS media_check(struct volume *v)
{
	struct disk *disk = v->disk;
	EFI_BLOCK_IO_MEDIA *m = &disk->whole->media;
	EFI_TPL tpl;
	EFI_STATUS status;

	if (!disk->unit)
		return EFI_SUCCESS;
	tpl = lock();
	status = scsi_disk_media_check(disk->unit);
	unlock(tpl);
	if (status == EFI_MEDIA_CHANGED || (status == EFI_NO_MEDIA && m->MediaPresent)) {
		m->MediaId++;
		m->MediaPresent = status == EFI_MEDIA_CHANGED;
		m->BlockSize = disk->block->block_size;
		m->LastBlock = m->MediaPresent ? disk->block->block_count - 1 : 0;
		log_info("%s: medium %s, %llu blocks", disk->name,
			 m->MediaPresent ? "changed" : "removed", disk->block->block_count);
		for (struct volume *o = volumes; o; o = o->next) {
			if (o->disk != disk || o == disk->whole)
				continue;
			if (o->fs)
				filesystem_invalidate(o->fs);
			if (o->handle)
				volume_retire(o);
		}
		media_reinstall(disk->whole);
		if (m->MediaPresent)
			disk_partitions_install(disk, disk->whole);
	}
	if (v != disk->whole && v->medium != m->MediaId) {
		v->media.MediaPresent = FALSE;
		return EFI_NO_MEDIA;
	}
	return status;
}

/* The checks every request makes before it reaches the medium. */
static EFI_STATUS volume_ready(struct volume *v, UINT32 media_id, BOOLEAN write)
{
	EFI_STATUS status = media_check(v);

	if (EFI_ERROR(status))
		return status;
	if (!v->media.MediaPresent)
		return EFI_NO_MEDIA;
	if (media_id != v->media.MediaId)
		return EFI_MEDIA_CHANGED;
	if (write && v->media.ReadOnly)
		return EFI_WRITE_PROTECTED;
	return EFI_SUCCESS;
}

static EFI_STATUS block_request(struct volume *v, UINT32 media_id, EFI_LBA lba, UINTN size,
				void *buf, BOOLEAN write)
{
	EFI_STATUS status = volume_ready(v, media_id, write);
	UINTN count;

	if (EFI_ERROR(status))
		return status;
	if (size == 0)
		return EFI_SUCCESS;
	if (!buf)
		return EFI_INVALID_PARAMETER;
	if (size % v->media.BlockSize)
		return EFI_BAD_BUFFER_SIZE;
	count = size / v->media.BlockSize;
	if (lba > v->media.LastBlock || count > v->media.LastBlock - lba + 1)
		return EFI_INVALID_PARAMETER;
	return volume_transfer(v, lba, count, buf, write);
}

static EFI_STATUS EFIAPI block_io_reset(EFI_BLOCK_IO_PROTOCOL *This, BOOLEAN ExtendedVerification)
{
	return This ? EFI_SUCCESS : EFI_INVALID_PARAMETER;
}

static EFI_STATUS EFIAPI block_io_read_blocks(EFI_BLOCK_IO_PROTOCOL *This, UINT32 MediaId,
					      EFI_LBA LBA, UINTN BufferSize, VOID *Buffer)
{
	if (!This)
		return EFI_INVALID_PARAMETER;
	return block_request(container_of(This, struct volume, block_io), MediaId, LBA, BufferSize,
			     Buffer, FALSE);
}

static EFI_STATUS EFIAPI block_io_write_blocks(EFI_BLOCK_IO_PROTOCOL *This, UINT32 MediaId,
					       EFI_LBA LBA, UINTN BufferSize, VOID *Buffer)
{
	if (!This)
		return EFI_INVALID_PARAMETER;
	return block_request(container_of(This, struct volume, block_io), MediaId, LBA, BufferSize,
			     Buffer, TRUE);
}

static EFI_STATUS volume_flush(struct volume *v)
{
	EFI_TPL tpl;
	EFI_STATUS status;

	if (v->media.ReadOnly)
		return EFI_SUCCESS;
	tpl = lock();
	status = v->disk->flush(v->disk);
	unlock(tpl);
	return status;
}

static EFI_STATUS EFIAPI block_io_flush_blocks(EFI_BLOCK_IO_PROTOCOL *This)
{
	if (!This)
		return EFI_INVALID_PARAMETER;
	return volume_flush(container_of(This, struct volume, block_io));
}

/*
 * BlockIo2: requests complete before the call returns. Errors found on the way are returned;
 * success goes to the token and its event is signalled, as if the request had been queued.
 */
static EFI_STATUS token_complete(EFI_BLOCK_IO2_TOKEN *token, EFI_STATUS status)
{
	if (EFI_ERROR(status) || !token || !token->Event)
		return status;
	token->TransactionStatus = status;
	efi_signal_event(token->Event);
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI block_io2_reset(EFI_BLOCK_IO2_PROTOCOL *This, BOOLEAN ExtendedVerification)
{
	return This ? EFI_SUCCESS : EFI_INVALID_PARAMETER;
}

static EFI_STATUS EFIAPI block_io2_read_blocks(EFI_BLOCK_IO2_PROTOCOL *This, UINT32 MediaId,
					       EFI_LBA LBA, EFI_BLOCK_IO2_TOKEN *Token,
					       UINTN BufferSize, VOID *Buffer)
{
	if (!This)
		return EFI_INVALID_PARAMETER;
	return token_complete(Token, block_request(container_of(This, struct volume, block_io2),
						   MediaId, LBA, BufferSize, Buffer, FALSE));
}

static EFI_STATUS EFIAPI block_io2_write_blocks(EFI_BLOCK_IO2_PROTOCOL *This, UINT32 MediaId,
						EFI_LBA LBA, EFI_BLOCK_IO2_TOKEN *Token,
						UINTN BufferSize, VOID *Buffer)
{
	if (!This)
		return EFI_INVALID_PARAMETER;
	return token_complete(Token, block_request(container_of(This, struct volume, block_io2),
						   MediaId, LBA, BufferSize, Buffer, TRUE));
}

static EFI_STATUS EFIAPI block_io2_flush_blocks(EFI_BLOCK_IO2_PROTOCOL *This,
						EFI_BLOCK_IO2_TOKEN *Token)
{
	if (!This)
		return EFI_INVALID_PARAMETER;
	return token_complete(Token, volume_flush(container_of(This, struct volume, block_io2)));
}

/* Byte ranges: whole blocks straight to or from buf, partial ones through a bounce block. */
static EFI_STATUS disk_io_request(struct volume *v, UINT32 media_id, UINT64 offset, UINTN size,
				  UINT8 *buf, BOOLEAN write)
{
	UINT32 bs;
	UINT64 end;
	UINT8 *bounce = NULL;
	EFI_STATUS status = volume_ready(v, media_id, write);

	if (EFI_ERROR(status))
		return status;
	if (size == 0)
		return EFI_SUCCESS;
	bs = v->media.BlockSize;
	end = (v->media.LastBlock + 1) * bs;
	if (!buf || offset > end || size > end - offset)
		return EFI_INVALID_PARAMETER;
	while (size && !EFI_ERROR(status)) {
		EFI_LBA lba = offset / bs;
		UINT32 within = (UINT32)(offset % bs);
		UINTN n;

		if (within == 0 && size >= bs) {
			n = size / bs * bs;
			status = volume_transfer(v, lba, n / bs, buf, write);
		} else {
			n = bs - within < size ? bs - within : size;
			if (!bounce)
				bounce = pool_alloc(EfiBootServicesData, bs);
			if (!bounce)
				return EFI_OUT_OF_RESOURCES;
			status = volume_transfer(v, lba, 1, bounce, FALSE);
			if (EFI_ERROR(status))
				break;
			if (write) {
				memcpy(bounce + within, buf, n);
				status = volume_transfer(v, lba, 1, bounce, TRUE);
			} else {
				memcpy(buf, bounce + within, n);
			}
		}
		offset += n;
		buf += n;
		size -= n;
	}
	pool_free(bounce);
	return status;
}

static EFI_STATUS EFIAPI disk_io_read(EFI_DISK_IO_PROTOCOL *This, UINT32 MediaId, UINT64 Offset,
				      UINTN BufferSize, VOID *Buffer)
{
	if (!This)
		return EFI_INVALID_PARAMETER;
	return disk_io_request(container_of(This, struct volume, disk_io), MediaId, Offset,
			       BufferSize, Buffer, FALSE);
}

static EFI_STATUS EFIAPI disk_io_write(EFI_DISK_IO_PROTOCOL *This, UINT32 MediaId, UINT64 Offset,
				       UINTN BufferSize, VOID *Buffer)
{
	if (!This)
		return EFI_INVALID_PARAMETER;
	return disk_io_request(container_of(This, struct volume, disk_io), MediaId, Offset,
			       BufferSize, Buffer, TRUE);
}

/* Create a handle with DevicePath, BlockIo and DiskIo for blocks [first, first + count) of disk. */
EFI_STATUS disk_volume_install(struct disk *disk, EFI_LBA first, UINT64 count, UINT32 partition,
			       EFI_DEVICE_PATH_PROTOCOL *path, struct volume **ret_volume)
{
	struct volume *v = pool_zalloc(sizeof(*v));
	EFI_STATUS status;

	if (!v)
		return EFI_OUT_OF_RESOURCES;
	v->disk = disk;
	v->first_lba = first;
	v->partition_number = partition;
	v->medium = disk->whole ? disk->whole->media.MediaId : 0;
	v->path = path;
	v->media = (EFI_BLOCK_IO_MEDIA){
		.MediaId = 0,
		.RemovableMedia = disk->removable,
		.MediaPresent = count != 0,	/* an empty drive */
		.LogicalPartition = partition != 0,
		.ReadOnly = disk->read_only,
		.BlockSize = disk->block->block_size,
		.IoAlign = 0,	/* every driver takes any buffer address (AHCI bounces odd ones) */
		.LastBlock = count ? count - 1 : 0,
		.LogicalBlocksPerPhysicalBlock = 1,
	};
	v->block_io = (EFI_BLOCK_IO_PROTOCOL){
		.Revision = EFI_BLOCK_IO_PROTOCOL_REVISION3,
		.Media = &v->media,
		.Reset = block_io_reset,
		.ReadBlocks = block_io_read_blocks,
		.WriteBlocks = block_io_write_blocks,
		.FlushBlocks = block_io_flush_blocks,
	};
	v->block_io2 = (EFI_BLOCK_IO2_PROTOCOL){
		.Media = &v->media,
		.Reset = block_io2_reset,
		.ReadBlocksEx = block_io2_read_blocks,
		.WriteBlocksEx = block_io2_write_blocks,
		.FlushBlocksEx = block_io2_flush_blocks,
	};
	v->disk_io = (EFI_DISK_IO_PROTOCOL){
		.Revision = EFI_DISK_IO_PROTOCOL_REVISION,
		.ReadDisk = disk_io_read,
		.WriteDisk = disk_io_write,
	};
	status = handle_install(&v->handle, &device_path_guid, path);
	if (EFI_ERROR(status))
		goto err_free;
	status = handle_install(&v->handle, &block_io_guid, &v->block_io);
	if (EFI_ERROR(status))
		goto err_path;
	status = handle_install(&v->handle, &block_io2_guid, &v->block_io2);
	if (EFI_ERROR(status))
		goto err_block_io;
	status = handle_install(&v->handle, &disk_io_guid, &v->disk_io);
	if (EFI_ERROR(status))
		goto err_block_io2;
	v->next = volumes;
	volumes = v;
	*ret_volume = v;
	return EFI_SUCCESS;

err_block_io2:
	handle_uninstall(v->handle, &block_io2_guid, &v->block_io2);
err_block_io:
	handle_uninstall(v->handle, &block_io_guid, &v->block_io);
err_path:
	handle_uninstall(v->handle, &device_path_guid, path);
err_free:
	pool_free(v);
	return log_error_status(status, "install protocols for partition %u", partition);
}

EFI_STATUS disk_publish(struct disk *disk, EFI_DEVICE_PATH_PROTOCOL *path,
			UINT32 *ret_partitions)
{
	struct volume *whole;
	EFI_STATUS status;

	status = disk_volume_install(disk, 0, disk->block->block_count, 0, path, &whole);
	if (EFI_ERROR(status))
		return status;
	disk->whole = whole;
	*ret_partitions = disk->block->block_count ? disk_partitions_install(disk, whole) : 0;
	return EFI_SUCCESS;
}

EFI_HANDLE disk_partition_handle(const struct disk *disk, EFI_LBA first_lba)
{
	for (struct volume *v = volumes; v; v = v->next)
		if (v->disk == disk && v->partition_number && v->first_lba == first_lba)
			return v->handle;
	return NULL;
}
