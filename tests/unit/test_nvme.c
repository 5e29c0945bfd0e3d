/* SPDX-License-Identifier: MIT */
/* The NVMe driver over a fake controller whose commands complete late, never, or twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fake_clock.h"

/* The driver as the firmware builds it; its registers are the fake's memory below. */
#include "lib/drivers/nvme.c"

#define BLOCKS 64
#define NEVER UINT32_MAX
/* Where IDENTIFY data holds what the driver reads (NVMe 1.4 Figures 247 and 245). */
#define IDC_MODEL 24
#define IDC_NN 516
#define IDN_NSZE 0
#define IDN_LBAF 128

/*
 * The controller runs whenever the driver polls (the fake clock's timer_expired): it follows
 * CC.EN, takes new submissions from the doorbells, executes admin commands at once and I/O
 * commands delay_ms later. Clearing CC.EN aborts everything in flight and forgets the I/O
 * queues, as a controller reset does (NVMe 1.4 §7.3.2).
 */
struct fake_queue {
	UINT64 sq, cq;
	UINT16 entries, head, tail;
	UINT8 phase;
};

struct fake_nvme {
	UINT8 regs[0x2000] __attribute__((aligned(8)));
	BOOLEAN enabled;
	BOOLEAN stuck;			/* never becomes ready again after a reset */
	struct fake_queue admin, io;
	BOOLEAN io_created;
	UINT32 io_commands;		/* taken so far */
	UINT32 delay_ms[8];		/* of I/O command n (then 0) */
	BOOLEAN stale_first;		/* post a completion of an old CID before each real one */
	UINT16 last_cid;
	UINT32 resets, aborted;
	UINT32 in_flight;
	struct fake_command {
		struct nvme_sqe sqe;
		UINT64 due;
	} pending[4];
	UINT8 disk[BLOCKS * 512];
};

static struct fake_nvme dev;
static UINT8 memory[NVME_CONTROLLER_MEMORY] __attribute__((aligned(4096)));

static UINT32 reg32(UINT32 reg)
{
	return *(UINT32 *)(dev.regs + reg);
}

static void set_reg32(UINT32 reg, UINT32 v)
{
	*(UINT32 *)(dev.regs + reg) = v;
}

static void fake_post(struct fake_queue *q, UINT16 cid, UINT16 sq_id, UINT16 status)
{
	struct nvme_cqe *cq = (struct nvme_cqe *)(UINTN)q->cq;

	cq[q->tail] = (struct nvme_cqe){ .sq_id = sq_id, .cid = cid,
					 .status = (UINT16)(status << 1 | q->phase) };
	q->tail = (UINT16)((q->tail + 1) % q->entries);
	if (!q->tail)
		q->phase ^= 1;
}

static void fake_identify(const struct nvme_sqe *sqe)
{
	UINT8 *page = (UINT8 *)(UINTN)sqe->prp1;

	memset(page, 0, NVME_IDENTIFY_SIZE);
	switch (sqe->cdw10 & 0xff) {
	case NVME_CNS_CONTROLLER:
		memcpy(page + IDC_MODEL, "fake", 4);
		page[IDC_NN] = 1;
		break;
	case NVME_CNS_NAMESPACE:
		page[IDN_NSZE] = BLOCKS;
		page[IDN_LBAF + 2] = 9;
		break;
	case NVME_CNS_ACTIVE_NAMESPACES:
		if (sqe->nsid < 1)
			page[0] = 1;
		break;
	}
}

static void fake_admin(const struct nvme_sqe *sqe)
{
	struct fake_queue *io = &dev.io;

	switch (sqe->opcode) {
	case NVME_ADMIN_CREATE_CQ:
		assert_int_equal(sqe->cdw10 & 0xffff, 1);
		io->cq = sqe->prp1;
		io->entries = (UINT16)((sqe->cdw10 >> 16) + 1);
		io->tail = 0;
		io->phase = 1;
		break;
	case NVME_ADMIN_CREATE_SQ:
		assert_int_equal(sqe->cdw11 >> 16, 1);
		io->sq = sqe->prp1;
		io->head = 0;
		dev.io_created = TRUE;
		break;
	case NVME_ADMIN_IDENTIFY:
		fake_identify(sqe);
		break;
	default:
		fail();
	}
	fake_post(&dev.admin, sqe->cid, 0, 0);
}

