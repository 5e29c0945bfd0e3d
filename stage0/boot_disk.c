/* SPDX-License-Identifier: MIT */
/* Finding the boot disk: every virtio-blk, AHCI, NVMe, virtio-scsi and IDE disk, bootorder first,
 * each GPT or MBR ESP's /STRATA and each CD's El Torito image. */
#include "lib/drivers/fw_cfg.h"
#include "lib/drivers/io.h"
#include "lib/drivers/pci.h"
#include "lib/platform/bootorder.h"
#include "lib/printf.h"
#include "lib/storage/eltorito.h"
#include "lib/storage/gpt.h"
#include "lib/storage/mbr.h"
#include "lib/string.h"
#include "stage0/stage0.h"

#define LOG_PREFIX "disk: "
#include "lib/log.h"

#define MAX_CANDIDATES 32
#define MAX_HBAS 4
#define MAX_IDE 2
#define BOOTORDER_SIZE 2048
#define PCI_SECONDARY_BUS 0x19
/* Ranks of disks no bootorder line names: after every named one, in PCI order. */
#define RANK_UNNAMED 0x10000

struct candidate {
	struct pci_address pci;
	UINT8 transport;	/* enum handoff_disk_controller; AHCI until virtio is probed */
	UINT16 port;		/* AHCI port, NVMe namespace ID, SCSI target, IDE channel * 2 + unit */
	UINT16 lun;		/* SCSI LUN */
	UINT64 mmio_base;	/* virtio-mmio transport */
	UINT8 hba;		/* index in hbas[] for AHCI, ides[] for IDE */
	BOOLEAN atapi;		/* an IDE CD-ROM (AHCI's show only once the port runs) */
	INT32 rank;
};

#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* The open disk's device memory: one disk at a time is open. */
static UINT8 device_memory[MAX(MAX(AHCI_PORT_MEMORY, VIRTIO_BLK_QUEUE_MEMORY),
			       MAX(NVME_CONTROLLER_MEMORY, VIRTIO_SCSI_MEMORY))]
	__attribute__((aligned(4096)));
/* The controller of the NVMe namespace or the virtio-scsi unit open (their disks share it). */
static struct nvme_controller nvme;
static struct virtio_scsi scsi_hba;
static UINT8 scratch[BLOCK_MAX_SIZE] __attribute__((aligned(16)));
static struct ahci_hba hbas[MAX_HBAS];
static struct ide_controller ides[MAX_IDE];
static struct candidate candidates[MAX_CANDIDATES];
static char bootorder[BOOTORDER_SIZE];

/* The bridge whose secondary bus is bus, as pci_setup numbered them. */
static BOOLEAN parent_bridge(UINT8 bus, struct pci_address *ret_bridge)
{
	struct pci_address a;
	UINT32 cursor = 0;

	while (pci_next_function(&cursor, &a))
		if ((pci_read8(a, PCI_HEADER_TYPE) & 0x7f) == 1 &&
		    pci_read8(a, PCI_SECONDARY_BUS) == bus && a.bus < bus) {
			*ret_bridge = a;
			return TRUE;
		}
	return FALSE;
}

/* The candidate's line in QEMU's bootorder, or RANK_UNNAMED + its PCI order. */
static INT32 candidate_rank(const struct candidate *c, UINTN bootorder_size, UINT32 order)
{
	struct bootorder_device dev = {
		.drive = c->transport == HANDOFF_DISK_AHCI ? c->port : -1,
		.scsi = c->transport == HANDOFF_DISK_VIRTIO_SCSI,
		.target = c->port,
		.lun = c->lun,
	};
	struct pci_address a = c->pci, reversed[BOOTORDER_MAX_DEPTH];
	INT32 rank;

	/* IDE: ".../ide@1,1/drive@<channel>/disk@<unit>". */
	if (c->transport == HANDOFF_DISK_IDE)
		dev = (struct bootorder_device){ .drive = c->port >> 1, .disk = c->port & 1 };

	for (;;) {
		if (dev.depth == BOOTORDER_MAX_DEPTH)
			return RANK_UNNAMED + (INT32)order;
		reversed[dev.depth++] = a;
		if (a.bus == 0)
			break;
		if (!parent_bridge(a.bus, &a))
			return RANK_UNNAMED + (INT32)order;
	}
	for (UINT32 i = 0; i < dev.depth; i++) {
		dev.pci[i].device = reversed[dev.depth - 1 - i].device;
		dev.pci[i].function = reversed[dev.depth - 1 - i].function;
	}
	rank = bootorder_size ? bootorder_rank(bootorder, bootorder_size, &dev) : -1;
	return rank >= 0 ? rank : RANK_UNNAMED + (INT32)order;
}

