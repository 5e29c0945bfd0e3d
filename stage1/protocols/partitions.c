/* SPDX-License-Identifier: MIT */
/* Partition child handles as EDK2's PartitionDxe makes them: GPT, else El Torito, else MBR. */
#include "include/efi/protocol/partition_info.h"
#include "lib/formats/device_path.h"
#include "lib/storage/eltorito.h"
#include "lib/storage/gpt.h"
#include "lib/storage/mbr.h"
#include "lib/string.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/protocols/device_path.h"
#include "stage1/protocols/disk.h"
#include "stage1/protocols/filesystem.h"

#define LOG_PREFIX "disk: "
#include "lib/log.h"

#define EFI_PART_TYPE_SYSTEM_PART_GUID GPT_ESP_TYPE_GUID

static const EFI_GUID partition_info_guid = EFI_PARTITION_INFO_PROTOCOL_GUID;
static UINT8 scratch[BLOCK_MAX_SIZE] __attribute__((aligned(16)));

/*
 * A FAT of 512-byte sectors on larger blocks (an El Torito image on a CD-ROM, made by mkfs.fat
 * on a file) is read through a 512-byte view of the disk, kept for the handle's lifetime.
 */
static EFI_STATUS small_sector_filesystem_install(struct disk *disk, struct volume *v,
						  EFI_LBA first, UINT64 count)
{
	struct block_view *view = pool_alloc(EfiBootServicesData, sizeof(*view));
	UINT32 ratio = disk->block->block_size / 512;
	EFI_STATUS status;

	if (!view)
		return EFI_OUT_OF_RESOURCES;
	status = block_view_init(view, disk->block, 512);
	if (!EFI_ERROR(status))
		status = filesystem_install(v->handle, &view->dev, first * ratio, count * ratio,
					    &v->fs);
	if (EFI_ERROR(status))
		pool_free(view);
	return status;
}

/*
 * One child of parent for blocks [first, first + count) under parent's path plus node, with
 * PartitionInfo, the ESP's type GUID as a protocol (EDK2 tags it so; loaders look) and, for a FAT
 * one, a file system.
 */
static EFI_STATUS child_install(struct disk *disk, struct volume *parent,
				EFI_DEVICE_PATH_PROTOCOL *node, EFI_LBA first, UINT64 count,
				UINT32 number, const EFI_PARTITION_INFO_PROTOCOL *info,
				struct volume **ret_volume)
{
	static const EFI_GUID system_part_guid = EFI_PART_TYPE_SYSTEM_PART_GUID;
	EFI_DEVICE_PATH_PROTOCOL *path;
	struct volume *v;
	EFI_STATUS status;

	path = device_path_alloc_append_node(parent->path, node);
	if (!path)
		return log_error_status(EFI_OUT_OF_RESOURCES, "device path of partition %u",
					number);
	status = disk_volume_install(disk, first, count, number, path, &v);
	if (EFI_ERROR(status)) {
		pool_free(path);
		return status;
	}
	v->partition_info = *info;
	handle_install(&v->handle, &partition_info_guid, &v->partition_info);
	if (info->System)
		handle_install(&v->handle, &system_part_guid, NULL);
	/* Any FAT partition gets a file system; anything else is not ours to read. */
	status = filesystem_install(v->handle, disk->block, first, count, &v->fs);
	if (status == EFI_UNSUPPORTED && disk->block->block_size > 512)
		status = small_sector_filesystem_install(disk, v, first, count);
	if (EFI_ERROR(status) && status != EFI_UNSUPPORTED)
		log_debug("partition %u: no FAT file system (%s)", number,
			  efi_status_name(status));
	if (ret_volume)
		*ret_volume = v;
	return EFI_SUCCESS;
}

