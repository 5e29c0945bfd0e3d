/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/storage/gpt.c: writer/reader round trip, sgdisk both ways, backup fallback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/crc32.h"
#include "lib/storage/gpt.h"
#include "tests/unit/fake_disk.h"

#define DISK_BLOCKS 16384 /* 8 MiB of 512-byte blocks */

static const EFI_GUID esp_type = GPT_ESP_TYPE_GUID;
/* 0FC63DAF-8483-4772-8E79-3D69D8477DE4, Linux filesystem data */
static const EFI_GUID linux_type = {
	0x0fc63daf, 0x8483, 0x4772, { 0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4 }
};
static const EFI_GUID disk_guid = {
	0x12345678, 0x9abc, 0x4def, { 0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 }
};

struct test_disk {
	UINT8 *data;
	UINT32 block_size;
	UINT64 blocks;
	struct fake_disk *fake;
	UINT8 scratch[BLOCK_MAX_SIZE];
};

static void set_name(struct gpt_entry *e, const char *name)
{
	for (int i = 0; name[i] && i < GPT_NAME_LENGTH; i++)
		e->partition_name[i] = (CHAR16)name[i];
}

/* Two partitions: an ESP from the first usable block, then a Linux one to the last usable block. */
static void build_entries(UINT32 block_size, UINT64 blocks, struct gpt_entry parts[2])
{
	struct gpt_layout layout = { .block_size = block_size,
				     .block_count = blocks,
				     .entry_count = 128 };
	UINT64 first = 2 + gpt_entry_blocks(&layout), last = blocks - 2 - gpt_entry_blocks(&layout);

	memset(parts, 0, 2 * sizeof(*parts));
	parts[0].partition_type_guid = esp_type;
	parts[0].unique_partition_guid.Data1 = 1;
	parts[0].starting_lba = first;
	parts[0].ending_lba = first + 99;
	parts[0].attributes = 1;
	set_name(&parts[0], "EFI system");
	parts[1].partition_type_guid = linux_type;
	parts[1].unique_partition_guid.Data1 = 2;
	parts[1].starting_lba = first + 100;
	parts[1].ending_lba = last;
	set_name(&parts[1], "root");
}

static struct test_disk *make_disk(UINT32 block_size, UINT64 blocks)
{
	struct gpt_layout layout = { .block_size = block_size,
				     .block_count = blocks,
				     .disk_guid = disk_guid,
				     .entry_count = 128 };
	struct test_disk *t = calloc(1, sizeof(*t));
	struct gpt_entry parts[2];
	UINT64 entry_blocks = gpt_entry_blocks(&layout);
	UINT8 *entries = malloc(128 * sizeof(struct gpt_entry));

	assert_non_null(t);
	t->data = calloc(blocks, block_size);
	t->block_size = block_size;
	t->blocks = blocks;
	build_entries(block_size, blocks, parts);
	assert_int_equal(gpt_build(&layout, parts, 2, t->data, t->data + block_size,
				   t->data + (blocks - 1) * block_size, entries),
			 EFI_SUCCESS);
	memcpy(t->data + 2 * block_size, entries, 128 * sizeof(struct gpt_entry));
	memcpy(t->data + (blocks - 1 - entry_blocks) * block_size, entries,
	       128 * sizeof(struct gpt_entry));
	free(entries);
	t->fake = fake_disk_from_buffer(t->data, blocks * block_size, block_size);
	assert_non_null(t->fake);
	return t;
}

static void free_disk(struct test_disk *t)
{
	fake_disk_free(t->fake);
	free(t->data);
	free(t);
}

static struct gpt_header *header_at(struct test_disk *t, UINT64 lba)
{
	return (struct gpt_header *)(t->data + lba * t->block_size);
}

/* Recompute a header's CRC after a test changed a field, so only the change is under test. */
static void reseal(struct gpt_header *h)
{
	h->header_crc32 = 0;
	h->header_crc32 = crc32(h, h->header_size);
}

static EFI_STATUS read_disk(struct test_disk *t, struct gpt_disk *ret)
{
	return gpt_read(&t->fake->dev, t->scratch, ret);
}

