/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/storage/mbr.c: primaries, extended chains, loops, protective MBRs, damage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/storage/mbr.h"
#include "tests/unit/fake_disk.h"

#define DISK_BLOCKS 65536 /* 32 MiB of 512-byte blocks */

struct test_disk {
	UINT8 *data;
	struct fake_disk *fake;
	UINT8 scratch[BLOCK_MAX_SIZE];
};

static struct test_disk *new_disk(void)
{
	struct test_disk *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->data = calloc(DISK_BLOCKS, 512);
	assert_non_null(t->data);
	t->fake = fake_disk_from_buffer(t->data, (size_t)DISK_BLOCKS * 512, 512);
	assert_non_null(t->fake);
	return t;
}

static void free_disk(struct test_disk *t)
{
	fake_disk_free(t->fake);
	free(t->data);
	free(t);
}

/* Entry index of the boot record at lba: type, start and size (both as stored). */
static void put_entry(struct test_disk *t, UINT64 lba, int index, UINT8 type, UINT32 start,
		      UINT32 count)
{
	UINT8 *block = t->data + lba * 512;
	struct mbr_entry e = { .type = type, .start_lba = start, .block_count = count };

	memcpy(block + 446 + 16 * index, &e, sizeof(e));
	block[510] = 0x55;
	block[511] = 0xaa;
}

/* Every partition of the disk, in the order mbr_next_partition gives them; returns how many. */
static int list(struct test_disk *t, struct mbr_disk *disk, struct mbr_partition *parts, int max)
{
	struct mbr_cursor cursor = { 0 };
	int n = 0;

	while (n < max &&
	       !EFI_ERROR(mbr_next_partition(&t->fake->dev, disk, &cursor, t->scratch, &parts[n])))
		n++;
	return n;
}

static void test_primaries_numbered_as_edk2(void **state)
{
	struct test_disk *t = new_disk();
	struct mbr_partition p[8];
	struct mbr_disk disk;

	put_entry(t, 0, 0, MBR_TYPE_EFI, 2048, 8192);
	/* Entry 1 is unused: EDK2 numbers the used ones without gaps. */
	put_entry(t, 0, 2, 0x83, 10240, 20000);
	memcpy(t->data + 440, "\x78\x56\x34\x12", 4);
	t->data[446] = 0x80;
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_SUCCESS);
	assert_int_equal(disk.signature, 0x12345678);
	assert_int_equal(list(t, &disk, p, 8), 2);
	assert_int_equal(p[0].number, 1);
	assert_int_equal(p[0].type, MBR_TYPE_EFI);
	assert_true(p[0].active);
	assert_int_equal(p[0].first_lba, 2048);
	assert_int_equal(p[0].block_count, 8192);
	assert_int_equal(p[1].number, 2);
	assert_int_equal(p[1].parent, 0);
	assert_false(p[1].active);
	assert_int_equal(p[1].first_lba, 10240);
	free_disk(t);
}

/* Extended partition at 4096 with three logical ones, EBR links relative to its start. */
static void make_extended(struct test_disk *t)
{
	put_entry(t, 0, 0, MBR_TYPE_EFI, 2048, 2048);
	put_entry(t, 0, 1, MBR_TYPE_EXTENDED_DOS, 4096, 40000);
	put_entry(t, 4096, 0, 0x83, 63, 1000);
	put_entry(t, 4096, 1, MBR_TYPE_EXTENDED_DOS, 2000, 3000);
	put_entry(t, 4096 + 2000, 0, MBR_TYPE_EFI, 63, 2000);
	put_entry(t, 4096 + 2000, 1, MBR_TYPE_EXTENDED_DOS, 10000, 5000);
	put_entry(t, 4096 + 10000, 0, 0x07, 2048, 2000);
}

static void test_extended_chain(void **state)
{
	struct test_disk *t = new_disk();
	struct mbr_partition p[8];
	struct mbr_disk disk;

	make_extended(t);
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_SUCCESS);
	assert_int_equal(disk.extended_number, 2);
	assert_int_equal(list(t, &disk, p, 8), 5);
	assert_int_equal(p[1].type, MBR_TYPE_EXTENDED_DOS);
	assert_int_equal(p[2].number, 1);
	assert_int_equal(p[2].parent, 2);
	assert_int_equal(p[2].first_lba, 4096 + 63);
	assert_int_equal(p[3].number, 2);
	assert_int_equal(p[3].type, MBR_TYPE_EFI);
	assert_int_equal(p[3].first_lba, 4096 + 2000 + 63);
	assert_int_equal(p[3].block_count, 2000);
	assert_int_equal(p[4].number, 3);
	assert_int_equal(p[4].first_lba, 4096 + 10000 + 2048);
	free_disk(t);
}

static void test_chain_loop_refused(void **state)
{
	struct test_disk *t = new_disk();
	struct mbr_partition p[300];
	struct mbr_disk disk;

	make_extended(t);
	/* The third EBR links back to the first: the chain stops instead of going round. */
	put_entry(t, 4096 + 10000, 1, MBR_TYPE_EXTENDED_DOS, 0, 5000);
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_SUCCESS);
	assert_int_equal(list(t, &disk, p, 300), 5);
	/* A self link too. */
	put_entry(t, 4096 + 2000, 1, MBR_TYPE_EXTENDED_DOS, 2000, 5000);
	assert_int_equal(list(t, &disk, p, 300), 4);
	free_disk(t);
}

