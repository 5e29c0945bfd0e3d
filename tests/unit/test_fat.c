/* SPDX-License-Identifier: MIT */
/* FAT12/16/32 reader against images made by mkfs.fat and mtools, and against damaged copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/storage/fat.h"
#include "tests/unit/fake_disk.h"

#define BIG_SIZE 1100000	/* crosses the FAT12 entries that straddle sectors */
#define FRAG_SIZE 50000
#define MANY_FILES 40

struct fixture {
	const char *file;
	const char *mkfs_args;
	UINT32 block_size;
	UINT8 fat_type;
};

static const struct fixture fat12 = { "fat12.img", "-F 12 -n STRATA12 -C %s 2048", 512, 12 };
static const struct fixture fat16 = { "fat16.img", "-F 16 -n STRATA16 -C %s 16384", 512, 16 };
static const struct fixture fat32 = { "fat32.img", "-F 32 -n STRATA32 -C %s 65536", 512, 32 };
static const struct fixture fat12_4k = {
	"fat12-4k.img", "-F 12 -S 4096 -s 1 -C %s 12288", 4096, 12
};
/* FAT32 with 4 KiB sectors needs 256 MiB; FAT12 covers that sector size more cheaply. */
static const struct fixture *const fixtures[] = { &fat12, &fat16, &fat32, &fat12_4k };

static char tmpdir[] = "/tmp/strata-test-fat-XXXXXX";

static UINT8 pattern(size_t i, unsigned seed)
{
	return (UINT8)(((i + seed) * 2654435761u) >> 13);
}

static void write_file(const char *name, size_t size, unsigned seed)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	for (size_t i = 0; i < size; i++)
		fputc(pattern(i, seed), f);
	fclose(f);
}

static void run(const char *fmt, ...)
{
	char cmd[4096];
	int n;
	va_list ap;

	n = snprintf(cmd, sizeof(cmd), "cd %s && ", tmpdir);
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("fixture command failed: %s", cmd);
}

/* The same tree on every image; the hole left by HOLE makes Frag.bin fragmented. */
static void make_image(const struct fixture *fx)
{
	char mkfs[256];

	snprintf(mkfs, sizeof(mkfs), fx->mkfs_args, fx->file);
	run("mkfs.fat %s >/dev/null", mkfs);
	run("mmd -i %1$s ::/EFI ::/EFI/BOOT ::/Deep ::/Deep/Er ::/Deep/Er/Still ::/Many",
	    fx->file);
	run("mcopy -i %1$s big.bin ::/EFI/BOOT/BOOTX64.EFI && mcopy -i %1$s small.txt ::/readme.txt"
	    " && mcopy -i %1$s small.txt '::/A Long File Name With Spaces.txt'"
	    " && mcopy -i %1$s nested.txt '::/Deep/Er/Still/Nested File.TXT'"
	    " && mcopy -i %1$s empty.txt ::/empty.txt && mcopy -i %1$s many/* ::/Many/"
	    " && mcopy -i %1$s hole.bin ::/HOLE && mcopy -i %1$s keep.bin ::/KEEP.BIN"
	    " && mdel -i %1$s ::/HOLE && mcopy -i %1$s frag.bin ::/Frag.bin", fx->file);
}

static int setup_images(void **state)
{
	char name[64];

	if (!mkdtemp(tmpdir))
		return -1;
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	write_file("big.bin", BIG_SIZE, 1);
	write_file("small.txt", 3, 2);
	write_file("nested.txt", 777, 3);
	write_file("empty.txt", 0, 0);
	write_file("hole.bin", 4096, 4);
	write_file("keep.bin", 8192, 5);
	write_file("frag.bin", FRAG_SIZE, 6);
	run("mkdir many");
	for (int i = 0; i < MANY_FILES; i++) {
		snprintf(name, sizeof(name), "many/file number %02d with a long name.txt", i);
		write_file(name, (size_t)i, 100 + i);
	}
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		make_image(fixtures[i]);
	return 0;
}

