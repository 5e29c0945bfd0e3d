/* SPDX-License-Identifier: MIT */
/* The disk controllers stage1 drives (virtio-blk, AHCI, NVMe, virtio-scsi, IDE): bring-up, paths,
 * shutdown. */
#include "include/strata/handoff.h"
#include "lib/container_of.h"
#include "lib/drivers/ahci.h"
#include "lib/drivers/pci.h"
#include "lib/drivers/timer.h"
#include "lib/drivers/virtio_blk.h"
#include "lib/drivers/virtio_mmio.h"
#include "lib/drivers/virtio_scsi.h"
#include "lib/formats/device_path.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/memory.h"
#include "stage1/protocols/device_path.h"
#include "stage1/protocols/disk.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "disk: "
#include "lib/log.h"

/* OVMF's Sata() node for a port without a multiplier (EDK2 AtaAtapiPassThru). */
#define SATA_NO_PORT_MULTIPLIER 0xffff

static struct disk *disks;
static struct handoff_boot_disk boot_disk;

/* Device memory a driver shares with its device: pages that stay below the payload's view. */
static void *device_memory(UINTN bytes)
{
	EFI_PHYSICAL_ADDRESS memory;
	UINTN pages = (bytes + 4095) / 4096;

	if (EFI_ERROR(memory_allocate_pages(AllocateAnyPages, EfiBootServicesData, pages, &memory)))
		return NULL;
	memset((void *)(UINTN)memory, 0, pages * 4096);
	return (void *)(UINTN)memory;
}

static EFI_STATUS virtio_write(struct disk *disk, EFI_LBA lba, UINTN count, const void *buf)
{
	return virtio_blk_write(&disk->virtio, lba, count, buf);
}

static EFI_STATUS virtio_flush(struct disk *disk)
{
	return virtio_blk_flush(&disk->virtio);
}

static EFI_STATUS ahci_write(struct disk *disk, EFI_LBA lba, UINTN count, const void *buf)
{
	return ahci_disk_write(&disk->ahci, lba, count, buf);
}

static EFI_STATUS ahci_flush(struct disk *disk)
{
	return ahci_disk_flush(&disk->ahci);
}

static EFI_STATUS nvme_write(struct disk *disk, EFI_LBA lba, UINTN count, const void *buf)
{
	return nvme_namespace_write(&disk->nvme, lba, count, buf);
}

static EFI_STATUS nvme_flush(struct disk *disk)
{
	return nvme_namespace_flush(&disk->nvme);
}

static EFI_STATUS ide_write(struct disk *disk, EFI_LBA lba, UINTN count, const void *buf)
{
	return ide_disk_write(&disk->ide, lba, count, buf);
}

static EFI_STATUS ide_flush(struct disk *disk)
{
	return ide_disk_flush(&disk->ide);
}

/* A SCSI unit on any transport: disk->block is its scsi_disk's. */
static EFI_STATUS scsi_write(struct disk *disk, EFI_LBA lba, UINTN count, const void *buf)
{
	return block_write(disk->block, lba, count, buf);
}

static EFI_STATUS scsi_flush(struct disk *disk)
{
	return scsi_disk_flush(container_of(disk->block, struct scsi_disk, block));
}

static void disk_shutdown(struct disk *disk)
{
	if (disk->transport == HANDOFF_DISK_VIRTIO_SCSI)
		virtio_scsi_shutdown(container_of(disk->scsi.transport, struct virtio_scsi,
						  transport));	/* once a unit: a reset again */
	else if (disk->transport == HANDOFF_DISK_NVME)
		nvme_controller_shutdown(disk->nvme.ctrl);	/* once for all its namespaces */
	else if (disk->transport == HANDOFF_DISK_AHCI && disk->block == &disk->atapi.disk.block)
		ahci_disk_shutdown(&disk->atapi.port);
	else if (disk->transport == HANDOFF_DISK_AHCI)
		ahci_disk_shutdown(&disk->ahci);
	else if (disk->transport != HANDOFF_DISK_IDE)	/* PIO: nothing left running */
		virtio_blk_shutdown(&disk->virtio);
}

