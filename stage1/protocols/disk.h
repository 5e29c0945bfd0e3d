/* SPDX-License-Identifier: MIT */
/* Between disk.c (the protocols), partitions.c (the partitions) and disk_controllers.c (the drivers). */
#pragma once

#include "include/efi/device_path.h"
#include "include/efi/protocol/block_io.h"
#include "include/efi/protocol/block_io2.h"
#include "include/efi/protocol/disk_io.h"
#include "include/efi/protocol/partition_info.h"
#include "lib/drivers/ahci.h"
#include "lib/drivers/ide.h"
#include "lib/drivers/nvme.h"
#include "lib/drivers/pci.h"
#include "lib/drivers/virtio_blk.h"
#include "lib/drivers/virtio_scsi.h"
#include "lib/storage/scsi.h"

/* One disk a controller found: what the protocols need, whichever driver reads it. */
struct disk {
	struct block_device *block;
	BOOLEAN read_only;
	BOOLEAN removable;	/* BlockIo's RemovableMedia: a CD drive, a removable SCSI unit */
	UINT8 transport;	/* enum handoff_disk_controller */
	UINT16 port;		/* AHCI port, NVMe namespace ID, SCSI target, IDE channel * 2 + unit */
	UINT16 lun;		/* SCSI LUN */
	struct pci_address pci;
	UINT64 mmio_base;	/* virtio-mmio transport (transport HANDOFF_DISK_VIRTIO_MMIO) */
	char name[32];		/* for the log: "00:1f.2 port 0", "virtio-mmio@feb02c00 scsi 0:0" */
	/* Write count blocks at lba, already checked against the disk's size. */
	EFI_STATUS (*write)(struct disk *disk, EFI_LBA lba, UINTN count, const void *buf);
	/* Make completed writes stable. */
	EFI_STATUS (*flush)(struct disk *disk);
	/* A drive of removable media (ATAPI, SCSI CD): its medium is checked before each request. */
	struct scsi_disk *unit;
	struct volume *whole;	/* the whole-disk volume */
	struct disk *next;
	union {
		struct virtio_blk virtio;
		struct ahci_disk ahci;
		struct nvme_namespace nvme;	/* its controller is shared */
		struct ide_disk ide;		/* so is its controller */
		struct ide_atapi ide_atapi;	/* an IDE CD-ROM */
		struct scsi_disk scsi;		/* a virtio-scsi unit; its HBA is shared */
		struct ahci_atapi atapi;	/* an ATAPI device on an AHCI port */
	};
};

/*
 * What a BlockIo handle exposes: a whole disk, or a partition of one (partition_number > 0).
 * disk.c serves the protocols; partitions.c makes the partition ones.
 */
struct volume {
	EFI_BLOCK_IO_PROTOCOL block_io;
	EFI_BLOCK_IO_MEDIA media;
	EFI_BLOCK_IO2_PROTOCOL block_io2;
	EFI_DISK_IO_PROTOCOL disk_io;
	EFI_PARTITION_INFO_PROTOCOL partition_info;	/* on partition handles */
	struct disk *disk;
	EFI_LBA first_lba;
	UINT32 partition_number;	/* 0: the whole disk */
	UINT32 medium;			/* the whole disk's MediaId when it was made */
	EFI_HANDLE handle;
	EFI_DEVICE_PATH_PROTOCOL *path;
	struct filesystem *fs;
	struct volume *next;
};

/* disk.c */
/* Install BlockIo, BlockIo2 and DiskIo on the whole disk at path and on each partition. */
EFI_STATUS disk_publish(struct disk *disk, EFI_DEVICE_PATH_PROTOCOL *path,
			UINT32 *ret_partitions);
/* The handle of the partition of disk that starts at first_lba; NULL if none. */
EFI_HANDLE disk_partition_handle(const struct disk *disk, EFI_LBA first_lba);
/* A handle with DevicePath, BlockIo(2) and DiskIo for blocks [first, first + count) of disk. */
EFI_STATUS disk_volume_install(struct disk *disk, EFI_LBA first, UINT64 count, UINT32 partition,
			       EFI_DEVICE_PATH_PROTOCOL *path, struct volume **ret_volume);

/* partitions.c */
/* Child handles for the GPT, else El Torito, else MBR partitions of whole; returns how many. */
UINT32 disk_partitions_install(struct disk *disk, struct volume *whole);
