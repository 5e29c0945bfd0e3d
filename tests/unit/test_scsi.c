/* SPDX-License-Identifier: MIT */
/* SCSI layer: CDB builders, sense/INQUIRY/capacity/REPORT LUNS parsing, scsi_disk over a fake unit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/storage/scsi.h"

static void test_cdbs(void **state)
{
	struct scsi_cdb cdb;
	static const UINT8 read16[16] = { 0x88, 0, 0, 0, 0, 1, 0x23, 0x45, 0x67, 0x89,
					  0, 0, 0x01, 0x00, 0, 0 };

	scsi_cdb_test_unit_ready(&cdb);
	assert_int_equal(cdb.length, 6);
	assert_int_equal(cdb.bytes[0], 0);
	scsi_cdb_inquiry(&cdb, 36);
	assert_int_equal(cdb.bytes[0], 0x12);
	assert_int_equal(cdb.bytes[4], 36);
	scsi_cdb_request_sense(&cdb, 18);
	assert_int_equal(cdb.bytes[0], 0x03);
	assert_int_equal(cdb.bytes[4], 18);
	scsi_cdb_report_luns(&cdb, 0x1008);
	assert_int_equal(cdb.length, 12);
	assert_int_equal(cdb.bytes[0], 0xa0);
	assert_int_equal(cdb.bytes[8], 0x10);
	assert_int_equal(cdb.bytes[9], 0x08);
	scsi_cdb_read_capacity16(&cdb);
	assert_int_equal(cdb.length, 16);
	assert_int_equal(cdb.bytes[1], 0x10);
	assert_int_equal(cdb.bytes[13], SCSI_CAPACITY16_LENGTH);
	scsi_cdb_read_capacity10(&cdb);
	assert_int_equal(cdb.length, 10);
	assert_int_equal(cdb.bytes[0], 0x25);
	scsi_cdb_synchronize_cache(&cdb);
	assert_int_equal(cdb.bytes[0], 0x35);

	assert_int_equal(scsi_cdb_rw(&cdb, SCSI_READ_16, 0x123456789ull, 256), EFI_SUCCESS);
	assert_int_equal(cdb.length, 16);
	assert_memory_equal(cdb.bytes, read16, 16);
	assert_int_equal(scsi_cdb_rw(&cdb, SCSI_WRITE_16, 7, 1), EFI_SUCCESS);
	assert_int_equal(cdb.bytes[1], 0x08);	/* FUA */
	assert_int_equal(scsi_cdb_rw(&cdb, SCSI_READ_10, 0x01020304, 0x0506), EFI_SUCCESS);
	assert_int_equal(cdb.length, 10);
	assert_int_equal(cdb.bytes[2], 1);
	assert_int_equal(cdb.bytes[5], 4);
	assert_int_equal(cdb.bytes[7], 5);
	assert_int_equal(cdb.bytes[8], 6);
	assert_int_equal(cdb.bytes[1], 0);
	assert_int_equal(scsi_cdb_rw(&cdb, SCSI_READ_12, 16, 0x10000), EFI_SUCCESS);
	assert_int_equal(cdb.length, 12);
	assert_int_equal(cdb.bytes[7], 1);
	assert_int_equal(cdb.bytes[8], 0);

	/* What a form cannot carry is refused, not truncated. */
	assert_int_equal(scsi_cdb_rw(&cdb, SCSI_READ_10, 0x100000000ull, 1),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(scsi_cdb_rw(&cdb, SCSI_READ_10, 0, 0x10000), EFI_INVALID_PARAMETER);
	assert_int_equal(scsi_cdb_rw(&cdb, SCSI_READ_10, 0xffffffffull, 2), EFI_INVALID_PARAMETER);
	assert_int_equal(scsi_cdb_rw(&cdb, SCSI_READ_16, ~0ull, 2), EFI_INVALID_PARAMETER);
	assert_int_equal(scsi_cdb_rw(&cdb, SCSI_READ_16, 0, 0), EFI_INVALID_PARAMETER);
	assert_int_equal(scsi_cdb_rw(&cdb, SCSI_INQUIRY, 0, 1), EFI_INVALID_PARAMETER);
}

