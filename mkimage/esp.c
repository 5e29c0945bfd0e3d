/* SPDX-License-Identifier: MIT */
/* The ESP's FAT file system, made by mkfs.fat and filled by mtools: no root, no loop mounts. */
#define _GNU_SOURCE /* asprintf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mkimage/mkimage.h"

/* FAT32 needs 65525 clusters; with 512-byte clusters and its FATs that is just over 33 MiB. */
#define FAT32_MIN_SIZE (34ull << 20)
/* Small volumes need one-sector clusters to reach FAT16's 4085-cluster minimum. */
#define SMALL_CLUSTER_LIMIT (16ull << 20)
/* 1980-01-01 UTC, the earliest FAT date: used when SOURCE_DATE_EPOCH is not set. */
#define DEFAULT_EPOCH "315532800"

void esp_setup_environment(void)
{
	/* Same inputs, same bytes: mtools and mkfs.fat take their dates from SOURCE_DATE_EPOCH. */
	setenv("SOURCE_DATE_EPOCH", DEFAULT_EPOCH, 0);
	/* FAT stores local time; pin the zone so the bytes do not depend on the build machine. */
	setenv("TZ", "UTC", 1);
	/* Image files have no drive geometry for mtools to check. */
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	/* No user's ~/.mtoolsrc may change how names are written. */
	setenv("MTOOLSRC", "/dev/null", 1);
}

int esp_format(const char *path, uint64_t size, uint32_t volume_id, uint64_t hidden_sectors)
{
	char volid[16], hidden[24], blocks[24];
	int fat32 = size >= FAT32_MIN_SIZE;
	const char *argv[20];
	int n = 0;
	FILE *f;

	/* mkfs.fat sizes the file system from the file, so create it at its final size first. */
	f = fopen(path, "w");
	if (!f || ftruncate(fileno(f), (off_t)size) != 0) {
		if (f)
			fclose(f);
		return mk_error("%s: cannot create the ESP image", path);
	}
	fclose(f);
	snprintf(volid, sizeof(volid), "%08x", volume_id);
	snprintf(hidden, sizeof(hidden), "%llu", (unsigned long long)hidden_sectors);
	snprintf(blocks, sizeof(blocks), "%llu", (unsigned long long)(size / 1024));
	argv[n++] = "mkfs.fat";
	argv[n++] = "-F";
	argv[n++] = fat32 ? "32" : "16";
	if (size < (fat32 ? 8 * SMALL_CLUSTER_LIMIT : SMALL_CLUSTER_LIMIT)) {
		argv[n++] = "-s";
		argv[n++] = "1";
	}
	argv[n++] = "-S";
	argv[n++] = "512";
	argv[n++] = "-i";
	argv[n++] = volid;
	argv[n++] = "-n";
	argv[n++] = "STRATA"; /* the label the self-test and the test disks use too */
	/* Hidden sectors = where the partition starts, as a FAT on a partitioned disk records it.
	 */
	argv[n++] = "-h";
	argv[n++] = hidden;
	argv[n++] = "--invariant";
	argv[n++] = path;
	argv[n++] = blocks;
	argv[n] = NULL;
	if (mk_run_quiet(argv) < 0)
		return mk_error("%s: mkfs.fat could not make a %s file system of %llu bytes", path,
				fat32 ? "FAT32" : "FAT16", (unsigned long long)size);
	return 0;
}

char *esp_spec(const char *path, uint64_t offset)
{
	char *spec;

	if (asprintf(&spec, "%s@@%llu", path, (unsigned long long)offset) < 0)
		return NULL;
	return spec;
}

/* "::" + path, the mtools name of a file on the drive given by -i. */
static char *drive_path(const char *path)
{
	char *s;

	if (asprintf(&s, "::%s", path) < 0)
		return NULL;
	return s;
}

