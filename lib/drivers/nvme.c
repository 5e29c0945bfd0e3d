/* SPDX-License-Identifier: MIT */
/* NVMe controller bring-up and polled commands on one I/O queue pair, with reset on timeout. */
#include "lib/drivers/io.h"
#include "lib/drivers/nvme.h"
#include "lib/drivers/timer.h"
#include "lib/string.h"

#define LOG_PREFIX "nvme: "
#include "lib/log.h"

#define NVME_CLASS 0x010802	/* mass storage, non-volatile memory, NVM Express */

/* Controller registers (NVMe 1.4 §3.1). */
#define REG_CAP 0x00
#define REG_INTMS 0x0c
#define REG_CC 0x14
#define REG_CSTS 0x1c
#define REG_AQA 0x24
#define REG_ASQ 0x28
#define REG_ACQ 0x30
#define REG_DOORBELLS 0x1000
#define CAP_MQES(c) ((UINT32)((c) & 0xffff))
#define CAP_TO(c) ((UINT32)(((c) >> 24) & 0xff))	/* 500 ms units */
#define CAP_DSTRD(c) ((UINT32)(((c) >> 32) & 0xf))
#define CAP_CSS_NVM (1ull << 37)
#define CAP_MPSMIN(c) ((UINT32)(((c) >> 48) & 0xf))
#define CC_EN (1u << 0)
#define CC_IOSQES (6u << 16)	/* 64-byte submission entries */
#define CC_IOCQES (4u << 20)	/* 16-byte completion entries */
#define CC_SHN_NORMAL (1u << 14)
#define CC_SHN_MASK (3u << 14)
#define CSTS_RDY (1u << 0)
#define CSTS_CFS (1u << 1)
#define CSTS_SHST_MASK (3u << 2)
#define CSTS_SHST_DONE (2u << 2)

/* Pages of the controller memory (NVME_CONTROLLER_MEMORY). */
#define MEM_ADMIN_SQ 0
#define MEM_ADMIN_CQ 1
#define MEM_IO_SQ 2
#define MEM_IO_CQ 3
#define MEM_DATA 4
#define MEM_PRP_LIST 5
#define MEM_BOUNCE 6
#define PAGE(ctrl, n) ((ctrl)->memory + (n) * NVME_PAGE_SIZE)

/* Entries a queue page holds: 64 submissions; the completion page could hold 256. */
#define QUEUE_ENTRIES (NVME_PAGE_SIZE / sizeof(struct nvme_sqe))
#define ADMIN_MS 5000
#define IO_MS 5000
#define FLUSH_MS 30000
/* A failed or timed-out command is sent this many more times. */
#define RETRIES 2
#define MAX_BLOCKS_PER_COMMAND 65536	/* NLB is 16 bits, 0-based */

BOOLEAN nvme_match(struct pci_address a)
{
	return pci_class_is(a, NVME_CLASS);
}

static UINT32 reg_read(struct nvme_controller *c, UINT32 reg)
{
	return mmio_read32(c->regs + reg);
}

static void reg_write(struct nvme_controller *c, UINT32 reg, UINT32 v)
{
	mmio_write32(c->regs + reg, v);
}

static BOOLEAN reg_wait(struct nvme_controller *c, UINT32 reg, UINT32 mask, UINT32 value)
{
	UINT64 deadline = timer_deadline(c->ready_ms);

	while ((reg_read(c, reg) & mask) != value) {
		if (timer_expired(deadline))
			return FALSE;
		cpu_relax();
	}
	return TRUE;
}

static void doorbell(struct nvme_controller *c, UINT16 qid, BOOLEAN completion, UINT16 value)
{
	reg_write(c, REG_DOORBELLS + (2u * qid + completion) * c->doorbell_stride, value);
}