static void check_two_partitions(struct test_disk *t, const struct gpt_disk *disk)
{
	struct gpt_partition p;
	UINT64 first = disk->header.first_usable_lba;

	assert_int_equal(gpt_get_partition(&t->fake->dev, disk, 1, t->scratch, &p), EFI_SUCCESS);
	assert_int_equal(p.number, 1);
	assert_memory_equal(&p.type_guid, &esp_type, sizeof(EFI_GUID));
	assert_int_equal(p.first_lba, first);
	assert_int_equal(p.last_lba, first + 99);
	assert_int_equal(p.attributes, 1);
	assert_int_equal(p.name[0], 'E');
	assert_int_equal(p.name[10], 0);
	assert_int_equal(gpt_get_partition(&t->fake->dev, disk, 2, t->scratch, &p), EFI_SUCCESS);
	assert_int_equal(p.last_lba, disk->header.last_usable_lba);
	assert_int_equal(gpt_get_partition(&t->fake->dev, disk, 3, t->scratch, &p), EFI_NOT_FOUND);
	assert_int_equal(gpt_get_partition(&t->fake->dev, disk, 0, t->scratch, &p), EFI_NOT_FOUND);
	assert_int_equal(gpt_get_partition(&t->fake->dev, disk, 129, t->scratch, &p),
			 EFI_NOT_FOUND);
	assert_int_equal(gpt_find_partition(&t->fake->dev, disk, &linux_type, t->scratch, &p),
			 EFI_SUCCESS);
	assert_int_equal(p.number, 2);
}

static void test_round_trip(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	struct gpt_disk disk;
	struct gpt_partition p;

	assert_int_equal(read_disk(t, &disk), EFI_SUCCESS);
	assert_false(disk.used_backup);
	assert_int_equal(disk.header.my_lba, 1);
	assert_int_equal(disk.header.alternate_lba, DISK_BLOCKS - 1);
	assert_int_equal(disk.header.first_usable_lba, 34);
	assert_int_equal(disk.header.last_usable_lba, DISK_BLOCKS - 34);
	assert_memory_equal(&disk.header.disk_guid, &disk_guid, sizeof(EFI_GUID));
	check_two_partitions(t, &disk);
	assert_int_equal(gpt_find_partition(&t->fake->dev, &disk, &esp_type, t->scratch, &p),
			 EFI_SUCCESS);
	assert_int_equal(p.number, 1);
	/* Protective MBR: type 0xEE from LBA 1, boot signature. */
	assert_int_equal(t->data[446 + 4], 0xee);
	assert_int_equal(t->data[446 + 8], 1);
	assert_int_equal(t->data[510], 0x55);
	assert_int_equal(t->data[511], 0xaa);
	free_disk(t);
}

static void test_round_trip_4k_blocks(void **state)
{
	struct test_disk *t = make_disk(4096, 2048);
	struct gpt_disk disk;

	assert_int_equal(read_disk(t, &disk), EFI_SUCCESS);
	assert_int_equal(disk.header.first_usable_lba, 6);
	check_two_partitions(t, &disk);
	free_disk(t);
}

static char *write_temp(const void *data, size_t size)
{
	char *path = strdup("/tmp/test_gpt-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, size), (ssize_t)size);
	close(fd);
	return path;
}

/* Run a shell command, returning its exit status and (a prefix of) its output. */
static int run(const char *cmd, char *out, size_t out_size)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	assert_non_null(p);
	n = fread(out, 1, out_size - 1, p);
	out[n] = 0;
	return pclose(p);
}

static void test_sgdisk_accepts_built_disk(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	char *path = write_temp(t->data, (size_t)DISK_BLOCKS * 512);
	char cmd[256], out[4096];

	snprintf(cmd, sizeof(cmd), "sgdisk -v %s 2>&1", path);
	assert_int_equal(run(cmd, out, sizeof(out)), 0);
	if (!strstr(out, "No problems found"))
		fail_msg("sgdisk -v: %s", out);
	unlink(path);
	free(path);
	free_disk(t);
}

