/* SPDX-License-Identifier: MIT */
/* `mkimage install`: put Strata's stages on the ESP of a disk image mkimage did not make. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkimage/mkimage.h"

static const char install_usage[] =
	"usage: mkimage install IMAGE --stage1 FILE --runtime FILE\n"
	"  add /STRATA/STAGE1.BIN and RUNTIME.BIN to the EFI system partition of an existing raw\n"
	"  or qcow2 disk image, keeping everything else; replaced stages are kept as *.BAK\n";

/* What the stages may take beyond their own bytes: the /STRATA directory and cluster rounding. */
#define INSTALL_SLACK (64u << 10)

struct install_job {
	const char *image;
	const char *stage1;
	const char *runtime;
	int qcow2;
};

static int parse(int argc, char **argv, struct install_job *job)
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
			job->stage1 = optarg;
			break;
		case 'r':
			job->runtime = optarg;
			break;
		case 'h':
			fputs(install_usage, stdout);
			exit(0);
		case ':':
			return mk_error("install: option %s needs a value", argv[optind - 1]);
		default:
			return mk_error("install: unknown option '%s' (see mkimage install --help)",
					argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return mk_error("install: need exactly one IMAGE (see mkimage install --help)");
	job->image = argv[optind];
	if (!job->stage1 || !job->runtime)
		return mk_error("install: --stage1 FILE and --runtime FILE are both required");
	return 0;
}

/*
 * A qcow2 image is converted to raw and back, which keeps its data but not what lives beside it:
 * refuse those that have a backing file or internal snapshots rather than lose them.
 */
static int check_qcow2(const char *image)
{
	const char *argv[] = { "qemu-img", "info", "--output=json", image, NULL };
	char line[4096];
	int r = 0;
	FILE *out;

	if (mk_run_output(argv, &out) < 0)
		return mk_error("%s: qemu-img cannot read this qcow2 image", image);
	while (r == 0 && fgets(line, sizeof(line), out)) {
		if (strstr(line, "\"backing-filename\""))
			r = mk_error("%s: has a backing file; install into a standalone copy "
				     "(qemu-img convert -O qcow2) instead",
				     image);
		else if (strstr(line, "\"snapshots\""))
			r = mk_error("%s: has internal snapshots, which install would drop; "
				     "delete them or install into a copy",
				     image);
	}
	fclose(out);
	return r;
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* Install the stages into the raw disk image raw (a scratch copy). */
static int install_raw(const struct install_job *job, const char *raw, const char *work)
{
	static const struct {
		const char *path, *backup;
		uint32_t kind;
	} stages[] = {
		{ ESP_STAGE1_PATH, ESP_STAGE1_BACKUP_PATH, STAGE_KIND_STAGE1 },
		{ ESP_RUNTIME_PATH, ESP_RUNTIME_BACKUP_PATH, STAGE_KIND_RUNTIME },
	};
	const char *files[] = { job->stage1, job->runtime };
	uint64_t offset, size, free_bytes, need;
	char back[4096];
	char *spec;
	int r = -1;

	if (disk_find_esp(raw, 0, &offset, &size) < 0)
		return mk_error("%s: Strata's stages go on an EFI system partition of a GPT disk",
				job->image);
	spec = esp_spec(raw, offset);
	if (!spec)
		return mk_error("out of memory");
	need = file_size(job->stage1) + file_size(job->runtime) + INSTALL_SLACK;
	if (esp_free_bytes(spec, &free_bytes) < 0)
		goto out;
	/* Stages already there are renamed to *.BAK, so they free nothing. */
	if (free_bytes < need) {
		mk_error("%s: no room on the ESP: %llu KiB free, the stages need %llu KiB",
			 job->image, (unsigned long long)(free_bytes >> 10),
			 (unsigned long long)(need >> 10));
		goto out;
	}
	for (size_t i = 0; i < 2; i++) {
		struct stage_image_header h;

		if (update_keep_backup(spec, work, stages[i].path, stages[i].backup,
				       stages[i].kind) < 0 ||
		    esp_put(spec, files[i], stages[i].path) < 0)
			goto out;
		/* Read back what mtools wrote, as stage0 will. */
		snprintf(back, sizeof(back), "%s/read-back", work);
		if (esp_get(spec, stages[i].path, back) != 0 ||
		    mk_check_stage_file(back, stages[i].kind, &h) < 0) {
			mk_error("%s: %s does not read back intact", job->image, stages[i].path);
			goto out;
		}
		printf("%s: %s is %s (0x%06x)\n", job->image, stages[i].path, h.version_string,
		       h.image_version);
	}
	printf("%s: ESP at byte %llu, %llu KiB free after the install\n", job->image,
	       (unsigned long long)offset, (unsigned long long)((free_bytes - need) >> 10));
	r = 0;
out:
	free(spec);
	return r;
}

static int produce_install(void *ctx, const char *work, const char *temp)
{
	const struct install_job *job = ctx;
	char raw[4096];

	if (!job->qcow2) {
		const char *argv[] = { "cp", "--sparse=always", "--reflink=auto", job->image, temp,
				       NULL };

		if (mk_run(argv) < 0)
			return mk_error("%s: cannot copy the image to work on", job->image);
		return install_raw(job, temp, work);
	}
	snprintf(raw, sizeof(raw), "%s/image.raw", work);
	{
		const char *argv[] = { "qemu-img", "convert", "-q", "-f", "qcow2", "-O", "raw",
				       job->image, raw, NULL };

		if (mk_run(argv) < 0)
			return mk_error("%s: qemu-img could not read the qcow2 image", job->image);
	}
	if (install_raw(job, raw, work) < 0)
		return -1;
	{
		const char *argv[] = { "qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2",
				       raw, temp, NULL };

		if (mk_run(argv) < 0)
			return mk_error("%s: qemu-img could not write the qcow2 image", job->image);
	}
	return 0;
}

int cmd_install(int argc, char **argv)
{
	struct install_job job = { 0 };

	if (parse(argc, argv, &job) < 0)
		return 1;
	if (mk_check_stage_file(job.stage1, STAGE_KIND_STAGE1, NULL) < 0 ||
	    mk_check_stage_file(job.runtime, STAGE_KIND_RUNTIME, NULL) < 0)
		return 1;
	if (access(job.image, R_OK | W_OK) < 0) {
		mk_error("%s: %s", job.image, strerror(errno));
		return 1;
	}
	job.qcow2 = mk_is_qcow2(job.image);
	if (job.qcow2 && check_qcow2(job.image) < 0)
		return 1;
	esp_setup_environment();
	/* Work on a copy renamed over the image: a failure leaves the image as it was. */
	return mk_replace_file(job.image, produce_install, &job) < 0 ? 1 : 0;
}
