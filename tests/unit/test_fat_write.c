/* SPDX-License-Identifier: MIT */
/* FAT writing on mkfs.fat images, checked with fsck.fat -n and mtools, and with power cuts. */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/storage/fat_write.h"
#include "tests/unit/fake_disk.h"

struct fixture {
	const char *file;
	const char *mkfs_args;
	UINT32 block_size;
	UINT8 fat_type;
};

static const struct fixture fat12 = { "w12.img", "-F 12 -n W12 -C %s 2048", 512, 12 };
static const struct fixture fat16 = { "w16.img", "-F 16 -n W16 -C %s 16384", 512, 16 };
static const struct fixture fat32 = { "w32.img", "-F 32 -n W32 -C %s 66000", 512, 32 };
static const struct fixture fat12_4k = { "w12-4k.img", "-F 12 -S 4096 -s 1 -C %s 2048", 4096, 12 };
static const struct fixture *const fixtures[] = { &fat12, &fat16, &fat32, &fat12_4k };

static char tmpdir[] = "/tmp/strata-test-fatw-XXXXXX";

static UINT8 pattern(size_t i, unsigned seed)
{
	return (UINT8)(((i + seed) * 2654435761u) >> 13);
}

static int run_status(const char *fmt, ...)
{
	char cmd[4096];
	int n;
	va_list ap;

	n = snprintf(cmd, sizeof(cmd), "cd %s && ", tmpdir);
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	va_end(ap);
	return system(cmd);
}

#define run(...)                                                      \
	do {                                                          \
		if (run_status(__VA_ARGS__) != 0)                     \
			fail_msg("command failed: %s", #__VA_ARGS__); \
	} while (0)

static int setup_images(void **state)
{
	char mkfs[256];
	FILE *f;

	if (!mkdtemp(tmpdir))
		return -1;
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	snprintf(mkfs, sizeof(mkfs), "%s/keep.bin", tmpdir);
	f = fopen(mkfs, "wb");
	if (!f)
		return -1;
	for (size_t i = 0; i < 9000; i++)
		fputc(pattern(i, 7), f);
	fclose(f);
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		snprintf(mkfs, sizeof(mkfs), fixtures[i]->mkfs_args, fixtures[i]->file);
		if (run_status("mkfs.fat %s >/dev/null", mkfs) ||
		    run_status(
			    "mmd -i %1$s ::/Old ::/Old/Inner && mcopy -i %1$s keep.bin ::/keep.bin"
			    " && mcopy -i %1$s keep.bin '::/Old/Kept Long Name.bin'",
			    fixtures[i]->file))
			return -1;
	}
	return 0;
}

static int teardown_images(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

struct mounted {
	const struct fixture *fx;
	struct fake_disk *disk;
	struct fat_volume vol;
	struct fat_file root;
};

static void mount(const struct fixture *fx, struct mounted *m)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, fx->file);
	m->fx = fx;
	m->disk = fake_disk_open_file(path, fx->block_size);
	assert_non_null(m->disk);
	assert_int_equal(fat_mount(&m->vol, &m->disk->dev, 0, m->disk->dev.block_count),
			 EFI_SUCCESS);
	fat_open_root(&m->vol, &m->root);
}

/* Mount again from the bytes on the disk, as the next boot would. */
static void remount(struct mounted *m)
{
	assert_int_equal(fat_mount(&m->vol, &m->disk->dev, 0, m->disk->dev.block_count),
			 EFI_SUCCESS);
	fat_open_root(&m->vol, &m->root);
}

static void save(struct mounted *m, const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(m->disk->data, 1, m->disk->size, f), m->disk->size);
	fclose(f);
}

/* fsck.fat -n finds nothing to fix. */
static void fsck_clean(struct mounted *m)
{
	save(m, "check.img");
	if (run_status("fsck.fat -n check.img >fsck.log 2>&1") != 0) {
		run_status("cat fsck.log >&2");
		fail_msg("fsck.fat -n check.img is not clean (%s)", m->fx->file);
	}
}

/*
 * After a power cut: fsck.fat may find lost clusters (and what follows from them: a chain longer
 * than its file, a stale FSInfo count, FAT copies that differ) and nothing else.
 */
