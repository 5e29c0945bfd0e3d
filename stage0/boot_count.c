/* SPDX-License-Identifier: MIT */
/* Which stage1 copy stage0 starts: STAGE1.NEW, .BIN, .BAK, each counted (CMOS, pflash) until it proves good. */
#include "lib/drivers/cmos.h"
#include "lib/drivers/fw_cfg.h"
#include "lib/drivers/reset.h"
#include "lib/drivers/watchdog.h"
#include "lib/formats/boot_record.h"
#include "stage0/stage0.h"

#define LOG_PREFIX "stage0: "
#include "lib/log.h"

/* Long enough for stage1 on a busy host under TCG; opt/strata/watchdog-seconds overrides it. */
#define WATCHDOG_SECONDS 60

static const CHAR16 *const paths[BOOT_COPY_COUNT] = {
	u"\\STRATA\\STAGE1.NEW",
	u"\\STRATA\\STAGE1.BIN",
	u"\\STRATA\\STAGE1.BAK",
};

static struct boot_record record;
static BOOLEAN on_trial;

/* CMOS first, the fast path; then the store's durable copy when there is one. */
static void save(void)
{
	cmos_save_boot_record(&record);
	boot_store_save(&record);
}

static UINT32 watchdog_seconds(void)
{
	char text[8];
	UINTN size;
	UINT32 s = 0;

	if (EFI_ERROR(fw_cfg_read_file("opt/strata/watchdog-seconds", text, sizeof(text), &size)))
		return WATCHDOG_SECONDS;
	for (UINTN i = 0; i < size && text[i] >= '0' && text[i] <= '9'; i++)
		s = s * 10 + (text[i] - '0');
	return s ? s : WATCHDOG_SECONDS;
}

/* STAGE1.BIN is good: verify STAGE1.BAK too (then free it), so a bad backup is known early. */
static void check_backup(struct handoff *h, struct fat_volume *esp)
{
	struct loaded_stage backup;
	struct fat_file file;

	if (EFI_ERROR(fat_open(esp, NULL, paths[BOOT_COPY_BAK], &file)))
		return;
	if (EFI_ERROR(stage_load(h, esp, paths[BOOT_COPY_BAK], STAGE_KIND_STAGE1, &backup))) {
		log_warn("STAGE1.BAK is unusable (see above): if STAGE1.BIN breaks, there is no "
			 "backup to fall back to");
		return;
	}
	log_info("backup stage1 %s in STAGE1.BAK verified", backup.header.version_string);
	memory_free_last(h, backup.base);
}

/* Copy c (a stage1 copy or RUNTIME.NEW) is on trial: say so and arm a watchdog once. */
static void watch(UINT32 c)
{
	UINT32 seconds;

	on_trial = TRUE;
	record.trial = 1;
	if (!record.watchdog) {
		seconds = watchdog_seconds();
		record.watchdog = watchdog_arm(seconds);
		if (record.watchdog)
			log_info(
				"the watchdog resets the machine in about %u s unless stage1 stops "
				"it%s",
				seconds,
				record.watchdog == WATCHDOG_ICH9_TCO
					? " (TCO: if QEMU allows, -global ICH9-LPC.noreboot=off)"
					: "");
	}
	log_info("%s is not yet known good: try %u of %u, %s%s", boot_record_copy_name(c),
		 record.copy[c].tries, BOOT_RECORD_MAX_TRIES,
		 record.watchdog ? watchdog_name(record.watchdog) : "no",
		 record.watchdog ? " watchdog armed"
				 : " watchdog: a hang needs a reset from outside");
}

/* Start copy c, loaded in stage: record it, and watch it when it is not yet known good. */
static void start(struct handoff *h, struct fat_volume *esp, UINT32 c, BOOLEAN trial,
		  const struct loaded_stage *stage)
{
	const char *name = boot_record_copy_name(c);

	boot_record_start(&record, c, trial);
	record.watchdog = 0;
	record.runtime = BOOT_RUNTIME_NONE;
	if (c == BOOT_COPY_BAK) {
		log_warn("booting the BACKUP stage1 %s from STAGE1.BAK",
			 stage->header.version_string);
		h->flags |= HANDOFF_FLAG_STAGE1_BACKUP;
	} else {
		log_info("stage1 %s from %s verified", stage->header.version_string, name);
		if (c == BOOT_COPY_BIN)
			check_backup(h, esp);
	}
	if (trial)
		watch(c);
	save();
}

EFI_STATUS boot_count_load_stage1(struct handoff *h, struct fat_volume *esp,
				  struct loaded_stage *ret_stage)
{
	struct fat_file file;
	enum boot_record_verdict verdict;
	EFI_STATUS status;

	struct boot_record stored;
	BOOLEAN in_cmos = cmos_load_boot_record(&record);

