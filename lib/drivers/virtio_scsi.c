/* SPDX-License-Identifier: MIT */
/* virtio-scsi: polled commands on the first request queue, targets and LUNs, reset on timeout. */
#include "lib/container_of.h"
#include "lib/drivers/io.h"
#include "lib/drivers/timer.h"
#include "lib/drivers/virtio_scsi.h"
#include "lib/endian.h"
#include "lib/string.h"

#define LOG_PREFIX "virtio-scsi: "
#include "lib/log.h"

/* Configuration space (§5.6.4). */
#define CFG_MAX_SECTORS 8
#define CFG_SENSE_SIZE 20
#define CFG_CDB_SIZE 24
#define CFG_MAX_TARGET 30	/* 16 bits, after max_channel */
#define CFG_MAX_LUN 32

/* Queues (§5.6.2): control, event, then the request queues; one request queue is used. */
#define QUEUE_CONTROL 0
#define QUEUE_EVENT 1
#define QUEUE_REQUEST 2

/* Response codes (§5.6.6.1). */
#define S_OK 0
#define S_BAD_TARGET 3

/* The request header: LUN, tag, task attribute, priority, CRN, then cdb_size CDB bytes. */
#define REQ_HEADER 19
/* The response: sense length, residual, status qualifier, status, response, sense_size bytes. */
#define RESP_HEADER 12
#define RESP_STATUS 10
#define RESP_RESPONSE 11
/* Header sizes the memory layout leaves room for. */
#define MAX_CDB_SIZE 256
#define MAX_SENSE_SIZE 256

/* Layout of hba->memory (VIRTIO_SCSI_MEMORY). */
#define MEM_REQUEST 0x0000
#define MEM_RESPONSE 0x0200
#define MEM_EVENTS 0x0400	/* EVENT_BUFFERS of EVENT_SIZE */
#define MEM_LUNS 0x0800
#define LUNS_SIZE 0x0800
#define MEM_BOUNCE 0x1000
#define MEM_QUEUES 0x2000
#define QUEUE_MEMORY (3 * 4096)
#define EVENT_BUFFERS 4
#define EVENT_SIZE 16		/* struct virtio_scsi_event */

/* Upper bound per request, as virtio-blk's: large enough to stream. */
#define MAX_REQUEST (1024u * 1024)
/* Entries asked of a modern device: a request uses four. */
#define QUEUE_SIZE 16
#define REPORT_LUNS_MS 5000

BOOLEAN virtio_scsi_match(struct pci_address a)
{
	UINT16 device = pci_read16(a, PCI_DEVICE_ID);

	return pci_read16(a, PCI_VENDOR_ID) == VIRTIO_PCI_VENDOR &&
	       (device == VIRTIO_SCSI_LEGACY_ID || device == VIRTIO_SCSI_MODERN_ID);
}

/* Hand the device its event buffers: it drops events (hot-plug, media change) without them. */
static void post_events(struct virtio_scsi *hba)
{
	struct virtq *q = &hba->event;

	for (UINT16 i = 0; i < EVENT_BUFFERS && i < q->size; i++) {
		q->desc[i] = (struct virtq_desc){ (UINTN)hba->memory + MEM_EVENTS + i * EVENT_SIZE,
						  EVENT_SIZE, VIRTQ_DESC_F_WRITE, 0 };
		q->avail->ring[q->avail->idx % q->size] = i;
		barrier();
		q->avail->idx++;
	}
	barrier();
	hba->virtio.ops->notify(&hba->virtio, q);
}