static void test_sense_formats(void **state)
{
	UINT8 fixed[18] = { 0xf0, 0, SCSI_KEY_NOT_READY, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x3a, 0x02 };
	UINT8 desc[8] = { 0x72, SCSI_KEY_UNIT_ATTENTION, 0x28, 0x00, 0, 0, 0, 0 };
	UINT8 bad[4] = { 0x7f, 0, 0, 0 };
	struct scsi_sense sense;

	assert_int_equal(scsi_sense_parse(fixed, sizeof(fixed), &sense), EFI_SUCCESS);
	assert_int_equal(sense.key, SCSI_KEY_NOT_READY);
	assert_int_equal(sense.asc, 0x3a);
	assert_int_equal(sense.ascq, 0x02);
	assert_int_equal(scsi_sense_classify(&sense), SCSI_SENSE_NO_MEDIA);
	assert_int_equal(scsi_sense_status(SCSI_SENSE_NO_MEDIA), EFI_NO_MEDIA);

	/* An additional length short of ASC: the key alone. */
	fixed[7] = 4;
	assert_int_equal(scsi_sense_parse(fixed, sizeof(fixed), &sense), EFI_SUCCESS);
	assert_int_equal(sense.asc, 0);
	assert_int_equal(scsi_sense_classify(&sense), SCSI_SENSE_NOT_READY);
	/* Data cut short of ASC by the transport. */
	fixed[7] = 10;
	assert_int_equal(scsi_sense_parse(fixed, 13, &sense), EFI_SUCCESS);
	assert_int_equal(sense.asc, 0);

	assert_int_equal(scsi_sense_parse(desc, sizeof(desc), &sense), EFI_SUCCESS);
	assert_int_equal(sense.key, SCSI_KEY_UNIT_ATTENTION);
	assert_int_equal(sense.asc, 0x28);
	assert_int_equal(scsi_sense_classify(&sense), SCSI_SENSE_MEDIA_CHANGED);
	assert_int_equal(scsi_sense_status(SCSI_SENSE_MEDIA_CHANGED), EFI_MEDIA_CHANGED);

	assert_int_equal(scsi_sense_parse(bad, sizeof(bad), &sense), EFI_NOT_FOUND);
	assert_int_equal(scsi_sense_parse(desc, 3, &sense), EFI_NOT_FOUND);
	assert_int_equal(scsi_sense_parse(fixed, 0, &sense), EFI_NOT_FOUND);
}

static void test_sense_classes(void **state)
{
	static const struct {
		UINT8 key, asc;
		enum scsi_sense_class class;
		EFI_STATUS status;
	} cases[] = {
		{ SCSI_KEY_NO_SENSE, 0, SCSI_SENSE_OK, EFI_SUCCESS },
		{ SCSI_KEY_RECOVERED_ERROR, 0x17, SCSI_SENSE_OK, EFI_SUCCESS },
		{ SCSI_KEY_NOT_READY, 0x04, SCSI_SENSE_NOT_READY, EFI_NOT_READY },
		{ SCSI_KEY_UNIT_ATTENTION, 0x29, SCSI_SENSE_MEDIA_CHANGED, EFI_MEDIA_CHANGED },
		{ SCSI_KEY_UNIT_ATTENTION, 0x3a, SCSI_SENSE_NO_MEDIA, EFI_NO_MEDIA },
		{ SCSI_KEY_MEDIUM_ERROR, 0x11, SCSI_SENSE_MEDIUM_ERROR, EFI_DEVICE_ERROR },
		{ SCSI_KEY_DATA_PROTECT, 0x27, SCSI_SENSE_WRITE_PROTECTED, EFI_WRITE_PROTECTED },
		{ SCSI_KEY_ILLEGAL_REQUEST, 0x20, SCSI_SENSE_ILLEGAL_REQUEST, EFI_UNSUPPORTED },
		{ SCSI_KEY_ABORTED_COMMAND, 0, SCSI_SENSE_NOT_READY, EFI_NOT_READY },
		{ SCSI_KEY_HARDWARE_ERROR, 0x44, SCSI_SENSE_OTHER, EFI_DEVICE_ERROR },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct scsi_sense s = { cases[i].key, cases[i].asc, 0 };

		assert_int_equal(scsi_sense_classify(&s), cases[i].class);
		assert_int_equal(scsi_sense_status(scsi_sense_classify(&s)), cases[i].status);
	}
}

