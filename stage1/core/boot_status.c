/* SPDX-License-Identifier: MIT */
/* stage1's side of the boot count (docs/updating.md): a try ends good at the boot manager or resets. */
#include "include/strata/boot_record_var.h"
#include "include/strata/boot_status.h"
#include "lib/drivers/cmos.h"
#include "lib/drivers/reset.h"
#include "lib/drivers/watchdog.h"
#include "lib/formats/boot_record.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "stage1/core/boot_status.h"
#include "stage1/core/system_table.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "boot-count: "
#include "lib/log.h"

static struct boot_record record;
static BOOLEAN on_trial;

/*
 * CMOS, and the durable copy in the pflash store when there is one (docs/updating.md), through
 * the runtime's SetVariable, which writes nothing when the value is unchanged. Before the
 * runtime is installed only CMOS is written: stage0 wrote the store for this start already.
 */
static void save(void)
{
	static EFI_GUID guid = STRATA_BOOT_STATUS_GUID;
	UINT8 raw[BOOT_RECORD_SIZE];
	EFI_STATUS status;

	cmos_save_boot_record(&record);
	if (!runtime_has_flash_store())
		return;
	boot_record_encode_lasting(&record, raw);
	status = efi_st->RuntimeServices->SetVariable(STRATA_BOOT_RECORD_NAME, &guid,
						      STRATA_BOOT_RECORD_ATTRIBUTES, sizeof(raw),
						      raw);
	if (EFI_ERROR(status))
		log_warn_status(status, "writing StrataBootRecord: a power off loses this boot's "
				"counts");
}

static void panic_hook(void)
{
	boot_status_crashed();
}

/* The copy a failure of this boot counts against: RUNTIME.NEW on trial, else the stage1 copy. */
static UINT32 tried(void)
{
	if (record.runtime == BOOT_RUNTIME_NEW && !record.copy[BOOT_COPY_RUNTIME_NEW].good)
		return BOOT_COPY_RUNTIME_NEW;
	return record.current;
}

void boot_status_init(void)
{
	cmos_load_boot_record(&record);
	on_trial = record.trial && record.current < BOOT_COPY_COUNT;
	log_panic_hook = panic_hook;
	if (on_trial)
		log_info("%s on trial: try %u of %u; a crash or hang before the boot manager "
			 "counts against it",
			 boot_record_copy_name(tried()), record.copy[tried()].tries,
			 BOOT_RECORD_MAX_TRIES);
}

void boot_status_crashed(void)
{
	if (!on_trial)
		return;
	log_error("%s is not yet known good: resetting for another try (try %u of %u failed)",
		  boot_record_copy_name(tried()), record.copy[tried()].tries,
		  BOOT_RECORD_MAX_TRIES);
	reset_warm();
}

static UINT32 ready_copy, ready_tries;
static UINT8 ready_passed, ready_watchdog, ready_runtime;

/* StrataBootStatus: one line of key=value words (include/strata/boot_status.h). */
static void publish(UINT32 copy, UINT32 tries, UINT8 passed, UINT8 watchdog, const char *update,
		    const char *runtime_update)
{
	static EFI_GUID guid = STRATA_BOOT_STATUS_GUID;
	static const char *const runtimes[] = { "none", "RUNTIME.NEW", "RUNTIME.BIN",
						"RUNTIME.BAK" };
	char text[224], list[64] = "";
	EFI_STATUS status;
	int n;

	for (UINT32 c = 0; c < BOOT_RECORD_COPIES; c++)
		if (passed & (1u << c))
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 list[0] ? "," : "", boot_record_copy_name(c));
	n = snprintf(text, sizeof(text),
		     "copy=%s try=%u passed=%s watchdog=%s update=%s runtime=%s runtime_update=%s",
		     boot_record_copy_name(copy), tries, list[0] ? list : "none",
		     watchdog_name(watchdog), update, runtimes[ready_runtime], runtime_update);
	log_info("%s", text);
	status = efi_st->RuntimeServices->SetVariable(
		STRATA_BOOT_STATUS_NAME, &guid,
		EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS, (UINTN)n, text);
	if (EFI_ERROR(status) && status != EFI_UNSUPPORTED)
		log_warn_status(status, "setting StrataBootStatus");
}


struct boot_record *boot_status_ready(void)
{
	UINT32 copy = record.current;

	ready_copy = copy;
	ready_passed = record.passed;
	ready_watchdog = record.watchdog;
	ready_runtime = record.runtime;
	if (record.watchdog)
		watchdog_disarm();
	if (copy >= BOOT_COPY_COUNT) {
		/* No record: stage0 predates the boot count, or CMOS does not keep its bytes. */
		ready_copy = BOOT_COPY_BIN;
		return NULL;
	}
	ready_tries = record.copy[copy].tries;
	if (on_trial)
		log_info("%s reached the boot manager on try %u: it is known good now%s",
			 boot_record_copy_name(tried()), record.copy[tried()].tries,
			 record.watchdog ? "; watchdog stopped" : "");
	for (UINT32 c = 0; c < BOOT_RECORD_COPIES; c++)
		if (ready_passed & (1u << c))
			log_warn("%s was passed over (unusable, or %u failed tries in a row): this "
				 "boot runs %s",
				 boot_record_copy_name(c), record.copy[c].tries,
				 boot_record_copy_name(copy));
	boot_record_mark_good(&record);
	on_trial = FALSE;
	record.watchdog = 0;
	save();
	return &record;
}

void boot_status_publish(const char *stage1_update, const char *runtime_update)
{
	save();
	publish(ready_copy, ready_tries, ready_passed, ready_watchdog, stage1_update,
		runtime_update);
}