static void test_reads_disk_made_by_sgdisk(void **state)
{
	char path[] = "/tmp/test_gpt-XXXXXX";
	int fd = mkstemp(path);
	char cmd[512], out[4096];
	struct fake_disk *fake;
	struct gpt_disk disk;
	struct gpt_partition p;
	UINT8 scratch[BLOCK_MAX_SIZE];

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 16 << 20), 0);
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "sgdisk -n 1:2048:+4M -t 1:ef00 -c 1:ESP -n 2:0:0 -t 2:8300 -c 2:data %s 2>&1",
		 path);
	if (run(cmd, out, sizeof(out)) != 0)
		fail_msg("sgdisk: %s", out);
	fake = fake_disk_open_file(path, 512);
	assert_non_null(fake);
	assert_int_equal(gpt_read(&fake->dev, scratch, &disk), EFI_SUCCESS);
	assert_false(disk.used_backup);
	assert_int_equal(disk.header.alternate_lba, 32767);
	assert_int_equal(gpt_find_partition(&fake->dev, &disk, &esp_type, scratch, &p),
			 EFI_SUCCESS);
	assert_int_equal(p.number, 1);
	assert_int_equal(p.first_lba, 2048);
	assert_int_equal(p.last_lba, 2048 + 8192 - 1);
	assert_int_equal(p.name[0], 'E');
	assert_int_equal(p.name[3], 0);
	assert_int_equal(gpt_get_partition(&fake->dev, &disk, 2, scratch, &p), EFI_SUCCESS);
	assert_memory_equal(&p.type_guid, &linux_type, sizeof(EFI_GUID));
	assert_int_equal(p.first_lba, 10240);
	assert_int_equal(p.last_lba, disk.header.last_usable_lba);
	fake_disk_free(fake);
	unlink(path);
}

static void test_bad_primary_header_crc_uses_backup(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	struct gpt_disk disk;

	header_at(t, 1)->disk_guid.Data1 ^= 1;
	assert_int_equal(read_disk(t, &disk), EFI_SUCCESS);
	assert_true(disk.used_backup);
	assert_int_equal(disk.header.my_lba, DISK_BLOCKS - 1);
	assert_int_equal(disk.header.alternate_lba, 1);
	check_two_partitions(t, &disk);
	free_disk(t);
}

static void test_bad_primary_entries_use_backup(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	struct gpt_disk disk;

	/* The last entry of the array: unused, but still covered by the CRC. */
	t->data[2 * 512 + 127 * 128 + 5] ^= 0x40;
	assert_int_equal(read_disk(t, &disk), EFI_SUCCESS);
	assert_true(disk.used_backup);
	check_two_partitions(t, &disk);
	free_disk(t);
}

static void test_missing_primary_uses_backup(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	struct gpt_disk disk;

	memset(t->data + 512, 0, 512);
	assert_int_equal(read_disk(t, &disk), EFI_SUCCESS);
	assert_true(disk.used_backup);
	free_disk(t);
}

static void test_primary_read_error_uses_backup(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	struct gpt_disk disk;

	fake_disk_fail_at(t->fake, 1);
	assert_int_equal(read_disk(t, &disk), EFI_SUCCESS);
	assert_true(disk.used_backup);
	free_disk(t);
}

static void test_both_damaged_fails(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	struct gpt_disk disk;

	header_at(t, 1)->disk_guid.Data1 ^= 1;
	header_at(t, DISK_BLOCKS - 1)->disk_guid.Data1 ^= 1;
	assert_int_equal(read_disk(t, &disk), EFI_CRC_ERROR);
	free_disk(t);
}

static void test_both_entry_arrays_damaged_fails(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	struct gpt_disk disk;

	t->data[2 * 512] ^= 1;
	t->data[(DISK_BLOCKS - 33) * 512] ^= 1;
	assert_int_equal(read_disk(t, &disk), EFI_CRC_ERROR);
	free_disk(t);
}

static void test_no_gpt_not_found(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	struct gpt_disk disk;

	memset(t->data, 0, (size_t)DISK_BLOCKS * 512);
	assert_int_equal(read_disk(t, &disk), EFI_NOT_FOUND);
	free_disk(t);
}