static void fsck_after_cut(struct mounted *m, const char *what, UINT64 cut)
{
	static const char *const allowed[] = {
		"^fsck\\.fat ",
		"^$",
		"^Leaving filesystem unchanged",
		"^check\\.img: [0-9]+ files",
		"^Reclaimed [0-9]+ unused clusters? ",
		"^Free cluster summary wrong",
		"^FATs differ",
		"^  Using first FAT",
		"^  Auto-correcting",
		"^/",
		"^  File size is [0-9]+ bytes, cluster chain length is > ",
		"^  Truncating file to ",
	};
	char line[512];
	FILE *log;

	save(m, "check.img");
	run_status("fsck.fat -n check.img >fsck.log 2>&1");
	snprintf(line, sizeof(line), "%s/fsck.log", tmpdir);
	log = fopen(line, "r");
	assert_non_null(log);
	while (fgets(line, sizeof(line), log)) {
		BOOLEAN ok = FALSE;

		line[strcspn(line, "\n")] = 0;
		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !ok; i++) {
			regex_t re;

			assert_int_equal(regcomp(&re, allowed[i], REG_EXTENDED | REG_NOSUB), 0);
			ok = regexec(&re, line, 0, NULL, 0) == 0;
			regfree(&re);
		}
		if (!ok) {
			fclose(log);
			run_status("cat fsck.log >&2");
			fail_msg("%s, %s, cut after %llu blocks: fsck.fat says \"%s\"", m->fx->file,
				 what, (unsigned long long)cut, line);
		}
	}
	fclose(log);
}

static void put_pattern(UINT8 *buf, size_t offset, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(offset + i, seed);
}

/* The file at path (in the saved check.img) has exactly the bytes of want, through mcopy. */
static void mtools_equal(const char *path, const UINT8 *want, size_t size)
{
	char out[256];
	UINT8 *got = malloc(size + 1);
	FILE *f;

	run("rm -f out.bin && mcopy -n -i check.img '::%s' out.bin", path);
	snprintf(out, sizeof(out), "%s/out.bin", tmpdir);
	f = fopen(out, "rb");
	assert_non_null(f);
	assert_int_equal(fread(got, 1, size + 1, f), size);
	fclose(f);
	assert_memory_equal(got, want, size);
	free(got);
}

static void create_ok(struct fat_file *dir, const CHAR16 *name, UINT8 attr, struct fat_file *ret)
{
	assert_int_equal(fat_create(dir, name, attr, ret), EFI_SUCCESS);
}

static void read_back(struct mounted *m, const CHAR16 *path, const UINT8 *want, size_t size)
{
	struct fat_file f;
	UINT8 *got = malloc(size + 1);
	UINTN n;

	assert_int_equal(fat_open(&m->vol, NULL, path, &f), EFI_SUCCESS);
	assert_int_equal(f.size, size);
	assert_int_equal(fat_read(&f, 0, got, size + 1, &n), EFI_SUCCESS);
	assert_int_equal(n, size);
	assert_memory_equal(got, want, size);
	free(got);
}

/* Writes of odd sizes that cross sectors and clusters, then a rewrite in the middle. */
static void test_create_write_read(void **state)
{
	static const size_t sizes[] = { 1, 511, 513, 4097, 3, 70001, 512, 8192 };
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;
	size_t total = 0;
	UINT8 *want = malloc(200000);

	mount(fx, &m);
	create_ok(&m.root, u"hello.txt", 0, &f);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		put_pattern(want + total, total, sizes[i], 1);
		assert_int_equal(fat_write(&f, total, want + total, sizes[i]), EFI_SUCCESS);
		total += sizes[i];
		assert_int_equal(f.size, total);
	}
	put_pattern(want + 1000, 1000, 20000, 2);
	assert_int_equal(fat_write(&f, 1000, want + 1000, 20000), EFI_SUCCESS);
	assert_int_equal(f.size, total);
	/* What EFI Close does: the size fat_write held back reaches the disk. */
	assert_int_equal(fat_sync(&m.vol), EFI_SUCCESS);
	remount(&m);
	read_back(&m, u"\\HELLO.TXT", want, total);
	fsck_clean(&m);
	mtools_equal("/hello.txt", want, total);
	/* A lower-case 8.3 name is kept by the NT case bits, without a long name. */
	run("mdir -i check.img ::/ | grep -q '^hello    txt'");
	fake_disk_free(m.disk);
	free(want);
}