static void describe(const struct candidate *c, char *buf, UINTN size)
{
	if (c->transport == HANDOFF_DISK_NVME)
		snprintf(buf, size, "%02x:%02x.%x nsid %u", c->pci.bus, c->pci.device,
			 c->pci.function, c->port);
	else if (c->transport == HANDOFF_DISK_VIRTIO_SCSI && c->mmio_base)
		snprintf(buf, size, "virtio-mmio@%llx scsi %u:%u", c->mmio_base, c->port, c->lun);
	else if (c->transport == HANDOFF_DISK_VIRTIO_SCSI)
		snprintf(buf, size, "%02x:%02x.%x scsi %u:%u", c->pci.bus, c->pci.device,
			 c->pci.function, c->port, c->lun);
	else if (c->transport == HANDOFF_DISK_AHCI)
		snprintf(buf, size, "%02x:%02x.%x port %u", c->pci.bus, c->pci.device,
			 c->pci.function, c->port);
	else if (c->transport == HANDOFF_DISK_VIRTIO_MMIO)
		snprintf(buf, size, "virtio-mmio@%llx", c->mmio_base);
	else if (c->transport == HANDOFF_DISK_IDE)
		snprintf(buf, size, "%02x:%02x.%x %s %s", c->pci.bus, c->pci.device,
			 c->pci.function, c->port & 2 ? "secondary" : "primary",
			 c->port & 1 ? "slave" : "master");
	else
		snprintf(buf, size, "%02x:%02x.%x", c->pci.bus, c->pci.device, c->pci.function);
}

static void virtio_scsi_collect(struct pci_address a, UINT64 mmio_base, UINT32 *count);

/*
 * microvm's virtio-blk transports and the units of its virtio-scsi ones, in slot order (QEMU
 * fills them from the last slot down).
 */
static void mmio_collect(UINT32 *count)
{
	UINT64 bases[MAX_CANDIDATES];
	BOOLEAN from_dsdt;
	UINT32 n = virtio_mmio_microvm_transports(bases, MAX_CANDIDATES, &from_dsdt);

	log_info("%u virtio-mmio transports from %s", n, from_dsdt ? "the DSDT" : "microvm's slots");
	for (UINT32 i = 0; i < n && *count < MAX_CANDIDATES; i++) {
		UINT64 base = bases[i];
		UINT32 id = virtio_mmio_device_id(base);

		if (id == VIRTIO_MMIO_DEVICE_BLOCK)
			candidates[(*count)++] = (struct candidate){
				.transport = HANDOFF_DISK_VIRTIO_MMIO, .mmio_base = base
			};
		else if (id == VIRTIO_MMIO_DEVICE_SCSI)
			virtio_scsi_collect((struct pci_address){ 0 }, base, count);
	}
}

/*
 * A candidate for each active namespace of the NVMe controller at a, added from *count. Listing
 * them needs the admin queue, so the controller runs on device_memory until they are known.
 */
static void nvme_collect(struct pci_address a, UINT32 *count)
{
	UINT32 nsid = 0;

	if (EFI_ERROR(nvme_controller_init(&nvme, a, device_memory)))
		return;
	while (*count < MAX_CANDIDATES && !EFI_ERROR(nvme_next_namespace(&nvme, &nsid))) {
		if (nsid > 0xffff) {
			log_info("%02x:%02x.%x nsid %u: beyond what the hand-off names", a.bus,
				 a.device, a.function, nsid);
			break;
		}
		candidates[(*count)++] = (struct candidate){
			.pci = a, .transport = HANDOFF_DISK_NVME, .port = (UINT16)nsid
		};
	}
	nvme_controller_shutdown(&nvme);
}

