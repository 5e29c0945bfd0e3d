/* SPDX-License-Identifier: MIT */
/* virtio-pci transports (virtio 1.0 §4.1, legacy §4.1.4.8) behind lib/drivers/virtio.h. */
#include "lib/drivers/io.h"
#include "lib/drivers/timer.h"
#include "lib/drivers/virtio_pci.h"
#include "lib/container_of.h"

#define LOG_PREFIX "virtio: "
#include "lib/log.h"

/* Legacy I/O BAR registers (no MSI-X enabled, so device config starts at 0x14). */
enum {
	LEGACY_DEVICE_FEATURES = 0x00,
	LEGACY_GUEST_FEATURES = 0x04,
	LEGACY_QUEUE_PFN = 0x08,
	LEGACY_QUEUE_SIZE = 0x0c,
	LEGACY_QUEUE_SELECT = 0x0e,
	LEGACY_QUEUE_NOTIFY = 0x10,
	LEGACY_STATUS = 0x12,
	LEGACY_ISR = 0x13,
	LEGACY_CONFIG = 0x14,
};

/* Modern common configuration structure offsets. */
enum {
	COMMON_DEVICE_FEATURE_SELECT = 0x00,
	COMMON_DEVICE_FEATURE = 0x04,
	COMMON_DRIVER_FEATURE_SELECT = 0x08,
	COMMON_DRIVER_FEATURE = 0x0c,
	COMMON_STATUS = 0x14,
	COMMON_QUEUE_SELECT = 0x16,
	COMMON_QUEUE_SIZE = 0x18,
	COMMON_QUEUE_ENABLE = 0x1c,
	COMMON_QUEUE_NOTIFY_OFF = 0x1e,
	COMMON_QUEUE_DESC = 0x20,
	COMMON_QUEUE_DRIVER = 0x28,
	COMMON_QUEUE_DEVICE = 0x30,
};

enum virtio_pci_cap_type {
	VIRTIO_PCI_CAP_COMMON_CFG = 1,
	VIRTIO_PCI_CAP_NOTIFY_CFG = 2,
	VIRTIO_PCI_CAP_ISR_CFG = 3,
	VIRTIO_PCI_CAP_DEVICE_CFG = 4,
};

/* Device IDs 0x1000..0x103f are transitional (legacy interface present), 0x1040+ modern only. */
#define VIRTIO_PCI_MODERN_ID_BASE 0x1040

static void virtio_set_status(struct virtio_pci *dev, UINT8 status)
{
	if (dev->modern)
		mmio_write8(dev->common + COMMON_STATUS, status);
	else
		outb(dev->io + LEGACY_STATUS, status);
}

static UINT8 virtio_get_status(struct virtio_pci *dev)
{
	return dev->modern ? mmio_read8(dev->common + COMMON_STATUS) : inb(dev->io + LEGACY_STATUS);
}

/* Walk the vendor capabilities and map each structure the modern interface needs. */
static EFI_STATUS virtio_pci_find_modern(struct virtio_pci *dev)
{
	UINT8 cap = 0;

	while ((cap = pci_find_capability(dev->pci, PCI_CAP_ID_VENDOR, cap)) != 0) {
		UINT8 type = pci_read8(dev->pci, cap + 3);
		UINT8 bar_index = pci_read8(dev->pci, cap + 4);
		UINT32 offset = pci_read32(dev->pci, cap + 8);
		struct pci_bar bar;
		UINT64 addr;

		if (bar_index > 5)
			continue;
		pci_get_bar(dev->pci, bar_index, &bar);
		if (bar.io || !bar.base || !bar.size)
			continue;
		addr = bar.base + offset;
		switch (type) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			if (!dev->common)
				dev->common = addr;
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			if (!dev->notify_base) {
				dev->notify_base = addr;
				dev->notify_multiplier = pci_read32(dev->pci, cap + 16);
			}
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			if (!dev->isr)
				dev->isr = addr;
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			if (!dev->device)
				dev->device = addr;
			break;
		}
	}
	if (!dev->common || !dev->notify_base || !dev->device)
		return EFI_UNSUPPORTED;
	return EFI_SUCCESS;
}

static const struct virtio_transport_ops virtio_pci_ops;

