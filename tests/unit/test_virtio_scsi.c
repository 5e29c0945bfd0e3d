/* SPDX-License-Identifier: MIT */
/* virtio-scsi's transport over a fake HBA whose requests complete late or never. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fake_clock.h"

/* The driver and the virtqueue as the firmware builds them. */
#include "lib/drivers/virtio.c"
#include "lib/drivers/virtio_scsi.c"

#define BLOCKS 64
#define NEVER UINT32_MAX
#define CDB_SIZE 32
#define SENSE_SIZE 96

/*
 * The HBA takes a request on the request queue when notified (as QEMU maps it then) and
 * completes it delay_ms later on the fake clock: data-in from the disk at the CDB's LBA, a
 * GOOD response. A reset forgets what is in flight and every queue.
 */
struct fake_hba {
	struct virtq *request;
	UINT16 seen_avail;
	UINT32 requests;
	UINT32 delay_ms[8];		/* of request n (then 0) */
	UINT32 resets;
	UINT32 aborted;			/* requests a reset took back */
	BOOLEAN pending;
	struct {
		UINT16 head;
		UINT64 lba;
		UINT8 *response;
		UINT8 *data;
		UINT32 bytes;
		UINT64 due;
	} r;
	UINT8 disk[BLOCKS * 512];
};

static struct fake_hba dev;
static UINT8 memory[VIRTIO_SCSI_MEMORY] __attribute__((aligned(4096)));

static void fake_run(void)
{
	struct virtq *q = dev.request;

	if (!dev.pending || dev.r.due > fake_clock_ms)
		return;
	dev.pending = FALSE;
	memcpy(dev.r.data, dev.disk + dev.r.lba * 512, dev.r.bytes);
	memset(dev.r.response, 0, RESP_HEADER);	/* no sense, no residual, GOOD, S_OK */
	q->used->ring[q->used->idx % q->size] = (struct virtq_used_elem){ dev.r.head, 0 };
	q->used->idx++;
}

/* A READ(16) chain as hba_execute builds it: header, response, data-in. */
static void fake_notify(struct virtio_transport *t, struct virtq *q)
{
	if (q != dev.request)
		return;	/* the event queue's buffers */
	while (dev.seen_avail != q->avail->idx) {
		UINT16 head = q->avail->ring[dev.seen_avail++ % q->size];
		struct virtq_desc *d = &q->desc[head];
		const UINT8 *cdb = (const UINT8 *)(UINTN)d->addr + REQ_HEADER;
		UINT32 delay = dev.requests < 8 ? dev.delay_ms[dev.requests] : 0;

		assert_int_equal(cdb[0], SCSI_READ_16);
		assert_false(dev.pending);
		dev.r.head = head;
		dev.r.lba = 0;
		for (int i = 2; i < 10; i++)
			dev.r.lba = dev.r.lba << 8 | cdb[i];
		d = &q->desc[d->next];
		assert_true(d->flags & VIRTQ_DESC_F_WRITE);
		dev.r.response = (UINT8 *)(UINTN)d->addr;
		d = &q->desc[d->next];
		assert_true(d->flags & VIRTQ_DESC_F_WRITE);
		dev.r.data = (UINT8 *)(UINTN)d->addr;
		dev.r.bytes = d->len;
		assert_true(dev.r.lba * 512 + dev.r.bytes <= sizeof(dev.disk));
		dev.r.due = delay == NEVER ? UINT64_MAX : fake_clock_ms + delay;
		dev.requests++;
		dev.pending = TRUE;
	}
	fake_run();
}

static EFI_STATUS fake_negotiate(struct virtio_transport *t, UINT64 wanted, UINT64 *ret)
{
	*ret = 0;
	return EFI_SUCCESS;
}

static UINT32 fake_config_read32(struct virtio_transport *t, UINT32 offset)
{
	switch (offset) {
	case CFG_CDB_SIZE:
		return CDB_SIZE;
	case CFG_SENSE_SIZE:
		return SENSE_SIZE;
	case CFG_MAX_SECTORS:
		return 0xffff;
	default:
		return 0;	/* one target, one LUN */
	}
}

static EFI_STATUS fake_setup_queue(struct virtio_transport *t, UINT16 index, UINT16 max_size,
				   void *mem, UINTN mem_size, struct virtq *ret)
{
	assert_true(virtq_memory_size(max_size) <= mem_size);
	virtq_layout(ret, index, max_size, mem);
	if (index == QUEUE_REQUEST) {
		dev.request = ret;
		dev.seen_avail = 0;
	}
	return EFI_SUCCESS;
}

static void fake_driver_ok(struct virtio_transport *t)
{
}

