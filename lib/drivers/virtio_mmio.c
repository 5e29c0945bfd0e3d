/* SPDX-License-Identifier: MIT */
/* virtio-mmio transports, version 1 (legacy, page-frame queues) and 2 (virtio 1.1 §4.2.2). */
#include "lib/container_of.h"
#include "lib/drivers/fw_cfg.h"
#include "lib/drivers/io.h"
#include "lib/drivers/timer.h"
#include "lib/drivers/virtio_mmio.h"
#include "lib/platform/virtio_mmio_acpi.h"

#define LOG_PREFIX "virtio-mmio: "
#include "lib/log.h"

#define VIRTIO_MMIO_MAGIC 0x74726976u	/* "virt" */

enum {
	MMIO_MAGIC = 0x000,
	MMIO_VERSION = 0x004,
	MMIO_DEVICE_ID = 0x008,
	MMIO_DEVICE_FEATURES = 0x010,
	MMIO_DEVICE_FEATURES_SEL = 0x014,
	MMIO_DRIVER_FEATURES = 0x020,
	MMIO_DRIVER_FEATURES_SEL = 0x024,
	MMIO_GUEST_PAGE_SIZE = 0x028,	/* version 1 */
	MMIO_QUEUE_SEL = 0x030,
	MMIO_QUEUE_NUM_MAX = 0x034,
	MMIO_QUEUE_NUM = 0x038,
	MMIO_QUEUE_ALIGN = 0x03c,	/* version 1 */
	MMIO_QUEUE_PFN = 0x040,		/* version 1 */
	MMIO_QUEUE_READY = 0x044,	/* version 2 */
	MMIO_QUEUE_NOTIFY = 0x050,
	MMIO_STATUS = 0x070,
	MMIO_QUEUE_DESC = 0x080,	/* version 2: low, high at +4 */
	MMIO_QUEUE_DRIVER = 0x090,
	MMIO_QUEUE_DEVICE = 0x0a0,
	MMIO_CONFIG = 0x100,
};

#define MMIO_OF(t) container_of(t, struct virtio_mmio, transport)

static void write64(UINT64 reg, UINT64 v)
{
	mmio_write32(reg, (UINT32)v);
	mmio_write32(reg + 4, (UINT32)(v >> 32));
}

UINT32 virtio_mmio_microvm_transports(UINT64 *ret_bases, UINT32 max, BOOLEAN *ret_from_dsdt)
{
	UINTN size;
	const UINT8 *dsdt = fw_cfg_acpi_table("DSDT", &size);
	UINT32 count = 0;

	if (dsdt)
		count = acpi_virtio_mmio_bases(dsdt, size, ret_bases, max);
	*ret_from_dsdt = count != 0;
	for (UINT32 slot = 0; !count && slot < VIRTIO_MMIO_MICROVM_SLOTS && slot < max; slot++)
		ret_bases[slot] = VIRTIO_MMIO_MICROVM_BASE + slot * VIRTIO_MMIO_MICROVM_STRIDE;
	return count ? count : (max < VIRTIO_MMIO_MICROVM_SLOTS ? max : VIRTIO_MMIO_MICROVM_SLOTS);
}

UINT32 virtio_mmio_device_id(UINT64 base)
{
	UINT32 version;

	if (mmio_read32(base + MMIO_MAGIC) != VIRTIO_MMIO_MAGIC)
		return 0;
	version = mmio_read32(base + MMIO_VERSION);
	if (version != 1 && version != 2)
		return 0;
	return mmio_read32(base + MMIO_DEVICE_ID);
}

static UINT8 get_status(struct virtio_mmio *dev)
{
	return (UINT8)mmio_read32(dev->base + MMIO_STATUS);
}

static void set_status(struct virtio_mmio *dev, UINT8 status)
{
	mmio_write32(dev->base + MMIO_STATUS, status);
}

static EFI_STATUS mmio_reset(struct virtio_transport *t)
{
	struct virtio_mmio *dev = MMIO_OF(t);
	UINT64 deadline = timer_deadline(VIRTIO_RESET_MS);

	set_status(dev, 0);
	/* As on PCI: the reset is done once the status reads back 0. */
	while (get_status(dev) != 0) {
		if (timer_expired(deadline))
			return EFI_TIMEOUT;
		cpu_relax();
	}
	return EFI_SUCCESS;
}

