/* SPDX-License-Identifier: MIT */
/* libFuzzer target: random FAT write sequences on small volumes against a model, fsck-checked. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/storage/fat_write.h"
#include "tests/unit/fake_disk.h"

/*
 * Input: byte 0 picks the volume (FAT12, FAT16, FAT32, made by mkfs.fat at start-up), then
 * 6-byte operations on up to NAMES files of the root directory. The model holds what each file
 * must contain; after the run the volume is mounted again and compared, and fsck.fat -n must
 * find it clean (set FUZZ_FAT_WRITE_NO_FSCK=1 to skip that and go faster).
 */
#define NAMES	   6
#define MAX_FILE   40000
#define MAX_RANGES 4096

struct volume {
	const char *mkfs;
	char path[64];
	size_t size;
	UINT8 *pristine;
	UINT8 *work; /* the image file, mapped: fsck.fat reads what the writes left */
};

static struct volume volumes[] = {
	{ "-F 12 -C %s 1024" },
	{ "-F 16 -s 1 -C %s 2600" },
	{ "-F 32 -s 1 -C %s 34000" },
};

static const CHAR16 *const names[NAMES] = {
	u"a.txt",
	u"B.TXT",
	u"Long Name Number One.dat",
	u"long name number two.dat",
	u"Mixed.Case",
	u"with space and.many.dots",
};

struct model {
	BOOLEAN exists;
	UINT8 data[MAX_FILE];
	UINT32 size;
	struct fat_file file;
};

static struct model model[NAMES];
static struct {
	UINT64 lba, count;
} ranges[MAX_RANGES];
static unsigned range_count;
static BOOLEAN ranges_overflow;
static EFI_STATUS (*disk_write)(struct block_device *, EFI_LBA, UINTN, const void *);
static BOOLEAN fsck_enabled = TRUE;

/* Remember what was written, so only that is restored for the next input. */
static EFI_STATUS logged_write(struct block_device *dev, EFI_LBA lba, UINTN count, const void *buf)
{
	if (range_count < MAX_RANGES) {
		ranges[range_count].lba = lba;
		ranges[range_count++].count = count;
	} else {
		ranges_overflow = TRUE;
	}
	return disk_write(dev, lba, count, buf);
}