static int teardown_images(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A mounted fresh copy of an image; the disk bytes may be patched and the volume mounted again. */
struct mounted {
	struct fake_disk *disk;
	struct fat_volume vol;
};

static void load(const struct fixture *fx, struct mounted *m)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, fx->file);
	m->disk = fake_disk_open_file(path, fx->block_size);
	assert_non_null(m->disk);
}

static void mount(const struct fixture *fx, struct mounted *m)
{
	load(fx, m);
	assert_int_equal(fat_mount(&m->vol, &m->disk->dev, 0, m->disk->dev.block_count),
			 EFI_SUCCESS);
}

static void open_ok(struct mounted *m, const CHAR16 *path, struct fat_file *ret)
{
	assert_int_equal(fat_open(&m->vol, NULL, path, ret), EFI_SUCCESS);
}

static void ascii(const CHAR16 *name, char *out, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && name[i]; i++)
		out[i] = name[i] < 128 ? (char)name[i] : '?';
	out[i] = '\0';
}

static void check_content(const struct fat_file *f, UINT64 offset, const UINT8 *buf, size_t n,
			  unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != pattern(offset + i, seed))
			fail_msg("byte %llu is %#x, want %#x", (unsigned long long)(offset + i),
				 buf[i], pattern(offset + i, seed));
}

static void read_all(const struct fat_file *f, size_t size, unsigned seed)
{
	UINT8 *buf = malloc(size + 1);
	UINTN got;

	assert_int_equal(f->size, size);
	assert_int_equal(fat_read(f, 0, buf, size + 1, &got), EFI_SUCCESS);
	assert_int_equal(got, size);
	check_content(f, 0, buf, size, seed);
	free(buf);
}

static void test_mount(void **state)
{
	const struct fixture *fx = *state;
	struct mounted m;

	mount(fx, &m);
	assert_int_equal(m.vol.fat_type, fx->fat_type);
	assert_int_equal(m.vol.bytes_per_sector, fx->block_size);
	if (strstr(fx->mkfs_args, "-n "))
		assert_memory_equal(m.vol.label, "STRATA", 6);
	fake_disk_free(m.disk);
}

static void test_read_big_file(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;
	UINT64 blocks = (BIG_SIZE + fx->block_size - 1) / fx->block_size;

	mount(fx, &m);
	open_ok(&m, u"\\EFI\\BOOT\\BOOTX64.EFI", &f);
	fake_disk_reset_counters(m.disk);
	read_all(&f, BIG_SIZE, 1);
	/* mtools wrote it contiguously: all of it but the tail sector in one request. */
	assert_true(m.disk->largest_read >= blocks - 1);
	fake_disk_free(m.disk);
}

/* Sequential reads of awkward sizes, then reads going backwards (the chain hint must restart). */
static void test_read_chunks(void **state)
{
	static const size_t sizes[] = { 1, 511, 513, 4095, 4097, 70000, 3, 100000 };
	const struct fixture *fx = *state;
	UINT8 *buf = malloc(100000);
	struct fat_file f;
	struct mounted m;
	UINT64 offset = 0;
	UINTN got;

	mount(fx, &m);
	open_ok(&m, u"efi/boot/bootx64.efi", &f);
	for (size_t i = 0; offset < BIG_SIZE; i++) {
		size_t n = sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];

		assert_int_equal(fat_read(&f, offset, buf, n, &got), EFI_SUCCESS);
		assert_int_equal(got, offset + n > BIG_SIZE ? BIG_SIZE - offset : n);
		check_content(&f, offset, buf, got, 1);
		offset += got;
	}
	for (INT64 off = BIG_SIZE - 5000; off >= 0; off -= 123457) {
		assert_int_equal(fat_read(&f, off, buf, 5000, &got), EFI_SUCCESS);
		assert_int_equal(got, 5000);
		check_content(&f, off, buf, got, 1);
	}
	assert_int_equal(fat_read(&f, BIG_SIZE, buf, 10, &got), EFI_SUCCESS);
	assert_int_equal(got, 0);
	assert_int_equal(fat_read(&f, (UINT64)1 << 40, buf, 10, &got), EFI_SUCCESS);
	assert_int_equal(got, 0);
	free(buf);
	fake_disk_free(m.disk);
}

