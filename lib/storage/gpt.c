/* SPDX-License-Identifier: MIT */
/* GPT reader (CRC and range checks, backup fallback) and writer (UEFI 2.10 §5.3). */
#include "lib/crc32.h"
#include "lib/storage/gpt.h"
#include "lib/string.h"

/*
 * Bounds the entry array we CRC (it is streamed a block at a time, so no buffer grows with it):
 * 4 MiB, 32768 entries of 128 bytes, far past the 4096 some installers and sgdisk -resize-table
 * make (sgdisk defaults to 128).
 */
#define GPT_MAX_ENTRY_ARRAY (4u << 20)
/* Entries are 128 * 2^n bytes per the specification; we accept any multiple of 8 up to this. */
#define GPT_MAX_ENTRY_SIZE BLOCK_MAX_SIZE

#define MBR_PARTITION_OFFSET 446
#define MBR_SIGNATURE_OFFSET 510
#define MBR_TYPE_PROTECTIVE 0xee

static BOOLEAN block_size_ok(UINT32 block_size)
{
	return block_size >= 512 && block_size <= BLOCK_MAX_SIZE &&
	       (block_size & (block_size - 1)) == 0;
}

static UINT64 entry_array_blocks(UINT32 count, UINT32 entry_size, UINT32 block_size)
{
	return ((UINT64)count * entry_size + block_size - 1) / block_size;
}

/* True if [a, a + a_len) and [b, b + b_len) share a block. */
static BOOLEAN ranges_overlap(UINT64 a, UINT64 a_len, UINT64 b, UINT64 b_len)
{
	return a < b + b_len && b < a + a_len;
}

/* CRC of the header as stored, with its own CRC field taken as zero (§5.3.2). */
static UINT32 header_crc(const UINT8 *block, UINT32 header_size)
{
	static const UINT8 zero[4];
	UINTN field = __builtin_offsetof(struct gpt_header, header_crc32);
	UINT32 crc;

	crc = crc32_update(0, block, field);
	crc = crc32_update(crc, zero, sizeof(zero));
	return crc32_update(crc, block + field + 4, header_size - field - 4);
}

/*
 * Everything about a header that can be checked without its entries. Every sum below is of
 * values already bounded by block_count or GPT_MAX_*, so none can overflow.
 */
static EFI_STATUS check_header(struct block_device *dev, const struct gpt_header *h, EFI_LBA lba)
{
	UINT64 last = dev->block_count - 1, blocks;

	if (h->my_lba != lba || h->alternate_lba > last || h->alternate_lba == lba)
		return EFI_VOLUME_CORRUPTED;
	if (h->first_usable_lba > h->last_usable_lba || h->last_usable_lba > last ||
	    h->first_usable_lba < 2)
		return EFI_VOLUME_CORRUPTED;
	/* Neither header may sit inside the space partitions may use. */
	if (ranges_overlap(h->first_usable_lba, h->last_usable_lba - h->first_usable_lba + 1, lba,
			   1) ||
	    ranges_overlap(h->first_usable_lba, h->last_usable_lba - h->first_usable_lba + 1,
			   h->alternate_lba, 1))
		return EFI_VOLUME_CORRUPTED;
	if (h->size_of_partition_entry < GPT_ENTRY_SIZE_MIN ||
	    h->size_of_partition_entry > GPT_MAX_ENTRY_SIZE || h->size_of_partition_entry % 8)
		return EFI_VOLUME_CORRUPTED;
	if (h->number_of_partition_entries == 0 ||
	    h->number_of_partition_entries > GPT_MAX_ENTRY_ARRAY / h->size_of_partition_entry)
		return EFI_VOLUME_CORRUPTED;
	blocks = entry_array_blocks(h->number_of_partition_entries, h->size_of_partition_entry,
				    dev->block_size);
	if (h->partition_entry_lba == 0 || h->partition_entry_lba > last ||
	    blocks > dev->block_count - h->partition_entry_lba)
		return EFI_VOLUME_CORRUPTED;
	if (ranges_overlap(h->partition_entry_lba, blocks, h->first_usable_lba,
			   h->last_usable_lba - h->first_usable_lba + 1) ||
	    ranges_overlap(h->partition_entry_lba, blocks, lba, 1) ||
	    ranges_overlap(h->partition_entry_lba, blocks, h->alternate_lba, 1))
		return EFI_VOLUME_CORRUPTED;
	return EFI_SUCCESS;
}