/* A candidate for each ATA disk and ATAPI CD-ROM on the IDE controller at a. */
static void ide_collect(struct pci_address a, UINT32 *count, UINT32 *ide_count)
{
	struct ide_controller *ctrl = &ides[*ide_count];

	if (*ide_count == MAX_IDE || EFI_ERROR(ide_controller_init(ctrl, a)))
		return;
	for (UINT8 port = 0; port < IDE_CHANNELS * IDE_UNITS && *count < MAX_CANDIDATES; port++) {
		enum ide_device_kind kind = ide_probe(ctrl, port >> 1, port & 1);
		struct candidate *c = &candidates[*count];

		*c = (struct candidate){
			.pci = a, .transport = HANDOFF_DISK_IDE, .port = port, .hba = (UINT8)*ide_count,
			.atapi = kind == IDE_DEVICE_ATAPI,
		};
		if (kind == IDE_DEVICE_ATA || kind == IDE_DEVICE_ATAPI)
			(*count)++;
	}
	(*ide_count)++;
}

/* The virtio-scsi HBA at PCI function a, or on the virtio-mmio transport at mmio_base. */
static EFI_STATUS virtio_scsi_start(struct pci_address a, UINT64 mmio_base)
{
	return mmio_base ? virtio_scsi_init_mmio(&scsi_hba, mmio_base, device_memory)
			 : virtio_scsi_init(&scsi_hba, a, device_memory);
}

/* A candidate for each unit of a virtio-scsi HBA (INQUIRY waits for disk_open). */
static void virtio_scsi_collect(struct pci_address a, UINT64 mmio_base, UINT32 *count)
{
	UINT32 cursor = 0;
	UINT16 target, lun;

	if (EFI_ERROR(virtio_scsi_start(a, mmio_base)))
		return;
	while (*count < MAX_CANDIDATES &&
	       !EFI_ERROR(virtio_scsi_next_unit(&scsi_hba, &cursor, &target, &lun)))
		candidates[(*count)++] = (struct candidate){
			.pci = a, .transport = HANDOFF_DISK_VIRTIO_SCSI, .port = target, .lun = lun,
			.mmio_base = mmio_base
		};
	virtio_scsi_shutdown(&scsi_hba);
}

/* Every disk on every controller stage0 drives, sorted by rank; returns how many. */
static UINT32 candidates_collect(UINT32 flags)
{
	UINTN bootorder_size = 0;
	struct pci_address a;
	UINT32 cursor = 0, count = 0, hba_count = 0, ide_count = 0;

	if (EFI_ERROR(fw_cfg_read_file("bootorder", bootorder, sizeof(bootorder) - 1,
				       &bootorder_size)))
		bootorder_size = 0;
	bootorder[bootorder_size] = 0;
	while (pci_next_function(&cursor, &a) && count < MAX_CANDIDATES) {
		if (virtio_blk_match(a)) {
			candidates[count++] = (struct candidate){ .pci = a,
								  .transport = HANDOFF_VIRTIO_MODERN };
			continue;
		}
		if (nvme_match(a)) {
			nvme_collect(a, &count);
			continue;
		}
		if (ide_match(a)) {
			ide_collect(a, &count, &ide_count);
			continue;
		}
		if (virtio_scsi_match(a)) {
			virtio_scsi_collect(a, 0, &count);
			continue;
		}
		if (!ahci_match(a) || hba_count == MAX_HBAS ||
		    EFI_ERROR(ahci_hba_init(&hbas[hba_count], a)))
			continue;
		for (UINT8 port = 0; port < AHCI_MAX_PORTS && count < MAX_CANDIDATES; port++) {
			enum ahci_device_kind kind = ahci_port_probe(&hbas[hba_count], port);

			if (kind != AHCI_DEVICE_ATA && kind != AHCI_DEVICE_ATAPI)
				continue;
			candidates[count++] = (struct candidate){ .pci = a,
								  .transport = HANDOFF_DISK_AHCI,
								  .port = port,
								  .hba = (UINT8)hba_count };
		}
		hba_count++;
	}
	if (flags & HANDOFF_FLAG_MICROVM)
		mmio_collect(&count);
	for (UINT32 i = 0; i < count; i++)
		candidates[i].rank = candidates[i].mmio_base ? RANK_UNNAMED + (INT32)i
					     : candidate_rank(&candidates[i], bootorder_size, i);
	/* Insertion sort: a handful of disks, and equal ranks keep PCI order. */
	for (UINT32 i = 1; i < count; i++) {
		struct candidate c = candidates[i];
		UINT32 j = i;

		for (; j > 0 && candidates[j - 1].rank > c.rank; j--)
			candidates[j] = candidates[j - 1];
		candidates[j] = c;
	}
	return count;
}