static void queue_reset(struct nvme_queue *q, UINT16 id, UINT16 entries, void *sq, void *cq)
{
	memset(sq, 0, NVME_PAGE_SIZE);
	memset(cq, 0, NVME_PAGE_SIZE);
	*q = (struct nvme_queue){ .id = id, .entries = entries, .phase = 1, .sq = sq, .cq = cq };
}

/*
 * Send sqe on q and poll for its completion; one attempt. A completion whose command ID is not
 * this command's (a late one of a command given up on before a reset) is consumed and dropped.
 */
static EFI_STATUS submit(struct nvme_controller *c, struct nvme_queue *q, struct nvme_sqe *sqe,
			 UINT32 timeout_ms, UINT16 *ret_status)
{
	UINT16 cid = ++c->next_cid;
	UINT64 deadline;

	sqe->cid = cid;
	q->sq[q->tail] = *sqe;
	q->tail = (UINT16)((q->tail + 1) % q->entries);
	doorbell(c, q->id, FALSE, q->tail);
	deadline = timer_deadline(timeout_ms);
	for (;;) {
		volatile struct nvme_cqe *e = &q->cq[q->head];
		UINT16 status = e->status;

		if ((status & 1) == q->phase) {
			UINT16 done = e->cid;

			q->head = (UINT16)((q->head + 1) % q->entries);
			if (!q->head)
				q->phase ^= 1;
			doorbell(c, q->id, TRUE, q->head);
			if (done == cid) {
				*ret_status = status >> 1;
				return EFI_SUCCESS;
			}
			log_warn("queue %u: dropped a completion of command %u", q->id, done);
			continue;
		}
		if (reg_read(c, REG_CSTS) & CSTS_CFS)
			return EFI_DEVICE_ERROR;
		if (timer_expired(deadline))
			return EFI_TIMEOUT;
		cpu_relax();
	}
}

/* Clear CC.EN: the controller resets, ends all DMA and forgets its queues (§7.3.2). */
static EFI_STATUS ctrl_disable(struct nvme_controller *c)
{
	reg_write(c, REG_CC, reg_read(c, REG_CC) & ~CC_EN);
	if (!reg_wait(c, REG_CSTS, CSTS_RDY, 0))
		return log_error_status(EFI_TIMEOUT, "%02x:%02x.%x: does not reset", c->pci.bus,
					c->pci.device, c->pci.function);
	return EFI_SUCCESS;
}

static EFI_STATUS admin_create_queue(struct nvme_controller *c, UINT8 opcode, UINT64 memory)
{
	struct nvme_sqe sqe = {
		.opcode = opcode,
		.prp1 = memory,
		.cdw10 = (UINT32)(c->io.entries - 1) << 16 | c->io.id,
		/* Physically contiguous; a submission queue names its completion queue. */
		.cdw11 = (opcode == NVME_ADMIN_CREATE_SQ ? (UINT32)c->io.id << 16 : 0) | 1,
	};
	UINT16 status = 0;
	EFI_STATUS efi = submit(c, &c->admin, &sqe, ADMIN_MS, &status);

	if (EFI_ERROR(efi))
		return efi;
	return status ? log_error_status(nvme_status_to_efi(status), "create queue: status %04x",
					 status)
		      : EFI_SUCCESS;
}