static void test_inquiry(void **state)
{
	UINT8 data[36] = { 0x05, 0x80, 0x05, 0x32, 31 };
	struct scsi_inquiry inq;

	memcpy(data + 8, "QEMU    QEMU CD-ROM     2.5+", 28);
	assert_int_equal(scsi_inquiry_parse(data, sizeof(data), &inq), EFI_SUCCESS);
	assert_int_equal(inq.type, SCSI_TYPE_CDROM);
	assert_true(inq.removable);
	assert_string_equal(inq.vendor, "QEMU");
	assert_string_equal(inq.product, "QEMU CD-ROM");
	/* A short answer names nothing but is still a unit. */
	assert_int_equal(scsi_inquiry_parse(data, 5, &inq), EFI_SUCCESS);
	assert_string_equal(inq.vendor, "");
	assert_int_equal(scsi_inquiry_parse(data, 4, &inq), EFI_VOLUME_CORRUPTED);
	/* QEMU answers a LUN that does not exist with qualifier 3, type 1Fh. */
	data[0] = 0x7f;
	assert_int_equal(scsi_inquiry_parse(data, sizeof(data), &inq), EFI_NOT_FOUND);
	data[0] = 0x20;
	assert_int_equal(scsi_inquiry_parse(data, sizeof(data), &inq), EFI_NOT_FOUND);
}

static void test_capacity(void **state)
{
	UINT8 c10[8] = { 0x00, 0x01, 0xff, 0xff, 0, 0, 0x02, 0x00 };
	UINT8 c16[32] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x10, 0 };
	struct scsi_capacity cap;

	assert_int_equal(scsi_capacity10_parse(c10, 8, &cap), EFI_SUCCESS);
	assert_int_equal(cap.blocks, 0x20000);
	assert_int_equal(cap.block_size, 512);
	assert_int_equal(scsi_capacity10_parse(c10, 7, &cap), EFI_VOLUME_CORRUPTED);
	c10[6] = 0x08;	/* 2048: a CD */
	assert_int_equal(scsi_capacity10_parse(c10, 8, &cap), EFI_SUCCESS);
	assert_int_equal(cap.block_size, 2048);
	c10[6] = 0x09;
	assert_int_equal(scsi_capacity10_parse(c10, 8, &cap), EFI_VOLUME_CORRUPTED);
	c10[6] = 0x00;
	c10[7] = 0x00;
	assert_int_equal(scsi_capacity10_parse(c10, 8, &cap), EFI_VOLUME_CORRUPTED);
	memset(c10, 0xff, 4);
	assert_int_equal(scsi_capacity10_parse(c10, 8, &cap), EFI_BUFFER_TOO_SMALL);

	assert_int_equal(scsi_capacity16_parse(c16, sizeof(c16), &cap), EFI_SUCCESS);
	assert_int_equal(cap.blocks, 0x100000001ull);
	assert_int_equal(cap.block_size, 4096);
	assert_int_equal(scsi_capacity16_parse(c16, 11, &cap), EFI_VOLUME_CORRUPTED);
	memset(c16, 0xff, 8);
	assert_int_equal(scsi_capacity16_parse(c16, sizeof(c16), &cap), EFI_VOLUME_CORRUPTED);
}