/* Publish a disk the driver brought up, under path; on failure the caller shuts it down. */
static EFI_STATUS disk_register(struct disk *disk, EFI_DEVICE_PATH_PROTOCOL *path,
				const char *what)
{
	UINT32 partitions;
	EFI_STATUS status;

	if (!path)
		return log_error_status(EFI_OUT_OF_RESOURCES, "%s: no device path", disk->name);
	status = disk_publish(disk, path, &partitions);
	if (EFI_ERROR(status)) {
		pool_free(path);
		return status;
	}
	disk->next = disks;
	disks = disk;
	log_info("%s: %s%s%s, %llu MiB, %u partition%s", disk->name, what,
		 disk->removable ? " removable" : "", disk->read_only ? " read-only" : "",
		 disk->block->block_count * disk->block->block_size >> 20, partitions,
		 partitions == 1 ? "" : "s");
	return EFI_SUCCESS;
}

/* Bring up and publish the virtio-blk disk whose PCI address or MMIO base *disk names. */
static EFI_STATUS virtio_disk_add(struct disk *disk)
{
	BOOLEAN mmio = disk->transport == HANDOFF_DISK_VIRTIO_MMIO;
	void *queue;
	EFI_STATUS status;

	disk->write = virtio_write;
	disk->flush = virtio_flush;
	queue = device_memory(VIRTIO_BLK_QUEUE_MEMORY);
	if (!queue) {
		status = log_error_status(EFI_OUT_OF_RESOURCES, "%s: queue memory", disk->name);
		goto err_free;
	}
	status = mmio ? virtio_blk_init_mmio(&disk->virtio, disk->mmio_base, queue)
		      : virtio_blk_init(&disk->virtio, disk->pci, queue);
	if (EFI_ERROR(status)) {
		log_error_status(status, "%s: virtio-blk init", disk->name);
		goto err_pages;
	}
	disk->block = &disk->virtio.block;
	disk->read_only = disk->virtio.read_only;
	if (!mmio)
		disk->transport = disk->virtio.pci.modern ? HANDOFF_VIRTIO_MODERN
							  : HANDOFF_VIRTIO_LEGACY;
	status = disk_register(disk,
			       mmio ? device_path_alloc_virtio_mmio(disk->mmio_base)
				    : device_path_alloc_pci(disk->pci),
			       mmio ? (disk->virtio.transport.modern ? "virtio-blk, virtio-mmio 2"
								     : "virtio-blk, virtio-mmio 1")
			       : disk->virtio.pci.modern ? "virtio-blk modern"
							 : "virtio-blk legacy");
	if (EFI_ERROR(status))
		goto err_shutdown;
	return EFI_SUCCESS;

err_shutdown:
	virtio_blk_shutdown(&disk->virtio);
err_pages:
	memory_free_pages((UINTN)queue, (VIRTIO_BLK_QUEUE_MEMORY + 4095) / 4096);
err_free:
	pool_free(disk);
	return status;
}

static EFI_STATUS virtio_add(struct pci_address a)
{
	struct disk *disk = pool_zalloc(sizeof(*disk));

	if (!disk)
		return log_error_status(EFI_OUT_OF_RESOURCES, "disk state");
	disk->pci = a;
	snprintf(disk->name, sizeof(disk->name), "%02x:%02x.%x", a.bus, a.device, a.function);
	return virtio_disk_add(disk);
}

static EFI_STATUS virtio_mmio_add(UINT64 base)
{
	struct disk *disk = pool_zalloc(sizeof(*disk));

	if (!disk)
		return log_error_status(EFI_OUT_OF_RESOURCES, "disk state");
	disk->mmio_base = base;
	disk->transport = HANDOFF_DISK_VIRTIO_MMIO;
	snprintf(disk->name, sizeof(disk->name), "virtio-mmio@%llx", base);
	return virtio_disk_add(disk);
}