	/*
	 * Every change goes to CMOS and then to the store, and CMOS lasts only as long as the QEMU
	 * process: a record in CMOS is the newer one. None there means a power on: the store's.
	 */
	if (boot_store_load(&stored) && !in_cmos) {
		record = stored;
		log_info("boot counts from the variable store on pflash (CMOS held none: powered on)");
	}
	record.passed = 0;
	on_trial = FALSE;
	h->flags &= ~HANDOFF_FLAG_STAGE1_BACKUP;
	for (UINT32 c = 0; c < BOOT_COPY_COUNT; c++) {
		/* No STAGE1.NEW is the normal case: say nothing. */
		if (c == BOOT_COPY_NEW && EFI_ERROR(fat_open(esp, NULL, paths[c], &file)))
			continue;
		status = stage_load(h, esp, paths[c], STAGE_KIND_STAGE1, ret_stage);
		if (EFI_ERROR(status)) {
			if (c == BOOT_COPY_BIN)
				log_error("STAGE1.BIN is unusable, falling back to the backup copy "
					  "STAGE1.BAK");
			else if (c == BOOT_COPY_NEW)
				log_error("STAGE1.NEW is unusable: booting STAGE1.BIN");
			continue;
		}
		verdict = boot_record_consider(
			&record, c, boot_record_fingerprint(ret_stage->header.body_sha256));
		if (verdict == BOOT_RECORD_EXHAUSTED) {
			log_error(
				"%s %s failed %u tries in a row (it crashed, hung or reset before "
				"reaching the boot manager): passing over it",
				boot_record_copy_name(c), ret_stage->header.version_string,
				record.copy[c].tries);
			record.passed |= 1u << c;
			memory_free_last(h, ret_stage->base);
			continue;
		}
		start(h, esp, c, verdict == BOOT_RECORD_TRY, ret_stage);
		return EFI_SUCCESS;
	}
	if (record.passed) {
		save();
		log_error("no stage1 left to try: every copy on this ESP is unusable or failed %u "
			  "tries; write a good one with 'mkimage update IMAGE --stage1 FILE'",
			  BOOT_RECORD_MAX_TRIES);
	} else {
		log_error("no usable stage1: STAGE1.BIN and STAGE1.BAK both failed on this ESP; "
			  "write a good one with 'mkimage update IMAGE --stage1 FILE'");
	}
	return EFI_LOAD_ERROR;
}

static const CHAR16 *const runtime_paths[] = {
	[BOOT_RUNTIME_NEW] = u"\\STRATA\\RUNTIME.NEW",
	[BOOT_RUNTIME_BIN] = u"\\STRATA\\RUNTIME.BIN",
	[BOOT_RUNTIME_BAK] = u"\\STRATA\\RUNTIME.BAK",
};

EFI_STATUS boot_count_load_runtime(struct handoff *h, struct fat_volume *esp,
				   struct loaded_stage *ret_stage)
{
	const UINT32 c = BOOT_COPY_RUNTIME_NEW;
	struct fat_file file;
	EFI_STATUS status = EFI_NOT_FOUND;

	for (UINT32 r = BOOT_RUNTIME_NEW; r <= BOOT_RUNTIME_BAK && EFI_ERROR(status); r++) {
		/* NEW and BAK are optional: no word when they are not there. */
		if (r != BOOT_RUNTIME_BIN &&
		    EFI_ERROR(fat_open(esp, NULL, runtime_paths[r], &file)))
			continue;
		status = stage_load(h, esp, runtime_paths[r], STAGE_KIND_RUNTIME, ret_stage);
		if (EFI_ERROR(status)) {
			if (r == BOOT_RUNTIME_NEW)
				record.passed |= 1u << c;
			continue;
		}
		record.runtime = r;
		if (r == BOOT_RUNTIME_BAK)
			log_warn("RUNTIME.BIN is unusable: booting the BACKUP runtime RUNTIME.BAK");
		if (r != BOOT_RUNTIME_NEW)
			break;
		switch (boot_record_consider(
			&record, c, boot_record_fingerprint(ret_stage->header.body_sha256))) {
		case BOOT_RECORD_EXHAUSTED:
			log_error("RUNTIME.NEW %s failed %u tries in a row: passing over it",
				  ret_stage->header.version_string, record.copy[c].tries);
			record.passed |= 1u << c;
			memory_free_last(h, ret_stage->base);
			status = EFI_NOT_FOUND;
			break;
		case BOOT_RECORD_TRY:
			/*
			 * One suspect a boot, the newer one first: a failure now is RUNTIME.NEW's,
			 * not the stage1 copy's, whose try is given back.
			 */
			if (on_trial && record.copy[record.current].tries) {
				record.copy[record.current].tries--;
				log_info("this try counts against RUNTIME.NEW, not %s",
					 boot_record_copy_name(record.current));
			}
			record.copy[c].tries++;
			watch(c);
			break;
		case BOOT_RECORD_GOOD:
			break;
		}
	}
	save();
	return status;
}

void boot_count_crashed(void)
{
	if (!on_trial)
		return;
	log_error("the stage1 being tried crashed before it was known good: resetting for "
		  "the next try");
	reset_warm();
}
