/* SPDX-License-Identifier: MIT */
/* The boot-count record's durable copy: StrataBootRecord in the variable store on pflash unit 1. */
#include "include/strata/boot_record_var.h"
#include "lib/drivers/cfi_flash.h"
#include "lib/storage/var_append.h"
#include "lib/string.h"
#include "stage0/stage0.h"

#define LOG_PREFIX "stage0: "
#include "lib/log.h"

static const EFI_GUID guid = STRATA_BOOT_STATUS_GUID;
static const CHAR16 name[] = STRATA_BOOT_RECORD_NAME;

/* stage0 never erases: a full store is the runtime's to reclaim. */
static struct cfi_flash flash = { .dev = { cfi_flash_read, cfi_flash_program, NULL, 0, 0 } };
static struct var_store store;
static struct var_store_entry entry; /* the current value; offset 0: none */
static UINT8
	saved[BOOT_RECORD_SIZE]; /* what the store holds, so an unchanged record costs nothing */
static BOOLEAN usable;

BOOLEAN boot_store_load(struct boot_record *ret_record)
{
	UINT64 code_base, base;
	UINT32 code_size, size, block;
	EFI_STATUS status;

	/*
	 * As stage1 finds it (stage1/core/runtime.c): unit 0 ends at 4 GiB, unit 1 where unit 0
	 * starts; stage0 runs from RAM, so unit 0 in query mode for a moment is harmless. With
	 * -bios nothing answers, and nothing is said.
	 */
	if (EFI_ERROR(cfi_flash_probe(1ull << 32, &code_base, &code_size, &block)) ||
	    EFI_ERROR(cfi_flash_probe(code_base, &base, &size, &block)))
		return FALSE;
	flash.base = base;
	flash.dev.size = size;
	flash.dev.block_size = block;
	store.flash = &flash.dev;
	status = var_append_open(&store, name, sizeof(name), &guid, &entry);
	if (status == EFI_VOLUME_CORRUPTED) {
		log_info("pflash store not formatted yet: boot counts in CMOS only");
		return FALSE;
	}
	if (EFI_ERROR(status) && status != EFI_NOT_FOUND) {
		log_warn_status(status, "reading the pflash store");
		return FALSE;
	}
	usable = TRUE;
	if (EFI_ERROR(status) || entry.data_size != BOOT_RECORD_SIZE ||
	    EFI_ERROR(var_store_read_data(&store, &entry, 0, saved, BOOT_RECORD_SIZE)))
		return FALSE;
	return boot_record_decode(saved, ret_record);
}

void boot_store_save(const struct boot_record *record)
{
	UINT8 raw[BOOT_RECORD_SIZE];
	EFI_STATUS status;

	if (!usable)
		return;
	boot_record_encode_lasting(record, raw);
	if (!memcmp(raw, saved, sizeof(raw)))
		return;
	status = var_append_set(&store, &entry, name, sizeof(name), &guid,
				STRATA_BOOT_RECORD_ATTRIBUTES, raw, sizeof(raw));
	if (EFI_ERROR(status)) {
		/* Once a boot: the record stays in CMOS, which a power off loses. */
		usable = FALSE;
		log_warn_status(status,
				"writing StrataBootRecord: boot counts in CMOS only this boot");
		return;
	}
	memcpy(saved, raw, sizeof(raw));
}