static void fake_complete(const struct nvme_sqe *sqe)
{
	UINT64 lba = (UINT64)sqe->cdw11 << 32 | sqe->cdw10;
	UINT32 bytes = ((sqe->cdw12 & 0xffff) + 1) * 512;

	if (sqe->opcode == NVME_CMD_READ || sqe->opcode == NVME_CMD_WRITE) {
		/* One page at most: the tests use buffers PRP1 alone describes. */
		assert_true(lba * 512 + bytes <= sizeof(dev.disk));
		assert_true(bytes <= NVME_PAGE_SIZE - sqe->prp1 % NVME_PAGE_SIZE);
		if (sqe->opcode == NVME_CMD_READ)
			memcpy((void *)(UINTN)sqe->prp1, dev.disk + lba * 512, bytes);
		else
			memcpy(dev.disk + lba * 512, (void *)(UINTN)sqe->prp1, bytes);
	}
	fake_post(&dev.io, sqe->cid, 1, 0);
}

static void fake_run(void)
{
	UINT32 cc = reg32(REG_CC);

	if (!(cc & CC_EN)) {
		if (dev.enabled) {
			dev.resets++;
			dev.aborted += dev.in_flight;
			dev.in_flight = 0;
			dev.io_created = FALSE;
		}
		dev.enabled = FALSE;
		set_reg32(REG_CSTS, 0);
		memset(dev.regs + REG_DOORBELLS, 0, sizeof(dev.regs) - REG_DOORBELLS);
		return;
	}
	if (!dev.enabled) {
		if (dev.stuck && dev.resets)
			return;
		dev.enabled = TRUE;
		dev.admin = (struct fake_queue){ .sq = *(UINT64 *)(dev.regs + REG_ASQ),
						 .cq = *(UINT64 *)(dev.regs + REG_ACQ),
						 .entries = (UINT16)((reg32(REG_AQA) & 0xfff) + 1),
						 .phase = 1 };
		set_reg32(REG_CSTS, CSTS_RDY);
	}
	while (dev.admin.head != reg32(REG_DOORBELLS)) {
		fake_admin(&((struct nvme_sqe *)(UINTN)dev.admin.sq)[dev.admin.head]);
		dev.admin.head = (UINT16)((dev.admin.head + 1) % dev.admin.entries);
	}
	while (dev.io_created && dev.io.head != reg32(REG_DOORBELLS + 8)) {
		struct nvme_sqe *sqe = &((struct nvme_sqe *)(UINTN)dev.io.sq)[dev.io.head];
		UINT32 delay = dev.io_commands < 8 ? dev.delay_ms[dev.io_commands] : 0;

		dev.io.head = (UINT16)((dev.io.head + 1) % dev.io.entries);
		dev.io_commands++;
		/* A CID is never reused while the controller runs. */
		assert_int_not_equal(sqe->cid, dev.last_cid);
		dev.last_cid = sqe->cid;
		/* The stale one comes at once, long before the command's own. */
		if (dev.stale_first)
			fake_post(&dev.io, (UINT16)(sqe->cid - 1), 1, 0);
		assert_true(dev.in_flight < 4);
		dev.pending[dev.in_flight].sqe = *sqe;
		dev.pending[dev.in_flight++].due =
			delay == NEVER ? UINT64_MAX : fake_clock_ms + delay;
	}
	for (UINT32 i = 0; i < dev.in_flight;) {
		if (dev.pending[i].due > fake_clock_ms) {
			i++;
			continue;
		}
		fake_complete(&dev.pending[i].sqe);
		memmove(&dev.pending[i], &dev.pending[i + 1],
			(dev.in_flight - i - 1) * sizeof(dev.pending[0]));
		dev.in_flight--;
	}
}

void pci_get_bar(struct pci_address a, UINT32 index, struct pci_bar *ret)
{
	*ret = (struct pci_bar){ .base = (UINTN)dev.regs, .size = sizeof(dev.regs) };
}

UINT16 pci_read16(struct pci_address a, UINT8 offset)
{
	return 0;
}

void pci_write16(struct pci_address a, UINT8 offset, UINT16 v)
{
}

BOOLEAN pci_class_is(struct pci_address a, UINT32 class_code)
{
	return TRUE;
}

static struct nvme_controller ctrl;
static struct nvme_namespace ns;