static EFI_STATUS fake_reset(struct virtio_transport *t)
{
	dev.resets++;
	dev.aborted += dev.pending;
	dev.pending = FALSE;
	return EFI_SUCCESS;
}

static const struct virtio_transport_ops fake_ops = {
	.negotiate = fake_negotiate,
	.config_read32 = fake_config_read32,
	.setup_queue = fake_setup_queue,
	.driver_ok = fake_driver_ok,
	.reset = fake_reset,
	.notify = fake_notify,
};

/* How often each transport was started: a restart must start the one the HBA is on. */
static UINT32 pci_starts, mmio_starts;

EFI_STATUS virtio_pci_init(struct virtio_pci *p, struct pci_address a)
{
	*p = (struct virtio_pci){ .transport = { .ops = &fake_ops, .modern = TRUE }, .pci = a,
				  .modern = TRUE };
	pci_starts++;
	return fake_reset(&p->transport);
}

EFI_STATUS virtio_mmio_init(struct virtio_mmio *m, UINT64 base)
{
	*m = (struct virtio_mmio){ .transport = { .ops = &fake_ops, .modern = TRUE }, .base = base,
				   .version = 2 };
	mmio_starts++;
	return fake_reset(&m->transport);
}

UINT16 pci_read16(struct pci_address a, UINT8 offset)
{
	return 0xffff;
}

static struct virtio_scsi hba;

static int setup(void **state)
{
	memset(&dev, 0, sizeof(dev));
	fake_clock_tick = fake_run;
	for (UINTN i = 0; i < sizeof(dev.disk); i++)
		dev.disk[i] = (UINT8)(i / 512 * 31 + i);
	pci_starts = mmio_starts = 0;
	assert_int_equal(virtio_scsi_init(&hba, (struct pci_address){ 0, 5, 0 }, memory),
			 EFI_SUCCESS);
	return 0;
}

/* The same HBA on microvm's virtio-mmio transport. */
static int setup_mmio(void **state)
{
	setup(state);
	pci_starts = mmio_starts = 0;
	assert_int_equal(virtio_scsi_init_mmio(&hba, 0xfeb02e00, memory), EFI_SUCCESS);
	assert_int_equal(hba.mmio.base, 0xfeb02e00);
	return 0;
}

static EFI_STATUS read16(UINT64 lba, UINT8 *buf, UINT32 *ret_status)
{
	struct scsi_request req = { .data = buf, .length = 512, .timeout_ms = 1000 };
	EFI_STATUS status;

	assert_int_equal(scsi_cdb_rw(&req.cdb, SCSI_READ_16, lba, 1), EFI_SUCCESS);
	status = hba.transport.execute(&hba.transport, 0, 0, &req);
	*ret_status = req.status;
	return status;
}

/*
 * A READ answered after its timeout: the HBA is reset, so its completion never comes while the
 * next READ polls, which would otherwise take it as its own and return without its data.
 */
static void test_late_completion_is_never_the_next_requests(void **state)
{
	static UINT8 a[512], b[512];
	UINT32 scsi_status;

	dev.delay_ms[0] = 1500;
	assert_int_equal(read16(3, a, &scsi_status), EFI_TIMEOUT);
	assert_int_equal(dev.aborted, 1);
	assert_false(hba.failed);
	memset(b, 0xee, sizeof(b));
	assert_int_equal(read16(9, b, &scsi_status), EFI_SUCCESS);
	assert_int_equal(scsi_status, SCSI_STATUS_GOOD);
	assert_memory_equal(b, dev.disk + 9 * 512, 512);
	assert_int_equal(dev.requests, 2);
	/* Started, then started again after the timeout's reset, on its own transport only. */
	assert_int_equal(hba.mmio_transport ? mmio_starts : pci_starts, 2);
	assert_int_equal(hba.mmio_transport ? pci_starts : mmio_starts, 0);
}

static void test_never_answered_then_fine(void **state)
{
	static UINT8 a[512];
	UINT32 scsi_status;

	dev.delay_ms[0] = NEVER;
	dev.delay_ms[1] = NEVER;
	assert_int_equal(read16(1, a, &scsi_status), EFI_TIMEOUT);
	assert_int_equal(read16(1, a, &scsi_status), EFI_TIMEOUT);
	assert_int_equal(dev.aborted, 2);
	assert_int_equal(read16(2, a, &scsi_status), EFI_SUCCESS);
	assert_memory_equal(a, dev.disk + 2 * 512, 512);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_late_completion_is_never_the_next_requests, setup),
		cmocka_unit_test_setup(test_never_answered_then_fine, setup),
		cmocka_unit_test_setup(test_late_completion_is_never_the_next_requests, setup_mmio),
		cmocka_unit_test_setup(test_never_answered_then_fine, setup_mmio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
