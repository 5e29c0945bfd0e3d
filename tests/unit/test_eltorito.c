/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/storage/eltorito.c on ISO images xorriso makes during the run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/storage/eltorito.h"
#include "tests/unit/fake_disk.h"

static char dir[] = "/tmp/test_eltorito-XXXXXX";

static void run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

/*
 * bios.iso: a BIOS default entry and a 2880 KiB EFI image in a 0xEF section (load size stored);
 * big.iso: a 40 MiB EFI image alone, whose load size does not fit and is stored as 0;
 * biosonly.iso: no EFI entry at all.
 */
static int make_isos(void **state)
{
	assert_non_null(mkdtemp(dir));
	run("cd %s && mkdir -p t/b u && dd if=/dev/zero of=t/b/bios.bin bs=2048 count=2 2>/dev/null"
	    " && mkfs.fat -C t/b/efi.img 2880 >/dev/null && truncate -s 40M u/big.img"
	    " && mkfs.fat u/big.img >/dev/null", dir);
	run("cd %s && xorriso -as mkisofs -quiet -o bios.iso -b b/bios.bin -no-emul-boot"
	    " -boot-load-size 4 -eltorito-alt-boot -e b/efi.img -no-emul-boot t 2>/dev/null", dir);
	run("cd %s && xorriso -as mkisofs -quiet -o big.iso -e big.img -no-emul-boot u"
	    " 2>/dev/null", dir);
	run("cd %s && xorriso -as mkisofs -quiet -o biosonly.iso -b b/bios.bin -no-emul-boot"
	    " -boot-load-size 4 t 2>/dev/null", dir);
	return 0;
}

static int remove_isos(void **state)
{
	run("rm -rf %s", dir);
	return 0;
}

static struct fake_disk *open_iso(const char *name, UINT32 block_size)
{
	char path[256];
	struct fake_disk *d;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	d = fake_disk_open_file(path, block_size);
	assert_non_null(d);
	return d;
}

static void test_section_entry_after_bios_default(void **state)
{
	static UINT8 scratch[ELTORITO_SECTOR_SIZE];
	struct eltorito_image img;
	struct fake_disk *cd = open_iso("bios.iso", 2048), *disk = open_iso("bios.iso", 512);

	assert_int_equal(eltorito_find_efi(&cd->dev, scratch, &img), EFI_SUCCESS);
	/* OVMF's CDROM(0x1,...): the BIOS default entry is 0. */
	assert_int_equal(img.boot_entry, 1);
	assert_int_equal(img.media_type, 0);
	assert_int_equal(img.sector_count, 2880 * 2);
	assert_int_equal(img.first_lba, img.load_rba);
	assert_int_equal(img.block_count, 2880 / 2);
	/* The same image through 512-byte blocks, as a hybrid ISO on a disk. */
	assert_int_equal(eltorito_find_efi(&disk->dev, scratch, &img), EFI_SUCCESS);
	assert_int_equal(img.first_lba, (UINT64)img.load_rba * 4);
	assert_int_equal(img.block_count, 2880 * 2);
	/* The image really is the FAT file system mkfs.fat made. */
	assert_memory_equal(disk->data + img.first_lba * 512 + 54, "FAT12", 5);
	fake_disk_free(cd);
	fake_disk_free(disk);
}

static void test_unstored_size_taken_from_fat(void **state)
{
	static UINT8 scratch[ELTORITO_SECTOR_SIZE];
	struct eltorito_image img;
	struct fake_disk *cd = open_iso("big.iso", 2048);

	assert_int_equal(eltorito_find_efi(&cd->dev, scratch, &img), EFI_SUCCESS);
	assert_int_equal(img.boot_entry, 0);
	assert_true(img.sector_count < 2);
	assert_int_equal(img.block_count, (40u << 20) / 2048);
	/* Without a FAT boot sector the image runs to the end of the volume. */
	memset(cd->data + (UINT64)img.load_rba * 2048 + 510, 0, 2);
	assert_int_equal(eltorito_find_efi(&cd->dev, scratch, &img), EFI_SUCCESS);
	assert_int_equal(img.first_lba + img.block_count, cd->size / 2048);
	fake_disk_free(cd);
}

static void test_no_efi_entry(void **state)
{
	static UINT8 scratch[ELTORITO_SECTOR_SIZE];
	struct eltorito_image img;
	struct fake_disk *cd = open_iso("biosonly.iso", 2048);

	assert_int_equal(eltorito_find_efi(&cd->dev, scratch, &img), EFI_NOT_FOUND);
	fake_disk_free(cd);
}

static UINT32 catalog_sector(struct fake_disk *d)
{
	UINT8 *br = d->data + 17 * 2048;

	assert_memory_equal(br + 7, "EL TORITO", 9);
	return br[71] | br[72] << 8 | br[73] << 16 | (UINT32)br[74] << 24;
}

static void test_damaged_catalog_refused(void **state)
{
	static UINT8 scratch[ELTORITO_SECTOR_SIZE];
	struct eltorito_image img;
	struct fake_disk *cd = open_iso("bios.iso", 2048);
	UINT8 *catalog = cd->data + (UINT64)catalog_sector(cd) * 2048;

	catalog[4] ^= 1;	/* the validation entry's checksum no longer adds up */
	assert_int_equal(eltorito_find_efi(&cd->dev, scratch, &img), EFI_VOLUME_CORRUPTED);
	catalog[4] ^= 1;
	catalog[31] = 0;	/* no 0x55AA */
	assert_int_equal(eltorito_find_efi(&cd->dev, scratch, &img), EFI_VOLUME_CORRUPTED);
	catalog[31] = 0xaa;
	/* A load address past the end of the medium. */
	memset(catalog + 3 * 32 + 8, 0xff, 4);
	assert_int_equal(eltorito_find_efi(&cd->dev, scratch, &img), EFI_VOLUME_CORRUPTED);
	fake_disk_free(cd);
}

static void test_not_iso9660(void **state)
{
	static UINT8 scratch[ELTORITO_SECTOR_SIZE];
	static UINT8 zero[64 << 10];
	struct eltorito_image img;
	struct fake_disk *d = fake_disk_from_buffer(zero, sizeof(zero), 512);
	struct fake_disk *big = open_iso("bios.iso", 4096);

	assert_int_equal(eltorito_find_efi(&d->dev, scratch, &img), EFI_NOT_FOUND);
	assert_int_equal(eltorito_find_efi(&big->dev, scratch, &img), EFI_UNSUPPORTED);
	fake_disk_free(d);
	fake_disk_free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_section_entry_after_bios_default),
		cmocka_unit_test(test_unstored_size_taken_from_fat),
		cmocka_unit_test(test_no_efi_entry),
		cmocka_unit_test(test_damaged_catalog_refused),
		cmocka_unit_test(test_not_iso9660),
	};

	return cmocka_run_group_tests(tests, make_isos, remove_isos);
}
