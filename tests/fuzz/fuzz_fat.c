/* SPDX-License-Identifier: MIT */
/* libFuzzer target: mount a disk image, open paths, walk directories and read every file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/storage/fat.h"
#include "tests/unit/fake_disk.h"

/*
 * Input: an 8-byte prefix, then the disk. Prefix bytes 0..3 give the disk length in blocks (the
 * blocks past the input read as zeroes, so a few hundred KiB describe a large FAT32 volume),
 * byte 4 bit 0 picks 4096-byte blocks instead of 512.
 */
#define PREFIX 8
#define MAX_BLOCKS (1u << 20)
#define MAX_DEPTH 4
#define MAX_ENTRIES 64
/* Entries visited per input: a directory pointing at the root would otherwise recurse 64^4. */
#define MAX_VISITS 256
#define READ_CAP 65536

static UINT8 buf[READ_CAP];
static unsigned visits;

static void read_file(const struct fat_file *f)
{
	UINTN got;

	if (fat_read(f, 0, buf, sizeof(buf), &got) == EFI_SUCCESS && got > sizeof(buf))
		__builtin_trap();
	if (fat_read(f, 3, buf, 1000, &got) == EFI_SUCCESS && got > 1000)
		__builtin_trap();
	if (f->size > 5000)
		fat_read(f, f->size - 4097, buf, 4200, &got);
}

static void walk(struct fat_volume *vol, const struct fat_file *dir, int depth)
{
	struct fat_dir_cursor cursor = { 0 };
	struct fat_file e, again;
	int n;

	for (n = 0; n < MAX_ENTRIES && visits < MAX_VISITS &&
		    fat_dir_next(dir, &cursor, &e) == EFI_SUCCESS;
	     n++, visits++) {
		/* What enumeration returns, lookup by name must find. */
		fat_open(vol, dir, e.name, &again);
		if (e.attributes & FAT_ATTR_DIRECTORY) {
			if (depth < MAX_DEPTH)
				walk(vol, &e, depth + 1);
		} else {
			read_file(&e);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const CHAR16 *const paths[] = {
		u"EFI/BOOT/BOOTX64.EFI", u"\\STRATA\\STAGE1.BIN", u"a/../b/./c", u"..",
		u"loader/entries", u"//x//", u"A Long File Name With Spaces.txt",
	};
	struct fake_disk *disk;
	struct fat_volume *vol;
	struct fat_file root, f;
	UINT32 block_size, blocks;
	UINT8 *image;

	if (size < PREFIX)
		return 0;
	block_size = data[4] & 1 ? 4096 : 512;
	blocks = (data[0] | data[1] << 8 | data[2] << 16 | (UINT32)data[3] << 24) % MAX_BLOCKS;
	/* The disk is a copy of exactly the input's length, so ASan sees any overrun. */
	image = malloc(size - PREFIX + 1);
	memcpy(image, data + PREFIX, size - PREFIX);
	disk = fake_disk_from_buffer(image, size - PREFIX, block_size);
	vol = malloc(sizeof(*vol));
	if (blocks > disk->dev.block_count)
		disk->dev.block_count = blocks;
	if (disk->dev.block_count && fat_mount(vol, &disk->dev, 0, disk->dev.block_count) ==
					     EFI_SUCCESS) {
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			if (fat_open(vol, NULL, paths[i], &f) == EFI_SUCCESS &&
			    !(f.attributes & FAT_ATTR_DIRECTORY))
				read_file(&f);
		fat_open_root(vol, &root);
		visits = 0;
		walk(vol, &root, 0);
	}
	free(vol);
	fake_disk_free(disk);
	free(image);
	return 0;
}