static void test_read_fragmented_and_small(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;
	UINTN got;
	UINT8 b;

	mount(fx, &m);
	open_ok(&m, u"/Frag.bin", &f);
	read_all(&f, FRAG_SIZE, 6);
	open_ok(&m, u"KEEP.BIN", &f);
	read_all(&f, 8192, 5);
	open_ok(&m, u"Deep\\Er\\Still\\Nested File.TXT", &f);
	read_all(&f, 777, 3);
	open_ok(&m, u"empty.txt", &f);
	assert_int_equal(fat_read(&f, 0, &b, 1, &got), EFI_SUCCESS);
	assert_int_equal(got, 0);
	fake_disk_free(m.disk);
}

static void test_paths(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f, dir;
	struct mounted m;
	char name[FAT_NAME_MAX + 1];

	mount(fx, &m);
	open_ok(&m, u"//EFI///BOOT//BOOTX64.EFI", &f);
	assert_int_equal(f.size, BIG_SIZE);
	open_ok(&m, u"EFI/./BOOT/../BOOT/bootX64.efi", &f);
	assert_int_equal(f.size, BIG_SIZE);
	open_ok(&m, u"deep/er/still/../../ER/STILL/nested file.txt", &f);
	ascii(f.name, name, sizeof(name));
	assert_string_equal(name, "Nested File.TXT");
	/* Long name matched case-insensitively, and its 8.3 alias. */
	open_ok(&m, u"a long file name with SPACES.TXT", &f);
	ascii(f.name, name, sizeof(name));
	assert_string_equal(name, "A Long File Name With Spaces.txt");
	open_ok(&m, u"ALONGF~1.TXT", &f);
	ascii(f.name, name, sizeof(name));
	assert_string_equal(name, "A Long File Name With Spaces.txt");
	/* NT lower-case flags: stored as README  TXT, shown as written. */
	open_ok(&m, u"README.TXT", &f);
	ascii(f.name, name, sizeof(name));
	assert_string_equal(name, "readme.txt");

	/* Root and its parents. */
	open_ok(&m, u"..", &f);
	assert_true(f.attributes & FAT_ATTR_DIRECTORY);
	assert_int_equal(f.first_cluster, m.vol.root_cluster);
	open_ok(&m, u"EFI/..", &f);
	assert_int_equal(f.first_cluster, m.vol.root_cluster);
	/* ".." deeper down is the parent's own entry, name and place, as EDK2 gives it. */
	open_ok(&m, u"EFI", &dir);
	open_ok(&m, u"EFI/BOOT/..", &f);
	ascii(f.name, name, sizeof(name));
	assert_string_equal(name, "EFI");
	assert_int_equal(f.first_cluster, dir.first_cluster);
	assert_int_equal(f.dir_index, dir.dir_index);
	open_ok(&m, u"deep/er/still/..", &f);
	ascii(f.name, name, sizeof(name));
	assert_string_equal(name, "Er");
	open_ok(&m, u"deep/er/still/../..", &f);
	ascii(f.name, name, sizeof(name));
	assert_string_equal(name, "Deep");
	open_ok(&m, u"", &f);
	assert_int_equal(f.first_cluster, m.vol.root_cluster);

	/* Relative to a directory, and absolute despite it. */
	open_ok(&m, u"EFI", &dir);
	assert_int_equal(fat_open(&m.vol, &dir, u"BOOT\\BOOTX64.EFI", &f), EFI_SUCCESS);
	assert_int_equal(fat_open(&m.vol, &dir, u"\\readme.txt", &f), EFI_SUCCESS);
	assert_int_equal(fat_open(&m.vol, &dir, u"readme.txt", &f), EFI_NOT_FOUND);
	assert_int_equal(fat_open(&m.vol, &dir, u"..\\readme.txt", &f), EFI_SUCCESS);
	assert_int_equal(f.size, 3);

	assert_int_equal(fat_open(&m.vol, NULL, u"nope", &f), EFI_NOT_FOUND);
	assert_int_equal(fat_open(&m.vol, NULL, u"EFI/BOOT/nope.efi", &f), EFI_NOT_FOUND);
	assert_int_equal(fat_open(&m.vol, NULL, u"readme.txt/x", &f), EFI_NOT_FOUND);
	assert_int_equal(fat_open(&m.vol, NULL, u"readme.txt/.", &f), EFI_NOT_FOUND);
	assert_int_equal(fat_open(&m.vol, NULL, u"readme.tx", &f), EFI_NOT_FOUND);
	assert_int_equal(fat_open(&m.vol, NULL, u"STRATA12", &f), EFI_NOT_FOUND); /* label */
	fake_disk_free(m.disk);
}