static int setup(void **state)
{
	UINT32 nsid = 0;

	memset(&dev, 0, sizeof(dev));
	fake_clock_tick = fake_run;
	for (UINTN i = 0; i < sizeof(dev.disk); i++)
		dev.disk[i] = (UINT8)(i / 512 * 29 + i);
	/* MQES 63, CAP.TO 1 (500 ms), NVM command set, MPSMIN 0. */
	*(UINT64 *)dev.regs = 63 | 1ull << 24 | CAP_CSS_NVM;
	assert_int_equal(nvme_controller_init(&ctrl, (struct pci_address){ 0, 5, 0 }, memory),
			 EFI_SUCCESS);
	assert_int_equal(nvme_next_namespace(&ctrl, &nsid), EFI_SUCCESS);
	assert_int_equal(nsid, 1);
	assert_int_equal(nvme_namespace_init(&ns, &ctrl, nsid), EFI_SUCCESS);
	assert_int_equal(ns.block.block_count, BLOCKS);
	dev.resets = 0;
	return 0;
}

static UINT8 buf[NVME_PAGE_SIZE] __attribute__((aligned(4096)));
static UINT8 other[NVME_PAGE_SIZE] __attribute__((aligned(4096)));

static void test_read(void **state)
{
	assert_int_equal(block_read(&ns.block, 3, 2, buf), EFI_SUCCESS);
	assert_memory_equal(buf, dev.disk + 3 * 512, 2 * 512);
	assert_int_equal(dev.io_commands, 1);
	assert_int_equal(dev.resets, 0);
}

/* A read answered after IO_MS: the controller is reset (aborting it) and the read sent again. */
static void test_timed_out_command_is_aborted_by_a_reset(void **state)
{
	UINT64 start = fake_clock_ms;

	dev.delay_ms[0] = IO_MS + 1000;
	assert_int_equal(block_read(&ns.block, 7, 1, buf), EFI_SUCCESS);
	assert_memory_equal(buf, dev.disk + 7 * 512, 512);
	assert_true(fake_clock_ms - start >= IO_MS);
	assert_int_equal(dev.resets, 1);
	assert_int_equal(dev.aborted, 1);
	assert_int_equal(dev.io_commands, 2);
	/* The next read gets its own data into its own buffer. */
	memset(other, 0xee, sizeof(other));
	assert_int_equal(block_read(&ns.block, 9, 1, other), EFI_SUCCESS);
	assert_memory_equal(other, dev.disk + 9 * 512, 512);
	assert_int_equal(dev.in_flight, 0);
}

/* A completion with another command's CID is dropped: the read waits for its own. */
static void test_stale_completion_is_not_taken(void **state)
{
	dev.stale_first = TRUE;
	dev.delay_ms[1] = 100;
	assert_int_equal(block_read(&ns.block, 1, 1, buf), EFI_SUCCESS);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(block_read(&ns.block, 2, 1, buf), EFI_SUCCESS);
	assert_memory_equal(buf, dev.disk + 2 * 512, 512);
	assert_int_equal(dev.resets, 0);
}

/* Never answered: 1 + RETRIES tries, each ended by a reset; the controller stays usable. */
static void test_hung_command_is_bounded(void **state)
{
	for (int i = 0; i < 8; i++)
		dev.delay_ms[i] = i < 1 + RETRIES ? NEVER : 0;
	assert_int_equal(block_read(&ns.block, 1, 1, buf), EFI_TIMEOUT);
	assert_int_equal(dev.io_commands, 1 + RETRIES);
	assert_int_equal(dev.aborted, 1 + RETRIES);
	assert_int_equal(block_read(&ns.block, 4, 1, buf), EFI_SUCCESS);
	assert_memory_equal(buf, dev.disk + 4 * 512, 512);
	assert_int_equal(dev.in_flight, 0);
}

/* A controller that does not come back after the reset fails every later command at once. */
static void test_controller_that_does_not_come_back(void **state)
{
	dev.delay_ms[0] = NEVER;
	dev.stuck = TRUE;
	assert_int_not_equal(block_read(&ns.block, 1, 1, buf), EFI_SUCCESS);
	assert_false(ctrl.running);
	assert_int_equal(dev.io_commands, 1);
	assert_int_equal(block_read(&ns.block, 2, 1, buf), EFI_DEVICE_ERROR);
	assert_int_equal(dev.io_commands, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_read, setup),
		cmocka_unit_test_setup(test_timed_out_command_is_aborted_by_a_reset, setup),
		cmocka_unit_test_setup(test_stale_completion_is_not_taken, setup),
		cmocka_unit_test_setup(test_hung_command_is_bounded, setup),
		cmocka_unit_test_setup(test_controller_that_does_not_come_back, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