/* Writing past the end fills the gap with zeros; SetInfo-style resizes cut and extend. */
static void test_gap_truncate_extend(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;
	UINT8 *want = calloc(1, 100000);

	mount(fx, &m);
	create_ok(&m.root, u"Gap File.bin", 0, &f);
	put_pattern(want, 0, 100, 3);
	assert_int_equal(fat_write(&f, 0, want, 100), EFI_SUCCESS);
	put_pattern(want + 30000, 30000, 77, 3);
	assert_int_equal(fat_write(&f, 30000, want + 30000, 77), EFI_SUCCESS);
	assert_int_equal(f.size, 30077);
	assert_int_equal(fat_sync(&m.vol), EFI_SUCCESS);
	fsck_clean(&m);
	mtools_equal("/Gap File.bin", want, 30077);
	assert_int_equal(fat_set_size(&f, 5000), EFI_SUCCESS);
	fsck_clean(&m);
	mtools_equal("/Gap File.bin", want, 5000);
	memset(want + 5000, 0, 95000);
	assert_int_equal(fat_set_size(&f, 90000), EFI_SUCCESS);
	fsck_clean(&m);
	mtools_equal("/Gap File.bin", want, 90000);
	assert_int_equal(fat_set_size(&f, 0), EFI_SUCCESS);
	assert_int_equal(f.first_cluster, 0);
	remount(&m);
	read_back(&m, u"gap file.bin", want, 0);
	fsck_clean(&m);
	fake_disk_free(m.disk);
	free(want);
}

/* Long names get ordinals and checksums and Windows-style aliases; mtools sees both. */
static void test_long_names_and_aliases(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;

	mount(fx, &m);
	create_ok(&m.root, u"A Long File Name.txt", 0, &f);
	create_ok(&m.root, u"A Long File Name 2.txt", 0, &f);
	create_ok(&m.root, u"Mixed.Txt", 0, &f);
	create_ok(&m.root, u"UPPER.TXT", 0, &f);
	create_ok(&m.root, u"lower", 0, &f);
	create_ok(&m.root, u"many.dots.in.name", 0, &f);
	create_ok(&m.root, u"a+b=c;[x].txt", 0, &f);
	create_ok(&m.root,
		  u"\u00e9t\u00e9 \u00e0 Paris with a name longer than twenty-six chars.txt", 0,
		  &f);
	fsck_clean(&m);
	run("mdir -i check.img ::/ >mdir.log");
	run("grep -q '^ALONGF~1 TXT .* A Long File Name.txt$' mdir.log");
	run("grep -q '^ALONGF~2 TXT .* A Long File Name 2.txt$' mdir.log");
	run("grep -q '^MIXED    TXT .* Mixed.Txt$' mdir.log");
	run("grep -q '^UPPER    TXT ' mdir.log && ! grep -q 'UPPER.TXT$' mdir.log");
	run("grep -q '^lower  ' mdir.log");
	run("grep -q '^MANYDO~1 NAM .* many.dots.in.name$' mdir.log");
	run("grep -q '^A_B_C_~1 TXT .* a+b=c;\\[x\\].txt$' mdir.log");
	run("grep -q '^_T__PA~1 TXT ' mdir.log");
	/* The same names are found again, in any case, through either name. */
	remount(&m);
	assert_int_equal(fat_open(&m.vol, NULL, u"a long file name 2.TXT", &f), EFI_SUCCESS);
	assert_int_equal(fat_open(&m.vol, NULL, u"ALONGF~2.TXT", &f), EFI_SUCCESS);
	assert_int_equal(fat_open(&m.vol, NULL, u"mixed.txt", &f), EFI_SUCCESS);
	assert_int_equal(f.name[0], 'M');
	assert_int_equal(fat_create(&m.root, u"bad:name", 0, &f), EFI_INVALID_PARAMETER);
	assert_int_equal(fat_create(&m.root, u"..", 0, &f), EFI_INVALID_PARAMETER);
	fake_disk_free(m.disk);
}