EFI_STATUS virtio_pci_init(struct virtio_pci *dev, struct pci_address a)
{
	UINT16 device_id = pci_read16(a, PCI_DEVICE_ID);
	EFI_STATUS status;

	*dev = (struct virtio_pci){ .transport.ops = &virtio_pci_ops, .pci = a };
	/* Prefer the modern interface whenever the device offers it. */
	status = virtio_pci_find_modern(dev);
	if (!EFI_ERROR(status)) {
		dev->modern = dev->transport.modern = TRUE;
	} else {
		struct pci_bar bar;

		if (device_id >= VIRTIO_PCI_MODERN_ID_BASE)
			return log_error_status(
				status, "%02x:%02x.%x: modern device without its capabilities",
				a.bus, a.device, a.function);
		pci_get_bar(a, 0, &bar);
		if (!bar.io || !bar.base)
			return log_error_status(EFI_DEVICE_ERROR,
						"%02x:%02x.%x: legacy device without I/O BAR",
						a.bus, a.device, a.function);
		dev->io = (UINT16)bar.base;
	}
	pci_write16(a, PCI_COMMAND,
		    pci_read16(a, PCI_COMMAND) | PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
			    PCI_COMMAND_MASTER);
	if (EFI_ERROR(virtio_pci_reset(dev)))
		return log_error_status(EFI_DEVICE_ERROR, "%02x:%02x.%x: reset does not complete",
					a.bus, a.device, a.function);
	virtio_set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	return EFI_SUCCESS;
}