static void test_long_chain_bounded(void **state)
{
	struct test_disk *t = new_disk();
	struct mbr_partition p[300];
	struct mbr_disk disk;

	put_entry(t, 0, 0, MBR_TYPE_EXTENDED_WINDOWS, 100, 60000);
	for (UINT32 i = 0; i < 250; i++) {
		put_entry(t, 100 + i * 200, 0, 0x83, 1, 100);
		put_entry(t, 100 + i * 200, 1, MBR_TYPE_EXTENDED_DOS, (i + 1) * 200, 200);
	}
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_SUCCESS);
	assert_int_equal(list(t, &disk, p, 300), 1 + MBR_MAX_LOGICAL);
	assert_int_equal(p[MBR_MAX_LOGICAL].number, MBR_MAX_LOGICAL);
	free_disk(t);
}

static void test_logical_outside_extended_stops(void **state)
{
	struct test_disk *t = new_disk();
	struct mbr_partition p[8];
	struct mbr_disk disk;

	make_extended(t);
	/* The second logical partition would end past the extended partition. */
	put_entry(t, 4096 + 2000, 0, MBR_TYPE_EFI, 63, 39000);
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_SUCCESS);
	assert_int_equal(list(t, &disk, p, 8), 3);
	free_disk(t);
}

static void test_protective_defers_to_gpt(void **state)
{
	struct test_disk *t = new_disk();
	struct mbr_disk disk;

	put_entry(t, 0, 0, MBR_TYPE_PROTECTIVE, 1, DISK_BLOCKS - 1);
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_UNSUPPORTED);
	/* A hybrid MBR (0xEE beside others) is GPT's too. */
	put_entry(t, 0, 0, MBR_TYPE_EFI, 2048, 2048);
	put_entry(t, 0, 1, MBR_TYPE_PROTECTIVE, 1, 2047);
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_UNSUPPORTED);
	free_disk(t);
}

static void test_damaged_tables_refused(void **state)
{
	struct test_disk *t = new_disk();
	struct mbr_disk disk;

	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_NOT_FOUND);
	put_entry(t, 0, 0, MBR_TYPE_EFI, 2048, DISK_BLOCKS);	/* past the end */
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_VOLUME_CORRUPTED);
	put_entry(t, 0, 0, MBR_TYPE_EFI, 2048, 4096);
	put_entry(t, 0, 1, 0x83, 4000, 100);			/* overlaps entry 0 */
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_VOLUME_CORRUPTED);
	put_entry(t, 0, 1, 0x83, 6144, 100);
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_SUCCESS);
	put_entry(t, 0, 2, 0x83, 0, 100);			/* covers the MBR */
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_VOLUME_CORRUPTED);
	free_disk(t);
}

static void test_read_error_reported(void **state)
{
	struct test_disk *t = new_disk();
	struct mbr_partition p[8];
	struct mbr_disk disk;
	struct mbr_cursor cursor = { 0 };

	make_extended(t);
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_SUCCESS);
	fake_disk_fail_at(t->fake, 4096);
	assert_int_equal(mbr_next_partition(&t->fake->dev, &disk, &cursor, t->scratch, &p[0]),
			 EFI_SUCCESS);
	assert_int_equal(mbr_next_partition(&t->fake->dev, &disk, &cursor, t->scratch, &p[1]),
			 EFI_SUCCESS);
	assert_int_equal(mbr_next_partition(&t->fake->dev, &disk, &cursor, t->scratch, &p[2]),
			 EFI_DEVICE_ERROR);
	fake_disk_fail_at(t->fake, 0);
	assert_int_equal(mbr_read(&t->fake->dev, t->scratch, &disk), EFI_DEVICE_ERROR);
	free_disk(t);
}

/* mkfs.fat writes a boot sector with 0x55AA but no table: nothing in it may pass as partitions. */
static void test_superfloppy_has_no_partitions(void **state)
{
	char path[] = "/tmp/test_mbr-XXXXXX";
	int fd = mkstemp(path);
	struct fake_disk *fake;
	struct mbr_disk disk;
	UINT8 scratch[BLOCK_MAX_SIZE];
	EFI_STATUS status;
	char cmd[256];

	assert_true(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "rm -f %s && mkfs.fat -C %s 8192 >/dev/null", path, path);
	assert_int_equal(system(cmd), 0);
	fake = fake_disk_open_file(path, 512);
	assert_non_null(fake);
	status = mbr_read(&fake->dev, scratch, &disk);
	if (status == EFI_SUCCESS) {
		struct mbr_cursor cursor = { 0 };
		struct mbr_partition p;

		assert_int_equal(mbr_next_partition(&fake->dev, &disk, &cursor, scratch, &p),
				 EFI_NOT_FOUND);
	} else {
		assert_int_equal(status, EFI_VOLUME_CORRUPTED);
	}
	fake_disk_free(fake);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_primaries_numbered_as_edk2),
		cmocka_unit_test(test_extended_chain),
		cmocka_unit_test(test_chain_loop_refused),
		cmocka_unit_test(test_long_chain_bounded),
		cmocka_unit_test(test_logical_outside_extended_stops),
		cmocka_unit_test(test_protective_defers_to_gpt),
		cmocka_unit_test(test_damaged_tables_refused),
		cmocka_unit_test(test_read_error_reported),
		cmocka_unit_test(test_superfloppy_has_no_partitions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