/* CRC the entry array a block at a time, so only one block of scratch is needed. */
static EFI_STATUS check_entries(struct block_device *dev, const struct gpt_header *h,
				UINT8 *scratch)
{
	UINT64 remaining = (UINT64)h->number_of_partition_entries * h->size_of_partition_entry;
	EFI_LBA lba = h->partition_entry_lba;
	UINT32 crc = 0;
	EFI_STATUS status;

	while (remaining) {
		UINT32 chunk = remaining < dev->block_size ? (UINT32)remaining : dev->block_size;

		status = block_read(dev, lba++, 1, scratch);
		if (EFI_ERROR(status))
			return status;
		crc = crc32_update(crc, scratch, chunk);
		remaining -= chunk;
	}
	if (crc != h->partition_entry_array_crc32)
		return EFI_CRC_ERROR;
	return EFI_SUCCESS;
}

/* Read the header at lba and check it and its entry array. */
static EFI_STATUS read_copy(struct block_device *dev, EFI_LBA lba, UINT8 *scratch,
			    struct gpt_header *ret_header)
{
	struct gpt_header h;
	EFI_STATUS status;

	status = block_read(dev, lba, 1, scratch);
	if (EFI_ERROR(status))
		return status;
	memcpy(&h, scratch, sizeof(h));
	if (h.signature != GPT_HEADER_SIGNATURE)
		return EFI_NOT_FOUND;
	if ((h.revision >> 16) != 1 || h.header_size < sizeof(h) || h.header_size > dev->block_size)
		return EFI_VOLUME_CORRUPTED;
	if (header_crc(scratch, h.header_size) != h.header_crc32)
		return EFI_CRC_ERROR;
	status = check_header(dev, &h, lba);
	if (EFI_ERROR(status))
		return status;
	status = check_entries(dev, &h, scratch);
	if (EFI_ERROR(status))
		return status;
	*ret_header = h;
	return EFI_SUCCESS;
}

/*
 * As EDK2's partition driver: a GPT counts only behind an MBR with a type 0xEE entry from LBA 1
 * (protective or hybrid). A hybrid ISO's MBR has none, so its GPT is passed over for El Torito
 * and the MBR, as OVMF does, and stage0 and stage1 agree on which partitions a disk has.
 */
static EFI_STATUS check_protective_mbr(struct block_device *dev, UINT8 *scratch)
{
	EFI_STATUS status;

	status = block_read(dev, 0, 1, scratch);
	if (EFI_ERROR(status))
		return status;
	for (UINT32 i = 0; i < 4; i++) {
		const UINT8 *e = scratch + MBR_PARTITION_OFFSET + 16 * i;

		if (e[4] == MBR_TYPE_PROTECTIVE && e[8] == 1 && !e[9] && !e[10] && !e[11])
			return EFI_SUCCESS;
	}
	return EFI_NOT_FOUND;
}

EFI_STATUS gpt_read(struct block_device *dev, void *scratch, struct gpt_disk *ret_disk)
{
	EFI_LBA last = dev->block_count - 1;
	EFI_STATUS primary, backup;
	struct gpt_header h;

	if (!block_size_ok(dev->block_size) || dev->block_count < 4)
		return EFI_INVALID_PARAMETER;
	primary = check_protective_mbr(dev, scratch);
	if (EFI_ERROR(primary))
		return primary;
	primary = read_copy(dev, 1, scratch, &h);
	if (!EFI_ERROR(primary)) {
		ret_disk->header = h;
		ret_disk->used_backup = FALSE;
		return EFI_SUCCESS;
	}
	/*
	 * The backup lives at the last LBA (§5.3.2). A damaged primary's alternate_lba cannot be
	 * trusted, so it is not consulted; the backup must point back at LBA 1.
	 */
	backup = read_copy(dev, last, scratch, &h);
	if (!EFI_ERROR(backup) && h.alternate_lba != 1)
		backup = EFI_VOLUME_CORRUPTED;
	if (!EFI_ERROR(backup)) {
		ret_disk->header = h;
		ret_disk->used_backup = TRUE;
		return EFI_SUCCESS;
	}
	/* Report the primary's fault unless it was simply absent. */
	return primary == EFI_NOT_FOUND ? backup : primary;
}

