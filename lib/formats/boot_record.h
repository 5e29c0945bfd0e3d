/* SPDX-License-Identifier: MIT */
/* The boot-count record stage0 and stage1 keep in CMOS NVRAM: tries and known-good per stage1 copy. */
#pragma once

#include "include/efi/types.h"

/*
 * CMOS bytes 0x60..0x7f of the first bank: above everything QEMU and SeaBIOS write (the last is
 * 0x5f, the CPU count), and kept by QEMU across a guest reset (not across a new QEMU process).
 */
#define BOOT_RECORD_CMOS_OFFSET 0x60
#define BOOT_RECORD_SIZE	32
#define BOOT_RECORD_MAX_TRIES	3

/* The copies of stage1 on the ESP, in the order stage0 considers them. */
enum boot_copy {
	BOOT_COPY_NEW = 0, /* /STRATA/STAGE1.NEW: an update waiting to be tried */
	BOOT_COPY_BIN = 1, /* /STRATA/STAGE1.BIN */
	BOOT_COPY_BAK = 2, /* /STRATA/STAGE1.BAK */
	BOOT_COPY_COUNT,
	/* /STRATA/RUNTIME.NEW: counted like a stage1 copy; a try of it is a try of the boot */
	BOOT_COPY_RUNTIME_NEW = BOOT_COPY_COUNT,
	BOOT_RECORD_COPIES,
	BOOT_COPY_NONE = 0xff,
};

/* Which runtime blob stage0 loaded. */
enum boot_runtime {
	BOOT_RUNTIME_NONE = 0,
	BOOT_RUNTIME_NEW = 1,
	BOOT_RUNTIME_BIN = 2,
	BOOT_RUNTIME_BAK = 3,
};

struct boot_record_copy {
	UINT32 fingerprint; /* first bytes of the body's SHA-256: which file the counts are for */
	UINT8 tries;	    /* starts since it was last known good (or first seen) */
	UINT8 good;	    /* it reached the boot manager since it was first seen */
};

struct boot_record {
	UINT8 current;	/* enum boot_copy stage0 started last */
	UINT8 trial;	/* that start was a try: the copy (or RUNTIME.NEW) was not yet known good */
	UINT8 passed;	/* bit per enum boot_copy: passed over by the last boot for failed tries */
	UINT8 watchdog; /* enum watchdog_kind the last start armed, 0 for none */
	UINT8 runtime;	/* enum boot_runtime stage0 loaded */
	struct boot_record_copy copy[BOOT_RECORD_COPIES];
};

/* What stage0 does with a copy that verified. */
enum boot_record_verdict {
	BOOT_RECORD_GOOD,      /* known good: start it, no counting */
	BOOT_RECORD_TRY,       /* not yet known good, tries left: start it as a try */
	BOOT_RECORD_EXHAUSTED, /* BOOT_RECORD_MAX_TRIES failed tries in a row: pass over it */
};

/* Decode raw bytes; a record with a bad magic, version or checksum reads as empty (FALSE). */
BOOLEAN boot_record_decode(const UINT8 raw[BOOT_RECORD_SIZE], struct boot_record *ret_record);
/* Encode with magic, version and checksum. */
void boot_record_encode(const struct boot_record *record, UINT8 ret_raw[BOOT_RECORD_SIZE]);
/*
 * Encode what outlasts a power off, for the variable store: without what each boot sets afresh
 * (passed, watchdog, runtime), so a boot that changes no count writes the same bytes again.
 */
void boot_record_encode_lasting(const struct boot_record *record, UINT8 ret_raw[BOOT_RECORD_SIZE]);
/* The fingerprint of a stage image from its body's SHA-256. */
UINT32 boot_record_fingerprint(const UINT8 sha256[32]);
/* Judge copy with this fingerprint; a fingerprint not seen before starts the copy's counts over. */
enum boot_record_verdict boot_record_consider(struct boot_record *r, UINT32 copy,
					      UINT32 fingerprint);
/* stage0 starts copy: current, and one more try when it is a trial. */
void boot_record_start(struct boot_record *r, UINT32 copy, BOOLEAN trial);
/* stage1 reached the boot manager: the current copy, and RUNTIME.NEW if loaded, are known good. */
void boot_record_mark_good(struct boot_record *r);
/* STAGE1.NEW was promoted: its counts move to BIN, BIN's to BAK; NEW is empty. */
void boot_record_promote(struct boot_record *r);
/* Forget copy's counts (its file was removed). */
void boot_record_forget(struct boot_record *r, UINT32 copy);
/* "STAGE1.BIN" (or "RUNTIME.NEW") for a copy; "STAGE1.???" for an unknown one. */
const char *boot_record_copy_name(UINT32 copy);