static EFI_STATUS gpt_child_install(struct disk *disk, struct volume *whole,
				    const struct gpt_partition *part)
{
	static const EFI_GUID esp_type = GPT_ESP_TYPE_GUID;
	EFI_PARTITION_INFO_PROTOCOL info = { .Revision = EFI_PARTITION_INFO_PROTOCOL_REVISION,
					     .Type = PARTITION_TYPE_GPT };
	HARDDRIVE_DEVICE_PATH hd = { 0 };
	UINT64 count = part->last_lba - part->first_lba + 1;

	device_path_set_node(&hd.Header, MEDIA_DEVICE_PATH, MEDIA_HARDDRIVE_DP, sizeof(hd));
	hd.PartitionNumber = part->number;
	hd.PartitionStart = part->first_lba;
	hd.PartitionSize = count;
	memcpy(hd.Signature, &part->unique_guid, sizeof(hd.Signature));
	hd.MBRType = MBR_TYPE_EFI_PARTITION_TABLE_HEADER;
	hd.SignatureType = SIGNATURE_TYPE_GUID;
	info.System = guid_equal(&part->type_guid, &esp_type);
	info.Info.Gpt.PartitionTypeGUID = part->type_guid;
	info.Info.Gpt.UniquePartitionGUID = part->unique_guid;
	info.Info.Gpt.StartingLBA = part->first_lba;
	info.Info.Gpt.EndingLBA = part->last_lba;
	info.Info.Gpt.Attributes = part->attributes;
	memcpy(info.Info.Gpt.PartitionName, part->name, sizeof(info.Info.Gpt.PartitionName));
	return child_install(disk, whole, &hd.Header, part->first_lba, count, part->number, &info,
			     NULL);
}

/*
 * The GPT entry array read in one request: gpt_get_partition reads a block per entry, which
 * costs a virtio round trip each (128 of them on a usual disk) without this.
 */
struct entry_cache {
	struct block_device dev;	/* first, so the read callback can cast */
	struct block_device *disk;
	EFI_LBA first;
	UINT64 count;
	UINT8 *blocks;
};

static EFI_STATUS entry_cache_read(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf)
{
	struct entry_cache *c = (struct entry_cache *)dev;
	UINTN bs = dev->block_size;
	BOOLEAN cached = lba >= c->first && count <= c->count && lba - c->first <= c->count - count;

	if (c->blocks && cached) {
		memcpy(buf, c->blocks + (lba - c->first) * bs, count * bs);
		return EFI_SUCCESS;
	}
	return block_read(c->disk, lba, count, buf);
}

static void entry_cache_fill(struct entry_cache *c, struct block_device *disk,
			     const struct gpt_header *h)
{
	UINT64 bytes = (UINT64)h->number_of_partition_entries * h->size_of_partition_entry;

	*c = (struct entry_cache){ .dev = *disk, .disk = disk, .first = h->partition_entry_lba };
	c->dev.read = entry_cache_read;
	c->count = (bytes + disk->block_size - 1) / disk->block_size;
	/* gpt_read checked the array's CRC and bounds its size (4 MiB) for us. */
	c->blocks = pool_alloc(EfiBootServicesData, c->count * disk->block_size);
	if (c->blocks && EFI_ERROR(block_read(disk, c->first, c->count, c->blocks))) {
		pool_free(c->blocks);
		c->blocks = NULL;
	}
}

/* A handle per GPT partition in use; returns how many, or -1 if the disk has no GPT. */
static INT32 gpt_children_install(struct disk *disk, struct volume *whole)
{
	struct gpt_disk gpt;
	struct gpt_partition part;
	struct entry_cache cache;
	INT32 found = 0;
	EFI_STATUS status;

	status = gpt_read(disk->block, scratch, &gpt);
	if (EFI_ERROR(status))
		return -1;
	if (gpt.used_backup)
		log_warn("%s: primary GPT damaged, using the backup", disk->name);
	entry_cache_fill(&cache, disk->block, &gpt.header);
	for (UINT32 n = 1; n <= gpt.header.number_of_partition_entries; n++) {
		status = gpt_get_partition(&cache.dev, &gpt, n, scratch, &part);
		if (status == EFI_NOT_FOUND)
			continue;
		if (status == EFI_VOLUME_CORRUPTED) {
			log_warn("%s: partition %u lies outside the disk, skipped", disk->name, n);
			continue;
		}
		if (EFI_ERROR(status))
			break;
		if (!EFI_ERROR(gpt_child_install(disk, whole, &part)))
			found++;
	}
	pool_free(cache.blocks);
	return found;
}