/* PciRoot(0x0)/Pci(0x1F,0x2)/Sata(port,0xFFFF,0x0), as OVMF names a disk on an AHCI port. */
static EFI_DEVICE_PATH_PROTOCOL *sata_device_path(struct pci_address a, UINT8 port)
{
	SATA_DEVICE_PATH sata;

	device_path_set_node(&sata.Header, MESSAGING_DEVICE_PATH, MSG_SATA_DP, sizeof(sata));
	sata.HBAPortNumber = port;
	sata.PortMultiplierPortNumber = SATA_NO_PORT_MULTIPLIER;
	sata.Lun = 0;
	return device_path_alloc_pci_child(a, &sata.Header);
}

/*
 * The device on an AHCI port: a SATA disk, or an ATAPI CD-ROM (read-only, 2048-byte blocks,
 * through PACKET commands; the signature may show only once the port runs). Both are named
 * Sata(port,0xFFFF,0) as OVMF names them.
 */
static EFI_STATUS ahci_port_add(struct ahci_hba *hba, UINT8 port)
{
	struct pci_address a = hba->pci;
	struct disk *disk = pool_zalloc(sizeof(*disk));
	BOOLEAN packet = FALSE;
	void *memory;
	EFI_STATUS status;

	if (!disk)
		return log_error_status(EFI_OUT_OF_RESOURCES, "disk state");
	*disk = (struct disk){
		.pci = a, .port = port, .transport = HANDOFF_DISK_AHCI,
		.write = ahci_write, .flush = ahci_flush,
	};
	snprintf(disk->name, sizeof(disk->name), "%02x:%02x.%x port %u", a.bus, a.device,
		 a.function, port);
	memory = device_memory(AHCI_PORT_MEMORY);
	if (!memory) {
		status = log_error_status(EFI_OUT_OF_RESOURCES, "%s: port memory", disk->name);
		goto err_free;
	}
	status = ahci_disk_init(&disk->ahci, hba, port, memory);
	if (status == EFI_UNSUPPORTED && ahci_port_probe(hba, port) == AHCI_DEVICE_ATAPI) {
		packet = TRUE;
		status = ahci_atapi_init(&disk->atapi, hba, port, memory);
		if (status == EFI_NO_MEDIA) {
			log_info("%s: ATAPI %s, no medium", disk->name,
				 disk->atapi.disk.inquiry.product);
			status = EFI_SUCCESS;
		} else if (EFI_ERROR(status)) {
			log_error_status(status, "%s: ATAPI device not usable", disk->name);
		}
	}
	if (EFI_ERROR(status))
		goto err_pages;
	if (packet) {
		disk->unit = &disk->atapi.disk;
		disk->block = &disk->atapi.disk.block;
		disk->read_only = disk->atapi.disk.read_only;
		disk->removable = TRUE;
		disk->write = scsi_write;
		disk->flush = scsi_flush;
	} else {
		disk->block = &disk->ahci.block;
	}
	status = disk_register(disk, sata_device_path(a, port),
			       !packet ? "AHCI SATA disk"
			       : disk->atapi.disk.inquiry.type == SCSI_TYPE_CDROM ? "ATAPI CD-ROM"
										  : "ATAPI disk");
	if (EFI_ERROR(status))
		goto err_shutdown;
	if (!packet)
		log_debug("%s: %s, serial %s", disk->name, disk->ahci.id.model,
			  disk->ahci.id.serial);
	return EFI_SUCCESS;

err_shutdown:
	ahci_disk_shutdown(packet ? &disk->atapi.port : &disk->ahci);
err_pages:
	memory_free_pages((UINTN)memory, (AHCI_PORT_MEMORY + 4095) / 4096);
err_free:
	pool_free(disk);
	return status;
}

static void ahci_add(struct pci_address a)
{
	struct ahci_hba *hba = pool_zalloc(sizeof(*hba));

	if (!hba || EFI_ERROR(ahci_hba_init(hba, a))) {
		pool_free(hba);
		return;
	}
	for (UINT8 port = 0; port < AHCI_MAX_PORTS; port++) {
		enum ahci_device_kind kind = ahci_port_probe(hba, port);

		if (kind == AHCI_DEVICE_ATA || kind == AHCI_DEVICE_ATAPI)
			ahci_port_add(hba, port);
	}
}

