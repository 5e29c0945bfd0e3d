/* SPDX-License-Identifier: MIT */
/* A struct block_device on one SCSI logical unit of any transport, with bounded retries. */
#include "lib/storage/scsi.h"
#include "lib/string.h"

/* Tries of one command beyond the first: unit attentions come a few at a time after a reset. */
#define SCSI_RETRIES 6
/* Between tries of a unit that is becoming ready (a CD spinning up). */
#define SCSI_NOT_READY_DELAY_MS 100
#define SCSI_COMMAND_MS 10000
#define SCSI_FLUSH_MS 30000
#define SCSI_SENSE_REQUEST 18	/* the fixed format's length */

/* Fetch the sense data of a CHECK CONDITION a transport without autosense returned. */
static void fetch_sense(struct scsi_disk *disk, struct scsi_request *req)
{
	struct scsi_request sense = { .data = req->sense, .length = SCSI_SENSE_REQUEST,
				      .timeout_ms = SCSI_COMMAND_MS };

	scsi_cdb_request_sense(&sense.cdb, SCSI_SENSE_REQUEST);
	if (EFI_ERROR(disk->transport->execute(disk->transport, disk->target, disk->lun, &sense)) ||
	    sense.status != SCSI_STATUS_GOOD)
		return;
	req->sense_length = sense.transferred;
}

/* How one answered command ended: EFI_SUCCESS, a class worth another try, or a final status. */
static EFI_STATUS command_result(struct scsi_disk *disk, struct scsi_request *req,
				 BOOLEAN *ret_retry)
{
	enum scsi_sense_class class;
	struct scsi_sense sense;

	*ret_retry = FALSE;
	if (req->status == SCSI_STATUS_GOOD)
		return EFI_SUCCESS;
	if (req->status == SCSI_STATUS_BUSY || req->status == SCSI_STATUS_TASK_SET_FULL) {
		*ret_retry = TRUE;
		return EFI_NOT_READY;
	}
	if (req->status != SCSI_STATUS_CHECK_CONDITION)
		return EFI_DEVICE_ERROR;
	if (!req->sense_length)
		fetch_sense(disk, req);
	if (EFI_ERROR(scsi_sense_parse(req->sense, req->sense_length, &sense)))
		return EFI_DEVICE_ERROR;
	disk->last_sense = sense;
	class = scsi_sense_classify(&sense);
	if (class == SCSI_SENSE_MEDIA_CHANGED)
		disk->media_changed = TRUE;
	*ret_retry = class == SCSI_SENSE_MEDIA_CHANGED || class == SCSI_SENSE_NOT_READY;
	if (class == SCSI_SENSE_NOT_READY && disk->transport->delay_ms)
		disk->transport->delay_ms(SCSI_NOT_READY_DELAY_MS);
	return scsi_sense_status(class);
}

EFI_STATUS scsi_disk_command(struct scsi_disk *disk, struct scsi_request *req)
{
	struct scsi_transport *t = disk->transport;
	EFI_STATUS status = EFI_DEVICE_ERROR;

	for (UINT32 attempt = 0; attempt <= SCSI_RETRIES; attempt++) {
		BOOLEAN retry = TRUE;

		req->status = 0xff;
		req->transferred = 0;
		req->sense_length = 0;
		status = t->execute(t, disk->target, disk->lun, req);
		if (status == EFI_NOT_FOUND)
			return status;
		/* A failed transport stopped the command; it goes again from the start. */
		if (!EFI_ERROR(status))
			status = command_result(disk, req, &retry);
		if (!EFI_ERROR(status) || !retry)
			return status;
	}
	return status;
}

/* One READ or WRITE of n blocks at lba (a block_command_fn). */
static EFI_STATUS rw_command(void *ctx, EFI_LBA lba, UINT32 n, UINT8 *data, BOOLEAN write)
{
	struct scsi_disk *disk = ctx;
	UINT8 opcode = disk->long_commands ? (write ? SCSI_WRITE_16 : SCSI_READ_16)
					   : (write ? SCSI_WRITE_10 : SCSI_READ_10);
	struct scsi_request req = { .data = data, .length = n * disk->block.block_size,
				    .write = write, .timeout_ms = SCSI_COMMAND_MS };
	EFI_STATUS status;

	status = scsi_cdb_rw(&req.cdb, opcode, lba, n);
	if (EFI_ERROR(status))
		return status;
	status = scsi_disk_command(disk, &req);
	if (EFI_ERROR(status))
		return status;
	/* A short transfer would leave stale bytes in the caller's buffer. */
	return req.transferred == req.length ? EFI_SUCCESS : EFI_DEVICE_ERROR;
}

static EFI_STATUS scsi_disk_transfer(struct scsi_disk *disk, EFI_LBA lba, UINTN count, UINT8 *buf,
				     BOOLEAN write)
{
	struct scsi_transport *t = disk->transport;
	struct block_split split = {
		.block_size = disk->block.block_size,
		.max_blocks = disk->max_blocks,
		.direct = ((UINTN)buf & (t->align - 1)) == 0,
		.bounce = t->bounce,
	};

	return block_transfer_split(&split, lba, count, buf, write, rw_command, disk);
}

static EFI_STATUS scsi_disk_read(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf)
{
	return scsi_disk_transfer((struct scsi_disk *)dev, lba, count, buf, FALSE);
}

static EFI_STATUS scsi_disk_write(struct block_device *dev, EFI_LBA lba, UINTN count,
				  const void *buf)
{
	/* The transport only reads the buffer of a write. */
	return scsi_disk_transfer((struct scsi_disk *)dev, lba, count, (UINT8 *)buf, TRUE);
}

