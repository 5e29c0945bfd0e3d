/* SPDX-License-Identifier: MIT */
/* Between disk.c (the protocols on disks and partitions) and disk_controllers.c (the drivers). */
#pragma once

#include "include/efi/device_path.h"
#include "lib/drivers/ahci.h"
#include "lib/drivers/nvme.h"
#include "lib/drivers/pci.h"
#include "lib/drivers/virtio_blk.h"

/* One disk a controller found: what the protocols need, whichever driver reads it. */
struct disk {
	struct block_device *block;
	BOOLEAN read_only;
	UINT8 transport;	/* enum handoff_disk_controller */
	UINT16 port;		/* AHCI port, NVMe namespace ID */
	struct pci_address pci;
	UINT64 mmio_base;	/* virtio-mmio transport (transport HANDOFF_DISK_VIRTIO_MMIO) */
	char name[24];		/* for the log: "00:1f.2 port 0" */
	/* Write count blocks at lba, already checked against the disk's size. */
	EFI_STATUS (*write)(struct disk *disk, EFI_LBA lba, UINTN count, const void *buf);
	/* Make completed writes stable. */
	EFI_STATUS (*flush)(struct disk *disk);
	struct disk *next;
	union {
		struct virtio_blk virtio;
		struct ahci_disk ahci;
		struct nvme_namespace nvme;	/* its controller is shared */
	};
};

/* disk.c */
/* Install BlockIo, BlockIo2 and DiskIo on the whole disk at path and on each GPT partition. */
EFI_STATUS disk_publish(struct disk *disk, EFI_DEVICE_PATH_PROTOCOL *path,
			UINT32 *ret_partitions);
/* The handle of partition number of disk; NULL if none. */
EFI_HANDLE disk_partition_handle(const struct disk *disk, UINT32 number);
