/* SPDX-License-Identifier: MIT */
/* El Torito reader: volume descriptors, boot record, catalog, the EFI entry's image, its size. */
#include "lib/storage/eltorito.h"
#include "lib/string.h"

#define VD_FIRST_SECTOR 16
/* Descriptors looked at before giving up on a terminator; real discs have 3 to 5. */
#define VD_MAX 64
#define VD_TYPE_BOOT_RECORD 0
#define VD_TYPE_PRIMARY 1
#define VD_TYPE_TERMINATOR 255
#define VD_SPACE_SIZE_OFFSET 80
#define BOOT_SYSTEM_ID_OFFSET 7
#define BOOT_CATALOG_OFFSET 71

#define ENTRY_SIZE 32
#define ENTRY_VALIDATION 0x01
#define ENTRY_BOOTABLE 0x88
#define ENTRY_HEADER_MORE 0x90
#define ENTRY_HEADER_FINAL 0x91
#define ENTRY_EXTENSION 0x44
#define ENTRY_EXTENSION_MORE 0x20

static const char cd001[5] = { 'C', 'D', '0', '0', '1' };
static const char el_torito_id[] = "EL TORITO SPECIFICATION";

static UINT32 le32(const UINT8 *p)
{
	return p[0] | (UINT32)p[1] << 8 | (UINT32)p[2] << 16 | (UINT32)p[3] << 24;
}

static UINT16 le16(const UINT8 *p)
{
	return (UINT16)(p[0] | p[1] << 8);
}

/* One 2048-byte sector, whatever the device's block size. */
static EFI_STATUS read_sector(struct block_device *dev, UINT32 sector, UINT8 *buf)
{
	UINT32 per = ELTORITO_SECTOR_SIZE / dev->block_size;

	return block_read(dev, (EFI_LBA)sector * per, per, buf);
}

/* The catalog's sector from the boot record, and the volume's size from the primary descriptor. */
static EFI_STATUS find_boot_record(struct block_device *dev, UINT8 *buf, UINT32 *ret_catalog,
				   UINT32 *ret_volume_sectors)
{
	BOOLEAN catalog_found = FALSE;
	EFI_STATUS status;

	*ret_volume_sectors = 0;
	for (UINT32 i = 0; i < VD_MAX; i++) {
		status = read_sector(dev, VD_FIRST_SECTOR + i, buf);
		if (EFI_ERROR(status))
			return i ? EFI_NOT_FOUND : status;
		if (memcmp(buf + 1, cd001, sizeof(cd001)) || buf[0] == VD_TYPE_TERMINATOR)
			break;
		if (buf[0] == VD_TYPE_PRIMARY && !*ret_volume_sectors)
			*ret_volume_sectors = le32(buf + VD_SPACE_SIZE_OFFSET);
		if (buf[0] == VD_TYPE_BOOT_RECORD && !catalog_found &&
		    !memcmp(buf + BOOT_SYSTEM_ID_OFFSET, el_torito_id, sizeof(el_torito_id) - 1)) {
			*ret_catalog = le32(buf + BOOT_CATALOG_OFFSET);
			catalog_found = TRUE;
		}
	}
	return catalog_found ? EFI_SUCCESS : EFI_NOT_FOUND;
}

static BOOLEAN validation_ok(const UINT8 *e)
{
	UINT16 sum = 0;

	if (e[0] != ENTRY_VALIDATION || e[30] != 0x55 || e[31] != 0xaa)
		return FALSE;
	for (UINT32 i = 0; i < ENTRY_SIZE; i += 2)
		sum = (UINT16)(sum + le16(e + i));
	return sum == 0;
}

/* How the walk over the catalog's entries stands between sectors. */
struct catalog_walk {
	UINT8 platform;		/* of the current section (the validation entry's at first) */
	UINT32 section_left;	/* entries still due under the current section header */
	BOOLEAN final_header;	/* the 0x91 header was seen */
	BOOLEAN in_extension;	/* the previous entry announced an extension entry */
	UINT32 bootable;	/* bootable entries before this one, for BootEntry */
};

/*
 * One catalog entry (index counts from the validation entry). Returns TRUE when e is the EFI
 * entry, FALSE to go on; *ret_done ends the walk (a zero entry after the last section).
 */
static BOOLEAN walk_entry(struct catalog_walk *w, const UINT8 *e, UINT32 index,
			  struct eltorito_image *ret_image, BOOLEAN *ret_done)
{
	BOOLEAN efi;