EFI_STATUS virtio_pci_negotiate(struct virtio_pci *dev, UINT64 wanted, UINT64 *ret_features)
{
	UINT64 offered, features;

	if (!dev->modern) {
		offered = inl(dev->io + LEGACY_DEVICE_FEATURES);
		features = offered & wanted & 0xffffffffull;
		outl(dev->io + LEGACY_GUEST_FEATURES, (UINT32)features);
		*ret_features = features;
		return EFI_SUCCESS;
	}
	mmio_write32(dev->common + COMMON_DEVICE_FEATURE_SELECT, 0);
	offered = mmio_read32(dev->common + COMMON_DEVICE_FEATURE);
	mmio_write32(dev->common + COMMON_DEVICE_FEATURE_SELECT, 1);
	offered |= (UINT64)mmio_read32(dev->common + COMMON_DEVICE_FEATURE) << 32;
	features = offered & (wanted | VIRTIO_F_VERSION_1);
	if (!(features & VIRTIO_F_VERSION_1))
		return log_error_status(EFI_UNSUPPORTED, "device does not offer VERSION_1");
	mmio_write32(dev->common + COMMON_DRIVER_FEATURE_SELECT, 0);
	mmio_write32(dev->common + COMMON_DRIVER_FEATURE, (UINT32)features);
	mmio_write32(dev->common + COMMON_DRIVER_FEATURE_SELECT, 1);
	mmio_write32(dev->common + COMMON_DRIVER_FEATURE, (UINT32)(features >> 32));
	virtio_set_status(dev, virtio_get_status(dev) | VIRTIO_STATUS_FEATURES_OK);
	if (!(virtio_get_status(dev) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_set_status(dev, VIRTIO_STATUS_FAILED);
		return log_error_status(EFI_UNSUPPORTED, "device refused features %llx", features);
	}
	*ret_features = features;
	return EFI_SUCCESS;
}

UINT32 virtio_pci_config_read32(struct virtio_pci *dev, UINT32 offset)
{
	if (dev->modern)
		return mmio_read32(dev->device + offset);
	return inl(dev->io + LEGACY_CONFIG + offset);
}

UINT64 virtio_pci_config_read64(struct virtio_pci *dev, UINT32 offset)
{
	return virtio_config_read64(&dev->transport, offset);
}

EFI_STATUS virtio_pci_setup_queue(struct virtio_pci *dev, UINT16 index, UINT16 max_size, void *mem,
				  UINTN mem_size, struct virtq *ret_queue)
{
	struct virtq *q = ret_queue;
	UINT16 size;

	if (dev->modern) {
		mmio_write16(dev->common + COMMON_QUEUE_SELECT, index);
		size = mmio_read16(dev->common + COMMON_QUEUE_SIZE);
		if (size > max_size)
			size = max_size;
	} else {
		outw(dev->io + LEGACY_QUEUE_SELECT, index);
		size = inw(dev->io + LEGACY_QUEUE_SIZE);
	}
	if (size == 0)
		return log_error_status(EFI_NOT_FOUND, "queue %u does not exist", index);
	if (virtq_memory_size(size) > mem_size || ((UINTN)mem & 4095))
		return log_error_status(EFI_BUFFER_TOO_SMALL,
					"queue %u: %u entries need %llu bytes", index, size,
					(UINT64)virtq_memory_size(size));

	virtq_layout(q, index, size, mem);

	if (dev->modern) {
		UINT16 notify_off;

		mmio_write16(dev->common + COMMON_QUEUE_SIZE, size);
		mmio_write64(dev->common + COMMON_QUEUE_DESC, (UINTN)q->desc);
		mmio_write64(dev->common + COMMON_QUEUE_DRIVER, (UINTN)q->avail);
		mmio_write64(dev->common + COMMON_QUEUE_DEVICE, (UINTN)q->used);
		notify_off = mmio_read16(dev->common + COMMON_QUEUE_NOTIFY_OFF);
		q->notify = dev->notify_base + (UINT64)notify_off * dev->notify_multiplier;
		mmio_write16(dev->common + COMMON_QUEUE_ENABLE, 1);
	} else {
		outl(dev->io + LEGACY_QUEUE_PFN, (UINT32)((UINTN)mem >> 12));
	}
	return EFI_SUCCESS;
}

void virtio_pci_driver_ok(struct virtio_pci *dev)
{
	virtio_set_status(dev, virtio_get_status(dev) | VIRTIO_STATUS_DRIVER_OK);
}

EFI_STATUS virtio_pci_reset(struct virtio_pci *dev)
{
	UINT64 deadline = timer_deadline(VIRTIO_RESET_MS);

	virtio_set_status(dev, 0);
	/* virtio 1.0 §4.1.4.3.2: reset completes when status reads back 0. */
	while (virtio_get_status(dev) != 0) {
		if (timer_expired(deadline))
			return EFI_TIMEOUT;
		cpu_relax();
	}
	return EFI_SUCCESS;
}

void virtio_pci_notify(struct virtio_pci *dev, struct virtq *q)
{
	if (dev->modern)
		mmio_write16(q->notify, q->index);
	else
		outw(dev->io + LEGACY_QUEUE_NOTIFY, q->index);
}

EFI_STATUS virtio_pci_submit_and_wait(struct virtio_pci *dev, struct virtq *q, UINT16 head,
				      UINT32 *ret_len)
{
	return virtio_submit_and_wait(&dev->transport, q, head, ret_len);
}

EFI_STATUS virtio_pci_submit_timeout(struct virtio_pci *dev, struct virtq *q, UINT16 head,
				     UINT32 timeout_ms, UINT32 *ret_len)
{
	return virtio_submit_timeout(&dev->transport, q, head, timeout_ms, ret_len);
}

/* The transport interface over the functions above. */
#define PCI_OF(t) container_of(t, struct virtio_pci, transport)

static EFI_STATUS pci_negotiate(struct virtio_transport *t, UINT64 wanted, UINT64 *ret_features)
{
	return virtio_pci_negotiate(PCI_OF(t), wanted, ret_features);
}

static UINT32 pci_config_read32(struct virtio_transport *t, UINT32 offset)
{
	return virtio_pci_config_read32(PCI_OF(t), offset);
}

static EFI_STATUS pci_setup_queue(struct virtio_transport *t, UINT16 index, UINT16 max_size,
				  void *mem, UINTN mem_size, struct virtq *ret_queue)
{
	return virtio_pci_setup_queue(PCI_OF(t), index, max_size, mem, mem_size, ret_queue);
}

static void pci_driver_ok(struct virtio_transport *t)
{
	virtio_pci_driver_ok(PCI_OF(t));
}

static EFI_STATUS pci_reset(struct virtio_transport *t)
{
	return virtio_pci_reset(PCI_OF(t));
}

static void pci_notify(struct virtio_transport *t, struct virtq *q)
{
	virtio_pci_notify(PCI_OF(t), q);
}

static const struct virtio_transport_ops virtio_pci_ops = {
	.negotiate = pci_negotiate,
	.config_read32 = pci_config_read32,
	.setup_queue = pci_setup_queue,
	.driver_ok = pci_driver_ok,
	.reset = pci_reset,
	.notify = pci_notify,
};