/* Directories: created with "." and "..", grown by clusters when full, found by mtools. */
static void test_directories_grow(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file dir, sub, f;
	struct mounted m;
	CHAR16 name[64];

	mount(fx, &m);
	create_ok(&m.root, u"New Directory", FAT_ATTR_DIRECTORY, &dir);
	create_ok(&dir, u"sub", FAT_ATTR_DIRECTORY, &sub);
	for (int i = 0; i < 60; i++) {
		char ascii_name[64];

		snprintf(ascii_name, sizeof(ascii_name), "entry number %02d with a long name.txt",
			 i);
		for (size_t j = 0; j <= strlen(ascii_name); j++)
			name[j] = (CHAR16)ascii_name[j];
		create_ok(&sub, name, 0, &f);
		assert_int_equal(fat_write(&f, 0, ascii_name, strlen(ascii_name)), EFI_SUCCESS);
	}
	assert_int_equal(fat_sync(&m.vol), EFI_SUCCESS);
	fsck_clean(&m);
	run("test $(mdir -b -i check.img '::/New Directory/sub' | wc -l) -eq 60");
	run("mcopy -n -i check.img '::/New Directory/sub/entry number 59 with a long name.txt' "
	    "out.txt && grep -qx 'entry number 59 with a long name.txt' out.txt");
	remount(&m);
	assert_int_equal(fat_open(&m.vol, NULL, u"\\New Directory\\sub\\..\\sub\\ENTRYN~1.TXT", &f),
			 EFI_SUCCESS);
	fake_disk_free(m.disk);
}

/* The fixed root of FAT12/16 answers EFI_VOLUME_FULL once full; FAT32's root grows instead. */
static void test_root_full(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;
	CHAR16 name[16];
	EFI_STATUS status = EFI_SUCCESS;
	const UINT8 *e;
	UINT32 used = 0;
	int i;

	mount(fx, &m);
	for (UINT32 n = 0; fat_dir_entry(&m.root, n, &e) == EFI_SUCCESS && e[0]; n++)
		used += e[0] != 0xe5;
	for (i = 0; i < 700 && status == EFI_SUCCESS; i++) {
		name[0] = 'F';
		for (int d = 0; d < 4; d++)
			name[1 + d] = (CHAR16)('0' + (i / (int[]){ 1000, 100, 10, 1 }[d]) % 10);
		name[5] = 0;
		status = fat_create(&m.root, name, 0, &f);
	}
	if (fx->fat_type == 32) {
		assert_int_equal(status, EFI_SUCCESS);
	} else {
		assert_int_equal(status, EFI_VOLUME_FULL);
		/* Every entry the root had left, one per 8.3 name. */
		assert_int_equal(i - 1, m.vol.root_entries - used);
	}
	fsck_clean(&m);
	fake_disk_free(m.disk);
}

/* Filling the volume: the write that does not fit fails whole with EFI_VOLUME_FULL. */
static void test_volume_full(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;
	UINT32 free_count;
	size_t chunk = 64 * 1024;
	UINT8 *buf = malloc(chunk);
	EFI_STATUS status;
	UINT32 before;

	if (fx->fat_type == 32)
		chunk = 1024 * 1024;
	buf = realloc(buf, chunk);
	put_pattern(buf, 0, chunk, 9);
	mount(fx, &m);
	create_ok(&m.root, u"fill.bin", 0, &f);
	do {
		before = f.size;
		status = fat_write(&f, f.size, buf, chunk);
	} while (status == EFI_SUCCESS);
	assert_int_equal(status, EFI_VOLUME_FULL);
	assert_int_equal(f.size, before);
	assert_int_equal(fat_count_free(&m.vol, &free_count), EFI_SUCCESS);
	assert_true((UINT64)free_count * m.vol.cluster_size < chunk);
	assert_int_equal(fat_sync(&m.vol), EFI_SUCCESS);
	fsck_clean(&m);
	fake_disk_free(m.disk);
	free(buf);
}

/*
 * What a sequential write costs the disk: 1 MiB writes on a disk with a write cache go out as
 * one data request each, the FAT when its window moves on, the entry only at the flush.
 */