/* PciRoot(0x0)/Pci(0x4,0x0)/NVMe(0x1,EUI-64), as OVMF's NvmExpressDxe names a namespace. */
static EFI_DEVICE_PATH_PROTOCOL *nvme_device_path(const struct nvme_namespace *ns)
{
	NVME_NAMESPACE_DEVICE_PATH node;

	device_path_set_node(&node.Header, MESSAGING_DEVICE_PATH, MSG_NVME_NAMESPACE_DP,
			     sizeof(node));
	node.NamespaceId = ns->nsid;
	memcpy(&node.NamespaceUuid, ns->id.eui64, sizeof(node.NamespaceUuid));
	return device_path_alloc_pci_child(ns->ctrl->pci, &node.Header);
}

static EFI_STATUS nvme_namespace_add(struct nvme_controller *ctrl, UINT32 nsid)
{
	struct pci_address a = ctrl->pci;
	struct disk *disk = pool_zalloc(sizeof(*disk));
	EFI_STATUS status;

	if (!disk)
		return log_error_status(EFI_OUT_OF_RESOURCES, "disk state");
	*disk = (struct disk){
		.pci = a, .port = (UINT16)nsid, .transport = HANDOFF_DISK_NVME,
		.write = nvme_write, .flush = nvme_flush,
	};
	snprintf(disk->name, sizeof(disk->name), "%02x:%02x.%x nsid %u", a.bus, a.device,
		 a.function, nsid);
	status = nvme_namespace_init(&disk->nvme, ctrl, nsid);
	if (EFI_ERROR(status))
		goto err_free;
	disk->block = &disk->nvme.block;
	status = disk_register(disk, nvme_device_path(&disk->nvme), "NVMe namespace");
	if (EFI_ERROR(status))
		goto err_free;
	return EFI_SUCCESS;

err_free:
	pool_free(disk);
	return status;
}

/* Every active namespace of the controller at a, sharing its queues. */
static void nvme_add(struct pci_address a)
{
	struct nvme_controller *ctrl = pool_zalloc(sizeof(*ctrl));
	void *memory = device_memory(NVME_CONTROLLER_MEMORY);
	UINT32 nsid = 0, added = 0;

	if (!ctrl || !memory || EFI_ERROR(nvme_controller_init(ctrl, a, memory)))
		goto err_free;
	while (!EFI_ERROR(nvme_next_namespace(ctrl, &nsid))) {
		if (nsid > 0xffff) {
			log_info("%02x:%02x.%x nsid %u: beyond the namespace IDs driven", a.bus,
				 a.device, a.function, nsid);
			break;
		}
		if (!EFI_ERROR(nvme_namespace_add(ctrl, nsid)))
			added++;
	}
	if (added)
		return;
	log_info("%02x:%02x.%x: NVMe controller without a usable namespace", a.bus, a.device,
		 a.function);
	nvme_controller_shutdown(ctrl);
err_free:
	if (memory)
		memory_free_pages((UINTN)memory, NVME_CONTROLLER_MEMORY / 4096);
	pool_free(ctrl);
}

/* PciRoot(0x0)/Pci(0x1,0x1)/Ata(Primary,Master,0x0), as OVMF's AtaAtapiPassThru in IDE mode. */
static EFI_DEVICE_PATH_PROTOCOL *ata_device_path(struct pci_address a, UINT8 channel, UINT8 unit)
{
	ATAPI_DEVICE_PATH ata;

	device_path_set_node(&ata.Header, MESSAGING_DEVICE_PATH, MSG_ATAPI_DP, sizeof(ata));
	ata.PrimarySecondary = channel;
	ata.SlaveMaster = unit;
	ata.Lun = 0;
	return device_path_alloc_pci_child(a, &ata.Header);
}