/* The El Torito EFI image as a CDROM() child; -1 if the medium has none. */
static INT32 eltorito_child_install(struct disk *disk, struct volume *whole)
{
	EFI_PARTITION_INFO_PROTOCOL info = { .Revision = EFI_PARTITION_INFO_PROTOCOL_REVISION,
					     .Type = PARTITION_TYPE_OTHER };
	CDROM_DEVICE_PATH cd = { 0 };
	struct eltorito_image img;

	if (EFI_ERROR(eltorito_find_efi(disk->block, scratch, &img)))
		return -1;
	device_path_set_node(&cd.Header, MEDIA_DEVICE_PATH, MEDIA_CDROM_DP, sizeof(cd));
	cd.BootEntry = img.boot_entry;
	cd.PartitionStart = img.first_lba;
	cd.PartitionSize = img.block_count;
	/* The partition number only tells the handles apart: El Torito entries have none. */
	return EFI_ERROR(child_install(disk, whole, &cd.Header, img.first_lba, img.block_count,
				       img.boot_entry + 1, &info, NULL)) ? 0 : 1;
}

/*
 * MBR partitions, each under the disk; the logical ones under the extended partition with its
 * number space and a zero signature, as EDK2 nests them (HD(2,MBR,...)/HD(1,MBR,0x0,...)).
 */
static INT32 mbr_children_install(struct disk *disk, struct volume *whole)
{
	EFI_PARTITION_INFO_PROTOCOL info = { .Revision = EFI_PARTITION_INFO_PROTOCOL_REVISION,
					     .Type = PARTITION_TYPE_MBR };
	struct mbr_cursor cursor = { 0 };
	struct volume *extended = NULL, *v;
	struct mbr_partition part;
	struct mbr_disk mbr;
	INT32 found = 0;

	if (EFI_ERROR(mbr_read(disk->block, scratch, &mbr)))
		return -1;
	while (!EFI_ERROR(mbr_next_partition(disk->block, &mbr, &cursor, scratch, &part))) {
		HARDDRIVE_DEVICE_PATH hd = { 0 };
		struct volume *parent = part.parent ? extended : whole;

		if (!parent)
			break;
		device_path_set_node(&hd.Header, MEDIA_DEVICE_PATH, MEDIA_HARDDRIVE_DP, sizeof(hd));
		hd.PartitionNumber = part.number;
		hd.PartitionStart = part.first_lba;
		hd.PartitionSize = part.block_count;
		if (!part.parent)
			memcpy(hd.Signature, &mbr.signature, sizeof(mbr.signature));
		hd.MBRType = MBR_TYPE_PCAT;
		hd.SignatureType = SIGNATURE_TYPE_MBR;
		info.System = part.type == MBR_TYPE_EFI;
		memcpy(&info.Info.Mbr, &part.entry, sizeof(info.Info.Mbr));
		if (EFI_ERROR(child_install(disk, parent, &hd.Header, part.first_lba,
					    part.block_count, part.number, &info, &v)))
			continue;
		found++;
		if (!part.parent && part.number == mbr.extended_number)
			extended = v;
	}
	return found;
}

UINT32 disk_partitions_install(struct disk *disk, struct volume *whole)
{
	INT32 found = gpt_children_install(disk, whole);

	/* EDK2's order: a disk with a GPT is GPT's; a hybrid ISO shows its El Torito image. */
	if (found < 0)
		found = eltorito_child_install(disk, whole);
	if (found < 0)
		found = mbr_children_install(disk, whole);
	return found < 0 ? 0 : (UINT32)found;
}
