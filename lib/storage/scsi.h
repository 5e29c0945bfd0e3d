/* SPDX-License-Identifier: MIT */
/* SCSI commands (SPC-4, SBC-3, MMC-6) over a small transport, and a block device on one LUN. */
#pragma once

#include "include/efi/types.h"
#include "lib/storage/block.h"
#include "lib/string.h"

/* Operation codes. */
#define SCSI_TEST_UNIT_READY 0x00
#define SCSI_REQUEST_SENSE 0x03
#define SCSI_INQUIRY 0x12
#define SCSI_MODE_SENSE_6 0x1a
#define SCSI_READ_CAPACITY_10 0x25
#define SCSI_READ_10 0x28
#define SCSI_WRITE_10 0x2a
#define SCSI_SYNCHRONIZE_CACHE_10 0x35
#define SCSI_READ_16 0x88
#define SCSI_WRITE_16 0x8a
#define SCSI_SERVICE_ACTION_IN_16 0x9e	/* READ CAPACITY(16) is its service action 0x10 */
#define SCSI_REPORT_LUNS 0xa0
#define SCSI_READ_12 0xa8

/* Status bytes (SAM-5 §5.3). */
#define SCSI_STATUS_GOOD 0x00
#define SCSI_STATUS_CHECK_CONDITION 0x02
#define SCSI_STATUS_BUSY 0x08
#define SCSI_STATUS_TASK_SET_FULL 0x28

/* Sense keys (SPC-4 §4.5.6). */
#define SCSI_KEY_NO_SENSE 0x0
#define SCSI_KEY_RECOVERED_ERROR 0x1
#define SCSI_KEY_NOT_READY 0x2
#define SCSI_KEY_MEDIUM_ERROR 0x3
#define SCSI_KEY_HARDWARE_ERROR 0x4
#define SCSI_KEY_ILLEGAL_REQUEST 0x5
#define SCSI_KEY_UNIT_ATTENTION 0x6
#define SCSI_KEY_DATA_PROTECT 0x7
#define SCSI_KEY_ABORTED_COMMAND 0xb

/* Peripheral device types (SPC-4 §6.4.2). */
#define SCSI_TYPE_DISK 0x00
#define SCSI_TYPE_CDROM 0x05

#define SCSI_CDB_MAX 16
/* Sense data we keep: the fixed format's 18 bytes and a descriptor list after an 8-byte header. */
#define SCSI_SENSE_MAX 96
#define SCSI_INQUIRY_LENGTH 36
#define SCSI_CAPACITY16_LENGTH 32
#define SCSI_CD_BLOCK_SIZE 2048

struct scsi_cdb {
	UINT8 bytes[SCSI_CDB_MAX];
	UINT8 length;
};

/* A zeroed CDB of length bytes for opcode; the builders below fill in the rest. */
static inline void scsi_cdb_start(struct scsi_cdb *cdb, UINT8 opcode, UINT8 length)
{
	memset(cdb, 0, sizeof(*cdb));
	cdb->bytes[0] = opcode;
	cdb->length = length;
}

/*
 * The builders are inline: each has one or two callers, and stage0's flash counts every
 * function (code and symbol table entry).
 */
static inline void scsi_cdb_test_unit_ready(struct scsi_cdb *cdb)
{
	scsi_cdb_start(cdb, SCSI_TEST_UNIT_READY, 6);
}

/* REQUEST SENSE of length bytes; DESC clear: the fixed format, which every device returns. */
static inline void scsi_cdb_request_sense(struct scsi_cdb *cdb, UINT8 length)
{
	scsi_cdb_start(cdb, SCSI_REQUEST_SENSE, 6);
	cdb->bytes[4] = length;
}

/* INQUIRY, standard data, length bytes. */
static inline void scsi_cdb_inquiry(struct scsi_cdb *cdb, UINT8 length)
{
	scsi_cdb_start(cdb, SCSI_INQUIRY, 6);
	cdb->bytes[4] = length;
}

/* REPORT LUNS (SELECT REPORT 0: every logical unit) with length bytes of room. */
static inline void scsi_cdb_report_luns(struct scsi_cdb *cdb, UINT32 length)
{
	scsi_cdb_start(cdb, SCSI_REPORT_LUNS, 12);
	cdb->bytes[6] = (UINT8)(length >> 24);
	cdb->bytes[7] = (UINT8)(length >> 16);
	cdb->bytes[8] = (UINT8)(length >> 8);
	cdb->bytes[9] = (UINT8)length;
}