static EFI_STATUS ide_unit_add(struct ide_controller *ctrl, UINT8 channel, UINT8 unit)
{
	struct pci_address a = ctrl->pci;
	struct disk *disk = pool_zalloc(sizeof(*disk));
	EFI_STATUS status;

	if (!disk)
		return log_error_status(EFI_OUT_OF_RESOURCES, "disk state");
	*disk = (struct disk){
		.pci = a, .port = (UINT16)(channel * 2 + unit), .transport = HANDOFF_DISK_IDE,
		.write = ide_write, .flush = ide_flush,
	};
	snprintf(disk->name, sizeof(disk->name), "%02x:%02x.%x %s %s", a.bus, a.device,
		 a.function, channel ? "secondary" : "primary", unit ? "slave" : "master");
	status = ide_disk_init(&disk->ide, ctrl, channel, unit);
	if (EFI_ERROR(status))
		goto err_free;
	disk->block = &disk->ide.block;
	status = disk_register(disk, ata_device_path(a, channel, unit), "IDE disk");
	if (EFI_ERROR(status))
		goto err_free;
	log_debug("%s: %s, serial %s", disk->name, disk->ide.id.model, disk->ide.id.serial);
	return EFI_SUCCESS;

err_free:
	pool_free(disk);
	return status;
}

/*
 * Scsi(target,lun) under the HBA: its PCI function (PciRoot(0x0)/Pci(0x3,0x0)/Scsi(target,lun),
 * as OVMF's VirtioScsiDxe builds it for its ScsiBus: MSG_SCSI_DP, Pun the target), or its
 * virtio-mmio transport at mmio_base.
 */
static EFI_DEVICE_PATH_PROTOCOL *scsi_device_path(struct pci_address a, UINT64 mmio_base,
						  UINT16 target, UINT16 lun)
{
	SCSI_DEVICE_PATH node;

	device_path_set_node(&node.Header, MESSAGING_DEVICE_PATH, MSG_SCSI_DP, sizeof(node));
	node.Pun = target;
	node.Lun = lun;
	return mmio_base ? device_path_alloc_virtio_mmio_child(mmio_base, &node.Header)
			 : device_path_alloc_pci_child(a, &node.Header);
}

/* One SCSI logical unit on transport t: a disk, or a CD-ROM (read-only, 2048-byte blocks). */
static EFI_STATUS scsi_unit_add(struct scsi_transport *t, struct pci_address a, UINT64 mmio_base,
				UINT8 kind, UINT16 target, UINT16 lun,
				EFI_DEVICE_PATH_PROTOCOL *path)
{
	struct disk *disk = pool_zalloc(sizeof(*disk));
	EFI_STATUS status;

	if (!disk) {
		pool_free(path);
		return log_error_status(EFI_OUT_OF_RESOURCES, "disk state");
	}
	*disk = (struct disk){
		.pci = a, .mmio_base = mmio_base, .port = target, .lun = lun, .transport = kind,
		.write = scsi_write, .flush = scsi_flush,
	};
	if (mmio_base)
		snprintf(disk->name, sizeof(disk->name), "virtio-mmio@%llx scsi %u:%u", mmio_base,
			 target, lun);
	else
		snprintf(disk->name, sizeof(disk->name), "%02x:%02x.%x scsi %u:%u", a.bus,
			 a.device, a.function, target, lun);
	status = scsi_disk_init(&disk->scsi, t, target, lun);
	if (status == EFI_NO_MEDIA) {
		log_info("%s: %s, no medium", disk->name, disk->scsi.inquiry.product);
		status = EFI_SUCCESS;
	} else if (EFI_ERROR(status) && status != EFI_NOT_FOUND) {
		log_error_status(status, "%s: unit not usable", disk->name);
	}
	if (EFI_ERROR(status))
		goto err_free;
	scsi_disk_check_write_protect(&disk->scsi);
	disk->block = &disk->scsi.block;
	disk->read_only = disk->scsi.read_only;
	disk->removable = disk->scsi.removable || disk->scsi.inquiry.type == SCSI_TYPE_CDROM;
	if (disk->removable)
		disk->unit = &disk->scsi;
	status = disk_register(disk, path, disk->scsi.inquiry.type == SCSI_TYPE_CDROM
						   ? "SCSI CD-ROM"
						   : "SCSI disk");
	path = NULL;	/* disk_register took it, or freed it */
	if (EFI_ERROR(status))
		goto err_free;
	log_debug("%s: %s %s", disk->name, disk->scsi.inquiry.vendor, disk->scsi.inquiry.product);
	return EFI_SUCCESS;

err_free:
	pool_free(path);
	pool_free(disk);
	return status;
}