static EFI_STATUS disk_open(struct boot_disk *disk, const struct candidate *c)
{
	EFI_STATUS status;

	disk->transport = c->transport;
	disk->pci = c->pci;
	disk->port = (UINT8)c->port;
	disk->atapi = c->atapi;
	if (c->transport == HANDOFF_DISK_IDE && c->atapi) {
		disk->block = &disk->ide_atapi.disk.block;
		return ide_atapi_init(&disk->ide_atapi, &ides[c->hba], c->port >> 1, c->port & 1);
	}
	if (c->transport == HANDOFF_DISK_NVME) {
		disk->block = &disk->nvme.block;
		status = nvme_controller_init(&nvme, c->pci, device_memory);
		if (!EFI_ERROR(status))
			status = nvme_namespace_init(&disk->nvme, &nvme, c->port);
		if (EFI_ERROR(status))
			nvme_controller_shutdown(&nvme);
		return status;
	}
	if (c->transport == HANDOFF_DISK_IDE) {
		disk->block = &disk->ide.block;
		return ide_disk_init(&disk->ide, &ides[c->hba], c->port >> 1, c->port & 1);
	}
	if (c->transport == HANDOFF_DISK_VIRTIO_SCSI) {
		disk->block = &disk->scsi.block;
		status = virtio_scsi_start(c->pci, c->mmio_base);
		if (EFI_ERROR(status))
			return status;
		status = scsi_disk_init(&disk->scsi, &scsi_hba.transport, c->port, c->lun);
		if (EFI_ERROR(status))
			virtio_scsi_shutdown(&scsi_hba);
		return status;
	}
	if (c->transport == HANDOFF_DISK_AHCI) {
		status = ahci_disk_init(&disk->ahci, &hbas[c->hba], c->port, device_memory);
		disk->block = &disk->ahci.block;
		if (status != EFI_UNSUPPORTED)
			return status;
		/* A packet device: its signature showed once the port ran. */
		disk->atapi = TRUE;
		disk->block = &disk->ahci_atapi.disk.block;
		status = ahci_atapi_init(&disk->ahci_atapi, &hbas[c->hba], c->port, device_memory);
		if (status == EFI_NO_MEDIA)	/* the port was left running for a medium */
			ahci_disk_shutdown(&disk->ahci_atapi.port);
		return status;
	}
	if (c->transport == HANDOFF_DISK_VIRTIO_MMIO) {
		disk->block = &disk->virtio.block;
		return virtio_blk_init_mmio(&disk->virtio, c->mmio_base, device_memory);
	}
	status = virtio_blk_init(&disk->virtio, c->pci, device_memory);
	if (!EFI_ERROR(status) && !disk->virtio.pci.modern)
		disk->transport = HANDOFF_VIRTIO_LEGACY;
	disk->block = &disk->virtio.block;
	return status;
}

void boot_disk_shutdown(struct boot_disk *disk)
{
	if (disk->transport == HANDOFF_DISK_NVME)
		nvme_controller_shutdown(&nvme);
	else if (disk->transport == HANDOFF_DISK_VIRTIO_SCSI)
		virtio_scsi_shutdown(&scsi_hba);
	else if (disk->transport == HANDOFF_DISK_AHCI)
		ahci_disk_shutdown(disk->atapi ? &disk->ahci_atapi.port : &disk->ahci);
	else if (disk->transport != HANDOFF_DISK_IDE)	/* PIO: nothing left running */
		virtio_blk_shutdown(&disk->virtio);
}

/* A partition that may hold /STRATA: where it is, and what the log and hand-off call it. */
struct esp {
	UINT32 number;		/* GPT entry index, or MBR partition number */
	EFI_LBA first_lba;
	UINT64 block_count;
	EFI_GUID unique_guid;	/* GPT only */
	const char *label;	/* for the log: "ESP" (GPT) or "MBR partition" */
	const char *table;	/* for the log: "" (GPT) or "MBR " */
};

/* A CD's El Torito image in 512-byte sectors, as its FAT is made; stage1 is read through it. */
static struct block_view cd_view;