static void remove_images(void)
{
	for (size_t i = 0; i < sizeof(volumes) / sizeof(volumes[0]); i++)
		if (volumes[i].path[0])
			unlink(volumes[i].path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char cmd[256];

	atexit(remove_images);
	fsck_enabled = getenv("FUZZ_FAT_WRITE_NO_FSCK") == NULL;
	for (size_t i = 0; i < sizeof(volumes) / sizeof(volumes[0]); i++) {
		struct volume *v = &volumes[i];
		char args[128];
		int fd;

		snprintf(v->path, sizeof(v->path), "/tmp/strata-fuzz-fatw-%d-%zu.img",
			 (int)getpid(), i);
		snprintf(args, sizeof(args), v->mkfs, v->path);
		snprintf(cmd, sizeof(cmd), "mkfs.fat %s >/dev/null", args);
		if (system(cmd) != 0)
			abort();
		fd = open(v->path, O_RDWR);
		if (fd < 0)
			abort();
		v->size = (size_t)lseek(fd, 0, SEEK_END);
		v->work = mmap(NULL, v->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		v->pristine = malloc(v->size);
		if (v->work == MAP_FAILED || !v->pristine)
			abort();
		memcpy(v->pristine, v->work, v->size);
	}
	return 0;
}

static void check(BOOLEAN ok)
{
	if (!ok)
		__builtin_trap();
}

static void verify(struct fat_volume *vol)
{
	static UINT8 buf[MAX_FILE + 1];
	struct fat_dir_cursor cursor = { 0 };
	struct fat_file f, root;
	unsigned listed = 0, expected = 0;
	UINTN got;

	for (int i = 0; i < NAMES; i++) {
		EFI_STATUS status = fat_open(vol, NULL, names[i], &f);

		if (!model[i].exists) {
			check(status == EFI_NOT_FOUND);
			continue;
		}
		expected++;
		check(status == EFI_SUCCESS && f.size == model[i].size);
		check(fat_read(&f, 0, buf, sizeof(buf), &got) == EFI_SUCCESS && got == f.size);
		check(memcmp(buf, model[i].data, got) == 0);
	}
	fat_open_root(vol, &root);
	while (fat_dir_next(&root, &cursor, &f) == EFI_SUCCESS)
		listed++;
	check(listed == expected);
}

static void run_ops(struct fat_volume *vol, const uint8_t *data, size_t size)
{
	struct fat_file root;

	fat_open_root(vol, &root);
	for (; size >= 6; data += 6, size -= 6) {
		struct model *m = &model[data[1] % NAMES];
		UINT32 a = (UINT32)(data[2] | data[3] << 8) % MAX_FILE;
		UINT32 b = (UINT32)(data[4] | data[5] << 8) % MAX_FILE;
		EFI_STATUS status;

		switch (data[0] % 6) {
		case 0: /* create */
			if (m->exists)
				break;
			status = fat_create(&root, names[m - model], 0, &m->file);
			check(status == EFI_SUCCESS || status == EFI_VOLUME_FULL);
			m->exists = status == EFI_SUCCESS;
			m->size = 0;
			break;
		case 1: /* write b bytes at a, pattern from the op */
			if (!m->exists)
				break;
			if (a + b > MAX_FILE)
				b = MAX_FILE - a;
			{
				static UINT8 buf[MAX_FILE];

				for (UINT32 i = 0; i < b; i++)
					buf[i] = (UINT8)(data[0] + i * 7);
				status = fat_write(&m->file, a, buf, b);
				check(status == EFI_SUCCESS || status == EFI_VOLUME_FULL);
				if (status != EFI_SUCCESS)
					break;
				if (a > m->size)
					memset(m->data + m->size, 0, a - m->size);
				memcpy(m->data + a, buf, b);
				if (a + b > m->size)
					m->size = a + b;
			}
			break;
		case 2: /* resize to a */
			if (!m->exists)
				break;
			status = fat_set_size(&m->file, a);
			check(status == EFI_SUCCESS || status == EFI_VOLUME_FULL);
			if (status != EFI_SUCCESS)
				break;
			if (a > m->size)
				memset(m->data + m->size, 0, a - m->size);
			m->size = a;
			break;
		case 3: { /* rename to another of the names */
			struct model *to = &model[data[2] % NAMES];

			if (!m->exists || to->exists)
				break;
			status = fat_rename(&m->file, &root, names[to - model]);
			check(status == EFI_SUCCESS || status == EFI_VOLUME_FULL);
			if (status != EFI_SUCCESS)
				break;
			memcpy(to->data, m->data, m->size);
			to->size = m->size;
			to->file = m->file;
			to->exists = TRUE;
			m->exists = FALSE;
			break;
		}
		case 4: /* delete */
			if (!m->exists)
				break;
			check(fat_delete(&m->file) == EFI_SUCCESS);
			m->exists = FALSE;
			break;
		default: /* everything on the disk, and nothing else: check through a new mount */
			/* What Close does: write what fat_write held back. */
			check(fat_flush(vol) == EFI_SUCCESS);
			verify(vol);
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volume *v;
	struct fake_disk *disk;
	struct fat_volume *vol;
	char cmd[160];

	if (size < 1)
		return 0;
	v = &volumes[data[0] % (sizeof(volumes) / sizeof(volumes[0]))];
	disk = fake_disk_from_buffer(v->work, v->size, 512);
	vol = malloc(sizeof(*vol));
	if (!disk || !vol)
		abort();
	disk_write = disk->dev.write;
	disk->dev.write = logged_write;
	range_count = 0;
	ranges_overflow = FALSE;
	memset(model, 0, sizeof(model));
	check(fat_mount(vol, &disk->dev, 0, disk->dev.block_count) == EFI_SUCCESS);
	run_ops(vol, data + 1, size - 1);
	check(fat_flush(vol) == EFI_SUCCESS);
	check(fat_mount(vol, &disk->dev, 0, disk->dev.block_count) == EFI_SUCCESS);
	verify(vol);
	if (fsck_enabled && range_count) {
		msync(v->work, v->size, MS_SYNC);
		snprintf(cmd, sizeof(cmd), "fsck.fat -n %s >/dev/null 2>&1", v->path);
		check(system(cmd) == 0);
	}
	/* Back to the fresh volume for the next input. */
	if (ranges_overflow) {
		memcpy(v->work, v->pristine, v->size);
	} else {
		for (unsigned i = 0; i < range_count; i++)
			memcpy(v->work + ranges[i].lba * 512, v->pristine + ranges[i].lba * 512,
			       ranges[i].count * 512);
	}
	free(vol);
	fake_disk_free(disk);
	return 0;
}