/* An ATAPI CD-ROM on an IDE unit: read-only, 2048-byte blocks, Ata() as OVMF names it too. */
static EFI_STATUS ide_atapi_add(struct ide_controller *ctrl, UINT8 channel, UINT8 unit)
{
	struct pci_address a = ctrl->pci;
	struct disk *disk = pool_zalloc(sizeof(*disk));
	EFI_STATUS status;

	if (!disk)
		return log_error_status(EFI_OUT_OF_RESOURCES, "disk state");
	*disk = (struct disk){
		.pci = a, .port = (UINT16)(channel * 2 + unit), .transport = HANDOFF_DISK_IDE,
		.write = scsi_write, .flush = scsi_flush, .removable = TRUE,
	};
	snprintf(disk->name, sizeof(disk->name), "%02x:%02x.%x %s %s", a.bus, a.device,
		 a.function, channel ? "secondary" : "primary", unit ? "slave" : "master");
	status = ide_atapi_init(&disk->ide_atapi, ctrl, channel, unit);
	if (status == EFI_NO_MEDIA) {
		log_info("%s: ATAPI %s, no medium", disk->name, disk->ide_atapi.disk.inquiry.product);
		status = EFI_SUCCESS;
	} else if (EFI_ERROR(status)) {
		log_error_status(status, "%s: ATAPI device not usable", disk->name);
	}
	if (EFI_ERROR(status))
		goto err_free;
	disk->unit = &disk->ide_atapi.disk;
	disk->block = &disk->ide_atapi.disk.block;
	disk->read_only = disk->ide_atapi.disk.read_only;
	status = disk_register(disk, ata_device_path(a, channel, unit),
			       disk->ide_atapi.disk.inquiry.type == SCSI_TYPE_CDROM ? "ATAPI CD-ROM"
										    : "ATAPI disk");
	if (EFI_ERROR(status))
		goto err_free;
	return EFI_SUCCESS;

err_free:
	pool_free(disk);
	return status;
}

/* Every ATA disk and ATAPI device on both channels of the IDE controller at a. */
static void ide_add(struct pci_address a)
{
	struct ide_controller *ctrl = pool_zalloc(sizeof(*ctrl));
	enum ide_device_kind kinds[IDE_CHANNELS * IDE_UNITS];
	UINT32 added = 0;

	if (!ctrl || EFI_ERROR(ide_controller_init(ctrl, a))) {
		pool_free(ctrl);
		return;
	}
	/* Every signature first: a command to one unit overwrites both units' registers. */
	for (UINT8 n = 0; n < IDE_CHANNELS * IDE_UNITS; n++)
		kinds[n] = ide_probe(ctrl, n >> 1, n & 1);
	for (UINT8 n = 0; n < IDE_CHANNELS * IDE_UNITS; n++) {
		if (kinds[n] == IDE_DEVICE_ATA && !EFI_ERROR(ide_unit_add(ctrl, n >> 1, n & 1)))
			added++;
		else if (kinds[n] == IDE_DEVICE_ATAPI &&
			 !EFI_ERROR(ide_atapi_add(ctrl, n >> 1, n & 1)))
			added++;
	}
	if (!added)
		pool_free(ctrl);
}

/*
 * Every unit on every target of a virtio-scsi HBA, sharing its request queue: the HBA at PCI
 * function a, or on the virtio-mmio transport at mmio_base (microvm's virtio-scsi-device, each
 * unit VenHw(virtio-mmio, base)/Scsi(target,lun)).
 */
