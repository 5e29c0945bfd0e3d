/* SPDX-License-Identifier: MIT */
/* `mkimage wrap`: the one writer of the stage image format (include/strata/stage_image.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/formats/stage_image.h"
#include "mkimage/mkimage.h"

static const char wrap_usage[] =
	"usage: mkimage wrap --kind stage1|runtime [--version-code N] [--version-string S]\n"
	"                    [--sign KEY.pem] IN.elf OUT.bin\n"
	"  IN.elf   position-independent x86-64 ELF linked at 0 (ld -pie), RELATIVE relocations\n"
	"           only\n"
	"  KEY.pem  RSA-3072 private key: append a signature stage0 checks under Secure Boot\n"
	"  defaults: --version-code %#x --version-string %s\n";

static int parse_kind(const char *s, uint32_t *ret_kind)
{
	if (strcmp(s, "stage1") == 0)
		*ret_kind = STAGE_KIND_STAGE1;
	else if (strcmp(s, "runtime") == 0)
		*ret_kind = STAGE_KIND_RUNTIME;
	else
		return mk_error("wrap: unknown --kind '%s' (stage1 or runtime)", s);
	return 0;
}

static int parse_u32(const char *opt, const char *s, uint32_t *ret)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || errno || v > 0xffffffffull || *s == '-')
		return mk_error("%s: '%s' is not a 32-bit number", opt, s);
	*ret = (uint32_t)v;
	return 0;
}

/* Build the image in memory, write it atomically, then read it back through stage0's checker. */
static int wrap_file(const char *in, const char *out, uint32_t kind, uint32_t code,
		     const char *version, const char *key)
{
	struct stage_image_header h = { 0 };
	struct stage_image_signature sig;
	struct elf_image img;
	uint8_t *file;
	size_t size;
	int r = -1;

	if (elf_image_load(in, &img) < 0)
		return -1;
	/* Loaders apply only the header's RELA table; stage1 applies its RELR one itself. */
	if (img.relr_size && kind != STAGE_KIND_STAGE1) {
		mk_error("%s: packed relocations (DT_RELR) are applied by stage1 only; link this "
			 "part without -z pack-relative-relocs", in);
		goto err_free_image;
	}
	size = sizeof(h) + img.body_size;
	file = malloc(size + sizeof(sig));
	if (!file) {
		mk_error("out of memory");
		goto err_free_image;
	}
	h.kind = kind;
	h.image_version = code;
	h.body_size = (uint32_t)img.body_size;
	h.memory_size = img.memory_size;
	h.entry_offset = img.entry_offset;
	h.rela_offset = img.rela_offset;
	h.rela_size = img.rela_size;
	memcpy(h.version_string, version, strlen(version) + 1);
	stage_image_seal_header(&h, img.body);
	memcpy(file, &h, sizeof(h));
	memcpy(file + sizeof(h), img.body, img.body_size);
	if (key) {
		if (mk_sign_stage(&h, key, &sig) < 0)
			goto err_free_file;
		memcpy(file + size, &sig, sizeof(sig));
		size += sizeof(sig);
	}
	if (mk_write_file_atomic(out, file, size) < 0)
		goto err_free_file;
	free(file);

	/* Read what landed on disk: the writer and stage0's reader must agree byte for byte. */
	if (mk_check_stage_file(out, kind, NULL) < 0) {
		remove(out);
		goto err_free_image;
	}
	r = 0;
	goto err_free_image;

err_free_file:
	free(file);
err_free_image:
	elf_image_free(&img);
	return r;
}

int cmd_wrap(int argc, char **argv)
{
	static const struct option options[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "version-code", required_argument, NULL, 'c' },
		{ "version-string", required_argument, NULL, 's' },
		{ "sign", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *version = STRATA_VERSION;
	const char *key = NULL;
	uint32_t code = STRATA_VERSION_CODE;
	uint32_t kind = 0;
	int c;

	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (parse_kind(optarg, &kind) < 0)
				return 1;
			break;
		case 'c':
			if (parse_u32("--version-code", optarg, &code) < 0)
				return 1;
			break;
		case 's':
			version = optarg;
			break;
		case 'S':
			key = optarg;
			break;
		case 'h':
			printf(wrap_usage, STRATA_VERSION_CODE, STRATA_VERSION);
			return 0;
		case ':':
			mk_error("wrap: option %s needs a value", argv[optind - 1]);
			return 2;
		default:
			mk_error("wrap: unknown option '%s' (see mkimage wrap --help)",
				 argv[optind - 1]);
			return 2;
		}
	}
	if (!kind) {
		mk_error("wrap: --kind stage1|runtime is required");
		return 2;
	}
	if (argc - optind != 2) {
		mk_error("wrap: need IN.elf and OUT.bin (see mkimage wrap --help)");
		return 2;
	}
	if (strlen(version) >= sizeof(((struct stage_image_header *)0)->version_string)) {
		mk_error("wrap: --version-string '%s' is longer than 31 bytes", version);
		return 2;
	}
	return wrap_file(argv[optind], argv[optind + 1], kind, code, version, key) < 0 ? 1 : 0;
}
