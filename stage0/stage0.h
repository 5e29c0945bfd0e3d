/* SPDX-License-Identifier: MIT */
/* What stage0's files share: the hand-off block being built and the steps main() calls. */
#pragma once

#include "include/strata/handoff.h"
#include "include/strata/stage_image.h"
#include "lib/formats/boot_record.h"
#include "lib/platform/coreboot_tables.h"
#include "lib/drivers/ahci.h"
#include "lib/drivers/ide.h"
#include "lib/drivers/nvme.h"
#include "lib/drivers/virtio_blk.h"
#include "lib/drivers/virtio_scsi.h"
#include "lib/storage/fat.h"

extern struct handoff stage0_handoff;

/* platform.c */
/* Measure the TSC frequency against the PIT (0 if the PIT does not answer). */
UINT64 platform_calibrate_tsc(void);
/* Identify the chipset and enable its ACPI PM I/O block, which QEMU's FADT points at. */
void platform_init(struct handoff *h);
/* The 32-bit PCI MMIO window for this machine given the top of RAM below 4 GiB. */
void platform_pci_windows(const struct handoff *h, struct pci_windows *ret_windows);

/* coreboot_payload.c */
/*
 * The coreboot tables at argument (the payload entry's), else found by a scan, logged; the
 * console moves to their I/O UART. NULL, logged, when there are none.
 */
const struct coreboot_info *coreboot_payload_init(struct handoff *h, UINT32 argument);
/* Before pci_setup: which display's BAR holds the tables' frame buffer (PCI bus 0). */
void coreboot_payload_find_display(struct handoff *h);
/* After pci_setup: the frame buffer's address in its BAR's new place. */
void coreboot_payload_follow_display(struct handoff *h);

/* memory.c */
/*
 * Read the memory map into the hand-off block: from coreboot's tables when cb is not NULL, from
 * the PVH start info at pvh_start_info when it has one (not 0: started through the PVH entry),
 * else QEMU's e820 from fw_cfg.
 */
EFI_STATUS memory_init(struct handoff *h, UINT32 pvh_start_info, const struct coreboot_info *cb);
/* Record a range the OS must leave alone (e.g. PCIe MMCONFIG) in the hand-off memory map. */
void memory_reserve(struct handoff *h, UINT64 base, UINT64 length);
/* Highest page-aligned free RAM below 4 GiB for size bytes, recorded as reserved kind; NULL if none. */
void *memory_alloc(struct handoff *h, UINT64 size, UINT32 kind);
/* Give back the most recent allocation (a stage that failed verification). */
void memory_free_last(struct handoff *h, void *p);

/* boot_disk.c */
struct boot_disk {
	UINT8 transport;	/* enum handoff_disk_controller */
	UINT8 port;
	BOOLEAN atapi;		/* a packet device on an AHCI port or IDE unit */
	struct pci_address pci;
	union {
		struct virtio_blk virtio;
		struct ahci_disk ahci;
		struct nvme_namespace nvme;
		struct ide_disk ide;
		struct scsi_disk scsi;	/* a unit of the one virtio-scsi HBA boot_disk.c runs */
		struct ahci_atapi ahci_atapi;
		struct ide_atapi ide_atapi;
	};
	struct block_device *block;
	struct fat_volume esp;
};
/* Whether an ESP with /STRATA holds usable stages (loads them); an error passes the ESP over. */
typedef EFI_STATUS (*boot_disk_accept_fn)(struct handoff *h, struct fat_volume *esp);
/*
 * Try the ESPs of every virtio-blk disk, AHCI port, NVMe namespace and IDE disk, those QEMU's bootorder
 * names first, then in PCI order, until accept takes one; the disk stays open with that ESP
 * mounted.
 */
EFI_STATUS boot_disk_find(struct handoff *h, struct boot_disk *disk, boot_disk_accept_fn accept);
/* Stop the disk so it no longer touches stage0's memory. */
void boot_disk_shutdown(struct boot_disk *disk);

/* stage1_loader.c */
struct loaded_stage {
	UINT8 *base;
	struct stage_image_header header;
};
/*
 * Read the stage signing key from this ROM's key slot (none when stage0 was not started from its
 * reset vector); with one, stage_load accepts only stages signed by it. Halts on a damaged key.
 */
void stage_signing_init(BOOLEAN from_reset_vector);
/* Load, verify and relocate the stage image at path; every failure is logged with its reason. */
EFI_STATUS stage_load(struct handoff *h, struct fat_volume *esp, const CHAR16 *path, UINT32 kind,
		      struct loaded_stage *ret_stage);

/* boot_store.c */
/* The durable boot-count record from pflash unit 1's variable store; FALSE if none (or -bios). */
BOOLEAN boot_store_load(struct boot_record *ret_record);
/* Write the record there too when it changed (and the store was found). */
void boot_store_save(const struct boot_record *record);

/* boot_count.c */
/*
 * Load the stage1 copy to start from esp: STAGE1.NEW, STAGE1.BIN, STAGE1.BAK in that order,
 * passing over a copy that failed its tries (CMOS record), arming the watchdog for a try.
 */
EFI_STATUS boot_count_load_stage1(struct handoff *h, struct fat_volume *esp,
				  struct loaded_stage *ret_stage);
/*
 * Load the runtime blob: RUNTIME.NEW counted like a stage1 copy (a try of the whole boot), else
 * RUNTIME.BIN, else RUNTIME.BAK.
 */
EFI_STATUS boot_count_load_runtime(struct handoff *h, struct fat_volume *esp,
				   struct loaded_stage *ret_stage);
/* An exception report ends here: reset for the next try when a not-yet-good stage1 runs. */
void boot_count_crashed(void);

/* stage0/exception.c: a TSS (#DF, NMI and #MC stacks) and an IDT whose every vector reports. */
void exception_init(void);
/* Test hook: when QEMU's fw_cfg file opt/strata/test-fault says "stage0-ud2", fault and report. */
void exception_test_trigger(void);