	if (w->in_extension) {
		w->in_extension = e[0] == ENTRY_EXTENSION && (e[1] & ENTRY_EXTENSION_MORE);
		if (e[0] == ENTRY_EXTENSION)
			return FALSE;
	}
	if (index > 1 && !w->section_left) {
		if (e[0] == ENTRY_HEADER_MORE || e[0] == ENTRY_HEADER_FINAL) {
			if (w->final_header) {
				*ret_done = TRUE;
				return FALSE;
			}
			w->final_header = e[0] == ENTRY_HEADER_FINAL;
			w->platform = e[1];
			w->section_left = le16(e + 2);
			return FALSE;
		}
		*ret_done = TRUE;
		return FALSE;
	}
	if (index > 1)
		w->section_left--;
	/* A section entry's media byte says an extension entry follows (El Torito 1.0 §2.5). */
	w->in_extension = index > 1 && (e[1] & ENTRY_EXTENSION_MORE);
	if (e[0] != ENTRY_BOOTABLE || le32(e + 8) == 0)
		return FALSE;
	efi = w->platform == ELTORITO_PLATFORM_EFI;
	/* EDK2 numbers the default entry 0 and every later bootable entry from 1. */
	ret_image->boot_entry = index == 1 ? 0 : ++w->bootable;
	if (!efi)
		return FALSE;
	ret_image->media_type = e[1] & 0x0f;
	ret_image->sector_count = le16(e + 6);
	ret_image->load_rba = le32(e + 8);
	return TRUE;
}

/* Total sectors times sector size from a FAT boot sector; 0 if it is not one. */
static UINT64 fat_image_bytes(const UINT8 *b)
{
	UINT16 bps = le16(b + 11);
	UINT32 sectors = le16(b + 19);

	if (b[510] != 0x55 || b[511] != 0xaa || bps < 512 || bps > 4096 || (bps & (bps - 1)))
		return 0;
	if (!sectors)
		sectors = le32(b + 32);
	return (UINT64)sectors * bps;
}

/* The image's size in dev's blocks: as stored, else as its FAT says, else the volume's rest. */
static EFI_STATUS image_size(struct block_device *dev, UINT8 *buf, UINT32 volume_sectors,
			     struct eltorito_image *img)
{
	UINT64 per = ELTORITO_SECTOR_SIZE / dev->block_size, bytes, end;
	EFI_STATUS status;

	img->first_lba = (UINT64)img->load_rba * per;
	if (img->first_lba >= dev->block_count)
		return EFI_VOLUME_CORRUPTED;
	end = dev->block_count;
	if (volume_sectors && (UINT64)volume_sectors * per < end)
		end = (UINT64)volume_sectors * per;
	if (end <= img->first_lba)
		end = dev->block_count;
	bytes = img->sector_count * 512ull;
	if (img->sector_count < 2) {
		status = read_sector(dev, img->load_rba, buf);
		if (EFI_ERROR(status))
			return status;
		bytes = fat_image_bytes(buf);
	}
	img->block_count = (bytes + dev->block_size - 1) / dev->block_size;
	if (!img->block_count || img->block_count > end - img->first_lba)
		img->block_count = end - img->first_lba;
	return EFI_SUCCESS;
}

EFI_STATUS eltorito_find_efi(struct block_device *dev, void *scratch,
			     struct eltorito_image *ret_image)
{
	struct catalog_walk w = { 0 };
	UINT32 catalog, volume_sectors, index = 0;
	UINT8 *buf = scratch;
	BOOLEAN done = FALSE;
	EFI_STATUS status;

	if (dev->block_size > ELTORITO_SECTOR_SIZE || ELTORITO_SECTOR_SIZE % dev->block_size)
		return EFI_UNSUPPORTED;
	if (dev->block_count < (VD_FIRST_SECTOR + 1) * (ELTORITO_SECTOR_SIZE / dev->block_size))
		return EFI_NOT_FOUND;
	status = find_boot_record(dev, buf, &catalog, &volume_sectors);
	if (EFI_ERROR(status))
		return status;
	memset(ret_image, 0, sizeof(*ret_image));
	for (UINT32 s = 0; s < ELTORITO_MAX_CATALOG_SECTORS && !done; s++) {
		status = read_sector(dev, catalog + s, buf);
		if (EFI_ERROR(status))
			return s ? EFI_NOT_FOUND : EFI_VOLUME_CORRUPTED;
		if (s == 0) {
			if (!validation_ok(buf))
				return EFI_VOLUME_CORRUPTED;
			w.platform = buf[1];
		}
		for (UINT32 off = s ? 0 : ENTRY_SIZE; off < ELTORITO_SECTOR_SIZE && !done;
		     off += ENTRY_SIZE) {
			if (walk_entry(&w, buf + off, ++index, ret_image, &done))
				return image_size(dev, buf, volume_sectors, ret_image);
		}
	}
	return EFI_NOT_FOUND;
}
