/* SPDX-License-Identifier: MIT */
/* The polled split virtqueue every virtio transport and driver shares (virtio 1.0 §2.4). */
#include "lib/drivers/io.h"
#include "lib/drivers/timer.h"
#include "lib/drivers/virtio.h"
#include "lib/string.h"


static UINT64 align_up(UINT64 v, UINT64 align)
{
	return (v + align - 1) & ~(align - 1);
}

/* Legacy devices (PCI and MMIO version 1) find the used ring at the next 4 KiB boundary. */
static UINTN used_offset(UINT16 size)
{
	return align_up(16 * (UINTN)size + 6 + 2 * (UINTN)size, 4096);
}

UINTN virtq_memory_size(UINT16 size)
{
	return used_offset(size) + align_up(6 + 8 * (UINTN)size, 4096);
}

void virtq_layout(struct virtq *q, UINT16 index, UINT16 size, void *mem)
{
	memset(mem, 0, virtq_memory_size(size));
	*q = (struct virtq){ .index = index, .size = size };
	q->desc = mem;
	q->avail = (struct virtq_avail *)((UINT8 *)mem + 16 * (UINTN)size);
	q->used = (struct virtq_used *)((UINT8 *)mem + used_offset(size));
	/* Interrupts are never used: we poll the used ring. */
	q->avail->flags = 1;
}

UINT64 virtio_config_read64(struct virtio_transport *t, UINT32 offset)
{
	return t->ops->config_read32(t, offset) |
	       (UINT64)t->ops->config_read32(t, offset + 4) << 32;
}

EFI_STATUS virtio_submit_and_wait(struct virtio_transport *t, struct virtq *q, UINT16 head,
				  UINT32 *ret_len)
{
	return virtio_submit_timeout(t, q, head, VIRTIO_TIMEOUT_MS, ret_len);
}

EFI_STATUS virtio_submit_timeout(struct virtio_transport *t, struct virtq *q, UINT16 head,
				 UINT32 timeout_ms, UINT32 *ret_len)
{
	EFI_STATUS status = virtio_submit_chains(t, q, &head, 1, timeout_ms);

	if (!EFI_ERROR(status) && ret_len)
		*ret_len = q->used->ring[(UINT16)(q->last_used - 1) % q->size].len;
	return status;
}

EFI_STATUS virtio_submit_chains(struct virtio_transport *t, struct virtq *q, const UINT16 *heads,
				UINT16 count, UINT32 timeout_ms)
{
	UINT64 deadline;

	for (UINT16 i = 0; i < count; i++)
		q->avail->ring[(UINT16)(q->avail->idx + i) % q->size] = heads[i];
	barrier();
	q->avail->idx += count;
	barrier();
	t->ops->notify(t, q);

	deadline = timer_deadline(timeout_ms);
	while ((UINT16)(*(volatile UINT16 *)&q->used->idx - q->last_used) < count) {
		if (timer_expired(deadline))
			return EFI_TIMEOUT;
		cpu_relax();
	}
	barrier();
	q->last_used += count;
	return EFI_SUCCESS;
}