static void test_enumerate(void **state)
{
	static const char *const root[] = { "EFI", "Deep", "Many", "readme.txt",
					    "A Long File Name With Spaces.txt", "empty.txt",
					    "KEEP.BIN", "Frag.bin" };
	const struct fixture *fx = *state;
	struct fat_dir_cursor cursor = { 0 };
	struct fat_file dir, e;
	struct mounted m;
	char name[FAT_NAME_MAX + 1], want[64];
	unsigned seen = 0, count = 0;
	EFI_STATUS status;

	mount(fx, &m);
	fat_open_root(&m.vol, &dir);
	while ((status = fat_dir_next(&dir, &cursor, &e)) == EFI_SUCCESS) {
		ascii(e.name, name, sizeof(name));
		for (size_t i = 0; i < sizeof(root) / sizeof(root[0]); i++)
			if (strcmp(name, root[i]) == 0)
				seen |= 1u << i;
		count++;
	}
	assert_int_equal(status, EFI_NOT_FOUND);
	assert_int_equal(fat_dir_next(&dir, &cursor, &e), EFI_NOT_FOUND);
	assert_int_equal(count, sizeof(root) / sizeof(root[0]));
	assert_int_equal(seen, (1u << count) - 1);

	/* A directory spanning several clusters, entries in creation order, no "." or "..". */
	open_ok(&m, u"many", &dir);
	memset(&cursor, 0, sizeof(cursor));
	for (int i = 0; i < MANY_FILES; i++) {
		assert_int_equal(fat_dir_next(&dir, &cursor, &e), EFI_SUCCESS);
		ascii(e.name, name, sizeof(name));
		snprintf(want, sizeof(want), "file number %02d with a long name.txt", i);
		assert_string_equal(name, want);
		assert_int_equal(e.size, i);
		read_all(&e, (size_t)i, 100 + i);
	}
	assert_int_equal(fat_dir_next(&dir, &cursor, &e), EFI_NOT_FOUND);
	assert_true(cursor.index * 32 > m.vol.cluster_size);

	open_ok(&m, u"Deep/Er", &dir);
	memset(&cursor, 0, sizeof(cursor));
	assert_int_equal(fat_dir_next(&dir, &cursor, &e), EFI_SUCCESS);
	ascii(e.name, name, sizeof(name));
	assert_string_equal(name, "Still");
	assert_true(e.attributes & FAT_ATTR_DIRECTORY);
	assert_int_equal(fat_dir_next(&dir, &cursor, &e), EFI_NOT_FOUND);

	open_ok(&m, u"readme.txt", &e);
	memset(&cursor, 0, sizeof(cursor));
	assert_int_equal(fat_dir_next(&e, &cursor, &dir), EFI_INVALID_PARAMETER);
	fake_disk_free(m.disk);
}

