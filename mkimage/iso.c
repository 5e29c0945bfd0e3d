/* SPDX-License-Identifier: MIT */
/* Hybrid ISO images through xorriso: the ESP is the El Torito EFI image and a GPT partition. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "mkimage/mkimage.h"

int iso_write(const char *path, const char *esp_path, const char *work_dir, const char *seed)
{
	char root[4096], guid_text[37], date[32];
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	EFI_GUID guid;

	/*
	 * The ESP is appended after the ISO 9660 tree as GPT partition 2 of type EF00, and the El
	 * Torito UEFI entry points at those same blocks: an optical drive boots it through El
	 * Torito, a disk (or stage0's GPT reader) through the GPT. The ISO 9660 tree itself is
	 * empty; everything lives in the ESP. Dates come from SOURCE_DATE_EPOCH and the GPT disk
	 * GUID from the seed, as for raw disks, so the bytes are reproducible.
	 */
	const char *argv[] = {
		"xorriso", "-as", "mkisofs", "-quiet", "-o", path, "-V", "STRATA",
		"-append_partition", "2", "0xef", esp_path, "-appended_part_as_gpt",
		"-e", "--interval:appended_partition_2:all::", "-no-emul-boot",
		"--gpt_disk_guid", guid_text, "--set_all_file_dates", date, root, NULL,
	};

	/* xorriso dates the volume from SOURCE_DATE_EPOCH but the tree from the files on disk. */
	snprintf(date, sizeof(date), "=%s", epoch ? epoch : "0");
	disk_guid_from_seed("strata disk", seed, &guid);
	disk_guid_text(guid, guid_text);
	snprintf(root, sizeof(root), "%s/iso-root", work_dir);
	if (mkdir(root, 0755) < 0)
		return mk_error("%s: cannot create the ISO tree", root);
	/* xorriso refuses to overwrite a non-empty file it did not make: start from nothing. */
	remove(path);
	if (mk_run_quiet(argv) < 0)
		return mk_error("%s: xorriso could not write the ISO", path);
	return 0;
}