/* Each case breaks one field of both headers (resealing their CRCs) so no copy is usable. */
enum field_case {
	MY_LBA,
	ALTERNATE_PAST_END,
	LAST_USABLE_PAST_END,
	FIRST_USABLE_AFTER_LAST,
	FIRST_USABLE_COVERS_HEADER,
	ENTRIES_PAST_END,
	ENTRIES_IN_USABLE_RANGE,
	ENTRY_SIZE_SMALL,
	ENTRY_SIZE_ODD,
	ENTRY_COUNT_ZERO,
	ENTRY_COUNT_HUGE,
	HEADER_SIZE_HUGE,
	FIELD_CASES,
};

static void break_field(struct gpt_header *h, enum field_case c)
{
	switch (c) {
	case MY_LBA:
		h->my_lba += 1;
		break;
	case ALTERNATE_PAST_END:
		h->alternate_lba = DISK_BLOCKS;
		break;
	case LAST_USABLE_PAST_END:
		h->last_usable_lba = DISK_BLOCKS;
		break;
	case FIRST_USABLE_AFTER_LAST:
		h->first_usable_lba = h->last_usable_lba + 1;
		break;
	case FIRST_USABLE_COVERS_HEADER:
		h->first_usable_lba = 1;
		break;
	case ENTRIES_PAST_END:
		h->partition_entry_lba = DISK_BLOCKS - 2;
		break;
	case ENTRIES_IN_USABLE_RANGE:
		h->partition_entry_lba = 100;
		break;
	case ENTRY_SIZE_SMALL:
		h->size_of_partition_entry = 64;
		break;
	case ENTRY_SIZE_ODD:
		h->size_of_partition_entry = 132;
		break;
	case ENTRY_COUNT_ZERO:
		h->number_of_partition_entries = 0;
		break;
	case ENTRY_COUNT_HUGE:
		h->number_of_partition_entries = 0x08000000;
		break;
	case HEADER_SIZE_HUGE:
		h->header_size = 1024;
		return; /* the CRC cannot even be computed over it */
	case FIELD_CASES:
		break;
	}
	reseal(h);
}

static void test_out_of_range_fields_rejected(void **state)
{
	for (int c = 0; c < FIELD_CASES; c++) {
		struct test_disk *t = make_disk(512, DISK_BLOCKS);
		struct gpt_disk disk;
		EFI_STATUS status;

		break_field(header_at(t, 1), c);
		break_field(header_at(t, DISK_BLOCKS - 1), c);
		status = read_disk(t, &disk);
		if (status != EFI_VOLUME_CORRUPTED)
			fail_msg("case %d: gpt_read returned %#llx", c, (unsigned long long)status);
		free_disk(t);
	}
}

static void test_bad_primary_field_falls_back(void **state)
{
	for (int c = 0; c < FIELD_CASES; c++) {
		struct test_disk *t = make_disk(512, DISK_BLOCKS);
		struct gpt_disk disk;

		break_field(header_at(t, 1), c);
		assert_int_equal(read_disk(t, &disk), EFI_SUCCESS);
		assert_true(disk.used_backup);
		free_disk(t);
	}
}

static void test_backup_must_point_at_primary(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	struct gpt_disk disk;

	memset(t->data + 512, 0, 512);
	header_at(t, DISK_BLOCKS - 1)->alternate_lba = 2;
	reseal(header_at(t, DISK_BLOCKS - 1));
	assert_int_equal(read_disk(t, &disk), EFI_VOLUME_CORRUPTED);
	free_disk(t);
}

/* An entry reaching outside the usable range is refused even when the CRCs are right. */
static void test_entry_out_of_range_rejected(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	struct gpt_entry *e = (struct gpt_entry *)(t->data + 2 * 512);
	struct gpt_header *h = header_at(t, 1);
	struct gpt_partition p;
	struct gpt_disk disk;

	e[0].ending_lba = DISK_BLOCKS - 1;
	h->partition_entry_array_crc32 = crc32(e, 128 * sizeof(*e));
	reseal(h);
	assert_int_equal(read_disk(t, &disk), EFI_SUCCESS);
	assert_false(disk.used_backup);
	assert_int_equal(gpt_get_partition(&t->fake->dev, &disk, 1, t->scratch, &p),
			 EFI_VOLUME_CORRUPTED);
	assert_int_equal(gpt_find_partition(&t->fake->dev, &disk, &esp_type, t->scratch, &p),
			 EFI_NOT_FOUND);
	free_disk(t);
}

