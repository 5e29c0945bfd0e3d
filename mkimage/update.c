/* SPDX-License-Identifier: MIT */
/* `mkimage update` swaps stage1 in an image, keeping STAGE1.BAK; `mkimage inspect` reports. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/formats/stage_image.h"
#include "mkimage/mkimage.h"


static const char update_usage[] =
	"usage: mkimage update IMAGE --stage1 FILE\n"
	"  replace /STRATA/STAGE1.BIN in a raw or ISO image; the old one becomes STAGE1.BAK\n";
static const char inspect_usage[] =
	"usage: mkimage inspect IMAGE\n"
	"  print the partition table and the ESP's Strata files; exit 1 if one fails to verify\n";

int mk_is_qcow2(const char *path)
{
	unsigned char magic[4] = { 0 };
	FILE *f = fopen(path, "rb");

	if (!f)
		return 0;
	if (fread(magic, 1, sizeof(magic), f) != sizeof(magic))
		magic[0] = 0;
	fclose(f);
	return memcmp(magic, "QFI\xfb", 4) == 0;
}

/* Parse "IMAGE --stage1 FILE" style arguments: one image, the listed options. */
static int parse(int argc, char **argv, const char *usage, const char **ret_image,
		 const char **ret_stage1)
{
	static const struct option options[] = {
		{ "stage1", required_argument, NULL, '1' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case '1':
			if (!ret_stage1)
				return mk_error("%s: unknown option '--stage1'", argv[0]);
			*ret_stage1 = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case ':':
			return mk_error("%s: option %s needs a value", argv[0], argv[optind - 1]);
		default:
			return mk_error("%s: unknown option '%s' (see mkimage %s --help)", argv[0],
					argv[optind - 1], argv[0]);
		}
	}
	if (argc - optind != 1)
		return mk_error("%s: need exactly one IMAGE (see mkimage %s --help)", argv[0],
				argv[0]);
	*ret_image = argv[optind];
	return 0;
}

int update_keep_backup(const char *spec, const char *work, const char *path, const char *backup,
		       uint32_t kind)
{
	char old[4096];
	const char *problem;
	uint8_t *data;
	size_t size;
	int r;

	snprintf(old, sizeof(old), "%s/old-stage", work);
	r = esp_get(spec, path, old);
	if (r < 0)
		return -1;
	if (r == 1) {
		fprintf(stderr, "mkimage: note: the image had no %s\n", path);
		return 0;
	}
	if (mk_read_file(old, STAGE_FILE_MAX, &data, &size) < 0)
		return -1;
	problem = mk_stage_problem(data, size, kind, NULL);
	free(data);
	if (problem) {
		fprintf(stderr, "mkimage: warning: current %s is bad (%s); keeping the existing %s\n",
			path, problem, backup);
		return esp_remove(spec, path);
	}
	return esp_rename(spec, path, backup);
}

static int update(const char *image, const char *stage1, const char *temp, const char *work)
{
	struct stage_image_header h;
	uint64_t offset, size;
	char back[4096];
	char *spec;
	int r = -1;

	{
		const char *argv[] = {
			"cp", "--sparse=always", "--reflink=auto", image, temp, NULL
		};

		if (mk_run(argv) < 0)
			return mk_error("%s: cannot copy the image to work on", image);
	}
	if (disk_find_esp(temp, 0, &offset, &size) < 0)
		return -1;
	spec = esp_spec(temp, offset);
	if (!spec)
		return mk_error("out of memory");
	if (update_keep_backup(spec, work, ESP_STAGE1_PATH, ESP_STAGE1_BACKUP_PATH,
			       STAGE_KIND_STAGE1) < 0 ||
	    esp_put(spec, stage1, ESP_STAGE1_PATH) < 0)
		goto out;
	/* Read back what mtools wrote, as stage0 will. */
	snprintf(back, sizeof(back), "%s/new-stage1", work);
	if (esp_get(spec, ESP_STAGE1_PATH, back) != 0 ||
	    mk_check_stage_file(back, STAGE_KIND_STAGE1, &h) < 0) {
		mk_error("%s: the stage1 written to the image does not read back intact", image);
		goto out;
	}
	printf("%s: stage1 is now %s (0x%06x)\n", image, h.version_string, h.image_version);
	r = 0;
out:
	free(spec);
	return r;
}

struct update_job {
	const char *image;
	const char *stage1;
};

static int produce_update(void *ctx, const char *work, const char *temp)
{
	const struct update_job *job = ctx;

	return update(job->image, job->stage1, temp, work);
}

