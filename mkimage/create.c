/* SPDX-License-Identifier: MIT */
/* `mkimage create`: a bootable disk (raw, qcow2 or hybrid ISO) with the stages and payloads. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/sha256.h"
#include "mkimage/mkimage.h"

#define MAX_FILES 64
#define DEFAULT_PAYLOAD_DEST "/EFI/BOOT/BOOTX64.EFI"
#define DEFAULT_SIZE (64ull << 20)

enum format { FORMAT_RAW, FORMAT_QCOW2, FORMAT_ISO };

struct placement {
	const char *src;
	const char *dest; /* absolute path in the ESP */
	char *owned;	  /* what to free: the copy src and dest point into, if any */
};

struct create_options {
	const char *output;
	const char *seed;
	uint64_t size;
	enum format format;
	struct placement files[MAX_FILES]; /* payloads and --file as given, then the stages */
	unsigned int count;
};

static const char create_usage[] =
	"usage: mkimage create -o IMAGE [--size SIZE] --stage1 FILE --runtime FILE\n"
	"                      [--payload PATH[:DEST]]... [--file SRC:DEST]...\n"
	"                      [--format raw|qcow2|iso] [--seed TEXT]\n"
	"  --size     disk size, bytes or with K/M/G (default 64M, at least 4M)\n"
	"  --payload  PE32+ x86-64 EFI application, default DEST " DEFAULT_PAYLOAD_DEST "\n"
	"  --file     any file, copied to DEST in the ESP\n"
	"  --seed     text the disk and partition GUIDs and FAT volume id derive from\n"
	"             (default: IMAGE's file name); dates come from SOURCE_DATE_EPOCH\n";

static int parse_size(const char *s, uint64_t *ret)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || errno || *s == '-')
		return mk_error("--size: '%s' is not a size", s);
	switch (toupper((unsigned char)*end)) {
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case '\0':
		break;
	default:
		return mk_error("--size: '%s' has an unknown unit (K, M or G)", s);
	}
	if (*end && end[1] && strcasecmp(end + 1, "iB") != 0 && strcasecmp(end + 1, "B") != 0)
		return mk_error("--size: '%s' has an unknown unit (K, M or G)", s);
	if (v > (1ull << 42) >> shift)
		return mk_error("--size: '%s' is too large", s);
	v <<= shift;
	if (v % DISK_BLOCK_SIZE)
		return mk_error("--size: %llu is not a multiple of %u bytes", v, DISK_BLOCK_SIZE);
	if (v < DISK_MIN_SIZE)
		return mk_error("--size: image too small: %llu bytes, at least %u (4M)", v,
				DISK_MIN_SIZE);
	*ret = v;
	return 0;
}

/* An ESP path: absolute, no empty, "." or ".." components, no trailing slash. */
static int check_dest(const char *dest)
{
	const char *p = dest;

	if (*p != '/')
		return mk_error("destination '%s' must be an absolute path in the ESP", dest);
	while (*p == '/') {
		const char *c = ++p;

		while (*p && *p != '/')
			p++;
		if (p == c || (p - c == 1 && c[0] == '.') ||
		    (p - c == 2 && c[0] == '.' && c[1] == '.'))
			return mk_error("destination '%s' has an empty, '.' or '..' component",
					dest);
	}
	return 0;
}

/* Takes owned (may be NULL) even on failure. */
static int add_file(struct create_options *o, const char *src, const char *dest, char *owned)
{
	if (o->count == MAX_FILES) {
		free(owned);
		return mk_error("too many files (at most %d)", MAX_FILES);
	}
	o->files[o->count].owned = owned;
	o->files[o->count].src = src;
	o->files[o->count].dest = dest;
	o->count++;
	if (check_dest(dest) < 0)
		return -1;
	/* FAT names are case-insensitive: two sources for one name would silently overwrite. */
	for (unsigned int i = 0; i + 1 < o->count; i++) {
		if (strcasecmp(o->files[i].dest, dest) == 0)
			return mk_error("two files for %s in the ESP (%s and %s)", dest,
					o->files[i].src, src);
	}
	return 0;
}

/* Split "PATH:DEST" at the last ':' followed by '/'; *ret_dest is NULL if there is none. */
static char *split_dest(const char *arg, const char **ret_dest)
{
	char *copy = strdup(arg), *colon;

	if (!copy)
		return NULL;
	colon = strrchr(copy, ':');
	*ret_dest = NULL;
	if (colon && colon[1] == '/') {
		*colon = '\0';
		*ret_dest = colon + 1;
	}
	return copy;
}