static void virtio_scsi_add(struct pci_address a, UINT64 mmio_base)
{
	struct virtio_scsi *hba = pool_zalloc(sizeof(*hba));
	void *memory = device_memory(VIRTIO_SCSI_MEMORY);
	UINT32 cursor = 0, added = 0;
	UINT16 target, lun;

	if (!hba || !memory ||
	    EFI_ERROR(mmio_base ? virtio_scsi_init_mmio(hba, mmio_base, memory)
				: virtio_scsi_init(hba, a, memory)))
		goto err_free;
	while (!EFI_ERROR(virtio_scsi_next_unit(hba, &cursor, &target, &lun)))
		if (!EFI_ERROR(scsi_unit_add(&hba->transport, a, mmio_base, HANDOFF_DISK_VIRTIO_SCSI,
					     target, lun,
					     scsi_device_path(a, mmio_base, target, lun))))
			added++;
	if (added)
		return;
	if (mmio_base)
		log_info("virtio-mmio@%llx: virtio-scsi HBA without a usable unit", mmio_base);
	else
		log_info("%02x:%02x.%x: virtio-scsi HBA without a usable unit", a.bus, a.device,
			 a.function);
	virtio_scsi_shutdown(hba);
err_free:
	if (memory)
		memory_free_pages((UINTN)memory, VIRTIO_SCSI_MEMORY / 4096);
	pool_free(hba);
}

/* After ExitBootServices the payload owns memory: no device may keep reading rings in it. */
static VOID EFIAPI disk_exit_boot_services(EFI_EVENT Event, VOID *Context)
{
	for (struct disk *d = disks; d; d = d->next)
		disk_shutdown(d);
}

EFI_STATUS disk_init(const struct handoff *h)
{
	static const EFI_GUID exit_group = EFI_EVENT_GROUP_EXIT_BOOT_SERVICES;
	struct pci_address a;
	UINT32 cursor = 0;
	EFI_EVENT event;
	EFI_STATUS status;

	boot_disk = h->boot_disk;
	timer_set_tsc_hz(h->tsc_hz);
	/* microvm: the transports of its DSDT or fixed slots; empty ones read as no device. */
	if (h->flags & HANDOFF_FLAG_MICROVM) {
		UINT64 bases[32];
		BOOLEAN from_dsdt;
		UINT32 n = virtio_mmio_microvm_transports(bases, 32, &from_dsdt);

		for (UINT32 i = 0; i < n; i++) {
			UINT32 id = virtio_mmio_device_id(bases[i]);

			if (id == VIRTIO_MMIO_DEVICE_BLOCK)
				virtio_mmio_add(bases[i]);
			else if (id == VIRTIO_MMIO_DEVICE_SCSI)
				virtio_scsi_add((struct pci_address){ 0 }, bases[i]);
		}
	}
	pci_scan_buses();
	while (pci_next_function(&cursor, &a)) {
		if (virtio_blk_match(a))
			virtio_add(a);
		else if (ahci_match(a))
			ahci_add(a);
		else if (nvme_match(a))
			nvme_add(a);
		else if (ide_match(a))
			ide_add(a);
		else if (virtio_scsi_match(a))
			virtio_scsi_add(a, 0);
	}
	if (!disks) {
		log_warn("no disks");
		return EFI_SUCCESS;
	}
	status = event_create(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, disk_exit_boot_services, NULL,
			      &exit_group, &event);
	if (EFI_ERROR(status))
		return log_error_status(status, "ExitBootServices event");
	return EFI_SUCCESS;
}

EFI_HANDLE disk_boot_partition(void)
{
	for (struct disk *d = disks; d; d = d->next) {
		if (boot_disk.mmio_base) {
			/* A virtio-mmio transport has no PCI address: its base names it (and a
			 * virtio-scsi unit its target and LUN). */
			if (d->mmio_base != boot_disk.mmio_base || d->transport != boot_disk.transport ||
			    d->port != boot_disk.port || d->lun != boot_disk.lun)
				continue;
		} else if (d->pci.bus != boot_disk.pci_bus || d->pci.device != boot_disk.pci_device ||
			   d->pci.function != boot_disk.pci_function ||
			   /* A PCI function is one controller; its disks differ by port, NSID,
			    * target/LUN or IDE channel and unit. */
			   d->port != boot_disk.port || d->lun != boot_disk.lun) {
			continue;
		}
		return disk_partition_handle(d, boot_disk.partition_first_lba);
	}
	return NULL;
}
