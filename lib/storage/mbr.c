/* SPDX-License-Identifier: MIT */
/* MBR reader: primary entries, the extended partition's chain of EBRs, protective MBRs refused. */
#include "lib/storage/mbr.h"
#include "lib/string.h"

#define MBR_SIGNATURE_OFFSET 440
#define MBR_TABLE_OFFSET 446
#define MBR_MAGIC_OFFSET 510

BOOLEAN mbr_type_is_extended(UINT8 type)
{
	return type == MBR_TYPE_EXTENDED_DOS || type == MBR_TYPE_EXTENDED_WINDOWS;
}

/* EDK2 and Linux both ignore entries of type 0 or of no size. */
static BOOLEAN entry_used(const struct mbr_entry *e)
{
	return e->type != 0 && e->block_count != 0;
}

static BOOLEAN has_magic(const UINT8 *block)
{
	return block[MBR_MAGIC_OFFSET] == 0x55 && block[MBR_MAGIC_OFFSET + 1] == 0xaa;
}

static void read_entries(const UINT8 *block, struct mbr_entry ret_entries[MBR_PRIMARY_COUNT])
{
	memcpy(ret_entries, block + MBR_TABLE_OFFSET, MBR_PRIMARY_COUNT * sizeof(struct mbr_entry));
}

EFI_STATUS mbr_read(struct block_device *dev, void *scratch, struct mbr_disk *ret_disk)
{
	UINT8 *block = scratch;
	UINT32 number = 0;
	EFI_STATUS status;

	if (dev->block_size < 512 || dev->block_count < 2)
		return EFI_INVALID_PARAMETER;
	status = block_read(dev, 0, 1, block);
	if (EFI_ERROR(status))
		return status;
	if (!has_magic(block))
		return EFI_NOT_FOUND;
	memset(ret_disk, 0, sizeof(*ret_disk));
	memcpy(&ret_disk->signature, block + MBR_SIGNATURE_OFFSET, sizeof(UINT32));
	read_entries(block, ret_disk->primary);
	for (UINT32 i = 0; i < MBR_PRIMARY_COUNT; i++) {
		const struct mbr_entry *e = &ret_disk->primary[i];

		/* UEFI 2.10 §5.2.3: any 0xEE entry makes this the guard of a GPT. */
		if (e->type == MBR_TYPE_PROTECTIVE)
			return EFI_UNSUPPORTED;
	}
	for (UINT32 i = 0; i < MBR_PRIMARY_COUNT; i++) {
		const struct mbr_entry *e = &ret_disk->primary[i];
		UINT64 end = (UINT64)e->start_lba + e->block_count;

		if (!entry_used(e))
			continue;
		number++;
		/* As EDK2's PartitionValidMbr: inside the disk, past the MBR, apart from others. */
		if (e->start_lba == 0 || end > dev->block_count)
			return EFI_VOLUME_CORRUPTED;
		for (UINT32 j = 0; j < i; j++) {
			const struct mbr_entry *o = &ret_disk->primary[j];

			if (entry_used(o) && e->start_lba < (UINT64)o->start_lba + o->block_count &&
			    o->start_lba < end)
				return EFI_VOLUME_CORRUPTED;
		}
		if (mbr_type_is_extended(e->type) && !ret_disk->extended_number) {
			ret_disk->extended_number = number;
			ret_disk->extended_first_lba = e->start_lba;
			ret_disk->extended_block_count = e->block_count;
		}
	}
	return EFI_SUCCESS;
}

/*
 * The next logical partition of the chain. Each EBR holds the logical partition (relative to
 * the EBR) and a link to the next EBR (relative to the extended partition). Links must move
 * forward, so a chain cannot loop; one that leaves the extended partition ends there.
 */
static EFI_STATUS next_logical(struct block_device *dev, const struct mbr_disk *disk,
			       struct mbr_cursor *c, UINT8 *block, struct mbr_partition *ret_part)
{
	struct mbr_entry e[MBR_PRIMARY_COUNT];
	EFI_STATUS status;

	while (c->in_chain) {
		EFI_LBA ebr = c->ebr_offset;
		UINT64 first, end;

		c->in_chain = FALSE;
		if (c->logicals >= MBR_MAX_LOGICAL || ebr >= disk->extended_block_count)
			return EFI_NOT_FOUND;
		status = block_read(dev, disk->extended_first_lba + ebr, 1, block);
		if (EFI_ERROR(status))
			return status;
		if (!has_magic(block))
			return EFI_NOT_FOUND;
		read_entries(block, e);
		/* The link to the next EBR, taken before this one's partition is judged. */
		if (mbr_type_is_extended(e[1].type) && e[1].block_count &&
		    e[1].start_lba > ebr) {
			c->ebr_offset = e[1].start_lba;
			c->in_chain = TRUE;
		}
		if (e[0].block_count == 0)
			return EFI_NOT_FOUND;
		/* EDK2 steps over an EBR whose first entry is a link instead of a partition. */
		if (mbr_type_is_extended(e[0].type)) {
			if (e[0].start_lba <= ebr)
				return EFI_NOT_FOUND;
			c->ebr_offset = e[0].start_lba;
			c->in_chain = TRUE;
			continue;
		}
		first = ebr + (UINT64)e[0].start_lba;
		end = first + e[0].block_count;
		if (e[0].start_lba == 0 || end > disk->extended_block_count)
			return EFI_NOT_FOUND;
		*ret_part = (struct mbr_partition){
			.number = ++c->logicals,
			.parent = disk->extended_number,
			.type = e[0].type,
			.active = e[0].boot_indicator == 0x80,
			.first_lba = disk->extended_first_lba + first,
			.block_count = e[0].block_count,
			.entry = e[0],
		};
		return EFI_SUCCESS;
	}
	return EFI_NOT_FOUND;
}

EFI_STATUS mbr_next_partition(struct block_device *dev, const struct mbr_disk *disk,
			      struct mbr_cursor *cursor, void *scratch,
			      struct mbr_partition *ret_part)
{
	while (cursor->primary < MBR_PRIMARY_COUNT) {
		const struct mbr_entry *e = &disk->primary[cursor->primary++];

		if (!entry_used(e))
			continue;
		*ret_part = (struct mbr_partition){
			.number = ++cursor->primaries,
			.type = e->type,
			.active = e->boot_indicator == 0x80,
			.first_lba = e->start_lba,
			.block_count = e->block_count,
			.entry = *e,
		};
		if (cursor->primaries == disk->extended_number)
			cursor->in_chain = TRUE; /* ebr_offset 0: the extended's first block */
		return EFI_SUCCESS;
	}
	return next_logical(dev, disk, cursor, scratch, ret_part);
}
