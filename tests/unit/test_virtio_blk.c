/* SPDX-License-Identifier: MIT */
/* virtio-blk over a fake device whose requests complete late, never or with an error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fake_clock.h"

/* The driver and the virtqueue as the firmware builds them, over the fakes below. */
#include "lib/drivers/virtio.c"
#include "lib/drivers/virtio_blk.c"

#define SECTORS 64
#define NEVER UINT32_MAX

/*
 * The device takes a request when it is notified, as QEMU reads the header and maps the
 * buffers then, and completes it delay_ms later on the fake clock (tests/unit/fake_clock.c),
 * which runs while the driver polls. A reset forgets what is in flight and the queue it was on.
 */
struct fake_virtio {
	struct virtq *q;
	UINT16 seen_avail;
	UINT32 requests;		/* taken so far */
	UINT32 delay_ms[8];		/* of request n (then 0); NEVER: it never completes */
	UINT32 io_errors;		/* the next this many requests end with IOERR */
	BOOLEAN reset_stuck;		/* status never reads back 0 */
	UINT32 resets;
	UINT32 in_flight;
	struct fake_request {
		UINT16 head;
		UINT32 type;
		UINT64 sector;
		UINT8 *data;
		UINT32 bytes;
		volatile UINT8 *status;
		UINT64 due;
	} pending[4];
	UINT8 disk[SECTORS * 512];
};

static struct fake_virtio dev;
static UINT8 queue_memory[VIRTIO_BLK_QUEUE_MEMORY] __attribute__((aligned(4096)));

static void fake_complete(struct fake_request *r)
{
	struct virtq *q = dev.q;
	UINT8 result = 0;

	if (dev.io_errors) {
		dev.io_errors--;
		result = 1;	/* VIRTIO_BLK_S_IOERR */
	} else if (r->type == VIRTIO_BLK_T_IN) {
		memcpy(r->data, dev.disk + r->sector * 512, r->bytes);
	} else if (r->type == VIRTIO_BLK_T_OUT) {
		memcpy(dev.disk + r->sector * 512, r->data, r->bytes);
	}
	*r->status = result;
	q->used->ring[q->used->idx % q->size] = (struct virtq_used_elem){ r->head, r->bytes + 1 };
	q->used->idx++;
}

/* Complete what is due, oldest first. */
static void fake_run(void)
{
	for (UINT32 i = 0; i < dev.in_flight;) {
		if (dev.pending[i].due > fake_clock_ms) {
			i++;
			continue;
		}
		fake_complete(&dev.pending[i]);
		memmove(&dev.pending[i], &dev.pending[i + 1],
			(dev.in_flight - i - 1) * sizeof(dev.pending[0]));
		dev.in_flight--;
	}
}

/* Take the new chains: header, optional data, status, as virtio_blk builds them. */
static void fake_notify(struct virtio_transport *t, struct virtq *q)
{
	assert_ptr_equal(q, dev.q);
	while (dev.seen_avail != q->avail->idx) {
		UINT16 head = q->avail->ring[dev.seen_avail++ % q->size];
		struct virtq_desc *d = &q->desc[head];
		const UINT32 *header = (const UINT32 *)(UINTN)d->addr;
		struct fake_request r = { .head = head, .type = header[0],
					  .sector = *(const UINT64 *)(header + 2) };
		UINT32 delay = dev.requests < 8 ? dev.delay_ms[dev.requests] : 0;

		assert_true(d->flags & VIRTQ_DESC_F_NEXT);
		d = &q->desc[d->next];
		if (d->flags & VIRTQ_DESC_F_NEXT) {
			r.data = (UINT8 *)(UINTN)d->addr;
			r.bytes = d->len;
			assert_int_equal(!!(d->flags & VIRTQ_DESC_F_WRITE),
					 r.type == VIRTIO_BLK_T_IN);
			assert_true(r.sector * 512 + r.bytes <= sizeof(dev.disk));
			d = &q->desc[d->next];
		}
		assert_int_equal(d->len, 1);
		assert_true(d->flags & VIRTQ_DESC_F_WRITE);
		r.status = (volatile UINT8 *)(UINTN)d->addr;
		r.due = delay == NEVER ? UINT64_MAX : fake_clock_ms + delay;
		dev.requests++;
		assert_true(dev.in_flight < 4);
		dev.pending[dev.in_flight++] = r;
	}
	fake_run();
}

