/* SPDX-License-Identifier: MIT */
/* The boot-count record: CMOS byte layout, checksum and the try/known-good rules (host-testable). */
#include "lib/formats/boot_record.h"
#include "lib/string.h"

#define MAGIC0	 'S'
#define MAGIC1	 'b'
#define VERSION	 2
#define COPIES	 7 /* byte offset of the first copy: fingerprint (LE32), tries, good */
#define CHECKSUM (BOOT_RECORD_SIZE - 1)

static UINT8 sum(const UINT8 *raw)
{
	UINT8 s = 0;

	for (UINTN i = 0; i < CHECKSUM; i++)
		s += raw[i];
	return s;
}

BOOLEAN boot_record_decode(const UINT8 raw[BOOT_RECORD_SIZE], struct boot_record *ret_record)
{
	struct boot_record *r = ret_record;

	memset(r, 0, sizeof(*r));
	r->current = BOOT_COPY_NONE;
	if (raw[0] != MAGIC0 || raw[1] != MAGIC1 || raw[2] != VERSION ||
	    (UINT8)(sum(raw) + raw[CHECKSUM]) != 0)
		return FALSE;
	r->current = raw[3] < BOOT_COPY_COUNT ? raw[3] : BOOT_COPY_NONE;
	r->trial = raw[4] & 1;
	r->watchdog = raw[4] >> 1;
	r->passed = raw[5] & ((1u << BOOT_RECORD_COPIES) - 1);
	r->runtime = raw[6] <= BOOT_RUNTIME_BAK ? raw[6] : BOOT_RUNTIME_NONE;
	for (UINTN i = 0; i < BOOT_RECORD_COPIES; i++) {
		const UINT8 *c = raw + COPIES + 6 * i;

		r->copy[i].fingerprint = c[0] | c[1] << 8 | c[2] << 16 | (UINT32)c[3] << 24;
		r->copy[i].tries = c[4];
		r->copy[i].good = c[5] & 1;
	}
	return TRUE;
}

void boot_record_encode(const struct boot_record *r, UINT8 ret_raw[BOOT_RECORD_SIZE])
{
	memset(ret_raw, 0, BOOT_RECORD_SIZE);
	ret_raw[0] = MAGIC0;
	ret_raw[1] = MAGIC1;
	ret_raw[2] = VERSION;
	ret_raw[3] = r->current;
	ret_raw[4] = (r->trial ? 1 : 0) | (UINT8)(r->watchdog << 1);
	ret_raw[5] = r->passed;
	ret_raw[6] = r->runtime;
	for (UINTN i = 0; i < BOOT_RECORD_COPIES; i++) {
		UINT8 *c = ret_raw + COPIES + 6 * i;
		UINT32 fp = r->copy[i].fingerprint;

		c[0] = fp;
		c[1] = fp >> 8;
		c[2] = fp >> 16;
		c[3] = fp >> 24;
		c[4] = r->copy[i].tries;
		c[5] = r->copy[i].good ? 1 : 0;
	}
	ret_raw[CHECKSUM] = (UINT8)-sum(ret_raw);
}

void boot_record_encode_lasting(const struct boot_record *r, UINT8 ret_raw[BOOT_RECORD_SIZE])
{
	struct boot_record lasting = *r;

	lasting.passed = 0;
	lasting.watchdog = 0;
	lasting.runtime = BOOT_RUNTIME_NONE;
	boot_record_encode(&lasting, ret_raw);
}

UINT32 boot_record_fingerprint(const UINT8 sha256[32])
{
	UINT32 fp = sha256[0] | sha256[1] << 8 | sha256[2] << 16 | (UINT32)sha256[3] << 24;

	/* 0 marks an empty slot; a digest starting with four zero bytes gets another value. */
	return fp ? fp : 1;
}

enum boot_record_verdict boot_record_consider(struct boot_record *r, UINT32 copy,
					      UINT32 fingerprint)
{
	struct boot_record_copy *c = &r->copy[copy];

	if (c->fingerprint != fingerprint)
		*c = (struct boot_record_copy){ .fingerprint = fingerprint };
	if (c->good)
		return BOOT_RECORD_GOOD;
	if (c->tries >= BOOT_RECORD_MAX_TRIES)
		return BOOT_RECORD_EXHAUSTED;
	return BOOT_RECORD_TRY;
}

void boot_record_start(struct boot_record *r, UINT32 copy, BOOLEAN trial)
{
	r->current = copy;
	r->trial = trial;
	if (trial && r->copy[copy].tries < 0xff)
		r->copy[copy].tries++;
}

void boot_record_mark_good(struct boot_record *r)
{
	if (r->current < BOOT_COPY_COUNT) {
		r->copy[r->current].good = 1;
		r->copy[r->current].tries = 0;
	}
	if (r->runtime == BOOT_RUNTIME_NEW) {
		r->copy[BOOT_COPY_RUNTIME_NEW].good = 1;
		r->copy[BOOT_COPY_RUNTIME_NEW].tries = 0;
	}
	r->trial = 0;
}

void boot_record_promote(struct boot_record *r)
{
	r->copy[BOOT_COPY_BAK] = r->copy[BOOT_COPY_BIN];
	r->copy[BOOT_COPY_BIN] = r->copy[BOOT_COPY_NEW];
	r->copy[BOOT_COPY_NEW] = (struct boot_record_copy){ 0 };
	if (r->current == BOOT_COPY_NEW)
		r->current = BOOT_COPY_BIN;
	r->passed &= ~((1u << BOOT_COPY_COUNT) - 1);
}

void boot_record_forget(struct boot_record *r, UINT32 copy)
{
	r->copy[copy] = (struct boot_record_copy){ 0 };
	r->passed &= ~(1u << copy);
}

const char *boot_record_copy_name(UINT32 copy)
{
	static const char *const names[] = { "STAGE1.NEW", "STAGE1.BIN", "STAGE1.BAK",
					     "RUNTIME.NEW" };

	return copy < BOOT_RECORD_COPIES ? names[copy] : "STAGE1.???";
}