/* The volume as a partition in the middle of a disk whose other blocks cannot be read. */
static void test_partition_offset(void **state)
{
	const struct fixture *fx = *state;
	const UINT64 before = 64;
	struct fake_disk *disk;
	struct fat_volume vol;
	struct fat_file f;
	struct mounted m;
	UINT8 *buf;
	size_t size;

	load(fx, &m);
	size = (before + 16) * fx->block_size + m.disk->size;
	buf = calloc(1, size);
	memcpy(buf + before * fx->block_size, m.disk->data, m.disk->size);
	disk = fake_disk_from_buffer(buf, size, fx->block_size);
	fake_disk_fail_at(disk, before - 1);
	assert_int_equal(fat_mount(&vol, &disk->dev, before, m.disk->dev.block_count), EFI_SUCCESS);
	fake_disk_fail_at(disk, before + m.disk->dev.block_count);
	assert_int_equal(fat_open(&vol, NULL, u"EFI/BOOT/BOOTX64.EFI", &f), EFI_SUCCESS);
	read_all(&f, BIG_SIZE, 1);
	assert_int_equal(fat_open(&vol, NULL, u"Frag.bin", &f), EFI_SUCCESS);
	read_all(&f, FRAG_SIZE, 6);
	/* A partition larger than the disk is refused. */
	assert_int_equal(fat_mount(&vol, &disk->dev, before, disk->dev.block_count),
			 EFI_INVALID_PARAMETER);
	fake_disk_free(disk);
	free(buf);
	fake_disk_free(m.disk);
}

static void test_device_error(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;
	UINT8 *buf = malloc(BIG_SIZE);
	UINTN got;

	mount(fx, &m);
	open_ok(&m, u"EFI/BOOT/BOOTX64.EFI", &f);
	fake_disk_fail_at(m.disk, m.vol.data_lba + (UINT64)(f.first_cluster - 2) *
					   m.vol.sectors_per_cluster + 7);
	assert_int_equal(fat_read(&f, 0, buf, BIG_SIZE, &got), EFI_DEVICE_ERROR);
	free(buf);
	fake_disk_free(m.disk);
}

/* Damaged copies. */

static void set_fat(struct mounted *m, UINT32 cluster, UINT32 value)
{
	UINT8 *fat = m->disk->data + m->vol.fat_lba * m->vol.bytes_per_sector;
	UINT8 *p;

	switch (m->vol.fat_type) {
	case 12:
		p = fat + cluster + cluster / 2;
		if (cluster & 1) {
			p[0] = (UINT8)((p[0] & 0x0f) | (value << 4));
			p[1] = (UINT8)(value >> 4);
		} else {
			p[0] = (UINT8)value;
			p[1] = (UINT8)((p[1] & 0xf0) | ((value >> 8) & 0x0f));
		}
		break;
	case 16:
		fat[cluster * 2] = (UINT8)value;
		fat[cluster * 2 + 1] = (UINT8)(value >> 8);
		break;
	default:
		memcpy(fat + cluster * 4, &value, 4);
		break;
	}
}

static void remount(struct mounted *m)
{
	assert_int_equal(fat_mount(&m->vol, &m->disk->dev, 0, m->disk->dev.block_count),
			 EFI_SUCCESS);
}

static void expect_read_error(struct mounted *m, const CHAR16 *path, size_t size, EFI_STATUS want)
{
	struct fat_file f;
	UINT8 *buf = malloc(size);
	UINTN got;

	remount(m);
	open_ok(m, path, &f);
	assert_int_equal(fat_read(&f, 0, buf, size, &got), want);
	free(buf);
}

