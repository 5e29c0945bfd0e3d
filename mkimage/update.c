/* SPDX-License-Identifier: MIT */
/* `mkimage update` swaps stage1 and/or the runtime in an image, keeping .BAK; `mkimage inspect` reports. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/formats/stage_image.h"
#include "mkimage/mkimage.h"


static const char update_usage[] =
	"usage: mkimage update IMAGE [--stage1 FILE] [--runtime FILE]\n"
	"  replace /STRATA/STAGE1.BIN and/or /STRATA/RUNTIME.BIN in a raw or ISO image; the old\n"
	"  one becomes STAGE1.BAK / RUNTIME.BAK\n";
static const char inspect_usage[] =
	"usage: mkimage inspect IMAGE|STAGE.bin|stage0.rom\n"
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
		 const char **ret_stage1, const char **ret_runtime)
{
	static const struct option options[] = {
		{ "stage1", required_argument, NULL, '1' },
		{ "runtime", required_argument, NULL, 'r' },
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
		case 'r':
			if (!ret_runtime)
				return mk_error("%s: unknown option '--runtime'", argv[0]);
			*ret_runtime = optarg;
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

/* Swap one stage file: the old one becomes the backup, the new one must read back intact. */
static int update_one(const char *image, const char *spec, const char *work, const char *file,
		      const char *path, const char *backup, uint32_t kind)
{
	struct stage_image_header h;
	char back[4096];

	if (update_keep_backup(spec, work, path, backup, kind) < 0 || esp_put(spec, file, path) < 0)
		return -1;
	/* Read back what mtools wrote, as stage0 will. */
	snprintf(back, sizeof(back), "%s/new-stage", work);
	if (esp_get(spec, path, back) != 0 || mk_check_stage_file(back, kind, &h) < 0)
		return mk_error("%s: the %s written to the image does not read back intact", image,
				path);
	printf("%s: %s is now %s (0x%06x)\n", image, stage_image_kind_name(kind),
	       h.version_string, h.image_version);
	return 0;
}

static int update(const char *image, const char *stage1, const char *runtime, const char *temp,
		  const char *work)
{
	uint64_t offset, size;
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
	if (stage1 && update_one(image, spec, work, stage1, ESP_STAGE1_PATH,
				 ESP_STAGE1_BACKUP_PATH, STAGE_KIND_STAGE1) < 0)
		goto out;
	if (runtime && update_one(image, spec, work, runtime, ESP_RUNTIME_PATH,
				  ESP_RUNTIME_BACKUP_PATH, STAGE_KIND_RUNTIME) < 0)
		goto out;
	r = 0;
out:
	free(spec);
	return r;
}

struct update_job {
	const char *image;
	const char *stage1;
	const char *runtime;
};

static int produce_update(void *ctx, const char *work, const char *temp)
{
	const struct update_job *job = ctx;

	return update(job->image, job->stage1, job->runtime, temp, work);
}

int cmd_update(int argc, char **argv)
{
	const char *image = NULL, *stage1 = NULL, *runtime = NULL;

	if (parse(argc, argv, update_usage, &image, &stage1, &runtime) < 0)
		return 1;
	if (!stage1 && !runtime) {
		mk_error("update: --stage1 FILE or --runtime FILE is required");
		return 1;
	}
	if (stage1 && mk_check_stage_file(stage1, STAGE_KIND_STAGE1, NULL) < 0)
		return 1;
	if (runtime && mk_check_stage_file(runtime, STAGE_KIND_RUNTIME, NULL) < 0)
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
	struct update_job job = { image, stage1, runtime };

	return mk_replace_file(image, produce_update, &job) < 0 ? 1 : 0;
}

/* Print one Strata file of the ESP; returns -1 if it is present but does not verify. */
/* One stage image's header, digest and signature (key id; the key is stage0's to check). */
static int print_stage(const char *path, const uint8_t *data, size_t size, uint32_t kind)
{
	const struct stage_image_signature *sig;
	struct stage_image_header h;
	const char *problem;

	problem = mk_stage_problem(data, size, kind, &h);
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
	sig = mk_stage_signature(data, size);
	if (!sig)
		printf("  signature: none\n");
	else if (sig->algorithm != STAGE_SIGN_RSA3072_SHA256 || sig->size != sizeof(*sig))
		printf("  signature: unknown algorithm %u\n", sig->algorithm);
	else
		mk_print_key_id("  signature: RSA-3072 PKCS#1 v1.5 SHA-256, key ", sig->key_id);
	return 0;
}

/* A stage image (its magic) or a 64 KiB ROM, not a disk image. */
static int is_stage_or_rom(const char *path)
{
	uint8_t magic[STAGE_IMAGE_MAGIC_SIZE] = { 0 };
	FILE *f = fopen(path, "rb");
	long size;

	if (!f)
		return 0;
	if (fread(magic, 1, sizeof(magic), f) != sizeof(magic))
		magic[0] = 0;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	return memcmp(magic, STAGE_IMAGE_MAGIC, sizeof(magic)) == 0 || size == 65536;
}

/* `inspect` of a stage image or a stage0.rom rather than a disk. */
static int inspect_file(const char *path, const uint8_t *data, size_t size)
{
	const struct stage_key_slot *slot;
	const struct stage_image_header *h = (const void *)data;

	if (size >= sizeof(*h) && memcmp(data, STAGE_IMAGE_MAGIC, STAGE_IMAGE_MAGIC_SIZE) == 0)
		return print_stage(path, data, size, h->kind);
	slot = (const void *)(data + STAGE_KEY_SLOT_ROM_OFFSET);
	switch (stage_key_check(slot)) {
	case EFI_SUCCESS:
		mk_print_key_id("stage0.rom: Secure Boot for stages on, RSA-3072 key ", slot->key_id);
		return 0;
	case EFI_NOT_FOUND:
		printf("stage0.rom: no stage signing key: stages are checked by SHA-256 only\n");
		return 0;
	default:
		printf("stage0.rom: DAMAGED stage signing key slot: stage0 will halt\n");
		return -1;
	}
}

static int inspect_stage(const char *spec, const char *work, const char *path, uint32_t kind,
			 int required)
{
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
	r = print_stage(path, data, size, kind);
	free(data);
	return r;
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
	bad |= inspect_stage(spec, work, ESP_RUNTIME_BACKUP_PATH, STAGE_KIND_RUNTIME, 0);
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

	if (parse(argc, argv, inspect_usage, &image, NULL, NULL) < 0)
		return 1;
	{
		uint8_t *data;
		size_t size;

		if (is_stage_or_rom(image)) {
			if (mk_read_file(image, STAGE_FILE_MAX, &data, &size) < 0)
				return 1;
			r = inspect_file(image, data, size) < 0 ? 1 : 0;
			free(data);
			return r;
		}
	}
	esp_setup_environment();
	if (mk_temp_dir(&work) < 0)
		return 1;
	r = inspect(image, work) < 0 ? 1 : 0;
	mk_remove_tree(work);
	free(work);
	return r;
}