/* Entries of 136 bytes straddle block boundaries; the reader must stitch them together. */
static void test_entries_straddling_blocks(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	struct gpt_header *h = header_at(t, 1);
	UINT8 *array = t->data + 2 * 512;
	struct gpt_entry parts[2];
	struct gpt_partition p;
	struct gpt_disk disk;

	build_entries(512, DISK_BLOCKS, parts);
	memset(array, 0, 32 * 512);
	for (int i = 0; i < 8; i++) {
		parts[0].unique_partition_guid.Data1 = 100 + i;
		parts[0].starting_lba = 100 + i * 10;
		parts[0].ending_lba = 109 + i * 10;
		memcpy(array + i * 136, &parts[0], sizeof(parts[0]));
	}
	h->size_of_partition_entry = 136;
	h->number_of_partition_entries = 8;
	h->partition_entry_array_crc32 = crc32(array, 8 * 136);
	reseal(h);
	assert_int_equal(read_disk(t, &disk), EFI_SUCCESS);
	assert_false(disk.used_backup);
	for (UINT32 n = 1; n <= 8; n++) {
		assert_int_equal(gpt_get_partition(&t->fake->dev, &disk, n, t->scratch, &p),
				 EFI_SUCCESS);
		assert_int_equal(p.unique_guid.Data1, 99 + n);
		assert_int_equal(p.first_lba, 90 + n * 10);
		assert_int_equal(p.name[0], 'E');
	}
	free_disk(t);
}

/* sgdisk's 4096-entry table with ESPs at entries 1 and 3000: read, and each found in one scan. */
static void test_reads_4096_entries_made_by_sgdisk(void **state)
{
	char path[] = "/tmp/test_gpt-XXXXXX";
	int fd = mkstemp(path);
	char cmd[512], out[4096];
	struct fake_disk *fake;
	struct gpt_disk disk;
	struct gpt_partition p;
	UINT8 scratch[BLOCK_MAX_SIZE];

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 16 << 20), 0);
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "sgdisk --resize-table=4096 -n 1:2048:+1M -t 1:ef00 -n 3000:0:+1M -t 3000:ef00 "
		 "-n 4096:0:0 -t 4096:8300 %s 2>&1",
		 path);
	if (run(cmd, out, sizeof(out)) != 0)
		fail_msg("sgdisk: %s", out);
	fake = fake_disk_open_file(path, 512);
	assert_non_null(fake);
	assert_int_equal(gpt_read(&fake->dev, scratch, &disk), EFI_SUCCESS);
	assert_int_equal(disk.header.number_of_partition_entries, 4096);
	/* The CRC went over the 1024 blocks of entries a block at a time, never all at once. */
	assert_int_equal(fake->largest_read, 1);
	assert_int_equal(gpt_find_next_partition(&fake->dev, &disk, &esp_type, 0, scratch, &p),
			 EFI_SUCCESS);
	assert_int_equal(p.number, 1);
	fake_disk_reset_counters(fake);
	assert_int_equal(gpt_find_next_partition(&fake->dev, &disk, &esp_type, 1, scratch, &p),
			 EFI_SUCCESS);
	assert_int_equal(p.number, 3000);
	assert_int_equal(p.first_lba, 2048 + 2048);
	assert_true(fake->read_calls <= 3000 / 4 + 1);
	assert_int_equal(gpt_find_next_partition(&fake->dev, &disk, &esp_type, 3000, scratch, &p),
			 EFI_NOT_FOUND);
	assert_int_equal(gpt_get_partition(&fake->dev, &disk, 4096, scratch, &p), EFI_SUCCESS);
	assert_memory_equal(&p.type_guid, &linux_type, sizeof(EFI_GUID));
	fake_disk_free(fake);
	unlink(path);
}

