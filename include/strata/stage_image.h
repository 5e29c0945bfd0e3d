/* SPDX-License-Identifier: MIT */
/* The stage image format: the header mkimage writes around stage1 and the runtime blob. */
#pragma once

#include "include/efi/types.h"

/*
 * A stage image is this header followed by the body: the flat memory image of a
 * position-independent ELF linked at address 0 (file bytes up to body_size, then zeroes up to
 * memory_size for .bss). The loader places the body anywhere page-aligned, zeroes the tail, applies
 * the R_X86_64_RELATIVE entries found at [rela_offset, rela_offset + rela_size) of the body, and
 * enters at load address + entry_offset. All fields are little-endian.
 */
#define STAGE_IMAGE_MAGIC "STRATA\x1a\x01"
#define STAGE_IMAGE_MAGIC_SIZE 8
#define STAGE_IMAGE_FORMAT_VERSION 1

/* Refuse bodies larger than this before any allocation; keeps a corrupt size from exhausting RAM. */
#define STAGE_IMAGE_MAX_BODY (64u * 1024 * 1024)

enum stage_image_kind {
	STAGE_KIND_STAGE1 = 1,
	STAGE_KIND_RUNTIME = 2,
};

struct stage_image_header {
	UINT8 magic[STAGE_IMAGE_MAGIC_SIZE];
	UINT16 format_version;
	UINT16 header_size;	/* sizeof(struct stage_image_header) of the writer */
	UINT32 kind;		/* enum stage_image_kind */
	UINT32 image_version;	/* component version, major << 16 | minor << 8 | patch */
	UINT32 body_size;	/* bytes of body in the file after the header */
	UINT64 memory_size;	/* bytes the body occupies once loaded (>= body_size) */
	UINT64 entry_offset;	/* entry point, relative to the load address */
	UINT64 rela_offset;	/* start of the Elf64_Rela table within the body */
	UINT64 rela_size;	/* bytes of the Elf64_Rela table */
	char version_string[32]; /* NUL-terminated, for logs: "0.1.0" or a git describe */
	UINT8 body_sha256[32];
	UINT32 header_crc32;	/* CRC32 of this header with this field set to zero */
	UINT32 reserved;
};

_Static_assert(sizeof(struct stage_image_header) == 128, "stage image header layout is fixed");