static EFI_STATUS fake_negotiate(struct virtio_transport *t, UINT64 wanted, UINT64 *ret)
{
	*ret = wanted & VIRTIO_BLK_F_FLUSH;
	return EFI_SUCCESS;
}

static UINT32 fake_config_read32(struct virtio_transport *t, UINT32 offset)
{
	return offset == VIRTIO_BLK_CFG_CAPACITY ? SECTORS : 0;
}

static EFI_STATUS fake_setup_queue(struct virtio_transport *t, UINT16 index, UINT16 max_size,
				   void *mem, UINTN mem_size, struct virtq *ret)
{
	assert_int_equal(index, 0);
	assert_true(virtq_memory_size(max_size) <= mem_size);
	virtq_layout(ret, index, max_size, mem);
	dev.q = ret;
	dev.seen_avail = 0;
	return EFI_SUCCESS;
}

static void fake_driver_ok(struct virtio_transport *t)
{
}

static EFI_STATUS fake_reset(struct virtio_transport *t)
{
	dev.resets++;
	if (dev.reset_stuck)
		return EFI_TIMEOUT;
	dev.in_flight = 0;
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

/* The transport's init as lib/drivers/virtio_pci.c does it: reset, which must read back 0. */
EFI_STATUS virtio_pci_init(struct virtio_pci *p, struct pci_address a)
{
	*p = (struct virtio_pci){ .transport = { .ops = &fake_ops, .modern = TRUE }, .pci = a,
				  .modern = TRUE };
	return EFI_ERROR(fake_reset(&p->transport)) ? EFI_DEVICE_ERROR : EFI_SUCCESS;
}

EFI_STATUS virtio_mmio_init(struct virtio_mmio *m, UINT64 base)
{
	return EFI_UNSUPPORTED;
}

UINT16 pci_read16(struct pci_address a, UINT8 offset)
{
	return 0xffff;
}

static struct virtio_blk blk;

static int setup(void **state)
{
	memset(&dev, 0, sizeof(dev));
	fake_clock_tick = fake_run;
	for (UINTN i = 0; i < sizeof(dev.disk); i++)
		dev.disk[i] = (UINT8)(i / 512 * 13 + i);
	assert_int_equal(virtio_blk_init(&blk, (struct pci_address){ 0, 3, 0 }, queue_memory),
			 EFI_SUCCESS);
	assert_int_equal(blk.block.block_count, SECTORS);
	dev.resets = 0;
	return 0;
}

static void test_read(void **state)
{
	UINT8 buf[4 * 512];

	assert_int_equal(block_read(&blk.block, 5, 4, buf), EFI_SUCCESS);
	assert_memory_equal(buf, dev.disk + 5 * 512, sizeof(buf));
	assert_int_equal(dev.requests, 1);
	assert_int_equal(dev.resets, 0);
}

/*
 * The first read answers after the timeout; without a reset its completion would arrive while
 * the next read polls and be taken as that one's, which would return without its data.
 */
static void test_late_completion_is_never_the_next_requests(void **state)
{
	UINT8 a[512], b[512];
	UINT64 start = fake_clock_ms;

	dev.delay_ms[0] = VIRTIO_TIMEOUT_MS + 500;
	memset(b, 0xee, sizeof(b));
	assert_int_equal(block_read(&blk.block, 7, 1, a), EFI_SUCCESS);
	assert_memory_equal(a, dev.disk + 7 * 512, 512);
	/* Given up on after the timeout in (fake) calibrated ms, then reset and sent again. */
	assert_true(fake_clock_ms - start >= VIRTIO_TIMEOUT_MS);
	assert_int_equal(dev.resets, 1);
	assert_int_equal(dev.requests, 2);
	assert_int_equal(block_read(&blk.block, 9, 1, b), EFI_SUCCESS);
	assert_memory_equal(b, dev.disk + 9 * 512, 512);
	assert_int_equal(dev.in_flight, 0);
}

/* The same with the late one given up for good: the next read still gets its own data. */
static void test_hung_device_gives_an_error_then_the_next_read_is_right(void **state)
{
	UINT8 a[512], b[512];

	for (int i = 0; i < 3; i++)
		dev.delay_ms[i] = VIRTIO_TIMEOUT_MS + 100 + 1000 * i;
	assert_int_equal(block_read(&blk.block, 1, 1, a), EFI_TIMEOUT);
	assert_int_equal(dev.requests, 3);
	/* A reset after the last try too: nothing stays in flight. */
	assert_int_equal(dev.resets, 3);
	assert_int_equal(dev.in_flight, 0);
	memset(b, 0xee, sizeof(b));
	assert_int_equal(block_read(&blk.block, 2, 1, b), EFI_SUCCESS);
	assert_memory_equal(b, dev.disk + 2 * 512, 512);
}

static void test_never_answered_is_bounded(void **state)
{
	UINT8 a[512];
	UINT64 start = fake_clock_ms;

	for (int i = 0; i < 8; i++)
		dev.delay_ms[i] = NEVER;
	assert_int_equal(block_read(&blk.block, 1, 1, a), EFI_TIMEOUT);
	assert_int_equal(dev.requests, 1 + VIRTIO_BLK_RETRIES);
	assert_true(fake_clock_ms - start < (2 + VIRTIO_BLK_RETRIES) * (UINT64)VIRTIO_TIMEOUT_MS);
}

/* A device error is an answer: tried again without a reset, reported if it stays. */
static void test_transient_and_persistent_errors(void **state)
{
	UINT8 a[512];

	dev.io_errors = 2;
	assert_int_equal(block_read(&blk.block, 3, 1, a), EFI_SUCCESS);
	assert_memory_equal(a, dev.disk + 3 * 512, 512);
	assert_int_equal(dev.requests, 3);
	dev.io_errors = 100;
	assert_int_equal(block_read(&blk.block, 3, 1, a), EFI_DEVICE_ERROR);
	assert_int_equal(dev.requests, 6);
	assert_int_equal(dev.resets, 0);
	dev.io_errors = 0;
	assert_int_equal(virtio_blk_flush(&blk), EFI_SUCCESS);
	assert_int_equal(dev.requests, 7);
}

/* A write that timed out is sent again after the reset and lands once, where it should. */
static void test_write_after_timeout(void **state)
{
	UINT8 a[2 * 512], b[2 * 512];

	memset(a, 0x5a, sizeof(a));
	dev.delay_ms[0] = NEVER;
	assert_int_equal(block_write(&blk.block, 10, 2, a), EFI_SUCCESS);
	assert_int_equal(dev.resets, 1);
	assert_memory_equal(dev.disk + 10 * 512, a, sizeof(a));
	assert_int_equal(block_read(&blk.block, 10, 2, b), EFI_SUCCESS);
	assert_memory_equal(b, a, sizeof(a));
}

/* A device whose reset never reads back 0 is given up: later I/O fails at once. */
static void test_device_that_does_not_reset_is_failed(void **state)
{
	UINT8 a[512];

	dev.delay_ms[0] = NEVER;
	dev.reset_stuck = TRUE;
	assert_int_equal(block_read(&blk.block, 1, 1, a), EFI_DEVICE_ERROR);
	assert_true(blk.failed);
	assert_int_equal(dev.requests, 1);
	assert_int_equal(block_read(&blk.block, 2, 1, a), EFI_DEVICE_ERROR);
	assert_int_equal(dev.requests, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_read, setup),
		cmocka_unit_test_setup(test_late_completion_is_never_the_next_requests, setup),
		cmocka_unit_test_setup(test_hung_device_gives_an_error_then_the_next_read_is_right,
				       setup),
		cmocka_unit_test_setup(test_never_answered_is_bounded, setup),
		cmocka_unit_test_setup(test_transient_and_persistent_errors, setup),
		cmocka_unit_test_setup(test_write_after_timeout, setup),
		cmocka_unit_test_setup(test_device_that_does_not_reset_is_failed, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