EFI_STATUS scsi_disk_flush(struct scsi_disk *disk)
{
	struct scsi_request req = { .timeout_ms = SCSI_FLUSH_MS };

	if (disk->read_only)
		return EFI_SUCCESS;
	scsi_cdb_synchronize_cache(&req.cdb);
	return scsi_disk_command(disk, &req);
}

/* A data-in command of up to length bytes into data; ret_length gets what arrived. */
static EFI_STATUS data_in(struct scsi_disk *disk, struct scsi_request *req, UINT8 *data,
			  UINT32 length)
{
	req->data = data;
	req->length = length;
	req->timeout_ms = SCSI_COMMAND_MS;
	memset(data, 0, length);
	return scsi_disk_command(disk, req);
}

/* READ CAPACITY(16) where the transport carries it and (16) commands are wanted, else (10). */
static EFI_STATUS read_capacity(struct scsi_disk *disk, UINT8 *data, struct scsi_capacity *cap)
{
	struct scsi_request req = { 0 };
	EFI_STATUS status;

	if (disk->long_commands) {
		scsi_cdb_read_capacity16(&req.cdb);
		status = data_in(disk, &req, data, SCSI_CAPACITY16_LENGTH);
		if (!EFI_ERROR(status))
			return scsi_capacity16_parse(data, req.transferred, cap);
		if (status != EFI_UNSUPPORTED)
			return status;
		disk->long_commands = FALSE;
	}
	scsi_cdb_read_capacity10(&req.cdb);
	status = data_in(disk, &req, data, 8);
	if (EFI_ERROR(status))
		return status;
	return scsi_capacity10_parse(data, req.transferred, cap);
}

void scsi_disk_check_write_protect(struct scsi_disk *disk)
{
	UINT8 data[4] __attribute__((aligned(4)));
	struct scsi_request req = { 0 };

	if (disk->read_only)
		return;
	/* MODE SENSE(6) header, byte 2 bit 7: the unit is write-protected (SBC-3 §6.4.1). */
	scsi_cdb_mode_sense6(&req.cdb, sizeof(data));
	if (!EFI_ERROR(data_in(disk, &req, data, sizeof(data))) && req.transferred >= 3 &&
	    (data[2] & 0x80)) {
		disk->read_only = TRUE;
		disk->block.write = NULL;
	}
}

/* The medium's block size and count, and the blocks per command they allow. */
static EFI_STATUS media_read(struct scsi_disk *disk)
{
	UINT8 data[SCSI_CAPACITY16_LENGTH] __attribute__((aligned(8)));
	struct scsi_capacity cap;
	UINT32 per_command;
	EFI_STATUS status;

	status = read_capacity(disk, data, &cap);
	if (EFI_ERROR(status))
		return status;
	if (!disk->long_commands && cap.blocks > 0x100000000ull)
		return EFI_UNSUPPORTED;
	disk->block.block_size = cap.block_size;
	disk->block.block_count = cap.blocks;
	per_command = disk->transport->max_transfer / cap.block_size;
	if (!disk->long_commands && per_command > 0xffff)
		per_command = 0xffff;
	disk->max_blocks = per_command ? per_command : 1;
	disk->media_changed = FALSE;
	return EFI_SUCCESS;
}

static EFI_STATUS test_unit_ready(struct scsi_disk *disk)
{
	struct scsi_request req = { .timeout_ms = SCSI_COMMAND_MS };

	scsi_cdb_test_unit_ready(&req.cdb);
	return scsi_disk_command(disk, &req);
}

EFI_STATUS scsi_disk_media_check(struct scsi_disk *disk)
{
	EFI_STATUS status = test_unit_ready(disk);

	if (status == EFI_NO_MEDIA)
		disk->block.block_count = 0;
	if (EFI_ERROR(status))
		return status;
	/* A unit attention on the way, or a medium where there was none (ATAPI shows no unit
	 * attention to TEST UNIT READY). */
	if (!disk->media_changed && disk->block.block_count)
		return EFI_SUCCESS;
	status = media_read(disk);
	return EFI_ERROR(status) ? status : EFI_MEDIA_CHANGED;
}

EFI_STATUS scsi_disk_init(struct scsi_disk *disk, struct scsi_transport *t, UINT16 target,
			  UINT16 lun)
{
	UINT8 data[SCSI_INQUIRY_LENGTH] __attribute__((aligned(8)));
	struct scsi_request req = { 0 };
	EFI_STATUS status;

	*disk = (struct scsi_disk){ .transport = t, .target = target, .lun = lun };
	scsi_cdb_inquiry(&req.cdb, SCSI_INQUIRY_LENGTH);
	status = data_in(disk, &req, data, SCSI_INQUIRY_LENGTH);
	if (EFI_ERROR(status))
		return status;
	status = scsi_inquiry_parse(data, req.transferred, &disk->inquiry);
	if (EFI_ERROR(status))
		return status;
	if (disk->inquiry.type != SCSI_TYPE_DISK && disk->inquiry.type != SCSI_TYPE_CDROM)
		return EFI_UNSUPPORTED;
	disk->removable = disk->inquiry.removable;
	disk->read_only = disk->inquiry.type == SCSI_TYPE_CDROM;
	disk->long_commands = t->max_cdb >= 16 && disk->inquiry.type == SCSI_TYPE_DISK;
	disk->block.read = scsi_disk_read;
	disk->block.write = disk->read_only ? NULL : scsi_disk_write;
	disk->block.flush = NULL;	/* writes carry FUA */
	/* What an empty drive reports until a medium comes (scsi_disk_media_check). */
	disk->block.block_size = disk->read_only ? SCSI_CD_BLOCK_SIZE : 512;
	disk->max_blocks = 1;

	/* Clears the unit attention of the reset and waits out a drive becoming ready. */
	status = test_unit_ready(disk);
	if (EFI_ERROR(status))
		return status;
	return media_read(disk);
}