static EFI_STATUS mmio_negotiate(struct virtio_transport *t, UINT64 wanted, UINT64 *ret_features)
{
	struct virtio_mmio *dev = MMIO_OF(t);
	UINT64 offered, features;

	mmio_write32(dev->base + MMIO_DEVICE_FEATURES_SEL, 0);
	offered = mmio_read32(dev->base + MMIO_DEVICE_FEATURES);
	if (dev->version == 1) {
		/* Legacy: 32 feature bits and no FEATURES_OK handshake. */
		features = offered & wanted & 0xffffffffull;
		mmio_write32(dev->base + MMIO_DRIVER_FEATURES_SEL, 0);
		mmio_write32(dev->base + MMIO_DRIVER_FEATURES, (UINT32)features);
		*ret_features = features;
		return EFI_SUCCESS;
	}
	mmio_write32(dev->base + MMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (UINT64)mmio_read32(dev->base + MMIO_DEVICE_FEATURES) << 32;
	features = offered & (wanted | VIRTIO_F_VERSION_1);
	if (!(features & VIRTIO_F_VERSION_1))
		return log_error_status(EFI_UNSUPPORTED, "%llx: no VERSION_1", dev->base);
	mmio_write32(dev->base + MMIO_DRIVER_FEATURES_SEL, 0);
	mmio_write32(dev->base + MMIO_DRIVER_FEATURES, (UINT32)features);
	mmio_write32(dev->base + MMIO_DRIVER_FEATURES_SEL, 1);
	mmio_write32(dev->base + MMIO_DRIVER_FEATURES, (UINT32)(features >> 32));
	set_status(dev, get_status(dev) | VIRTIO_STATUS_FEATURES_OK);
	if (!(get_status(dev) & VIRTIO_STATUS_FEATURES_OK)) {
		set_status(dev, VIRTIO_STATUS_FAILED);
		return log_error_status(EFI_UNSUPPORTED, "%llx: features %llx refused", dev->base,
					features);
	}
	*ret_features = features;
	return EFI_SUCCESS;
}

static UINT32 mmio_config_read32(struct virtio_transport *t, UINT32 offset)
{
	return mmio_read32(MMIO_OF(t)->base + MMIO_CONFIG + offset);
}

static EFI_STATUS mmio_setup_queue(struct virtio_transport *t, UINT16 index, UINT16 max_size,
				   void *mem, UINTN mem_size, struct virtq *ret_queue)
{
	struct virtio_mmio *dev = MMIO_OF(t);
	UINT32 size;

	mmio_write32(dev->base + MMIO_QUEUE_SEL, index);
	size = mmio_read32(dev->base + MMIO_QUEUE_NUM_MAX);
	if (size == 0)
		return log_error_status(EFI_NOT_FOUND, "%llx: queue %u does not exist", dev->base,
					index);
	/* Both versions let the driver choose the size, unlike legacy PCI. */
	if (size > max_size)
		size = max_size;
	if (virtq_memory_size((UINT16)size) > mem_size || ((UINTN)mem & 4095))
		return log_error_status(EFI_BUFFER_TOO_SMALL, "%llx: queue %u of %u entries",
					dev->base, index, size);
	virtq_layout(ret_queue, index, (UINT16)size, mem);
	mmio_write32(dev->base + MMIO_QUEUE_NUM, size);
	if (dev->version == 1) {
		mmio_write32(dev->base + MMIO_QUEUE_ALIGN, 4096);
		mmio_write32(dev->base + MMIO_QUEUE_PFN, (UINT32)((UINTN)mem >> 12));
		return EFI_SUCCESS;
	}
	write64(dev->base + MMIO_QUEUE_DESC, (UINTN)ret_queue->desc);
	write64(dev->base + MMIO_QUEUE_DRIVER, (UINTN)ret_queue->avail);
	write64(dev->base + MMIO_QUEUE_DEVICE, (UINTN)ret_queue->used);
	mmio_write32(dev->base + MMIO_QUEUE_READY, 1);
	return EFI_SUCCESS;
}

static void mmio_driver_ok(struct virtio_transport *t)
{
	set_status(MMIO_OF(t), get_status(MMIO_OF(t)) | VIRTIO_STATUS_DRIVER_OK);
}

static void mmio_notify(struct virtio_transport *t, struct virtq *q)
{
	mmio_write32(MMIO_OF(t)->base + MMIO_QUEUE_NOTIFY, q->index);
}

static const struct virtio_transport_ops virtio_mmio_ops = {
	.negotiate = mmio_negotiate,
	.config_read32 = mmio_config_read32,
	.setup_queue = mmio_setup_queue,
	.driver_ok = mmio_driver_ok,
	.reset = mmio_reset,
	.notify = mmio_notify,
};

EFI_STATUS virtio_mmio_init(struct virtio_mmio *dev, UINT64 base)
{
	if (!virtio_mmio_device_id(base))
		return log_error_status(EFI_NOT_FOUND, "%llx: no virtio-mmio device", base);
	*dev = (struct virtio_mmio){ .transport.ops = &virtio_mmio_ops, .base = base,
				     .version = mmio_read32(base + MMIO_VERSION) };
	dev->transport.modern = dev->version == 2;
	if (EFI_ERROR(mmio_reset(&dev->transport)))
		return log_error_status(EFI_DEVICE_ERROR, "%llx: reset does not complete", base);
	set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE);
	set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	/* Legacy queues are given as page frame numbers of this size (virtio 1.1 §4.2.4). */
	if (dev->version == 1)
		mmio_write32(base + MMIO_GUEST_PAGE_SIZE, 4096);
	return EFI_SUCCESS;
}