/* Reset, negotiate no feature, set up the three queues and read the limits. */
static EFI_STATUS hba_start(struct virtio_scsi *hba)
{
	struct virtio_transport *t = &hba->virtio;
	UINT8 *queues = hba->memory + MEM_QUEUES;
	UINT32 max_sectors;
	UINT64 features;
	EFI_STATUS status;

	status = hba->mmio_transport ? virtio_mmio_init(&hba->mmio, hba->mmio.base)
				     : virtio_pci_init(&hba->pci, hba->pci.pci);
	if (EFI_ERROR(status))
		return status;
	/* INOUT, HOTPLUG, CHANGE: none is needed to read and write a unit. */
	status = t->ops->negotiate(t, 0, &features);
	if (EFI_ERROR(status))
		goto err_reset;
	memset(hba->memory, 0, VIRTIO_SCSI_MEMORY);
	status = t->ops->setup_queue(t, QUEUE_CONTROL, QUEUE_SIZE, queues, QUEUE_MEMORY,
				     &hba->control);
	if (!EFI_ERROR(status))
		status = t->ops->setup_queue(t, QUEUE_EVENT, QUEUE_SIZE, queues + QUEUE_MEMORY,
					     QUEUE_MEMORY, &hba->event);
	if (!EFI_ERROR(status))
		status = t->ops->setup_queue(t, QUEUE_REQUEST, QUEUE_SIZE,
					     queues + 2 * QUEUE_MEMORY, QUEUE_MEMORY,
					     &hba->request);
	if (EFI_ERROR(status))
		goto err_reset;
	hba->cdb_size = t->ops->config_read32(t, CFG_CDB_SIZE);
	hba->sense_size = t->ops->config_read32(t, CFG_SENSE_SIZE);
	if (hba->cdb_size < SCSI_CDB_MAX || hba->cdb_size > MAX_CDB_SIZE ||
	    hba->sense_size > MAX_SENSE_SIZE) {
		status = log_error_status(EFI_UNSUPPORTED, "CDB size %u, sense size %u",
					  hba->cdb_size, hba->sense_size);
		goto err_reset;
	}
	hba->max_target = (UINT16)(t->ops->config_read32(t, CFG_MAX_TARGET - 2) >> 16);
	hba->max_lun = (UINT16)(t->ops->config_read32(t, CFG_MAX_LUN) & 0x3fff);
	max_sectors = t->ops->config_read32(t, CFG_MAX_SECTORS);
	hba->transport.max_transfer = MAX_REQUEST;
	if (max_sectors >= BLOCK_MAX_SIZE / 512 && max_sectors < MAX_REQUEST / 512)
		hba->transport.max_transfer = max_sectors * 512;
	t->ops->driver_ok(t);
	post_events(hba);
	hba->listed_target = ~0u;
	return EFI_SUCCESS;

err_reset:
	t->ops->reset(t);
	return status;
}

/*
 * A request that timed out is still the device's: only a reset ends it (§2.1.2), so its late
 * completion cannot write into a later request's buffers. The HBA then starts again.
 */
static void hba_restart(struct virtio_scsi *hba)
{
	hba->virtio.ops->reset(&hba->virtio);
	if (EFI_ERROR(hba_start(hba))) {
		hba->failed = TRUE;
		if (hba->mmio_transport)
			log_error("virtio-mmio@%llx: does not come back after a reset",
				  hba->mmio.base);
		else
			log_error("%02x:%02x.%x: does not come back after a reset",
				  hba->pci.pci.bus, hba->pci.pci.device, hba->pci.pci.function);
	}
}

static EFI_STATUS hba_execute(struct scsi_transport *t, UINT16 target, UINT16 lun,
			      struct scsi_request *req)
{
	struct virtio_scsi *hba = container_of(t, struct virtio_scsi, transport);
	UINT8 *header = hba->memory + MEM_REQUEST;
	UINT8 *response = hba->memory + MEM_RESPONSE;
	struct virtq_desc *desc = hba->request.desc;
	UINT32 sense_length, residual, len = 0;
	UINT16 n = 0;
	EFI_STATUS status;

	if (hba->failed)
		return EFI_DEVICE_ERROR;
	if (target > hba->max_target || target > 255 || lun > hba->max_lun)
		return EFI_NOT_FOUND;
	memset(header, 0, REQ_HEADER + hba->cdb_size);
	/* §5.6.6.1: byte 0 is 1, byte 1 the target, bytes 2-3 the LUN in flat space. */
	header[0] = 1;
	header[1] = (UINT8)target;
	header[2] = (UINT8)(0x40 | lun >> 8);
	header[3] = (UINT8)lun;
	put_le32(header + 8, (UINT32)++hba->tag);
	memcpy(header + REQ_HEADER, req->cdb.bytes, req->cdb.length);
	memset(response, 0, RESP_HEADER + hba->sense_size);

