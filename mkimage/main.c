/* SPDX-License-Identifier: MIT */
/* mkimage: wrap Strata's stages, and build, update and inspect the disk images that boot them. */
#include <stdio.h>
#include <string.h>

#include "mkimage/mkimage.h"

static const char usage[] =
	"usage: mkimage COMMAND [OPTIONS] ...\n"
	"\n"
	"  wrap --kind stage1|runtime [--version-code N] [--version-string S] [--sign KEY.pem]\n"
	"       IN.elf OUT.bin\n"
	"      put a stage image header (magic, kind, sizes, SHA-256) around a PIE ELF\n"
	"  sign --key KEY.pem IN.bin OUT.bin\n"
	"      sign a stage image with an RSA-3072 key (docs/secure-boot.md, signed stages)\n"
	"  rom --key KEY.pem IN.rom OUT.rom\n"
	"      put the key's public half into stage0.rom: it then boots only signed stages\n"
	"  create -o IMAGE [--size 64M] --stage1 F --runtime F [--payload PATH[:DEST]]...\n"
	"         [--file SRC:DEST]... [--format raw|qcow2|iso] [--seed TEXT]\n"
	"      build a GPT disk with an ESP holding the stages and payloads; with no payload and\n"
	"      --size 4M, a stages-only disk to attach beside an installer ISO (docs/storage.md)\n"
	"  update IMAGE --stage1 FILE\n"
	"      replace stage1 in an image, keeping the previous one as /STRATA/STAGE1.BAK\n"
	"  inspect IMAGE|STAGE.bin|stage0.rom\n"
	"      print the partition table and the Strata files, and whether they verify;\n"
	"      a stage image's header and signature; a ROM's stage signing key\n"
	"  install IMAGE --stage1 FILE --runtime FILE\n"
	"      add Strata's stages to the ESP of an existing raw or qcow2 disk image\n"
	"  vars create|list|get|set|delete|verify|enroll FILE ...\n"
	"      make or change a variable store file (pflash unit 1), with the firmware's code\n"
	"\n"
	"Run 'mkimage COMMAND --help' for a command's options.\n";

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "wrap", cmd_wrap },
	{ "create", cmd_create },
	{ "update", cmd_update },
	{ "inspect", cmd_inspect },
	{ "install", cmd_install },
	{ "vars", cmd_vars },
	{ "sign", cmd_sign },
	{ "rom", cmd_rom },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	}
	mk_error("unknown command '%s' (see mkimage --help)", argv[1]);
	return 2;
}
