/* SPDX-License-Identifier: MIT */
/* NVMe controllers (PCI class 01:08:02): admin queue, one polled I/O queue pair, every namespace. */
#pragma once

#include "include/efi/types.h"
#include "lib/drivers/pci.h"
#include "lib/storage/block.h"
#include "lib/storage/nvme_cmd.h"

/* Queues, IDENTIFY buffer, PRP list and bounce page: seven 4 KiB pages, page-aligned. */
#define NVME_CONTROLLER_MEMORY (7 * 4096)

struct nvme_queue {
	UINT16 id;
	UINT16 entries;
	UINT16 tail;		/* submission */
	UINT16 head;		/* completion */
	UINT8 phase;		/* the completion phase tag that marks a new entry */
	struct nvme_sqe *sq;
	volatile struct nvme_cqe *cq;
};

struct nvme_controller {
	struct pci_address pci;
	UINT64 regs;
	UINT32 doorbell_stride;
	UINT32 ready_ms;		/* CAP.TO: how long enabling or disabling may take */
	UINT16 max_entries;		/* CAP.MQES + 1 */
	UINT16 next_cid;
	BOOLEAN running;
	UINT8 *memory;			/* NVME_CONTROLLER_MEMORY bytes the device reads and writes */
	struct nvme_queue admin;
	struct nvme_queue io;
	struct nvme_controller_identity id;
	UINT32 max_transfer;		/* bytes per command: MDTS and one PRP list */
};

struct nvme_namespace {
	struct block_device block;	/* first, so callers may cast */
	struct nvme_controller *ctrl;
	UINT32 nsid;
	struct nvme_namespace_identity id;
};

/* Whether a PCI function is an NVMe controller (class 01:08:02). */
BOOLEAN nvme_match(struct pci_address a);
/* Enable the function, reset the controller, IDENTIFY it and create the I/O queue pair. */
EFI_STATUS nvme_controller_init(struct nvme_controller *ctrl, struct pci_address a, void *memory);
/* The next active namespace ID after *nsid (start at 0); EFI_NOT_FOUND after the last. */
EFI_STATUS nvme_next_namespace(struct nvme_controller *ctrl, UINT32 *nsid);
/* IDENTIFY namespace nsid and make ns its block device. */
EFI_STATUS nvme_namespace_init(struct nvme_namespace *ns, struct nvme_controller *ctrl,
			       UINT32 nsid);
/* Write count blocks at lba from buf (the write may sit in the volatile cache until a flush). */
EFI_STATUS nvme_namespace_write(struct nvme_namespace *ns, EFI_LBA lba, UINTN count,
				const void *buf);
/* FLUSH: what was written is on the medium; EFI_SUCCESS at once without a volatile cache. */
EFI_STATUS nvme_namespace_flush(struct nvme_namespace *ns);
/* Shut the controller down so it no longer touches its memory; a second call does nothing. */
void nvme_controller_shutdown(struct nvme_controller *ctrl);