/* MODE SENSE(6) of every page, no block descriptors (DBD), length bytes. */
static inline void scsi_cdb_mode_sense6(struct scsi_cdb *cdb, UINT8 length)
{
	scsi_cdb_start(cdb, SCSI_MODE_SENSE_6, 6);
	cdb->bytes[1] = 0x08;
	cdb->bytes[2] = 0x3f;
	cdb->bytes[4] = length;
}

static inline void scsi_cdb_read_capacity10(struct scsi_cdb *cdb)
{
	scsi_cdb_start(cdb, SCSI_READ_CAPACITY_10, 10);
}

/* SERVICE ACTION IN(16), READ CAPACITY(16), SCSI_CAPACITY16_LENGTH bytes. */
static inline void scsi_cdb_read_capacity16(struct scsi_cdb *cdb)
{
	scsi_cdb_start(cdb, SCSI_SERVICE_ACTION_IN_16, 16);
	cdb->bytes[1] = 0x10;
	cdb->bytes[13] = SCSI_CAPACITY16_LENGTH;
}

/* SYNCHRONIZE CACHE(10) of the whole medium. */
static inline void scsi_cdb_synchronize_cache(struct scsi_cdb *cdb)
{
	scsi_cdb_start(cdb, SCSI_SYNCHRONIZE_CACHE_10, 10);
}

/*
 * A READ(10), READ(12), READ(16), WRITE(10) or WRITE(16) of blocks at lba; writes set FUA so a
 * completed write is on the medium. EFI_INVALID_PARAMETER if lba or blocks do not fit the form.
 */
EFI_STATUS scsi_cdb_rw(struct scsi_cdb *cdb, UINT8 opcode, UINT64 lba, UINT32 blocks);

/* What a failed command's sense data means for its caller. */
enum scsi_sense_class {
	SCSI_SENSE_OK = 0,		/* no sense, or an error the device recovered from */
	SCSI_SENSE_NO_MEDIA,		/* NOT READY, medium not present (ASC 3Ah) */
	SCSI_SENSE_MEDIA_CHANGED,	/* UNIT ATTENTION: medium changed, reset, parameters */
	SCSI_SENSE_NOT_READY,		/* becoming ready, or busy: worth a retry */
	SCSI_SENSE_MEDIUM_ERROR,	/* unreadable or unwritable block */
	SCSI_SENSE_WRITE_PROTECTED,	/* DATA PROTECT */
	SCSI_SENSE_ILLEGAL_REQUEST,	/* the device does not take this command */
	SCSI_SENSE_OTHER,
};

struct scsi_sense {
	UINT8 key;
	UINT8 asc;
	UINT8 ascq;
};

/*
 * Parse fixed (70h/71h) or descriptor (72h/73h) format sense data of length bytes.
 * EFI_NOT_FOUND for empty or unknown-format data.
 */
EFI_STATUS scsi_sense_parse(const UINT8 *data, UINTN length, struct scsi_sense *ret);
enum scsi_sense_class scsi_sense_classify(const struct scsi_sense *sense);
/* The EFI_STATUS a class stands for (EFI_SUCCESS for SCSI_SENSE_OK). */
EFI_STATUS scsi_sense_status(enum scsi_sense_class class);

struct scsi_inquiry {
	UINT8 type;		/* peripheral device type */
	BOOLEAN removable;	/* RMB */
	char vendor[9];		/* trailing spaces removed */
	char product[17];
};

/*
 * Parse standard INQUIRY data of length bytes. EFI_NOT_FOUND when no logical unit answers there
 * (peripheral qualifier 1 or 3, type 1Fh); EFI_VOLUME_CORRUPTED if shorter than 5 bytes.
 */
EFI_STATUS scsi_inquiry_parse(const UINT8 *data, UINTN length, struct scsi_inquiry *ret);

struct scsi_capacity {
	UINT64 blocks;
	UINT32 block_size;
};

/*
 * READ CAPACITY(10) data (8 bytes). EFI_BUFFER_TOO_SMALL when the medium is too large for it
 * (READ CAPACITY(16) is needed); EFI_VOLUME_CORRUPTED for a block size outside 512..4096 or not
 * a power of two.
 */
EFI_STATUS scsi_capacity10_parse(const UINT8 *data, UINTN length, struct scsi_capacity *ret);
/* READ CAPACITY(16) data (at least 12 bytes), checked as scsi_capacity10_parse checks. */
EFI_STATUS scsi_capacity16_parse(const UINT8 *data, UINTN length, struct scsi_capacity *ret);