static void test_write_costs(void **state)
{
	const struct fixture *fx = *state;
	const size_t chunk = 1024 * 1024, writes = 8;
	struct fat_file f;
	struct mounted m;
	UINT8 *buf = malloc(chunk), *want = malloc(chunk * writes);
	unsigned calls, flushes;

	mount(fx, &m);
	fake_disk_cache_writes(m.disk);
	create_ok(&m.root, u"stream.bin", 0, &f);
	assert_int_equal(fat_sync(&m.vol), EFI_SUCCESS);
	calls = m.disk->write_calls;
	flushes = m.disk->flush_calls;
	for (size_t i = 0; i < writes; i++) {
		put_pattern(want + i * chunk, i * chunk, chunk, 4);
		memcpy(buf, want + i * chunk, chunk);
		assert_int_equal(fat_write(&f, f.size, buf, chunk), EFI_SUCCESS);
	}
	calls = m.disk->write_calls - calls;
	flushes = m.disk->flush_calls - flushes;
	print_message("%s: %zu writes of 1 MiB: %u block writes, %u flushes\n", fx->file, writes,
		      calls, flushes);
	/*
	 * Per write its data, and now and then both FAT copies of a window of new entries; no
	 * flush (the old code wrote the FAT, the entry and FSInfo each time, with two flushes).
	 */
	assert_true(calls <= 5 * writes);
	assert_int_equal(flushes, 0);
	calls = m.disk->write_calls;
	flushes = m.disk->flush_calls;
	assert_int_equal(fat_sync(&m.vol), EFI_SUCCESS);
	calls = m.disk->write_calls - calls;
	flushes = m.disk->flush_calls - flushes;
	print_message("%s: the flush: %u block writes, %u flushes\n", fx->file, calls, flushes);
	/* FAT copies, the entry, FSInfo; a flush before the FAT, the entry, and at the end. */
	assert_true(calls <= 4);
	assert_true(flushes <= 3);
	remount(&m);
	read_back(&m, u"stream.bin", want, chunk * writes);
	fsck_clean(&m);
	mtools_equal("/stream.bin", want, chunk * writes);
	fake_disk_free(m.disk);
	free(buf);
	free(want);
}

/* Rename in place, move between directories (".." follows), and the moves refused. */
static void test_rename_and_move(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f, old, inner, dir;
	struct mounted m;
	UINT8 keep[9000];

	put_pattern(keep, 0, sizeof(keep), 7);
	mount(fx, &m);
	assert_int_equal(fat_open(&m.vol, NULL, u"\\keep.bin", &f), EFI_SUCCESS);
	assert_int_equal(fat_rename(&f, &m.root, u"Renamed With A Long Name.bin"), EFI_SUCCESS);
	assert_int_equal(fat_open(&m.vol, NULL, u"\\Old", &old), EFI_SUCCESS);
	assert_int_equal(fat_rename(&f, &old, u"moved.bin"), EFI_SUCCESS);
	assert_int_equal(fat_open(&m.vol, NULL, u"\\Old\\Inner", &inner), EFI_SUCCESS);
	/* A name taken, and a directory into its own subtree: refused. */
	assert_int_equal(fat_rename(&f, &old, u"Kept Long Name.bin"), EFI_ACCESS_DENIED);
	assert_int_equal(fat_rename(&old, &inner, u"Loop"), EFI_ACCESS_DENIED);
	assert_int_equal(fat_rename(&inner, &m.root, u"Inner Moved To Root"), EFI_SUCCESS);
	create_ok(&m.root, u"Target", FAT_ATTR_DIRECTORY, &dir);
	assert_int_equal(fat_rename(&old, &dir, u"Old"), EFI_SUCCESS);
	fsck_clean(&m);
	mtools_equal("/Target/Old/moved.bin", keep, sizeof(keep));
	mtools_equal("/Target/Old/Kept Long Name.bin", keep, sizeof(keep));
	run("mdir -i check.img '::/Inner Moved To Root' >/dev/null");
	remount(&m);
	assert_int_equal(fat_open(&m.vol, NULL, u"\\Target\\Old\\..\\..\\keep.bin", &f),
			 EFI_NOT_FOUND);
	assert_int_equal(fat_open(&m.vol, NULL, u"\\Target\\Old\\..\\Old\\moved.bin", &f),
			 EFI_SUCCESS);
	fake_disk_free(m.disk);
}