/* Mount one ESP and ask accept whether its /STRATA holds usable stages. */
static EFI_STATUS esp_try(struct handoff *h, struct boot_disk *disk, const char *name,
			  const struct esp *esp, boot_disk_accept_fn accept)
{
	struct block_device *dev = disk->block;
	UINT32 ratio = 1;
	struct fat_file dir;
	EFI_STATUS status;

	if (dev->block_size > 512 && !EFI_ERROR(block_view_init(&cd_view, dev, 512))) {
		ratio = dev->block_size / 512;
		dev = &cd_view.dev;
	}
	status = fat_mount(&disk->esp, dev, esp->first_lba * ratio, esp->block_count * ratio);
	/* A FAT made with the medium's own sector size mounts as it is. */
	if (EFI_ERROR(status) && ratio > 1)
		status = fat_mount(&disk->esp, disk->block, esp->first_lba, esp->block_count);
	if (EFI_ERROR(status))
		return log_warn_status(status, "%s: %s %u is not a FAT file system", name,
				       esp->label, esp->number);
	status = fat_open(&disk->esp, NULL, u"\\STRATA", &dir);
	if (EFI_ERROR(status) || !(dir.attributes & FAT_ATTR_DIRECTORY)) {
		log_warn("%s: %s %u has no /STRATA directory", name, esp->label, esp->number);
		return EFI_NOT_FOUND;
	}
	h->timestamps[HANDOFF_TS_DISK] = rdtsc();
	status = accept(h, &disk->esp);
	if (EFI_ERROR(status))
		return log_warn_status(status, "%s: %s %u holds no usable stage1", name,
				       esp->label, esp->number);
	return EFI_SUCCESS;
}

/* Every GPT ESP in entry order, until one is accepted; EFI_NOT_FOUND if there is no GPT. */
static EFI_STATUS gpt_try(struct handoff *h, struct boot_disk *disk, const char *name,
			  boot_disk_accept_fn accept, struct gpt_disk *gpt, struct esp *ret_esp)
{
	static const EFI_GUID esp_type = GPT_ESP_TYPE_GUID;
	struct gpt_partition part = { 0 };
	EFI_STATUS status;
	BOOLEAN any = FALSE;

	status = gpt_read(disk->block, scratch, gpt);
	if (status == EFI_NOT_FOUND)
		return status;
	if (EFI_ERROR(status))
		return log_warn_status(status, "%s: no usable GPT", name);
	if (gpt->used_backup)
		log_warn("%s: primary GPT damaged, using the backup", name);
	while (!EFI_ERROR(gpt_find_next_partition(disk->block, gpt, &esp_type, part.number,
						  scratch, &part))) {
		*ret_esp = (struct esp){ .number = part.number,
					 .first_lba = part.first_lba,
					 .block_count = part.last_lba - part.first_lba + 1,
					 .unique_guid = part.unique_guid,
					 .label = "ESP",
					 .table = "" };
		any = TRUE;
		if (!EFI_ERROR(esp_try(h, disk, name, ret_esp, accept)))
			return EFI_SUCCESS;
	}
	if (!any)
		log_warn("%s: no EFI system partition in its GPT", name);
	return EFI_ABORTED;
}

/* The El Torito EFI image of an ISO 9660 medium (a CD, or a hybrid ISO on a disk). */
static EFI_STATUS eltorito_try(struct handoff *h, struct boot_disk *disk, const char *name,
			       boot_disk_accept_fn accept, struct esp *ret_esp)
{
	struct eltorito_image img;

	if (EFI_ERROR(eltorito_find_efi(disk->block, scratch, &img)))
		return EFI_NOT_FOUND;
	*ret_esp = (struct esp){ .number = img.boot_entry,
				 .first_lba = img.first_lba,
				 .block_count = img.block_count,
				 .label = "El Torito entry",
				 .table = "El Torito " };
	return EFI_ERROR(esp_try(h, disk, name, ret_esp, accept)) ? EFI_ABORTED : EFI_SUCCESS;
}