	/* Device-readable parts first, then device-writable ones (§2.4.4), chained in order. */
	desc[n++] = (struct virtq_desc){ (UINTN)header, REQ_HEADER + hba->cdb_size, 0, 0 };
	if (req->length && req->write)
		desc[n++] = (struct virtq_desc){ (UINTN)req->data, req->length, 0, 0 };
	desc[n++] = (struct virtq_desc){ (UINTN)response, RESP_HEADER + hba->sense_size,
					 VIRTQ_DESC_F_WRITE, 0 };
	if (req->length && !req->write)
		desc[n++] = (struct virtq_desc){ (UINTN)req->data, req->length, VIRTQ_DESC_F_WRITE,
						 0 };
	for (UINT16 i = 0; i + 1 < n; i++) {
		desc[i].flags |= VIRTQ_DESC_F_NEXT;
		desc[i].next = i + 1;
	}
	status = virtio_submit_timeout(&hba->virtio, &hba->request, 0, req->timeout_ms,
				       &len);
	if (EFI_ERROR(status)) {
		log_warn("%u:%u: command %02x timed out, resetting the HBA", target, lun,
			 req->cdb.bytes[0]);
		hba_restart(hba);
		return status;
	}
	if (response[RESP_RESPONSE] == S_BAD_TARGET)
		return EFI_NOT_FOUND;
	if (response[RESP_RESPONSE] != S_OK) {
		log_debug("%u:%u: command %02x: response %u", target, lun, req->cdb.bytes[0],
			  response[RESP_RESPONSE]);
		return EFI_DEVICE_ERROR;
	}
	req->status = response[RESP_STATUS];
	sense_length = get_le32(response);
	if (sense_length > hba->sense_size)
		sense_length = hba->sense_size;
	if (sense_length > SCSI_SENSE_MAX)
		sense_length = SCSI_SENSE_MAX;
	memcpy(req->sense, response + RESP_HEADER, sense_length);
	req->sense_length = sense_length;
	residual = get_le32(response + 4);
	req->transferred = residual < req->length ? req->length - residual : 0;
	return EFI_SUCCESS;
}

/* The HBA's fields before hba_start, on whichever transport the caller put in the union. */
static void hba_prepare(struct virtio_scsi *hba, void *memory)
{
	hba->transport = (struct scsi_transport){ .execute = hba_execute,
						  .delay_ms = timer_delay_ms, .max_cdb = 16,
						  .align = 1,
						  .bounce = (UINT8 *)memory + MEM_BOUNCE };
	hba->memory = memory;
}

EFI_STATUS virtio_scsi_init(struct virtio_scsi *hba, struct pci_address a, void *memory)
{
	EFI_STATUS status;

	*hba = (struct virtio_scsi){ .pci = { .pci = a } };
	hba_prepare(hba, memory);
	status = hba_start(hba);
	if (EFI_ERROR(status))
		return status;
	log_debug("%02x:%02x.%x %s, targets 0-%u, LUNs 0-%u", a.bus, a.device, a.function,
		  hba->pci.modern ? "modern" : "legacy", hba->max_target, hba->max_lun);
	return EFI_SUCCESS;
}

EFI_STATUS virtio_scsi_init_mmio(struct virtio_scsi *hba, UINT64 base, void *memory)
{
	EFI_STATUS status;

	*hba = (struct virtio_scsi){ .mmio = { .base = base }, .mmio_transport = TRUE };
	hba_prepare(hba, memory);
	status = hba_start(hba);
	if (EFI_ERROR(status))
		return status;
	log_debug("virtio-mmio@%llx: targets 0-%u, LUNs 0-%u", base, hba->max_target,
		  hba->max_lun);
	return EFI_SUCCESS;
}

/* Fetch target's REPORT LUNS into the LUN list; FALSE if nothing is at target. */
static BOOLEAN list_luns(struct virtio_scsi *hba, UINT16 target)
{
	struct scsi_request req = { .data = hba->memory + MEM_LUNS, .length = LUNS_SIZE,
				    .timeout_ms = REPORT_LUNS_MS };
	UINT8 *list = hba->memory + MEM_LUNS;
	EFI_STATUS status;

	hba->listed_target = target;
	hba->list_length = 0;
	scsi_cdb_report_luns(&req.cdb, LUNS_SIZE);
	status = hba_execute(&hba->transport, target, 0, &req);
	if (EFI_ERROR(status))
		return FALSE;
	if (req.status == SCSI_STATUS_GOOD && req.transferred >= 8) {
		hba->list_length = req.transferred;
		return TRUE;
	}
	/* A target without the command still has LUN 0: a list of one. */
	memset(list, 0, 16);
	list[3] = 8;
	hba->list_length = 16;
	return TRUE;
}

EFI_STATUS virtio_scsi_next_unit(struct virtio_scsi *hba, UINT32 *cursor, UINT16 *ret_target,
				 UINT16 *ret_lun)
{
	for (UINT32 target = *cursor >> 16; target <= hba->max_target && target <= 255;
	     target++, *cursor = target << 16) {
		UINT32 index = *cursor & 0xffff;

		if (hba->listed_target != target && !list_luns(hba, (UINT16)target))
			continue;
		if (!EFI_ERROR(scsi_report_luns_next(hba->memory + MEM_LUNS, hba->list_length,
						     &index, ret_lun))) {
			*cursor = target << 16 | index;
			*ret_target = (UINT16)target;
			return EFI_SUCCESS;
		}
	}
	return EFI_NOT_FOUND;
}

void virtio_scsi_shutdown(struct virtio_scsi *hba)
{
	hba->virtio.ops->reset(&hba->virtio);
}