static void test_report_luns(void **state)
{
	UINT8 data[8 + 5 * 8] = { 0, 0, 0, 40 };
	UINT32 cursor = 0;
	UINT16 lun;

	data[8 + 1] = 0;			/* LUN 0, peripheral */
	data[16] = 0x40 | 0x01;			/* LUN 0x102, flat */
	data[17] = 0x02;
	data[24] = 0x01;			/* bus 1: not this target's */
	data[32] = 0x00;			/* two levels: passed over */
	data[33] = 3;
	data[34] = 0x40;
	data[41] = 7;				/* LUN 7, peripheral */
	assert_int_equal(scsi_report_luns_next(data, sizeof(data), &cursor, &lun), EFI_SUCCESS);
	assert_int_equal(lun, 0);
	assert_int_equal(scsi_report_luns_next(data, sizeof(data), &cursor, &lun), EFI_SUCCESS);
	assert_int_equal(lun, 0x102);
	assert_int_equal(scsi_report_luns_next(data, sizeof(data), &cursor, &lun), EFI_SUCCESS);
	assert_int_equal(lun, 7);
	assert_int_equal(scsi_report_luns_next(data, sizeof(data), &cursor, &lun), EFI_NOT_FOUND);

	/* The list length in the header bounds the walk, and so does the buffer. */
	data[3] = 8;
	cursor = 0;
	assert_int_equal(scsi_report_luns_next(data, sizeof(data), &cursor, &lun), EFI_SUCCESS);
	assert_int_equal(scsi_report_luns_next(data, sizeof(data), &cursor, &lun), EFI_NOT_FOUND);
	data[3] = 0xff;
	cursor = 0;
	assert_int_equal(scsi_report_luns_next(data, 20, &cursor, &lun), EFI_SUCCESS);
	assert_int_equal(scsi_report_luns_next(data, 20, &cursor, &lun), EFI_NOT_FOUND);
	cursor = 0;
	assert_int_equal(scsi_report_luns_next(data, 7, &cursor, &lun), EFI_NOT_FOUND);
}

/* A fake logical unit behind a fake transport: a disk or CD of blocks with scripted failures. */
struct fake_unit {
	struct scsi_transport t;
	UINT8 type;
	UINT32 block_size;
	UINT64 blocks;
	UINT8 *medium;
	BOOLEAN present;
	BOOLEAN write_protected;
	BOOLEAN autosense;		/* sense comes with the CHECK CONDITION */
	BOOLEAN no_capacity16;
	UINT32 unit_attentions;		/* to report before anything else */
	UINT8 attention_asc;		/* theirs: 0x29 (reset) unless set */
	UINT32 attention_after;		/* commands (counted in `commands`) to let pass first */
	UINT32 not_ready;		/* commands answered "becoming ready" */
	UINT32 transport_failures;	/* commands lost by the transport */
	UINT32 medium_error_lba;	/* 0: none */
	struct scsi_sense pending;	/* for REQUEST SENSE */
	UINT32 commands, delays, last_blocks;
	UINT8 last_opcode;
	UINT8 bounce[BLOCK_MAX_SIZE];
};

static struct fake_unit unit;

static UINT64 be(const UINT8 *p, int n)
{
	UINT64 v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(UINT8 *p, int n, UINT64 v)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (UINT8)v;
}