/* Copy entry index (0-based) out of the array, reading only blocks not already in scratch. */
static EFI_STATUS read_entry(struct block_device *dev, const struct gpt_header *h, UINT32 index,
			     UINT8 *scratch, EFI_LBA *cached_lba, struct gpt_entry *ret_entry)
{
	UINT64 offset = (UINT64)index * h->size_of_partition_entry;
	UINT8 *out = (UINT8 *)ret_entry;
	UINTN done = 0;
	EFI_STATUS status;

	/* An entry size that does not divide the block size makes entries straddle blocks. */
	while (done < sizeof(*ret_entry)) {
		EFI_LBA lba = h->partition_entry_lba + (offset + done) / dev->block_size;
		UINT32 in_block = (UINT32)((offset + done) % dev->block_size);
		UINTN chunk = dev->block_size - in_block;

		if (chunk > sizeof(*ret_entry) - done)
			chunk = sizeof(*ret_entry) - done;
		if (lba != *cached_lba) {
			status = block_read(dev, lba, 1, scratch);
			if (EFI_ERROR(status))
				return status;
			*cached_lba = lba;
		}
		memcpy(out + done, scratch + in_block, chunk);
		done += chunk;
	}
	return EFI_SUCCESS;
}

/* Takes void so packed (unaligned) entry fields can be passed. */
static BOOLEAN guid_is_zero(const void *guid)
{
	static const EFI_GUID zero;

	return memcmp(guid, &zero, sizeof(zero)) == 0;
}

/* Turn a raw entry into a partition, refusing one that reaches outside the usable range. */
static EFI_STATUS entry_to_partition(const struct gpt_header *h, const struct gpt_entry *e,
				     UINT32 number, struct gpt_partition *ret_part)
{
	if (guid_is_zero(&e->partition_type_guid))
		return EFI_NOT_FOUND;
	if (e->starting_lba > e->ending_lba || e->starting_lba < h->first_usable_lba ||
	    e->ending_lba > h->last_usable_lba)
		return EFI_VOLUME_CORRUPTED;
	ret_part->number = number;
	memcpy(&ret_part->type_guid, &e->partition_type_guid, sizeof(EFI_GUID));
	memcpy(&ret_part->unique_guid, &e->unique_partition_guid, sizeof(EFI_GUID));
	ret_part->first_lba = e->starting_lba;
	ret_part->last_lba = e->ending_lba;
	ret_part->attributes = e->attributes;
	memcpy(ret_part->name, e->partition_name, sizeof(e->partition_name));
	ret_part->name[GPT_NAME_LENGTH] = 0;
	return EFI_SUCCESS;
}

EFI_STATUS gpt_get_partition(struct block_device *dev, const struct gpt_disk *disk, UINT32 number,
			     void *scratch, struct gpt_partition *ret_part)
{
	EFI_LBA cached = (EFI_LBA)-1;
	struct gpt_entry e;
	EFI_STATUS status;

	if (number == 0 || number > disk->header.number_of_partition_entries)
		return EFI_NOT_FOUND;
	status = read_entry(dev, &disk->header, number - 1, scratch, &cached, &e);
	if (EFI_ERROR(status))
		return status;
	return entry_to_partition(&disk->header, &e, number, ret_part);
}

EFI_STATUS gpt_find_next_partition(struct block_device *dev, const struct gpt_disk *disk,
				   const EFI_GUID *type, UINT32 after, void *scratch,
				   struct gpt_partition *ret_part)
{
	EFI_LBA cached = (EFI_LBA)-1;
	struct gpt_entry e;
	EFI_STATUS status;

	for (UINT32 i = after; i < disk->header.number_of_partition_entries; i++) {
		status = read_entry(dev, &disk->header, i, scratch, &cached, &e);
		if (EFI_ERROR(status))
			return status;
		if (memcmp(&e.partition_type_guid, type, sizeof(*type)) != 0)
			continue;
		status = entry_to_partition(&disk->header, &e, i + 1, ret_part);
		/* A damaged entry of the wanted type is not a reason to stop looking. */
		if (!EFI_ERROR(status))
			return status;
	}
	return EFI_NOT_FOUND;
}

EFI_STATUS gpt_find_partition(struct block_device *dev, const struct gpt_disk *disk,
			      const EFI_GUID *type, void *scratch, struct gpt_partition *ret_part)
{
	return gpt_find_next_partition(dev, disk, type, 0, scratch, ret_part);
}

UINT64 gpt_entry_blocks(const struct gpt_layout *layout)
{
	return entry_array_blocks(layout->entry_count, sizeof(struct gpt_entry),
				  layout->block_size);
}

