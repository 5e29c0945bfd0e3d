/* SPDX-License-Identifier: MIT */
/* ATA IDENTIFY DEVICE parsing: sizes, 48-bit and 28-bit disks, 4 KiB sectors, strings, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/storage/ata.h"

static UINT8 data[512];

static void set_word(UINT32 index, UINT16 v)
{
	data[index * 2] = (UINT8)v;
	data[index * 2 + 1] = (UINT8)(v >> 8);
}

/* ATA strings: two characters a word, the first in the high byte. */
static void set_string(UINT32 first, UINT32 length, const char *s)
{
	for (UINT32 i = 0; i < length; i++) {
		char c = i < strlen(s) ? s[i] : ' ';

		data[(first + i / 2) * 2 + (i % 2 ? 0 : 1)] = (UINT8)c;
	}
}

/* A 48-bit disk of sectors 512-byte sectors, as QEMU's ide-hd answers. */
static void lba48_disk(UINT64 sectors)
{
	memset(data, 0, sizeof(data));
	set_word(0, 0x0040);
	set_string(10, 20, "QM00001");
	set_string(27, 40, "QEMU HARDDISK");
	set_word(49, 0x0200);
	set_word(60, 0xffff);
	set_word(61, 0x0fff);
	set_word(83, 0x4000 | 0x2000 | 0x1000 | 0x0400);
	set_word(86, 0x2000 | 0x1000 | 0x0400);
	for (UINT32 i = 0; i < 4; i++)
		set_word(100 + i, (UINT16)(sectors >> (16 * i)));
}

static void checksum(void)
{
	UINT8 sum = 0;

	set_word(255, 0x00a5);
	for (UINT32 i = 0; i < 511; i++)
		sum += data[i];
	data[511] = (UINT8)-sum;
}

static void test_lba48_disk(void **state)
{
	struct ata_identity id;

	lba48_disk(131072);
	assert_int_equal(ata_identify_parse(data, &id), EFI_SUCCESS);
	assert_int_equal(id.sectors, 131072);
	assert_int_equal(id.sector_size, 512);
	assert_true(id.lba48);
	assert_true(id.flush);
	assert_string_equal(id.model, "QEMU HARDDISK");
	assert_string_equal(id.serial, "QM00001");
}

static void test_28bit_disk_uses_words_60_61(void **state)
{
	struct ata_identity id;

	lba48_disk(0);
	set_word(83, 0x4000 | 0x1000);	/* no 48-bit feature set; FLUSH CACHE only */
	set_word(86, 0);
	set_word(60, 0x5678);
	set_word(61, 0x0012);
	assert_int_equal(ata_identify_parse(data, &id), EFI_SUCCESS);
	assert_false(id.lba48);
	assert_true(id.flush);
	assert_int_equal(id.sectors, 0x125678);
}

static void test_48bit_supported_but_disabled_is_28bit(void **state)
{
	struct ata_identity id;

	lba48_disk(1ull << 30);
	set_word(86, 0);
	assert_int_equal(ata_identify_parse(data, &id), EFI_SUCCESS);
	assert_false(id.lba48);
	assert_int_equal(id.sectors, 0x0fffffff);
}

static void test_4k_logical_sectors(void **state)
{
	struct ata_identity id;

	lba48_disk(1000);
	set_word(106, 0x4000 | 0x1000 | 0x2000 | 0x0003);
	set_word(117, 2048);	/* words: 4096 bytes */
	set_word(118, 0);
	assert_int_equal(ata_identify_parse(data, &id), EFI_SUCCESS);
	assert_int_equal(id.sector_size, 4096);
	assert_int_equal(id.sectors_per_physical, 8);
}

static void test_invalid_word_106_is_ignored(void **state)
{
	struct ata_identity id;

	lba48_disk(1000);
	set_word(106, 0x1000);	/* bits 15:14 not 01: the word is not valid */
	set_word(117, 2048);
	assert_int_equal(ata_identify_parse(data, &id), EFI_SUCCESS);
	assert_int_equal(id.sector_size, 512);
}

static void test_refusals(void **state)
{
	struct ata_identity id;

	lba48_disk(1000);
	set_word(0, 0x85c0);	/* an ATAPI device's word 0 */
	assert_int_equal(ata_identify_parse(data, &id), EFI_UNSUPPORTED);

	lba48_disk(1000);
	set_word(49, 0);	/* CHS only */
	assert_int_equal(ata_identify_parse(data, &id), EFI_UNSUPPORTED);

	lba48_disk(0);
	assert_int_equal(ata_identify_parse(data, &id), EFI_VOLUME_CORRUPTED);

	lba48_disk(1000);
	set_word(106, 0x4000 | 0x1000);
	set_word(117, 300);	/* 600 bytes: not a power of two */
	assert_int_equal(ata_identify_parse(data, &id), EFI_VOLUME_CORRUPTED);

	lba48_disk(1ull << 48);
	set_word(103, 0x0001);
	assert_int_equal(ata_identify_parse(data, &id), EFI_VOLUME_CORRUPTED);
}

static void test_integrity_word(void **state)
{
	struct ata_identity id;

	lba48_disk(1000);
	checksum();
	assert_int_equal(ata_identify_parse(data, &id), EFI_SUCCESS);
	data[200] ^= 1;
	assert_int_equal(ata_identify_parse(data, &id), EFI_CRC_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lba48_disk),
		cmocka_unit_test(test_28bit_disk_uses_words_60_61),
		cmocka_unit_test(test_48bit_supported_but_disabled_is_28bit),
		cmocka_unit_test(test_4k_logical_sectors),
		cmocka_unit_test(test_invalid_word_106_is_ignored),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_integrity_word),
	};

	return cmocka_run_group_tests_name("ata", tests, NULL, NULL);
}