/* Create each parent directory of dest that does not exist yet. */
static int make_parents(const char *spec, const char *dest)
{
	char *dir = drive_path(dest);
	int r = 0;

	if (!dir)
		return mk_error("out of memory");
	/* Walk "::/A/B/FILE": create "::/A", then "::/A/B". */
	for (char *p = strchr(dir + 3, '/'); p; p = strchr(p + 1, '/')) {
		const char *exists[] = { "mdir", "-b", "-i", spec, dir, NULL };
		const char *mmd[] = { "mmd", "-i", spec, dir, NULL };

		*p = '\0';
		if (mk_run_quiet_silent(exists) < 0 && mk_run_quiet(mmd) < 0) {
			r = mk_error("cannot create directory %s in the ESP", dir + 2);
			break;
		}
		*p = '/';
	}
	free(dir);
	return r;
}

int esp_put(const char *spec, const char *src, const char *dest)
{
	char *target;
	int r;

	if (make_parents(spec, dest) < 0)
		return -1;
	target = drive_path(dest);
	if (!target)
		return mk_error("out of memory");
	{
		/* -D o: overwrite without asking; mtools must never wait for a terminal. */
		const char *argv[] = { "mcopy", "-D", "o", "-i", spec, src, target, NULL };

		r = mk_run_quiet(argv);
	}
	free(target);
	if (r < 0)
		return mk_error("cannot copy %s to %s in the ESP (is the image too small?)", src,
				dest);
	return 0;
}

int esp_get(const char *spec, const char *src, const char *dest)
{
	char *from = drive_path(src);
	int r;

	if (!from)
		return mk_error("out of memory");
	{
		const char *exists[] = { "mdir", "-b", "-i", spec, from, NULL };
		const char *argv[] = { "mcopy", "-n", "-D", "o", "-i", spec, from, dest, NULL };

		if (mk_run_quiet_silent(exists) < 0)
			r = 1;
		else
			r = mk_run_quiet(argv) < 0 ? mk_error("cannot read %s from the ESP", src)
						   : 0;
	}
	free(from);
	return r;
}

int esp_remove(const char *spec, const char *path)
{
	char *target = drive_path(path);
	int r = 0;

	if (!target)
		return mk_error("out of memory");
	{
		const char *exists[] = { "mdir", "-b", "-i", spec, target, NULL };
		const char *argv[] = { "mdel", "-i", spec, target, NULL };

		if (mk_run_quiet_silent(exists) == 0 && mk_run_quiet(argv) < 0)
			r = mk_error("cannot remove %s from the ESP", path);
	}
	free(target);
	return r;
}

int esp_rename(const char *spec, const char *from, const char *to)
{
	char *a = drive_path(from);
	int r = -1;

	if (!a) {
		mk_error("out of memory");
		goto out;
	}
	if (esp_remove(spec, to) < 0)
		goto out;
	{
		/* mren takes the new name without a directory: it stays in from's directory. */
		const char *base = strrchr(to, '/') ? strrchr(to, '/') + 1 : to;
		const char *argv[] = { "mren", "-i", spec, a, base, NULL };

		r = mk_run_quiet(argv) < 0 ? mk_error("cannot rename %s to %s in the ESP", from, to)
					   : 0;
	}
out:
	free(a);
	return r;
}

int esp_free_bytes(const char *spec, uint64_t *ret_bytes)
{
	const char *argv[] = { "mdir", "-i", spec, "::/", NULL };
	char line[256];
	int found = 0;
	FILE *out;

	if (mk_run_output(argv, &out) < 0)
		return -1;
	/* mdir's last line: "   64 881 152 bytes free", digits grouped by spaces. */
	while (fgets(line, sizeof(line), out)) {
		const char *end = strstr(line, "bytes free");
		uint64_t bytes = 0;

		if (!end)
			continue;
		for (const char *p = line; p < end; p++)
			if (*p >= '0' && *p <= '9')
				bytes = bytes * 10 + (uint64_t)(*p - '0');
		*ret_bytes = bytes;
		found = 1;
	}
	fclose(out);
	return found ? 0 : mk_error("cannot read the free space of the ESP from mdir");
}
