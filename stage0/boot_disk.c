/* SPDX-License-Identifier: MIT */
/* Finding the boot disk: each virtio-blk disk in PCI order, its GPT, its ESP, a /STRATA directory. */
#include "lib/drivers/pci.h"
#include "lib/storage/gpt.h"
#include "stage0/stage0.h"

#define LOG_PREFIX "disk: "
#include "lib/log.h"

static UINT8 queue_memory[VIRTIO_BLK_QUEUE_MEMORY] __attribute__((aligned(4096)));
static UINT8 scratch[BLOCK_MAX_SIZE] __attribute__((aligned(16)));

/* Mount the ESP of one disk and check it is a Strata boot disk. */
static EFI_STATUS boot_disk_probe(struct handoff *h, struct boot_disk *disk, struct pci_address a)
{
	static const EFI_GUID esp_type = GPT_ESP_TYPE_GUID;
	struct gpt_disk gpt;
	struct gpt_partition esp;
	struct fat_file dir;
	EFI_STATUS status;

	status = virtio_blk_init(&disk->blk, a, queue_memory);
	if (EFI_ERROR(status))
		return status;
	status = gpt_read(&disk->blk.block, scratch, &gpt);
	if (EFI_ERROR(status)) {
		log_warn_status(status, "%02x:%02x.%x: no usable GPT", a.bus, a.device, a.function);
		goto err_shutdown;
	}
	if (gpt.used_backup)
		log_warn("%02x:%02x.%x: primary GPT damaged, using the backup", a.bus, a.device,
			 a.function);
	status = gpt_find_partition(&disk->blk.block, &gpt, &esp_type, scratch, &esp);
	if (EFI_ERROR(status)) {
		log_warn_status(status, "%02x:%02x.%x: no EFI system partition", a.bus, a.device,
				a.function);
		goto err_shutdown;
	}
	status = fat_mount(&disk->esp, &disk->blk.block, esp.first_lba,
			   esp.last_lba - esp.first_lba + 1);
	if (EFI_ERROR(status)) {
		log_warn_status(status, "%02x:%02x.%x: ESP is not a FAT file system", a.bus,
				a.device, a.function);
		goto err_shutdown;
	}
	status = fat_open(&disk->esp, NULL, u"\\STRATA", &dir);
	if (EFI_ERROR(status) || !(dir.attributes & FAT_ATTR_DIRECTORY)) {
		status = EFI_NOT_FOUND;
		log_warn("%02x:%02x.%x: ESP has no /STRATA directory", a.bus, a.device, a.function);
		goto err_shutdown;
	}

	h->boot_disk = (struct handoff_boot_disk){
		.pci_bus = a.bus,
		.pci_device = a.device,
		.pci_function = a.function,
		.transport =
			disk->blk.transport.modern ? HANDOFF_VIRTIO_MODERN : HANDOFF_VIRTIO_LEGACY,
		.partition_number = esp.number,
		.partition_first_lba = esp.first_lba,
		.partition_last_lba = esp.last_lba,
		.partition_guid = esp.unique_guid,
		.disk_guid = gpt.header.disk_guid,
		.block_size = disk->blk.block.block_size,
		.block_count = disk->blk.block.block_count,
	};
	log_info("boot disk %02x:%02x.%x (virtio-blk %s, %llu MiB), ESP is partition %u, FAT%u",
		 a.bus, a.device, a.function, disk->blk.transport.modern ? "modern" : "legacy",
		 disk->blk.block.block_count * disk->blk.block.block_size >> 20, esp.number,
		 disk->esp.fat_type);
	return EFI_SUCCESS;

err_shutdown:
	virtio_blk_shutdown(&disk->blk);
	return status;
}

EFI_STATUS boot_disk_find(struct handoff *h, struct boot_disk *ret_disk)
{
	struct pci_address a;
	UINT32 cursor = 0;

	while (pci_next_function(&cursor, &a)) {
		if (!virtio_blk_match(a))
			continue;
		if (!EFI_ERROR(boot_disk_probe(h, ret_disk, a)))
			return EFI_SUCCESS;
	}
	return EFI_NOT_FOUND;
}
