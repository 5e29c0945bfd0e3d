/* SPDX-License-Identifier: MIT */
/* ATA IDENTIFY DEVICE data (ACS-3 §7.12.7): what a driver needs to address and name a disk. */
#pragma once

#include "include/efi/types.h"

#define ATA_IDENTIFY_WORDS 256
#define ATA_MODEL_LENGTH 40
#define ATA_SERIAL_LENGTH 20

struct ata_identity {
	UINT64 sectors;			/* addressable logical sectors */
	UINT32 sector_size;		/* bytes per logical sector */
	UINT32 sectors_per_physical;	/* logical sectors in a physical one, a power of two */
	BOOLEAN lba48;			/* 48-bit commands supported and enabled */
	BOOLEAN flush;			/* FLUSH CACHE (EXT with lba48) supported */
	char model[ATA_MODEL_LENGTH + 1];	/* trailing spaces removed, NUL-terminated */
	char serial[ATA_SERIAL_LENGTH + 1];
};

/*
 * Parse the 256 little-endian words of IDENTIFY DEVICE. EFI_UNSUPPORTED for a packet (ATAPI)
 * device or one without LBA; EFI_CRC_ERROR when the integrity word's checksum is wrong;
 * EFI_VOLUME_CORRUPTED for a sector size or count no driver could use.
 */
EFI_STATUS ata_identify_parse(const UINT8 data[ATA_IDENTIFY_WORDS * 2], struct ata_identity *ret);
