/* SPDX-License-Identifier: MIT */
/* AHCI (Serial ATA AHCI 1.3.1): SATA disks and ATAPI CD-ROMs on any HBA of class 01:06:01, polled. */
#pragma once

#include "include/efi/types.h"
#include "lib/drivers/pci.h"
#include "lib/storage/ata.h"
#include "lib/storage/block.h"
#include "lib/storage/scsi.h"

#define AHCI_MAX_PORTS 32
/* Memory a port needs (command list, received FISes, command table, bounce block), 4 KiB-aligned. */
#define AHCI_PORT_MEMORY 8192

/* One HBA: its registers and which ports it implements. */
struct ahci_hba {
	struct pci_address pci;
	UINT64 abar;
	UINT32 cap;
	UINT32 ports_implemented;
};

enum ahci_device_kind {
	AHCI_DEVICE_NONE = 0,
	AHCI_DEVICE_ATA,
	AHCI_DEVICE_ATAPI,
	AHCI_DEVICE_OTHER,	/* port multiplier, enclosure: not driven */
};

struct ahci_disk {
	struct block_device block;	/* first, so callers may cast */
	struct ahci_hba *hba;
	UINT64 regs;			/* this port's registers */
	UINT8 port;
	UINT8 *memory;			/* AHCI_PORT_MEMORY bytes the HBA reads and writes by DMA */
	struct ata_identity id;
	UINT32 max_blocks;		/* blocks per command */
};

/* An ATAPI device on a port: PACKET commands carry the SCSI layer's CDBs (12 bytes). */
struct ahci_atapi {
	struct scsi_transport transport;
	struct ahci_disk port;		/* the port's state; its block device is unused */
	struct scsi_disk disk;		/* read-only, 2048-byte blocks for a CD */
};

/* Whether a PCI function is an AHCI HBA (class 01:06:01). */
BOOLEAN ahci_match(struct pci_address a);
/* Enable the function, reset the HBA and put it in AHCI mode. */
EFI_STATUS ahci_hba_init(struct ahci_hba *hba, struct pci_address a);
/* What is attached to port (a cheap look at its link and signature; no command is sent). */
enum ahci_device_kind ahci_port_probe(struct ahci_hba *hba, UINT8 port);
/*
 * Start port with memory (AHCI_PORT_MEMORY bytes, page-aligned) and IDENTIFY its ATA disk.
 * EFI_UNSUPPORTED for a packet device (see ahci_atapi_init).
 */
EFI_STATUS ahci_disk_init(struct ahci_disk *disk, struct ahci_hba *hba, UINT8 port, void *memory);
/*
 * Start port with memory and bring its ATAPI device up as atapi->disk (scsi_disk_init):
 * EFI_NO_MEDIA for an empty drive (the port runs: scsi_disk_media_check finds a medium),
 * EFI_UNSUPPORTED if the port has no packet device. ahci_disk_shutdown(&atapi->port) stops it.
 */
EFI_STATUS ahci_atapi_init(struct ahci_atapi *atapi, struct ahci_hba *hba, UINT8 port,
			   void *memory);
/* Write count blocks at lba from buf. */
EFI_STATUS ahci_disk_write(struct ahci_disk *disk, EFI_LBA lba, UINTN count, const void *buf);
/* FLUSH CACHE (EXT): what was written is on the medium; EFI_SUCCESS if the disk has no cache. */
EFI_STATUS ahci_disk_flush(struct ahci_disk *disk);
/* Stop the port so the HBA no longer touches its memory. */
void ahci_disk_shutdown(struct ahci_disk *disk);