/*
 * The next LUN after *cursor (start at 0) in REPORT LUNS data of length bytes, as a number for
 * single-level peripheral (00b) or flat (01b) addressing; other forms are passed over.
 * EFI_NOT_FOUND after the last.
 */
EFI_STATUS scsi_report_luns_next(const UINT8 *data, UINTN length, UINT32 *cursor,
				 UINT16 *ret_lun);

/* One command for a transport to carry. */
struct scsi_request {
	struct scsi_cdb cdb;
	void *data;		/* NULL with length 0 */
	UINT32 length;		/* bytes of data in (read) or out (write) */
	BOOLEAN write;		/* data goes to the device */
	UINT32 timeout_ms;
	/* Set by the transport. */
	UINT8 status;		/* SCSI status byte */
	UINT32 transferred;
	UINT8 sense[SCSI_SENSE_MAX] __attribute__((aligned(8)));
	UINT32 sense_length;	/* 0 if the transport has no autosense: REQUEST SENSE asks */
};

/* Something that carries CDBs to logical units: a virtio-scsi HBA, an ATAPI port. */
struct scsi_transport {
	/*
	 * Execute req on target/lun. EFI_SUCCESS when the device answered (req->status says how);
	 * EFI_NOT_FOUND when nothing is at target/lun; EFI_TIMEOUT or EFI_DEVICE_ERROR when the
	 * transport failed, in which case it has stopped the command (aborted it or reset the
	 * device) so that no late data can land in req->data.
	 */
	EFI_STATUS (*execute)(struct scsi_transport *t, UINT16 target, UINT16 lun,
			      struct scsi_request *req);
	/* Spin for ms milliseconds (between retries of a unit that is becoming ready). */
	void (*delay_ms)(UINT32 ms);
	UINT32 max_transfer;	/* bytes per command */
	UINT8 max_cdb;		/* 12 for ATAPI, 16 for virtio-scsi */
	UINT8 align;		/* buffer address alignment the transport takes directly, 1 or 2 */
	UINT8 *bounce;		/* BLOCK_MAX_SIZE bytes the device reaches, for other buffers */
};

struct scsi_disk {
	struct block_device block;	/* first, so callers may cast */
	struct scsi_transport *transport;
	UINT16 target;
	UINT16 lun;
	struct scsi_inquiry inquiry;
	BOOLEAN read_only;
	BOOLEAN removable;
	BOOLEAN media_changed;		/* a UNIT ATTENTION was seen since the caller cleared it */
	BOOLEAN long_commands;		/* READ/WRITE(16), else READ/WRITE(10) */
	UINT32 max_blocks;		/* per command */
	struct scsi_sense last_sense;	/* of the last command that failed with CHECK CONDITION */
};

/*
 * INQUIRY, TEST UNIT READY (waiting out a unit that is becoming ready) and READ CAPACITY on
 * target/lun. Disks (type 0) and CD/DVD units (type 5, read-only) become disk->block.
 * EFI_NOT_FOUND when no unit is there, EFI_UNSUPPORTED for other device types, EFI_NO_MEDIA for
 * an empty drive (disk->block is then usable with 0 blocks: scsi_disk_media_check finds a medium).
 */
EFI_STATUS scsi_disk_init(struct scsi_disk *disk, struct scsi_transport *t, UINT16 target,
			  UINT16 lun);
/*
 * MODE SENSE: a write-protected disk becomes read-only (no block write). Apart from
 * scsi_disk_init, as only a caller that writes needs it (stage0 only reads).
 */
void scsi_disk_check_write_protect(struct scsi_disk *disk);
/*
 * Execute req on the disk's unit with bounded retries: a transport failure, BUSY, a UNIT
 * ATTENTION and a unit becoming ready are tried again. The result's EFI_STATUS: EFI_NO_MEDIA,
 * EFI_MEDIA_CHANGED (only when the retries ran out), EFI_WRITE_PROTECTED, EFI_DEVICE_ERROR...
 */
EFI_STATUS scsi_disk_command(struct scsi_disk *disk, struct scsi_request *req);
/*
 * TEST UNIT READY on a drive of removable media: EFI_NO_MEDIA (block_count becomes 0),
 * EFI_MEDIA_CHANGED once a new medium's capacity is in disk->block, or EFI_SUCCESS.
 */
EFI_STATUS scsi_disk_media_check(struct scsi_disk *disk);
/* SYNCHRONIZE CACHE; writes are already stable (FUA), this is for callers that ask anyway. */
EFI_STATUS scsi_disk_flush(struct scsi_disk *disk);