int cmd_update(int argc, char **argv)
{
	const char *image = NULL, *stage1 = NULL;

	if (parse(argc, argv, update_usage, &image, &stage1) < 0)
		return 1;
	if (!stage1) {
		mk_error("update: --stage1 FILE is required");
		return 1;
	}
	if (mk_check_stage_file(stage1, STAGE_KIND_STAGE1, NULL) < 0)
		return 1;
	if (access(image, R_OK | W_OK) < 0) {
		mk_error("%s: %s", image, strerror(errno));
		return 1;
	}
	if (mk_is_qcow2(image)) {
		mk_error("%s: qcow2 images cannot be updated in place; update the raw image",
			 image);
		return 1;
	}
	esp_setup_environment();
	/* Work on a copy and rename it over the image: a failure leaves the image as it was. */
	struct update_job job = { image, stage1 };

	return mk_replace_file(image, produce_update, &job) < 0 ? 1 : 0;
}

/* Print one Strata file of the ESP; returns -1 if it is present but does not verify. */
static int inspect_stage(const char *spec, const char *work, const char *path, uint32_t kind,
			 int required)
{
	struct stage_image_header h;
	const char *problem;
	char local[4096];
	uint8_t *data;
	size_t size;
	int r;

	snprintf(local, sizeof(local), "%s/inspect", work);
	r = esp_get(spec, path, local);
	if (r < 0)
		return -1;
	if (r == 1) {
		printf("%s: absent\n", path);
		return required ? -1 : 0;
	}
	if (mk_read_file(local, STAGE_FILE_MAX, &data, &size) < 0)
		return -1;
	problem = mk_stage_problem(data, size, kind, &h);
	free(data);
	if (problem) {
		printf("%s: %zu bytes, DOES NOT VERIFY: %s\n", path, size, problem);
		return -1;
	}
	printf("%s: %s %s (0x%06x), body %u bytes, memory %llu bytes, entry 0x%llx, "
	       "%llu relocations\n  sha256 ",
	       path, stage_image_kind_name(h.kind), h.version_string, h.image_version, h.body_size,
	       (unsigned long long)h.memory_size, (unsigned long long)h.entry_offset,
	       (unsigned long long)(h.rela_size / 24));
	for (size_t i = 0; i < sizeof(h.body_sha256); i++)
		printf("%02x", h.body_sha256[i]);
	printf(", verifies: yes\n");
	return 0;
}

static int inspect(const char *image, const char *work)
{
	uint64_t offset, size;
	int bad = 0;
	char *spec;

	if (mk_is_qcow2(image)) {
		static char raw[4096];
		const char *argv[] = {
			"qemu-img", "convert", "-q", "-f", "qcow2", "-O", "raw", image, raw, NULL,
		};

		snprintf(raw, sizeof(raw), "%s/image.raw", work);
		if (mk_run(argv) < 0)
			return mk_error("%s: qemu-img could not read the qcow2 image", image);
		image = raw;
	}
	if (disk_find_esp(image, 1, &offset, &size) < 0)
		return -1;
	spec = esp_spec(image, offset);
	if (!spec)
		return mk_error("out of memory");
	printf("ESP at byte %llu, %llu KiB\n", (unsigned long long)offset,
	       (unsigned long long)(size >> 10));
	fflush(stdout);
	bad |= inspect_stage(spec, work, ESP_STAGE1_PATH, STAGE_KIND_STAGE1, 1);
	bad |= inspect_stage(spec, work, ESP_STAGE1_BACKUP_PATH, STAGE_KIND_STAGE1, 0);
	bad |= inspect_stage(spec, work, ESP_RUNTIME_PATH, STAGE_KIND_RUNTIME, 1);
	printf("ESP files:\n");
	fflush(stdout);
	{
		const char *argv[] = { "mdir", "-/", "-b", "-i", spec, "::/", NULL };

		if (mk_run(argv) < 0)
			bad = -1;
	}
	free(spec);
	return bad ? mk_error("%s: Strata files missing or failing to verify", image) : 0;
}

int cmd_inspect(int argc, char **argv)
{
	const char *image = NULL;
	char *work;
	int r;

	if (parse(argc, argv, inspect_usage, &image, NULL) < 0)
		return 1;
	esp_setup_environment();
	if (mk_temp_dir(&work) < 0)
		return 1;
	r = inspect(image, work) < 0 ? 1 : 0;
	mk_remove_tree(work);
	free(work);
	return r;
}