static EFI_STATUS check(struct scsi_request *req, UINT8 key, UINT8 asc)
{
	unit.pending = (struct scsi_sense){ key, asc, 0 };
	req->status = SCSI_STATUS_CHECK_CONDITION;
	if (unit.autosense) {
		memset(req->sense, 0, 18);
		req->sense[0] = 0x70;
		req->sense[2] = key;
		req->sense[7] = 10;
		req->sense[12] = asc;
		req->sense_length = 18;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS fake_execute(struct scsi_transport *t, UINT16 target, UINT16 lun,
			       struct scsi_request *req)
{
	const UINT8 *cdb = req->cdb.bytes;
	UINT8 *data = req->data;
	UINT64 lba = 0, n = 0;

	unit.commands++;
	unit.last_opcode = cdb[0];
	assert_true(req->timeout_ms > 0);
	if (target != 1 || lun != 2)
		return EFI_NOT_FOUND;
	if (cdb[0] == SCSI_REQUEST_SENSE) {
		memset(data, 0, req->length);
		data[0] = 0x70;
		data[2] = unit.pending.key;
		data[7] = 10;
		data[12] = unit.pending.asc;
		req->transferred = req->length < 18 ? req->length : 18;
		req->status = SCSI_STATUS_GOOD;
		return EFI_SUCCESS;
	}
	if (unit.transport_failures) {
		unit.transport_failures--;
		return EFI_TIMEOUT;
	}
	if (cdb[0] == SCSI_INQUIRY) {
		memset(data, 0, req->length);
		data[0] = unit.type;
		data[1] = unit.type == SCSI_TYPE_CDROM ? 0x80 : 0;
		data[4] = 31;
		memcpy(data + 8, "QEMU    QEMU HARDDISK   ", 24);
		req->transferred = req->length;
		req->status = SCSI_STATUS_GOOD;
		return EFI_SUCCESS;
	}
	if (unit.unit_attentions && unit.commands > unit.attention_after) {
		unit.unit_attentions--;
		return check(req, SCSI_KEY_UNIT_ATTENTION,
			     unit.attention_asc ? unit.attention_asc : 0x29);
	}
	if (!unit.present)
		return check(req, SCSI_KEY_NOT_READY, 0x3a);
	if (unit.not_ready) {
		unit.not_ready--;
		return check(req, SCSI_KEY_NOT_READY, 0x04);
	}
	req->status = SCSI_STATUS_GOOD;
	switch (cdb[0]) {
	case SCSI_TEST_UNIT_READY:
	case SCSI_SYNCHRONIZE_CACHE_10:
		return EFI_SUCCESS;
	case SCSI_READ_CAPACITY_10:
		put_be(data, 4, unit.blocks - 1 > 0xffffffffull ? 0xffffffffull : unit.blocks - 1);
		put_be(data + 4, 4, unit.block_size);
		req->transferred = 8;
		return EFI_SUCCESS;
	case SCSI_SERVICE_ACTION_IN_16:
		if (unit.no_capacity16)
			return check(req, SCSI_KEY_ILLEGAL_REQUEST, 0x20);
		put_be(data, 8, unit.blocks - 1);
		put_be(data + 8, 4, unit.block_size);
		req->transferred = 32;
		return EFI_SUCCESS;
	case SCSI_MODE_SENSE_6:
		memset(data, 0, req->length);
		data[2] = unit.write_protected ? 0x80 : 0;
		req->transferred = 4;
		return EFI_SUCCESS;
	case SCSI_READ_10:
	case SCSI_WRITE_10:
		lba = be(cdb + 2, 4);
		n = be(cdb + 7, 2);
		break;
	case SCSI_READ_16:
	case SCSI_WRITE_16:
		lba = be(cdb + 2, 8);
		n = be(cdb + 10, 4);
		break;
	default:
		return check(req, SCSI_KEY_ILLEGAL_REQUEST, 0x20);
	}
	unit.last_blocks = (UINT32)n;
	assert_int_equal(req->length, n * unit.block_size);
	assert_true(lba + n <= unit.blocks);
	if (unit.medium_error_lba && unit.medium_error_lba >= lba && unit.medium_error_lba < lba + n)
		return check(req, SCSI_KEY_MEDIUM_ERROR, 0x11);
	if (req->write) {
		if (unit.write_protected)
			return check(req, SCSI_KEY_DATA_PROTECT, 0x27);
		assert_int_equal(cdb[1] & 0x08, 0x08);
		memcpy(unit.medium + lba * unit.block_size, data, req->length);
	} else {
		memcpy(data, unit.medium + lba * unit.block_size, req->length);
	}
	req->transferred = req->length;
	return EFI_SUCCESS;
}

static void fake_delay(UINT32 ms)
{
	unit.delays++;
}

static UINT8 medium[64 * 2048];

static void fake_unit(UINT8 type, UINT32 block_size, UINT8 max_cdb)
{
	memset(&unit, 0, sizeof(unit));
	unit.t = (struct scsi_transport){ .execute = fake_execute, .delay_ms = fake_delay,
					  .max_transfer = 8 * 2048, .max_cdb = max_cdb, .align = 2,
					  .bounce = unit.bounce };
	unit.type = type;
	unit.block_size = block_size;
	unit.blocks = sizeof(medium) / block_size;
	unit.medium = medium;
	unit.present = TRUE;
	unit.autosense = TRUE;
	for (size_t i = 0; i < sizeof(medium); i++)
		medium[i] = (UINT8)(i * 7 + i / 4096);
}

static void test_disk_read_write(void **state)
{
	static UINT8 buf[64 * 512 + 1];
	struct scsi_disk disk;

	fake_unit(SCSI_TYPE_DISK, 512, 16);
	unit.unit_attentions = 1;	/* QEMU's power-on reset */
	assert_int_equal(scsi_disk_init(&disk, &unit.t, 1, 2), EFI_SUCCESS);
	assert_int_equal(disk.block.block_size, 512);
	assert_int_equal(disk.block.block_count, 256);
	assert_false(disk.read_only);
	assert_false(disk.removable);
	scsi_disk_check_write_protect(&disk);
	assert_false(disk.read_only);
	assert_non_null(disk.block.write);
	assert_true(disk.long_commands);
	assert_string_equal(disk.inquiry.product, "QEMU HARDDISK");

	/* 64 blocks in commands of 32 (the transport's 16 KiB). */
	unit.commands = 0;
	assert_int_equal(block_read(&disk.block, 10, 64, buf), EFI_SUCCESS);
	assert_memory_equal(buf, medium + 10 * 512, 64 * 512);
	assert_int_equal(unit.commands, 2);
	assert_int_equal(unit.last_opcode, SCSI_READ_16);
	assert_int_equal(unit.last_blocks, 32);

	/* An odd buffer goes a block at a time through the bounce block. */
	unit.commands = 0;
	assert_int_equal(block_read(&disk.block, 3, 4, buf + 1), EFI_SUCCESS);
	assert_memory_equal(buf + 1, medium + 3 * 512, 4 * 512);
	assert_int_equal(unit.commands, 4);

	memset(buf, 0xa5, 2 * 512);
	assert_int_equal(block_write(&disk.block, 100, 2, buf), EFI_SUCCESS);
	assert_int_equal(unit.last_opcode, SCSI_WRITE_16);
	assert_memory_equal(medium + 100 * 512, buf, 2 * 512);
	assert_int_equal(scsi_disk_flush(&disk), EFI_SUCCESS);
	assert_int_equal(unit.last_opcode, SCSI_SYNCHRONIZE_CACHE_10);
	assert_int_equal(block_read(&disk.block, 250, 7, buf), EFI_INVALID_PARAMETER);
}

/* A unit attention in the middle of a READ (medium changed, or a reset) is tried through. */
static void test_unit_attention_mid_read_is_retried(void **state)
{
	static UINT8 buf[64 * 512];
	static const UINT8 ascs[] = { 0x28, 0x29 };
	struct scsi_disk disk;

	fake_unit(SCSI_TYPE_DISK, 512, 16);
	assert_int_equal(scsi_disk_init(&disk, &unit.t, 1, 2), EFI_SUCCESS);
	for (size_t i = 0; i < sizeof(ascs); i++) {
		disk.media_changed = FALSE;
		memset(buf, 0, sizeof(buf));
		unit.attention_asc = ascs[i];
		unit.unit_attentions = 1;
		unit.attention_after = 1;	/* the second of the two READs */
		unit.commands = 0;
		assert_int_equal(block_read(&disk.block, 20, 64, buf), EFI_SUCCESS);
		assert_memory_equal(buf, medium + 20 * 512, sizeof(buf));
		assert_int_equal(unit.commands, 3);	/* the second READ went twice */
		assert_true(disk.media_changed);	/* the caller checks the medium again */
		assert_int_equal(disk.last_sense.key, SCSI_KEY_UNIT_ATTENTION);
		assert_int_equal(disk.last_sense.asc, ascs[i]);
	}
}

static void test_cdrom_without_autosense(void **state)
{
	static UINT8 buf[4 * 2048];
	struct scsi_disk disk;

	/* An ATAPI drive: 12-byte packets, sense only through REQUEST SENSE, spinning up. */
	fake_unit(SCSI_TYPE_CDROM, 2048, 12);
	unit.autosense = FALSE;
	unit.unit_attentions = 2;
	unit.not_ready = 2;
	assert_int_equal(scsi_disk_init(&disk, &unit.t, 1, 2), EFI_SUCCESS);
	assert_int_equal(disk.block.block_size, 2048);
	assert_int_equal(disk.block.block_count, 64);
	assert_true(disk.read_only);
	assert_true(disk.removable);
	assert_null(disk.block.write);
	assert_false(disk.long_commands);
	assert_int_equal(unit.delays, 2);
	assert_int_equal(block_read(&disk.block, 1, 4, buf), EFI_SUCCESS);
	assert_int_equal(unit.last_opcode, SCSI_READ_10);
	assert_memory_equal(buf, medium + 2048, sizeof(buf));
	assert_int_equal(block_write(&disk.block, 1, 1, buf), EFI_WRITE_PROTECTED);

	/* A medium change while in use is retried through; the caller can see it happened. */
	assert_false(disk.media_changed);
	unit.unit_attentions = 1;
	assert_int_equal(block_read(&disk.block, 2, 1, buf), EFI_SUCCESS);
	assert_true(disk.media_changed);

	/* The medium taken out: no media, at once. */
	unit.present = FALSE;
	unit.commands = 0;
	assert_int_equal(block_read(&disk.block, 2, 1, buf), EFI_NO_MEDIA);
	assert_int_equal(unit.commands, 2);	/* the read and its REQUEST SENSE */
	assert_int_equal(disk.last_sense.asc, 0x3a);
}

static void test_disk_failures(void **state)
{
	static UINT8 buf[4096];
	struct scsi_disk disk;

	fake_unit(SCSI_TYPE_DISK, 4096, 16);
	unit.no_capacity16 = TRUE;	/* falls back to READ CAPACITY(10) and (10) commands */
	unit.write_protected = TRUE;
	assert_int_equal(scsi_disk_init(&disk, &unit.t, 1, 2), EFI_SUCCESS);
	assert_false(disk.long_commands);
	assert_false(disk.read_only);	/* until asked */
	scsi_disk_check_write_protect(&disk);
	assert_true(disk.read_only);
	assert_null(disk.block.write);
	assert_int_equal(disk.block.block_size, 4096);
	assert_int_equal(block_read(&disk.block, 0, 1, buf), EFI_SUCCESS);
	assert_int_equal(unit.last_opcode, SCSI_READ_10);

	/* Lost commands are sent again a bounded number of times, then the failure is returned. */
	unit.transport_failures = 2;
	assert_int_equal(block_read(&disk.block, 0, 1, buf), EFI_SUCCESS);
	unit.transport_failures = 100;
	unit.commands = 0;
	assert_int_equal(block_read(&disk.block, 0, 1, buf), EFI_TIMEOUT);
	assert_true(unit.commands > 1 && unit.commands < 10);
	unit.transport_failures = 0;

	/* A unit that never becomes ready, or keeps reporting attentions, ends too. */
	unit.not_ready = 100;
	assert_int_equal(block_read(&disk.block, 0, 1, buf), EFI_NOT_READY);
	unit.not_ready = 0;
	unit.unit_attentions = 100;
	assert_int_equal(block_read(&disk.block, 0, 1, buf), EFI_MEDIA_CHANGED);
	unit.unit_attentions = 0;
	unit.medium_error_lba = 5;
	unit.commands = 0;
	assert_int_equal(block_read(&disk.block, 4, 2, buf), EFI_DEVICE_ERROR);
	assert_int_equal(unit.commands, 1);	/* a medium error is not tried again */
	assert_int_equal(disk.last_sense.key, SCSI_KEY_MEDIUM_ERROR);
}

static void test_media_check(void **state)
{
	static UINT8 buf[2048];
	struct scsi_disk disk;

	/* An empty drive: a usable block device of no blocks, 2048-byte blocks for a CD. */
	fake_unit(SCSI_TYPE_CDROM, 2048, 12);
	unit.present = FALSE;
	assert_int_equal(scsi_disk_init(&disk, &unit.t, 1, 2), EFI_NO_MEDIA);
	assert_non_null(disk.block.read);
	assert_int_equal(disk.block.block_size, 2048);
	assert_int_equal(disk.block.block_count, 0);
	assert_int_equal(scsi_disk_media_check(&disk), EFI_NO_MEDIA);

	/* A medium comes (ATAPI shows it to TEST UNIT READY as GOOD, no unit attention). */
	unit.present = TRUE;
	unit.blocks = 40;
	assert_int_equal(scsi_disk_media_check(&disk), EFI_MEDIA_CHANGED);
	assert_int_equal(disk.block.block_count, 40);
	assert_int_equal(scsi_disk_media_check(&disk), EFI_SUCCESS);	/* once */
	assert_int_equal(block_read(&disk.block, 39, 1, buf), EFI_SUCCESS);
	assert_memory_equal(buf, medium + 39 * 2048, sizeof(buf));

	/* Another medium, told by a unit attention (SCSI CD): its capacity is read again. */
	unit.unit_attentions = 1;
	unit.blocks = 64;
	assert_int_equal(scsi_disk_media_check(&disk), EFI_MEDIA_CHANGED);
	assert_int_equal(disk.block.block_count, 64);
	assert_false(disk.media_changed);
	assert_int_equal(scsi_disk_media_check(&disk), EFI_SUCCESS);

	/* Taken out: no blocks, and the next medium is a change again. */
	unit.present = FALSE;
	assert_int_equal(scsi_disk_media_check(&disk), EFI_NO_MEDIA);
	assert_int_equal(disk.block.block_count, 0);
	unit.present = TRUE;
	assert_int_equal(scsi_disk_media_check(&disk), EFI_MEDIA_CHANGED);
}

static void test_disk_init_refusals(void **state)
{
	struct scsi_disk disk;

	fake_unit(SCSI_TYPE_DISK, 512, 16);
	assert_int_equal(scsi_disk_init(&disk, &unit.t, 1, 3), EFI_NOT_FOUND);
	fake_unit(0x01, 512, 16);	/* a tape */
	assert_int_equal(scsi_disk_init(&disk, &unit.t, 1, 2), EFI_UNSUPPORTED);
	fake_unit(0x7f, 512, 16);
	assert_int_equal(scsi_disk_init(&disk, &unit.t, 1, 2), EFI_NOT_FOUND);
	fake_unit(SCSI_TYPE_CDROM, 2048, 12);
	unit.present = FALSE;
	assert_int_equal(scsi_disk_init(&disk, &unit.t, 1, 2), EFI_NO_MEDIA);
	fake_unit(SCSI_TYPE_DISK, 520, 16);
	assert_int_equal(scsi_disk_init(&disk, &unit.t, 1, 2), EFI_VOLUME_CORRUPTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cdbs),
		cmocka_unit_test(test_sense_formats),
		cmocka_unit_test(test_sense_classes),
		cmocka_unit_test(test_inquiry),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_report_luns),
		cmocka_unit_test(test_disk_read_write),
		cmocka_unit_test(test_unit_attention_mid_read_is_retried),
		cmocka_unit_test(test_cdrom_without_autosense),
		cmocka_unit_test(test_disk_failures),
		cmocka_unit_test(test_media_check),
		cmocka_unit_test(test_disk_init_refusals),
	};

	return cmocka_run_group_tests_name("scsi", tests, NULL, NULL);
}