static void test_chain_loop(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;

	mount(fx, &m);
	open_ok(&m, u"EFI/BOOT/BOOTX64.EFI", &f);
	/* Back to the start after a few clusters, then a cluster pointing at itself. */
	set_fat(&m, f.first_cluster + 5, f.first_cluster + 2);
	expect_read_error(&m, u"EFI/BOOT/BOOTX64.EFI", BIG_SIZE, EFI_VOLUME_CORRUPTED);
	set_fat(&m, f.first_cluster + 5, f.first_cluster + 5);
	expect_read_error(&m, u"EFI/BOOT/BOOTX64.EFI", BIG_SIZE, EFI_VOLUME_CORRUPTED);

	/* A looping directory: enumeration ends instead of running forever. */
	open_ok(&m, u"Many", &f);
	set_fat(&m, f.first_cluster, f.first_cluster);
	remount(&m);
	{
		struct fat_dir_cursor cursor = { 0 };
		struct fat_file e;
		EFI_STATUS status;
		unsigned n = 0;

		while ((status = fat_dir_next(&f, &cursor, &e)) == EFI_SUCCESS)
			n++;
		assert_int_equal(status, EFI_VOLUME_CORRUPTED);
		assert_true(n < MANY_FILES);
		assert_int_equal(fat_open(&m.vol, NULL, u"Many/nope", &e), EFI_VOLUME_CORRUPTED);
	}
	fake_disk_free(m.disk);
}

static void test_cluster_out_of_range(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;

	mount(fx, &m);
	open_ok(&m, u"EFI/BOOT/BOOTX64.EFI", &f);
	set_fat(&m, f.first_cluster + 3, m.vol.cluster_count + 2);
	expect_read_error(&m, u"EFI/BOOT/BOOTX64.EFI", BIG_SIZE, EFI_VOLUME_CORRUPTED);
	set_fat(&m, f.first_cluster + 3, 0); /* free in the middle of a chain */
	expect_read_error(&m, u"EFI/BOOT/BOOTX64.EFI", BIG_SIZE, EFI_VOLUME_CORRUPTED);
	set_fat(&m, f.first_cluster + 3, 1);
	expect_read_error(&m, u"EFI/BOOT/BOOTX64.EFI", BIG_SIZE, EFI_VOLUME_CORRUPTED);
	fake_disk_free(m.disk);
}

/* Find the directory entry with this 11-byte short name in the raw image. */
static UINT8 *find_entry(struct mounted *m, const char *short_name)
{
	for (size_t off = 0; off + 32 <= m->disk->size; off += 32)
		if (memcmp(m->disk->data + off, short_name, 11) == 0)
			return m->disk->data + off;
	fail_msg("no entry %s", short_name);
	return NULL;
}

static void test_size_beyond_chain(void **state)
{
	const struct fixture *fx = *state;
	struct mounted m;
	UINT8 *e;
	UINT32 size;

	mount(fx, &m);
	e = find_entry(&m, "README  TXT");
	size = 3 * m.vol.cluster_size;
	memcpy(e + 28, &size, 4);
	expect_read_error(&m, u"readme.txt", size, EFI_VOLUME_CORRUPTED);
	/* A non-empty file with no cluster at all. */
	memset(e + 20, 0, 2);
	memset(e + 26, 0, 2);
	expect_read_error(&m, u"readme.txt", size, EFI_VOLUME_CORRUPTED);
	fake_disk_free(m.disk);
}

static void expect_mount(struct mounted *m, size_t offset, const void *bytes, size_t n,
			 EFI_STATUS want)
{
	UINT8 saved[8];
	struct fat_volume vol;
	EFI_STATUS status;

	memcpy(saved, m->disk->data + offset, n);
	memcpy(m->disk->data + offset, bytes, n);
	status = fat_mount(&vol, &m->disk->dev, 0, m->disk->dev.block_count);
	if (status != want)
		fail_msg("bytes at %zu: status %#zx, want %#zx", offset, status, want);
	memcpy(m->disk->data + offset, saved, n);
}