/* Reset the controller, enable it on fresh admin queues and create the I/O queue pair. */
static EFI_STATUS ctrl_start(struct nvme_controller *c)
{
	UINT16 entries = c->max_entries < QUEUE_ENTRIES ? c->max_entries : QUEUE_ENTRIES;
	EFI_STATUS status = ctrl_disable(c);

	if (EFI_ERROR(status))
		return status;
	queue_reset(&c->admin, 0, entries, PAGE(c, MEM_ADMIN_SQ), PAGE(c, MEM_ADMIN_CQ));
	queue_reset(&c->io, 1, entries, PAGE(c, MEM_IO_SQ), PAGE(c, MEM_IO_CQ));
	reg_write(c, REG_INTMS, 0xffffffff);	/* polled: no interrupt is wanted */
	reg_write(c, REG_AQA, (UINT32)(entries - 1) << 16 | (entries - 1));
	mmio_write64(c->regs + REG_ASQ, (UINTN)c->admin.sq);
	mmio_write64(c->regs + REG_ACQ, (UINTN)c->admin.cq);
	/* NVM command set, 4 KiB pages (MPS 0), round robin. */
	reg_write(c, REG_CC, CC_IOSQES | CC_IOCQES | CC_EN);
	if (!reg_wait(c, REG_CSTS, CSTS_RDY | CSTS_CFS, CSTS_RDY))
		return log_error_status(EFI_DEVICE_ERROR, "%02x:%02x.%x: not ready (CSTS %08x)",
					c->pci.bus, c->pci.device, c->pci.function,
					reg_read(c, REG_CSTS));
	c->running = TRUE;
	status = admin_create_queue(c, NVME_ADMIN_CREATE_CQ, (UINTN)c->io.cq);
	if (!EFI_ERROR(status))
		status = admin_create_queue(c, NVME_ADMIN_CREATE_SQ, (UINTN)c->io.sq);
	return status;
}

/*
 * One command, sent again a bounded number of times: after a transient error as it is, after a
 * timeout or a fatal status once the controller is reset, so the abandoned command can never
 * complete into a later request's buffer.
 */
static EFI_STATUS command(struct nvme_controller *c, struct nvme_queue *q, struct nvme_sqe *sqe,
			  UINT32 timeout_ms)
{
	EFI_STATUS status = EFI_DEVICE_ERROR;
	UINT16 nvme_status = 0;

	if (!c->running)
		return EFI_DEVICE_ERROR;
	for (UINT32 attempt = 0; attempt <= RETRIES; attempt++) {
		status = submit(c, q, sqe, timeout_ms, &nvme_status);
		if (!EFI_ERROR(status)) {
			if (!nvme_status)
				return EFI_SUCCESS;
			status = nvme_status_to_efi(nvme_status);
			log_debug("opcode %02x on queue %u: status %04x, attempt %u", sqe->opcode,
				  q->id, nvme_status, attempt + 1);
			if (!nvme_status_retryable(nvme_status))
				break;
			continue;
		}
		log_debug("opcode %02x on queue %u: %s, attempt %u; resetting", sqe->opcode, q->id,
			  efi_status_name(status), attempt + 1);
		c->running = FALSE;
		if (EFI_ERROR(ctrl_start(c))) {
			c->running = FALSE;
			break;
		}
	}
	return log_error_status(status, "opcode %02x nsid %u lba %llu: status %04x", sqe->opcode,
				sqe->nsid, (UINT64)sqe->cdw11 << 32 | sqe->cdw10, nvme_status);
}

static EFI_STATUS identify(struct nvme_controller *c, UINT8 cns, UINT32 nsid)
{
	struct nvme_sqe sqe = { .opcode = NVME_ADMIN_IDENTIFY, .nsid = nsid,
				.prp1 = (UINTN)PAGE(c, MEM_DATA), .cdw10 = cns };

	return command(c, &c->admin, &sqe, ADMIN_MS);
}