/* EDK2's rule: the GPT counts behind a 0xEE entry from LBA 1 (protective or hybrid MBR) only. */
static void test_gpt_needs_protective_mbr(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	UINT8 *entry = t->data + 446;
	struct gpt_disk disk;

	/* A hybrid MBR: an 0xEF entry first, the 0xEE one second. */
	memcpy(entry + 16, entry, 16);
	memset(entry, 0, 16);
	entry[4] = 0xef;
	entry[8] = 0x40;
	entry[12] = 0x10;
	assert_int_equal(read_disk(t, &disk), EFI_SUCCESS);
	/* A hybrid ISO's MBR (no 0xEE entry): its GPT is not the disk's table. */
	entry[16 + 4] = 0x00;
	assert_int_equal(read_disk(t, &disk), EFI_NOT_FOUND);
	entry[16 + 4] = 0xee;
	entry[16 + 8] = 2;	/* 0xEE must start at LBA 1 */
	assert_int_equal(read_disk(t, &disk), EFI_NOT_FOUND);
	free_disk(t);
}

/* An entry array past the 4 MiB bound is refused before anything of it is read. */
static void test_huge_entry_array_refused(void **state)
{
	struct test_disk *t = make_disk(512, DISK_BLOCKS);
	struct gpt_disk disk;

	header_at(t, 1)->number_of_partition_entries = (4u << 20) / 128 + 1;
	reseal(header_at(t, 1));
	header_at(t, DISK_BLOCKS - 1)->number_of_partition_entries = (4u << 20) / 128 + 1;
	reseal(header_at(t, DISK_BLOCKS - 1));
	assert_int_equal(read_disk(t, &disk), EFI_VOLUME_CORRUPTED);
	free_disk(t);
}

static void test_build_rejects_bad_layouts(void **state)
{
	struct gpt_layout layout = { .block_size = 512,
				     .block_count = DISK_BLOCKS,
				     .entry_count = 128 };
	static UINT8 mbr[512], primary[512], backup[512], entries[128 * 128];
	struct gpt_entry parts[2];

	build_entries(512, DISK_BLOCKS, parts);
	assert_int_equal(gpt_build(&layout, parts, 2, mbr, primary, backup, entries), EFI_SUCCESS);
	parts[1].starting_lba = parts[0].ending_lba; /* overlap */
	assert_int_equal(gpt_build(&layout, parts, 2, mbr, primary, backup, entries),
			 EFI_INVALID_PARAMETER);
	build_entries(512, DISK_BLOCKS, parts);
	parts[1].ending_lba = DISK_BLOCKS - 1; /* over the backup entries */
	assert_int_equal(gpt_build(&layout, parts, 2, mbr, primary, backup, entries),
			 EFI_INVALID_PARAMETER);
	build_entries(512, DISK_BLOCKS, parts);
	parts[0].starting_lba = 33; /* over the primary entries */
	assert_int_equal(gpt_build(&layout, parts, 2, mbr, primary, backup, entries),
			 EFI_INVALID_PARAMETER);
	layout.block_count = 67; /* no usable block left */
	assert_int_equal(gpt_build(&layout, parts, 0, mbr, primary, backup, entries),
			 EFI_BAD_BUFFER_SIZE);
	layout.block_count = DISK_BLOCKS;
	layout.block_size = 1000;
	assert_int_equal(gpt_build(&layout, parts, 0, mbr, primary, backup, entries),
			 EFI_INVALID_PARAMETER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_4k_blocks),
		cmocka_unit_test(test_sgdisk_accepts_built_disk),
		cmocka_unit_test(test_reads_disk_made_by_sgdisk),
		cmocka_unit_test(test_bad_primary_header_crc_uses_backup),
		cmocka_unit_test(test_bad_primary_entries_use_backup),
		cmocka_unit_test(test_missing_primary_uses_backup),
		cmocka_unit_test(test_primary_read_error_uses_backup),
		cmocka_unit_test(test_both_damaged_fails),
		cmocka_unit_test(test_both_entry_arrays_damaged_fails),
		cmocka_unit_test(test_no_gpt_not_found),
		cmocka_unit_test(test_out_of_range_fields_rejected),
		cmocka_unit_test(test_bad_primary_field_falls_back),
		cmocka_unit_test(test_backup_must_point_at_primary),
		cmocka_unit_test(test_entry_out_of_range_rejected),
		cmocka_unit_test(test_entries_straddling_blocks),
		cmocka_unit_test(test_reads_4096_entries_made_by_sgdisk),
		cmocka_unit_test(test_huge_entry_array_refused),
		cmocka_unit_test(test_gpt_needs_protective_mbr),
		cmocka_unit_test(test_build_rejects_bad_layouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