static void test_bad_bpb(void **state)
{
	const struct fixture *fx = *state;
	const UINT8 zero[4] = { 0 }, ones[4] = { 0xff, 0xff, 0xff, 0xff };
	const UINT8 bps_1000[2] = { 0xe8, 0x03 }, bps_256[2] = { 0, 1 }, bps_8192[2] = { 0, 0x20 };
	const UINT8 spc_3 = 3, media_bad = 0x12;
	struct fat_volume vol;
	struct mounted m;

	mount(fx, &m);
	expect_mount(&m, 11, bps_1000, 2, EFI_UNSUPPORTED);
	expect_mount(&m, 11, bps_256, 2, EFI_UNSUPPORTED);
	expect_mount(&m, 11, bps_8192, 2, EFI_UNSUPPORTED);
	expect_mount(&m, 11, fx->block_size == 512 ? "\x00\x10" : "\x00\x02", 2, EFI_UNSUPPORTED);
	expect_mount(&m, 13, zero, 1, EFI_UNSUPPORTED);
	expect_mount(&m, 13, &spc_3, 1, EFI_UNSUPPORTED);
	expect_mount(&m, 14, zero, 2, EFI_UNSUPPORTED);	/* no reserved sectors */
	expect_mount(&m, 16, zero, 1, EFI_UNSUPPORTED);	/* no FAT */
	expect_mount(&m, 21, &media_bad, 1, EFI_UNSUPPORTED);
	if (fx->fat_type == 32) {
		expect_mount(&m, 36, ones, 4, EFI_VOLUME_CORRUPTED);	/* FAT beyond the volume */
		expect_mount(&m, 36, zero, 4, EFI_VOLUME_CORRUPTED);
		/* FAT too small for the clusters. */
		expect_mount(&m, 36, "\x01\x00\x00\x00", 4, EFI_VOLUME_CORRUPTED);
		expect_mount(&m, 17, "\x00\x02", 2, EFI_VOLUME_CORRUPTED); /* fixed root on FAT32 */
		expect_mount(&m, 22, "\x01\x00", 2, EFI_VOLUME_CORRUPTED);
		expect_mount(&m, 44, zero, 4, EFI_VOLUME_CORRUPTED);	/* root cluster 0 */
		expect_mount(&m, 44, ones, 4, EFI_VOLUME_CORRUPTED);
		/* Too few clusters for FAT32: the BPB's shape disagrees with the count. */
		expect_mount(&m, 32, "\x00\x00\x01\x00", 4, EFI_VOLUME_CORRUPTED);
	} else {
		expect_mount(&m, 22, ones, 2, EFI_VOLUME_CORRUPTED);
		expect_mount(&m, 22, "\x01\x00", 2, EFI_VOLUME_CORRUPTED); /* FAT too small */
		expect_mount(&m, 17, zero, 2, EFI_VOLUME_CORRUPTED);	/* FAT12/16 needs a root */
		/* The shape of a FAT32 BPB, with far too few clusters. */
		expect_mount(&m, 22, zero, 2, EFI_VOLUME_CORRUPTED);
		expect_mount(&m, 19, ones, 2, EFI_VOLUME_CORRUPTED);	/* beyond the partition */
	}
	/* The 32-bit sector count counts only when the 16-bit one is zero. */
	expect_mount(&m, 32, ones, 4, m.disk->data[19] || m.disk->data[20] ? EFI_SUCCESS :
					EFI_VOLUME_CORRUPTED);
	/* A partition shorter than the file system says. */
	assert_int_equal(fat_mount(&vol, &m.disk->dev, 0, m.disk->dev.block_count - 1),
			 EFI_VOLUME_CORRUPTED);
	assert_int_equal(fat_mount(&vol, &m.disk->dev, 0, 0), EFI_INVALID_PARAMETER);
	fake_disk_free(m.disk);
}

