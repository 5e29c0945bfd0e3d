/* SPDX-License-Identifier: MIT */
/*
 * IDE (PCI class 01:01, PIIX3/PIIX4 on QEMU's pc): ATA disks by bus-master DMA (polled PIO
 * without BAR4, or for a buffer DMA cannot reach) and ATAPI CD-ROMs by polled PIO.
 */
#pragma once

#include "include/efi/types.h"
#include "lib/drivers/pci.h"
#include "lib/storage/ata.h"
#include "lib/storage/block.h"
#include "lib/storage/ide_cmd.h"
#include "lib/storage/scsi.h"

#define IDE_CHANNELS 2
#define IDE_UNITS 2

/* One channel's register blocks: legacy ports or the BARs the programming interface selects. */
struct ide_channel {
	UINT16 command;		/* command block base (data .. status/command) */
	UINT16 control;		/* device control / alternate status register */
	UINT16 bus_master;	/* its bus-master registers (BAR4 + 8 * channel); 0: PIO only */
	BOOLEAN native;		/* addressed through BARs rather than 0x1f0/0x170 */
	BOOLEAN present;	/* something answered on it */
};

struct ide_controller {
	struct pci_address pci;
	struct ide_channel channel[IDE_CHANNELS];
};

struct ide_disk {
	struct block_device block;	/* first, so callers may cast */
	struct ide_controller *ctrl;
	UINT8 channel;			/* 0 primary, 1 secondary */
	UINT8 unit;			/* 0 master, 1 slave */
	struct ata_identity id;
	UINT32 max_blocks;		/* sectors per command */
};

/* An ATAPI device on a channel's unit: PACKET commands carry the SCSI layer's 12-byte CDBs. */
struct ide_atapi {
	struct scsi_transport transport;
	struct ide_controller *ctrl;
	UINT8 channel;
	UINT8 unit;
	struct scsi_disk disk;		/* read-only with 2048-byte blocks for a CD */
};

/* Whether a PCI function is an IDE controller (class 01:01, any programming interface). */
BOOLEAN ide_match(struct pci_address a);
/* Enable the function, find each channel's ports and reset the channels that answer. */
EFI_STATUS ide_controller_init(struct ide_controller *ctrl, struct pci_address a);
/*
 * What the reset signature says is on channel's unit; no command is sent. Only good until the
 * first command on the channel, whose registers both units see: probe every unit first.
 */
enum ide_device_kind ide_probe(struct ide_controller *ctrl, UINT8 channel, UINT8 unit);
/* IDENTIFY the ATA disk on channel's unit and make it a block device. */
EFI_STATUS ide_disk_init(struct ide_disk *disk, struct ide_controller *ctrl, UINT8 channel,
			 UINT8 unit);
/*
 * Bring the ATAPI device on channel's unit up as atapi->disk (scsi_disk_init): EFI_NO_MEDIA for
 * an empty drive. Nothing runs between commands, so it needs no shutdown.
 */
EFI_STATUS ide_atapi_init(struct ide_atapi *atapi, struct ide_controller *ctrl, UINT8 channel,
			  UINT8 unit);
/* Write count blocks at lba from buf. */
EFI_STATUS ide_disk_write(struct ide_disk *disk, EFI_LBA lba, UINTN count, const void *buf);
/* FLUSH CACHE (EXT): what was written is on the medium; EFI_SUCCESS if the disk has no cache. */
EFI_STATUS ide_disk_flush(struct ide_disk *disk);