static void put_header(void *block, const struct gpt_layout *layout, EFI_LBA my_lba,
		       EFI_LBA alternate_lba, EFI_LBA entry_lba, UINT32 entries_crc)
{
	UINT64 entry_blocks = gpt_entry_blocks(layout);
	struct gpt_header h;

	memset(&h, 0, sizeof(h));
	h.signature = GPT_HEADER_SIGNATURE;
	h.revision = GPT_HEADER_REVISION;
	h.header_size = sizeof(h);
	h.my_lba = my_lba;
	h.alternate_lba = alternate_lba;
	h.first_usable_lba = 2 + entry_blocks;
	h.last_usable_lba = layout->block_count - 2 - entry_blocks;
	h.disk_guid = layout->disk_guid;
	h.partition_entry_lba = entry_lba;
	h.number_of_partition_entries = layout->entry_count;
	h.size_of_partition_entry = sizeof(struct gpt_entry);
	h.partition_entry_array_crc32 = entries_crc;
	h.header_crc32 = crc32(&h, sizeof(h));
	memset(block, 0, layout->block_size);
	memcpy(block, &h, sizeof(h));
}

static void put_protective_mbr(UINT8 *mbr, const struct gpt_layout *layout)
{
	UINT64 size = layout->block_count - 1;
	UINT8 *p = mbr + MBR_PARTITION_OFFSET;
	UINT32 size32 = size > 0xffffffffull ? 0xffffffffu : (UINT32)size;

	memset(mbr, 0, layout->block_size);
	/* One type 0xEE partition from LBA 1 over the disk, CHS 0/0/2 to "unknown" (§5.2.3). */
	p[1] = 0x00;
	p[2] = 0x02;
	p[3] = 0x00;
	p[4] = MBR_TYPE_PROTECTIVE;
	p[5] = 0xff;
	p[6] = 0xff;
	p[7] = 0xff;
	p[8] = 1;
	p[12] = (UINT8)size32;
	p[13] = (UINT8)(size32 >> 8);
	p[14] = (UINT8)(size32 >> 16);
	p[15] = (UINT8)(size32 >> 24);
	mbr[MBR_SIGNATURE_OFFSET] = 0x55;
	mbr[MBR_SIGNATURE_OFFSET + 1] = 0xaa;
}

EFI_STATUS gpt_build(const struct gpt_layout *layout, const struct gpt_entry *parts,
		     UINT32 part_count, void *ret_mbr, void *ret_primary, void *ret_backup,
		     void *ret_entries)
{
	UINT64 entry_blocks, first_usable, last_usable;
	UINT32 entries_crc;

	if (!block_size_ok(layout->block_size) || layout->entry_count == 0 ||
	    layout->entry_count > GPT_MAX_ENTRY_ARRAY / sizeof(struct gpt_entry) ||
	    part_count > layout->entry_count)
		return EFI_INVALID_PARAMETER;
	entry_blocks = gpt_entry_blocks(layout);
	/* MBR, two headers, two entry arrays and at least one usable block. */
	if (layout->block_count < 4 + 2 * entry_blocks)
		return EFI_BAD_BUFFER_SIZE;
	first_usable = 2 + entry_blocks;
	last_usable = layout->block_count - 2 - entry_blocks;
	for (UINT32 i = 0; i < part_count; i++) {
		const struct gpt_entry *p = &parts[i];

		if (guid_is_zero(&p->partition_type_guid) || p->starting_lba > p->ending_lba ||
		    p->starting_lba < first_usable || p->ending_lba > last_usable)
			return EFI_INVALID_PARAMETER;
		for (UINT32 j = 0; j < i; j++) {
			if (ranges_overlap(p->starting_lba, p->ending_lba - p->starting_lba + 1,
					   parts[j].starting_lba,
					   parts[j].ending_lba - parts[j].starting_lba + 1))
				return EFI_INVALID_PARAMETER;
		}
	}

	memset(ret_entries, 0, (UINTN)layout->entry_count * sizeof(struct gpt_entry));
	memcpy(ret_entries, parts, (UINTN)part_count * sizeof(struct gpt_entry));
	entries_crc = crc32(ret_entries, (UINTN)layout->entry_count * sizeof(struct gpt_entry));

	put_protective_mbr(ret_mbr, layout);
	put_header(ret_primary, layout, 1, layout->block_count - 1, 2, entries_crc);
	put_header(ret_backup, layout, layout->block_count - 1, 1,
		   layout->block_count - 1 - entry_blocks, entries_crc);
	return EFI_SUCCESS;
}