EFI_STATUS nvme_controller_init(struct nvme_controller *ctrl, struct pci_address a, void *memory)
{
	struct pci_bar bar;
	UINT64 cap;
	EFI_STATUS status;

	pci_get_bar(a, 0, &bar);
	if (!bar.size || bar.io || !bar.base)
		return log_error_status(EFI_UNSUPPORTED, "%02x:%02x.%x: no register BAR", a.bus,
					a.device, a.function);
	pci_write16(a, PCI_COMMAND,
		    pci_read16(a, PCI_COMMAND) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	*ctrl = (struct nvme_controller){ .pci = a, .regs = bar.base, .memory = memory };
	cap = mmio_read64(ctrl->regs + REG_CAP);
	ctrl->doorbell_stride = 4u << CAP_DSTRD(cap);
	ctrl->ready_ms = (CAP_TO(cap) ? CAP_TO(cap) : 1) * 500;
	ctrl->max_entries = (UINT16)(CAP_MQES(cap) + 1 > QUEUE_ENTRIES ? QUEUE_ENTRIES
								    : CAP_MQES(cap) + 1);
	if (!(cap & CAP_CSS_NVM) || CAP_MPSMIN(cap) != 0 || ctrl->max_entries < 2)
		return log_error_status(EFI_UNSUPPORTED, "%02x:%02x.%x: CAP %llx not usable",
					a.bus, a.device, a.function, cap);
	memset(memory, 0, NVME_CONTROLLER_MEMORY);
	status = ctrl_start(ctrl);
	if (EFI_ERROR(status))
		goto err_disable;
	status = identify(ctrl, NVME_CNS_CONTROLLER, 0);
	if (!EFI_ERROR(status))
		status = nvme_identify_controller_parse(PAGE(ctrl, MEM_DATA), NVME_PAGE_SIZE,
							&ctrl->id);
	if (EFI_ERROR(status)) {
		log_error_status(status, "%02x:%02x.%x: IDENTIFY controller", a.bus, a.device,
				 a.function);
		goto err_disable;
	}
	ctrl->max_transfer = NVME_PRP_LIST_ENTRIES * NVME_PAGE_SIZE;
	if (ctrl->id.max_transfer && ctrl->id.max_transfer < ctrl->max_transfer)
		ctrl->max_transfer = ctrl->id.max_transfer;
	log_debug("%02x:%02x.%x: %s, serial %s, %u namespaces, %u KiB a command", a.bus,
		  a.device, a.function, ctrl->id.model, ctrl->id.serial, ctrl->id.namespaces,
		  ctrl->max_transfer >> 10);
	return EFI_SUCCESS;

err_disable:
	ctrl->running = FALSE;
	ctrl_disable(ctrl);
	return status;
}

EFI_STATUS nvme_next_namespace(struct nvme_controller *ctrl, UINT32 *nsid)
{
	UINT32 next;

	/* The active list names NSIDs greater than the one in the command (§5.15.2.2). */
	if (*nsid >= 0xfffffffe || EFI_ERROR(identify(ctrl, NVME_CNS_ACTIVE_NAMESPACES, *nsid)))
		return EFI_NOT_FOUND;
	next = nvme_active_list_next(PAGE(ctrl, MEM_DATA), *nsid);
	if (!next)
		return EFI_NOT_FOUND;
	*nsid = next;
	return EFI_SUCCESS;
}

/* One read or write command of n blocks at lba, its PRPs built for data. */
static EFI_STATUS io_command(void *ctx, EFI_LBA lba, UINT32 n, UINT8 *data, BOOLEAN write)
{
	struct nvme_namespace *ns = ctx;
	struct nvme_controller *c = ns->ctrl;
	UINT32 bytes = n * ns->block.block_size;
	UINT64 *list = (UINT64 *)PAGE(c, MEM_PRP_LIST);
	struct nvme_sqe sqe;
	EFI_STATUS status;

	nvme_sqe_io(&sqe, write ? NVME_CMD_WRITE : NVME_CMD_READ, ns->nsid, lba, n);
	status = nvme_prp_build((UINTN)data, bytes, list, (UINTN)list, &sqe.prp1, &sqe.prp2);
	if (EFI_ERROR(status))
		return log_error_status(status, "PRPs for %u bytes at %p", bytes, data);
	return command(c, &c->io, &sqe, IO_MS);
}

/* Blocks [lba, lba + count) in commands of at most max_transfer bytes; a buffer the PRPs cannot
 * point at (not dword-aligned) goes a block at a time through the bounce page. */
static EFI_STATUS transfer(struct nvme_namespace *ns, EFI_LBA lba, UINTN count, UINT8 *buf,
			   BOOLEAN write)
{
	struct nvme_controller *c = ns->ctrl;
	struct block_split split = {
		.block_size = ns->block.block_size,
		.max_blocks = c->max_transfer / ns->block.block_size,
		.direct = ((UINTN)buf & 3) == 0,
		.bounce = PAGE(c, MEM_BOUNCE),
	};

	if (split.max_blocks > MAX_BLOCKS_PER_COMMAND)
		split.max_blocks = MAX_BLOCKS_PER_COMMAND;
	if (!split.max_blocks)	/* MDTS is at least a page, but never loop on a wild one */
		split.max_blocks = 1;
	return block_transfer_split(&split, lba, count, buf, write, io_command, ns);
}

static EFI_STATUS nvme_block_read(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf)
{
	return transfer((struct nvme_namespace *)dev, lba, count, buf, FALSE);
}

EFI_STATUS nvme_namespace_write(struct nvme_namespace *ns, EFI_LBA lba, UINTN count,
				const void *buf)
{
	if (lba >= ns->block.block_count || count > ns->block.block_count - lba)
		return EFI_INVALID_PARAMETER;
	/* The controller only reads the buffer of a write. */
	return transfer(ns, lba, count, (UINT8 *)buf, TRUE);
}

EFI_STATUS nvme_namespace_flush(struct nvme_namespace *ns)
{
	struct nvme_sqe sqe;

	if (!ns->ctrl->id.volatile_cache)
		return EFI_SUCCESS;
	nvme_sqe_io(&sqe, NVME_CMD_FLUSH, ns->nsid, 0, 0);
	return command(ns->ctrl, &ns->ctrl->io, &sqe, FLUSH_MS);
}

/* The block interface's writes are stable when they return (lib/storage/block.h). */
static EFI_STATUS nvme_block_write(struct block_device *dev, EFI_LBA lba, UINTN count,
				   const void *buf)
{
	struct nvme_namespace *ns = (struct nvme_namespace *)dev;
	EFI_STATUS status = nvme_namespace_write(ns, lba, count, buf);

	return EFI_ERROR(status) ? status : nvme_namespace_flush(ns);
}

EFI_STATUS nvme_namespace_init(struct nvme_namespace *ns, struct nvme_controller *ctrl,
			       UINT32 nsid)
{
	EFI_STATUS status;

	*ns = (struct nvme_namespace){ .ctrl = ctrl, .nsid = nsid };
	status = identify(ctrl, NVME_CNS_NAMESPACE, nsid);
	if (EFI_ERROR(status))
		return status;
	status = nvme_identify_namespace_parse(PAGE(ctrl, MEM_DATA), &ns->id);
	if (status == EFI_UNSUPPORTED)
		return log_error_status(status, "namespace %u: a format with metadata or an "
					"unusable block size", nsid);
	if (EFI_ERROR(status))
		return status;
	ns->block = (struct block_device){ .read = nvme_block_read, .write = nvme_block_write,
					   .block_size = ns->id.block_size,
					   .block_count = ns->id.blocks };
	log_debug("namespace %u: %llu blocks of %u", nsid, ns->id.blocks, ns->id.block_size);
	return EFI_SUCCESS;
}

void nvme_controller_shutdown(struct nvme_controller *ctrl)
{
	if (!ctrl->running)
		return;
	ctrl->running = FALSE;
	/* A normal shutdown writes the volatile cache back (§7.6.2) before the reset. */
	reg_write(ctrl, REG_CC, (reg_read(ctrl, REG_CC) & ~CC_SHN_MASK) | CC_SHN_NORMAL);
	if (!reg_wait(ctrl, REG_CSTS, CSTS_SHST_MASK, CSTS_SHST_DONE))
		log_warn("%02x:%02x.%x: shutdown not confirmed", ctrl->pci.bus, ctrl->pci.device,
			 ctrl->pci.function);
	reg_write(ctrl, REG_CC, reg_read(ctrl, REG_CC) & ~CC_SHN_MASK);
	ctrl_disable(ctrl);
}
