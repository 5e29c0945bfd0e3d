/* SPDX-License-Identifier: MIT */
/* virtio-scsi HBA (virtio 1.0 §5.6) over virtio-pci or virtio-mmio: a struct scsi_transport. */
#pragma once

#include "include/efi/types.h"
#include "lib/drivers/virtio_mmio.h"
#include "lib/drivers/virtio_pci.h"
#include "lib/storage/scsi.h"

#define VIRTIO_SCSI_LEGACY_ID 0x1004
#define VIRTIO_SCSI_MODERN_ID 0x1048
#define VIRTIO_MMIO_DEVICE_SCSI 8	/* the virtio device ID, as a virtio-mmio transport reports it */
/*
 * Page-aligned memory of one HBA: request header, response and LUN list (1 page), the bounce
 * block (1 page), and the control, event and request queues (3 pages each at the 256 entries
 * QEMU's legacy interface fixes).
 */
#define VIRTIO_SCSI_MEMORY (11 * 4096)

struct virtio_scsi {
	struct scsi_transport transport;	/* what scsi_disk_init takes */
	union {
		struct virtio_transport virtio;	/* first in each of the two */
		struct virtio_pci pci;
		struct virtio_mmio mmio;
	};
	BOOLEAN mmio_transport;		/* which of the two the union holds, to start it again */
	struct virtq control;
	struct virtq event;
	struct virtq request;
	UINT8 *memory;			/* VIRTIO_SCSI_MEMORY bytes the device reads and writes */
	UINT32 cdb_size;		/* of the request header, from the device's configuration */
	UINT32 sense_size;
	UINT16 max_target;
	UINT16 max_lun;
	UINT64 tag;
	UINT32 listed_target;		/* whose REPORT LUNS the LUN list holds; ~0: none */
	UINT32 list_length;
	BOOLEAN failed;			/* a reset did not bring the device back */
};

/* Whether a PCI function is a virtio-scsi HBA (either transport). */
BOOLEAN virtio_scsi_match(struct pci_address a);
/* Bring the HBA up with its queues in memory (VIRTIO_SCSI_MEMORY bytes, page-aligned). */
EFI_STATUS virtio_scsi_init(struct virtio_scsi *hba, struct pci_address a, void *memory);
/* The same on the virtio-mmio transport at base (microvm's virtio-scsi-device). */
EFI_STATUS virtio_scsi_init_mmio(struct virtio_scsi *hba, UINT64 base, void *memory);
/*
 * The next logical unit at or after *cursor (start at 0): the targets in order, each target's
 * LUNs as its REPORT LUNS lists them (LUN 0 if it has no list). EFI_NOT_FOUND after the last.
 */
EFI_STATUS virtio_scsi_next_unit(struct virtio_scsi *hba, UINT32 *cursor, UINT16 *ret_target,
				 UINT16 *ret_lun);
/* Reset the HBA so it no longer touches its memory. */
void virtio_scsi_shutdown(struct virtio_scsi *hba);