/* FAT32 with mirroring off reads the active FAT only, here the second (first one damaged). */
static void test_fat32_active_fat(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;

	mount(fx, &m);
	open_ok(&m, u"EFI/BOOT/BOOTX64.EFI", &f);
	set_fat(&m, f.first_cluster + 1, f.first_cluster + 1);
	expect_read_error(&m, u"EFI/BOOT/BOOTX64.EFI", BIG_SIZE, EFI_VOLUME_CORRUPTED);
	m.disk->data[40] = 0x81;
	remount(&m);
	assert_int_equal(m.vol.fat_lba,
			 (m.disk->data[14] | m.disk->data[15] << 8) + m.vol.fat_sectors);
	open_ok(&m, u"EFI/BOOT/BOOTX64.EFI", &f);
	read_all(&f, BIG_SIZE, 1);
	m.disk->data[40] = 0x82;	/* there is no third FAT */
	assert_int_equal(fat_mount(&m.vol, &m.disk->dev, 0, m.disk->dev.block_count),
			 EFI_VOLUME_CORRUPTED);
	fake_disk_free(m.disk);
}

/* The NT case flags on an entry written without them, patched in. */
static void test_nt_case_flags(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;
	char name[FAT_NAME_MAX + 1];
	UINT8 *e;

	mount(fx, &m);
	e = find_entry(&m, "KEEP    BIN");
	e[12] = 0x08;
	remount(&m);
	open_ok(&m, u"KEEP.BIN", &f);
	ascii(f.name, name, sizeof(name));
	assert_string_equal(name, "keep.BIN");
	e[12] = 0x10;
	remount(&m);
	open_ok(&m, u"keep.bin", &f);
	ascii(f.name, name, sizeof(name));
	assert_string_equal(name, "KEEP.bin");
	fake_disk_free(m.disk);
}

/* A long name whose checksum does not match its short entry is ignored. */
static void test_lfn_checksum(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;
	char name[FAT_NAME_MAX + 1];
	UINT8 *e;

	mount(fx, &m);
	e = find_entry(&m, "ALONGF~1TXT");
	for (UINT8 *lfn = e - 32; (lfn[11] & 0x3f) == 0x0f; lfn -= 32)
		lfn[13] ^= 0x5a;
	remount(&m);
	assert_int_equal(fat_open(&m.vol, NULL, u"A Long File Name With Spaces.txt", &f),
			 EFI_NOT_FOUND);
	open_ok(&m, u"alongf~1.txt", &f);
	ascii(f.name, name, sizeof(name));
	assert_string_equal(name, "ALONGF~1.TXT");
	fake_disk_free(m.disk);
}

/* Every case on every image, named "<image>/<case>" in the report. */
#define FAT_TEST(fx, fn) { #fx "/" #fn, fn, NULL, NULL, (void *)&fx }
#define FAT_TESTS(fx) \
	FAT_TEST(fx, test_mount), \
	FAT_TEST(fx, test_read_big_file), \
	FAT_TEST(fx, test_read_chunks), \
	FAT_TEST(fx, test_read_fragmented_and_small), \
	FAT_TEST(fx, test_paths), \
	FAT_TEST(fx, test_enumerate), \
	FAT_TEST(fx, test_partition_offset), \
	FAT_TEST(fx, test_device_error), \
	FAT_TEST(fx, test_chain_loop), \
	FAT_TEST(fx, test_cluster_out_of_range), \
	FAT_TEST(fx, test_size_beyond_chain), \
	FAT_TEST(fx, test_bad_bpb), \
	FAT_TEST(fx, test_nt_case_flags), \
	FAT_TEST(fx, test_lfn_checksum)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FAT_TESTS(fat12), FAT_TESTS(fat16), FAT_TESTS(fat32),
		FAT_TESTS(fat12_4k),
		FAT_TEST(fat32, test_fat32_active_fat),
	};

	return cmocka_run_group_tests_name("fat", tests, setup_images, teardown_images);
}