/* Delete files and empty directories; a directory with entries stays. */
static void test_delete(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f, dir;
	struct mounted m;
	UINT32 free_before, free_after;

	mount(fx, &m);
	assert_int_equal(fat_count_free(&m.vol, &free_before), EFI_SUCCESS);
	assert_int_equal(fat_open(&m.vol, NULL, u"\\Old", &dir), EFI_SUCCESS);
	assert_int_equal(fat_delete(&dir), EFI_ACCESS_DENIED);
	assert_int_equal(fat_open(&m.vol, NULL, u"\\Old\\Kept Long Name.bin", &f), EFI_SUCCESS);
	assert_int_equal(fat_delete(&f), EFI_SUCCESS);
	assert_int_equal(fat_open(&m.vol, NULL, u"\\Old\\Inner", &f), EFI_SUCCESS);
	assert_int_equal(fat_delete(&f), EFI_SUCCESS);
	assert_int_equal(fat_delete(&dir), EFI_SUCCESS);
	assert_int_equal(fat_count_free(&m.vol, &free_after), EFI_SUCCESS);
	assert_true(free_after > free_before);
	fsck_clean(&m);
	run("! mdir -i check.img ::/Old >/dev/null 2>&1");
	remount(&m);
	assert_int_equal(fat_open(&m.vol, NULL, u"\\Old", &f), EFI_NOT_FOUND);
	fake_disk_free(m.disk);
}

/* Read-only media: nothing is written, every change answers EFI_WRITE_PROTECTED. */
static void test_read_only(void **state)
{
	const struct fixture *fx = *state;
	struct fat_file f;
	struct mounted m;

	mount(fx, &m);
	fake_disk_set_read_only(m.disk);
	assert_int_equal(fat_create(&m.root, u"x", 0, &f), EFI_WRITE_PROTECTED);
	assert_int_equal(fat_open(&m.vol, NULL, u"keep.bin", &f), EFI_SUCCESS);
	assert_int_equal(fat_write(&f, 0, "x", 1), EFI_WRITE_PROTECTED);
	assert_int_equal(fat_set_size(&f, 1), EFI_WRITE_PROTECTED);
	assert_int_equal(fat_delete(&f), EFI_WRITE_PROTECTED);
	assert_int_equal(fat_rename(&f, &m.root, u"y"), EFI_WRITE_PROTECTED);
	assert_int_equal(m.disk->write_calls, 0);
	fake_disk_free(m.disk);
}

enum cut_op {
	CUT_CREATE_WRITE,
	CUT_APPEND,
	CUT_TRUNCATE,
	CUT_RENAME,
	CUT_MOVE_DIR,
	CUT_DELETE,
	CUT_MKDIR_GROW,
	CUT_WRITES_FLUSH,
	CUT_COUNT
};
static const char *const cut_names[] = { "create+write",   "append", "truncate",   "rename",
					 "move directory", "delete", "mkdir+grow", "writes+flush" };

