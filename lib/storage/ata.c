/* SPDX-License-Identifier: MIT */
/* Parsing ATA IDENTIFY DEVICE data, kept pure so the host tests and fuzzers check every branch. */
#include "lib/storage/ata.h"
#include "lib/storage/block.h"

#define ID_GENERAL 0
#define ID_SERIAL 10
#define ID_MODEL 27
#define ID_CAPABILITIES 49
#define ID_SECTORS28 60
#define ID_SUPPORTED83 83
#define ID_ENABLED86 86
#define ID_SECTORS48 100
#define ID_SECTOR_SIZE 106
#define ID_LOGICAL_SIZE 117
#define ID_INTEGRITY 255

#define GENERAL_NOT_ATA 0x8000		/* word 0 bit 15: packet or other non-ATA device */
#define CAPABILITY_LBA 0x0200		/* word 49 bit 9 */
#define WORD_VALID_MASK 0xc000		/* words 83, 106: bits 15:14 read 01 when valid */
#define WORD_VALID 0x4000
#define SUPPORT_LBA48 0x0400		/* words 83/86 bit 10 */
#define SUPPORT_FLUSH 0x1000		/* word 83 bit 12: FLUSH CACHE */
#define SUPPORT_FLUSH_EXT 0x2000	/* word 83 bit 13 */
#define SIZE_LOGICAL_LONG 0x1000	/* word 106 bit 12: words 117-118 give the sector size */
#define SIZE_MULTIPLE 0x2000		/* word 106 bit 13: bits 3:0 are log2(logical per physical) */
#define INTEGRITY_SIGNATURE 0xa5

static UINT16 word(const UINT8 *data, UINT32 index)
{
	return (UINT16)(data[index * 2] | data[index * 2 + 1] << 8);
}

/* ATA strings hold two characters a word, the first in the high byte; trailing spaces pad. */
static void ata_string(const UINT8 *data, UINT32 first, UINT32 length, char *ret)
{
	UINT32 end = 0;

	for (UINT32 i = 0; i < length; i++) {
		UINT8 c = data[(first + i / 2) * 2 + (i % 2 ? 0 : 1)];

		ret[i] = c >= 0x20 && c < 0x7f ? (char)c : ' ';
		if (ret[i] != ' ')
			end = i + 1;
	}
	ret[end] = 0;
}

EFI_STATUS ata_identify_parse(const UINT8 data[ATA_IDENTIFY_WORDS * 2], struct ata_identity *ret)
{
	UINT16 supported = word(data, ID_SUPPORTED83), size_info = word(data, ID_SECTOR_SIZE);
	UINT16 integrity = word(data, ID_INTEGRITY);
	struct ata_identity id = { .sector_size = 512, .sectors_per_physical = 1 };

	if (word(data, ID_GENERAL) & GENERAL_NOT_ATA)
		return EFI_UNSUPPORTED;
	if ((integrity & 0xff) == INTEGRITY_SIGNATURE) {
		UINT8 sum = 0;

		for (UINT32 i = 0; i < ATA_IDENTIFY_WORDS * 2; i++)
			sum += data[i];
		if (sum)
			return EFI_CRC_ERROR;
	}
	if (!(word(data, ID_CAPABILITIES) & CAPABILITY_LBA))
		return EFI_UNSUPPORTED;
	if ((supported & WORD_VALID_MASK) != WORD_VALID)
		supported = 0;
	id.lba48 = (supported & SUPPORT_LBA48) && (word(data, ID_ENABLED86) & SUPPORT_LBA48);
	id.flush = id.lba48 ? (supported & SUPPORT_FLUSH_EXT) != 0 : (supported & SUPPORT_FLUSH) != 0;
	if (id.lba48) {
		for (UINT32 i = 0; i < 4; i++)
			id.sectors |= (UINT64)word(data, ID_SECTORS48 + i) << (16 * i);
	} else {
		id.sectors = word(data, ID_SECTORS28) | (UINT32)word(data, ID_SECTORS28 + 1) << 16;
	}
	if ((size_info & WORD_VALID_MASK) == WORD_VALID) {
		if (size_info & SIZE_LOGICAL_LONG)
			id.sector_size = 2 * (word(data, ID_LOGICAL_SIZE) |
					      (UINT32)word(data, ID_LOGICAL_SIZE + 1) << 16);
		if (size_info & SIZE_MULTIPLE)
			id.sectors_per_physical = 1u << (size_info & 0xf);
	}
	if (id.sector_size < 512 || id.sector_size > BLOCK_MAX_SIZE ||
	    (id.sector_size & (id.sector_size - 1)) || id.sectors == 0)
		return EFI_VOLUME_CORRUPTED;
	/* 48-bit LBAs: anything above is a corrupt word, not a disk. */
	if (id.sectors >> 48)
		return EFI_VOLUME_CORRUPTED;
	ata_string(data, ID_MODEL, ATA_MODEL_LENGTH, id.model);
	ata_string(data, ID_SERIAL, ATA_SERIAL_LENGTH, id.serial);
	*ret = id;
	return EFI_SUCCESS;
}