static int check_source(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return mk_error("%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return mk_error("%s: not a regular file", path);
	return 0;
}

static int parse_options(int argc, char **argv, struct create_options *o)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 'S' },
		{ "stage1", required_argument, NULL, '1' },
		{ "runtime", required_argument, NULL, 'r' },
		{ "payload", required_argument, NULL, 'p' },
		{ "file", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *stage1 = NULL, *runtime = NULL, *dest;
	char *src;
	int c;

	o->size = DEFAULT_SIZE;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case 'S':
			if (parse_size(optarg, &o->size) < 0)
				return -1;
			break;
		case '1':
			stage1 = optarg;
			break;
		case 'r':
			runtime = optarg;
			break;
		case 'p':
		case 'f':
			src = split_dest(optarg, &dest);
			if (!src)
				return mk_error("out of memory");
			if (c == 'f' && !dest) {
				free(src);
				return mk_error("--file %s: need SRC:DEST", optarg);
			}
			if (c == 'p' ? pe_check_efi_app(src) < 0 : check_source(src) < 0) {
				free(src);
				return -1;
			}
			if (add_file(o, src, dest ? dest : DEFAULT_PAYLOAD_DEST, src) < 0)
				return -1;
			break;
		case 'F':
			if (strcmp(optarg, "raw") == 0)
				o->format = FORMAT_RAW;
			else if (strcmp(optarg, "qcow2") == 0)
				o->format = FORMAT_QCOW2;
			else if (strcmp(optarg, "iso") == 0)
				o->format = FORMAT_ISO;
			else
				return mk_error("--format: unknown '%s' (raw, qcow2 or iso)",
						optarg);
			break;
		case 's':
			o->seed = optarg;
			break;
		case 'h':
			fputs(create_usage, stdout);
			exit(0);
		case ':':
			return mk_error("create: option %s needs a value", argv[optind - 1]);
		default:
			return mk_error("create: unknown option '%s' (see mkimage create --help)",
					argv[optind - 1]);
		}
	}
	if (optind != argc)
		return mk_error("create: unexpected argument '%s'", argv[optind]);
	if (!o->output)
		return mk_error("create: -o IMAGE is required");
	if (!stage1 || !runtime)
		return mk_error("create: --stage1 and --runtime are required");
	if (mk_check_stage_file(stage1, STAGE_KIND_STAGE1, NULL) < 0 ||
	    mk_check_stage_file(runtime, STAGE_KIND_RUNTIME, NULL) < 0)
		return -1;
	if (add_file(o, stage1, "/STRATA/STAGE1.BIN", NULL) < 0 ||
	    add_file(o, runtime, "/STRATA/RUNTIME.BIN", NULL) < 0)
		return -1;
	if (!o->seed) {
		const char *slash = strrchr(o->output, '/');

		o->seed = slash ? slash + 1 : o->output;
	}
	return 0;
}

static void free_options(struct create_options *o)
{
	for (unsigned int i = 0; i < o->count; i++)
		free(o->files[i].owned);
}

static uint32_t volume_id(const char *seed)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256 ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, "strata fat", 11);
	sha256_update(&ctx, seed, strlen(seed));
	sha256_final(&ctx, digest);
	return (uint32_t)digest[0] | (uint32_t)digest[1] << 8 | (uint32_t)digest[2] << 16 |
	       (uint32_t)digest[3] << 24;
}

/*
 * El Torito records the boot image size in 512-byte units in 16 bits: an ESP above ~32 MiB is
 * written as size 0, which firmware must then guess. Keep the ISO's ESP within that when the files
 * leave room; a bigger one still works where firmware takes the size from the GPT.
 */
static uint64_t iso_esp_size(const struct create_options *o, uint64_t esp_size)
{
	uint64_t need = 1u << 20;
	struct stat st;

	for (unsigned int i = 0; i < o->count; i++) {
		if (stat(o->files[i].src, &st) == 0)
			need += ((uint64_t)st.st_size + 4095) / 4096 * 4096;
	}
	if (esp_size > ISO_ESP_MAX_SIZE && need < ISO_ESP_MAX_SIZE)
		return ISO_ESP_MAX_SIZE;
	return esp_size;
}

/* Everything goes to temp (beside the output); work holds intermediate files. */
static int build(const struct create_options *o, const char *work, const char *temp)
{
	uint64_t esp_size = disk_esp_size(o->size);
	char esp[4096], raw[4096];

	snprintf(esp, sizeof(esp), "%s/esp.img", work);
	snprintf(raw, sizeof(raw), "%s/disk.raw", work);
	if (o->format == FORMAT_ISO)
		esp_size = iso_esp_size(o, esp_size);
	if (esp_format(esp, esp_size, volume_id(o->seed), DISK_ESP_FIRST_LBA) < 0)
		return -1;
	/* Stage files first so they sit at the start of the FAT whatever else is added. */
	for (unsigned int i = o->count - 2; i < o->count; i++) {
		if (esp_put(esp, o->files[i].src, o->files[i].dest) < 0)
			return -1;
	}
	for (unsigned int i = 0; i + 2 < o->count; i++) {
		if (esp_put(esp, o->files[i].src, o->files[i].dest) < 0)
			return -1;
	}
	switch (o->format) {
	case FORMAT_RAW:
		return disk_write(temp, o->size, o->seed, esp);
	case FORMAT_QCOW2: {
		const char *argv[] = {
			"qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw, temp, NULL,
		};

		if (disk_write(raw, o->size, o->seed, esp) < 0)
			return -1;
		return mk_run(argv) < 0 ? mk_error("%s: qemu-img convert failed", o->output) : 0;
	}
	case FORMAT_ISO:
		return iso_write(temp, esp, work, o->seed);
	}
	return -1;
}

static int produce_image(void *ctx, const char *work, const char *temp)
{
	return build(ctx, work, temp);
}

int cmd_create(int argc, char **argv)
{
	struct create_options o = { 0 };
	int r = 1;

	if (parse_options(argc, argv, &o) == 0) {
		esp_setup_environment();
		/* Never leave a half-written image looking like a good one. */
		r = mk_replace_file(o.output, produce_image, &o) < 0 ? 1 : 0;
	}
	free_options(&o);
	return r;
}