/* One operation of the power-cut test, on a volume that holds keep.bin and /Old. */
static void cut_run(struct mounted *m, enum cut_op op)
{
	static UINT8 buf[20000];
	struct fat_file f, dir;
	CHAR16 name[] = u"grow entry 00 with a long name";

	put_pattern(buf, 0, sizeof(buf), 5);
	switch (op) {
	case CUT_CREATE_WRITE:
		if (fat_create(&m->root, u"New Long Named File.bin", 0, &f) == EFI_SUCCESS &&
		    fat_write(&f, 0, buf, sizeof(buf)) == EFI_SUCCESS)
			fat_sync(&m->vol);
		break;
	case CUT_APPEND:
		if (fat_open(&m->vol, NULL, u"keep.bin", &f) == EFI_SUCCESS &&
		    fat_write(&f, 12000, buf, sizeof(buf)) == EFI_SUCCESS)
			fat_sync(&m->vol);
		break;
	case CUT_WRITES_FLUSH:
		/*
		 * Sequential writes held back in memory, a second file's write that pushes the
		 * first one's entry out, then the flush's write-back: a cut between any two block
		 * writes, before the flush or inside it, leaves lost clusters at worst.
		 */
		if (fat_create(&m->root, u"Deferred.bin", 0, &f) != EFI_SUCCESS)
			break;
		for (size_t at = 0; at < sizeof(buf); at += 5000)
			if (fat_write(&f, at, buf + at, 5000) != EFI_SUCCESS)
				return;
		if (fat_open(&m->vol, NULL, u"keep.bin", &dir) != EFI_SUCCESS ||
		    fat_write(&dir, 9000, buf, 3000) != EFI_SUCCESS ||
		    fat_write(&f, sizeof(buf), buf, 7000) != EFI_SUCCESS)
			break;
		fat_sync(&m->vol);
		break;
	case CUT_TRUNCATE:
		if (fat_open(&m->vol, NULL, u"keep.bin", &f) == EFI_SUCCESS)
			fat_set_size(&f, 700);
		break;
	case CUT_RENAME:
		if (fat_open(&m->vol, NULL, u"\\Old\\Kept Long Name.bin", &f) == EFI_SUCCESS)
			fat_rename(&f, &m->root, u"Another Much Longer Name For It.bin");
		break;
	case CUT_MOVE_DIR:
		if (fat_open(&m->vol, NULL, u"\\Old\\Inner", &f) == EFI_SUCCESS)
			fat_rename(&f, &m->root, u"Inner Now In Root");
		break;
	case CUT_DELETE:
		if (fat_open(&m->vol, NULL, u"keep.bin", &f) == EFI_SUCCESS)
			fat_delete(&f);
		break;
	case CUT_MKDIR_GROW:
		if (fat_create(&m->root, u"Grown", FAT_ATTR_DIRECTORY, &dir) != EFI_SUCCESS)
			break;
		for (int i = 0; i < 12; i++) {
			name[11] = (CHAR16)('0' + i / 10);
			name[12] = (CHAR16)('0' + i % 10);
			if (fat_create(&dir, name, 0, &f) != EFI_SUCCESS)
				break;
		}
		break;
	default:
		break;
	}
}

/*
 * Stop the disk after every block write of each operation: fsck finds lost clusters at worst.
 * cached: the disk has a write cache, and at the cut every block written since the last flush
 * but the newest is lost (the file system's flushes must order what needs ordering).
 */
static void power_cut(const struct fixture *fx, bool cached)
{
	struct mounted m;

	for (int op = 0; op < CUT_COUNT; op++) {
		UINT64 total;

		mount(fx, &m);
		cut_run(&m, op);
		total = m.disk->blocks_written;
		assert_true(total > 0);
		fsck_clean(&m);
		fake_disk_free(m.disk);
		for (UINT64 cut = 0; cut < total; cut++) {
			mount(fx, &m);
			if (cached)
				fake_disk_cache_writes(m.disk);
			fake_disk_cut_after(m.disk, cut);
			cut_run(&m, op);
			assert_true(m.disk->power_cut);
			if (cached)
				fake_disk_lose_unflushed_but_last(m.disk);
			fsck_after_cut(&m, cut_names[op], cut);
			fake_disk_free(m.disk);
		}
	}
}

static void test_power_cut(void **state)
{
	power_cut(*state, false);
}

static void test_power_cut_write_cache(void **state)
{
	power_cut(*state, true);
}

#define FAT_TESTS(fx)                                                                \
	cmocka_unit_test_prestate(test_create_write_read, (void *)&fx),              \
		cmocka_unit_test_prestate(test_gap_truncate_extend, (void *)&fx),    \
		cmocka_unit_test_prestate(test_long_names_and_aliases, (void *)&fx), \
		cmocka_unit_test_prestate(test_directories_grow, (void *)&fx),       \
		cmocka_unit_test_prestate(test_root_full, (void *)&fx),              \
		cmocka_unit_test_prestate(test_volume_full, (void *)&fx),            \
		cmocka_unit_test_prestate(test_rename_and_move, (void *)&fx),        \
		cmocka_unit_test_prestate(test_delete, (void *)&fx),                 \
		cmocka_unit_test_prestate(test_read_only, (void *)&fx),              \
		cmocka_unit_test_prestate(test_power_cut, (void *)&fx),              \
		cmocka_unit_test_prestate(test_power_cut_write_cache, (void *)&fx)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FAT_TESTS(fat12),
		FAT_TESTS(fat16),
		FAT_TESTS(fat32),
		FAT_TESTS(fat12_4k),
		/* The one volume with room for 8 MiB. */
		cmocka_unit_test_prestate(test_write_costs, (void *)&fat32),
	};

	return cmocka_run_group_tests(tests, setup_images, teardown_images);
}