/* Every MBR partition of type 0xEF, primary or logical, until one is accepted. */
static EFI_STATUS mbr_try(struct handoff *h, struct boot_disk *disk, const char *name,
			  boot_disk_accept_fn accept, struct mbr_disk *mbr, struct esp *ret_esp)
{
	struct mbr_cursor cursor = { 0 };
	struct mbr_partition part;
	EFI_STATUS status;
	BOOLEAN any = FALSE;

	status = mbr_read(disk->block, scratch, mbr);
	if (status == EFI_NOT_FOUND || status == EFI_UNSUPPORTED) {
		log_warn("%s: no usable GPT or MBR partition table", name);
		return EFI_NOT_FOUND;
	}
	if (EFI_ERROR(status))
		return log_warn_status(status, "%s: MBR partition table damaged", name);
	while (!EFI_ERROR(mbr_next_partition(disk->block, mbr, &cursor, scratch, &part))) {
		if (part.type != MBR_TYPE_EFI)
			continue;
		/* A logical partition is numbered within the extended one, as in its HD() path. */
		*ret_esp = (struct esp){ .number = part.number,
					 .first_lba = part.first_lba,
					 .block_count = part.block_count,
					 .label = "MBR partition",
					 .table = "MBR " };
		any = TRUE;
		if (!EFI_ERROR(esp_try(h, disk, name, ret_esp, accept)))
			return EFI_SUCCESS;
	}
	if (!any)
		log_warn("%s: no MBR partition of type 0xEF", name);
	return EFI_NOT_FOUND;
}

/* The GPT's ESPs; without one, the El Torito image, else the MBR's EFI partitions (EDK2's order). */
static EFI_STATUS disk_try(struct handoff *h, struct boot_disk *disk, const char *name,
			   boot_disk_accept_fn accept, struct gpt_disk *gpt, struct esp *ret_esp)
{
	struct mbr_disk mbr;
	EFI_STATUS status;

	status = gpt_try(h, disk, name, accept, gpt, ret_esp);
	if (status != EFI_NOT_FOUND)
		return status;
	memset(gpt, 0, sizeof(*gpt));
	status = eltorito_try(h, disk, name, accept, ret_esp);
	if (status != EFI_NOT_FOUND)
		return status;
	return mbr_try(h, disk, name, accept, &mbr, ret_esp);
}

EFI_STATUS boot_disk_find(struct handoff *h, struct boot_disk *disk, boot_disk_accept_fn accept)
{
	UINT32 count = candidates_collect(h->flags);

	for (UINT32 i = 0; i < count; i++) {
		const struct candidate *c = &candidates[i];
		struct gpt_disk gpt;
		struct esp esp;
		char name[32];
		EFI_STATUS status;

		describe(c, name, sizeof(name));
		status = disk_open(disk, c);
		if (status == EFI_NO_MEDIA) {
			log_info("%s: no medium", name);	/* an empty drive is no fault */
			continue;
		}
		if (EFI_ERROR(status)) {
			log_warn_status(status, "%s: cannot be read", name);
			continue;
		}
		status = disk_try(h, disk, name, accept, &gpt, &esp);
		if (EFI_ERROR(status)) {
			boot_disk_shutdown(disk);
			continue;
		}
		h->boot_disk = (struct handoff_boot_disk){
			.pci_bus = c->pci.bus,
			.pci_device = c->pci.device,
			.pci_function = c->pci.function,
			.transport = disk->transport,
			.port = c->port,
			.lun = c->lun,
			.partition_number = esp.number,
			.partition_first_lba = esp.first_lba,
			.partition_last_lba = esp.first_lba + esp.block_count - 1,
			.partition_guid = esp.unique_guid,
			.disk_guid = gpt.header.disk_guid,
			.block_size = disk->block->block_size,
			.block_count = disk->block->block_count,
			.mmio_base = c->mmio_base,
		};
		log_info("boot disk %s (%s, %llu MiB, %s), ESP is %spartition %u, FAT%u", name,
			 disk->transport == HANDOFF_DISK_NVME	   ? "NVMe"
			 : disk->transport == HANDOFF_DISK_VIRTIO_SCSI ? "virtio-scsi"
			 : disk->transport == HANDOFF_DISK_AHCI	   ? "AHCI"
			 : disk->transport == HANDOFF_DISK_IDE	   ? "IDE"
			 : disk->transport == HANDOFF_DISK_VIRTIO_MMIO
				 ? (disk->virtio.transport.modern ? "virtio-blk on virtio-mmio 2"
								  : "virtio-blk on virtio-mmio 1")
			 : disk->transport == HANDOFF_VIRTIO_MODERN ? "virtio-blk modern"
								    : "virtio-blk legacy",
			 disk->block->block_count * disk->block->block_size >> 20,
			 c->rank < RANK_UNNAMED			       ? "bootindex"
			 : c->mmio_base ? "slot order"
								    : "PCI order",
			 esp.table,
			 esp.number, disk->esp.fat_type);
		return EFI_SUCCESS;
	}
	return EFI_NOT_FOUND;
}
