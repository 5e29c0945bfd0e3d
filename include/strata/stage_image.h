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

/*
 * Signed stages (docs/secure-boot.md, "Signed stages"). A signed image carries this trailer right
 * after the body, at file offset header_size + body_size; an unsigned image simply ends with its
 * body. The header itself is unchanged (format version 1), and a reader that checks only the
 * SHA-256 ignores the bytes after the body, so signed images boot on a stage0 without a key too.
 * The signature is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2) over the 128 bytes of the
 * sealed header: the header holds body_sha256, so it covers the body, every size and the version.
 */
#define STAGE_SIGNATURE_MAGIC "STRASIG\x01"
#define STAGE_KEY_MAGIC "STRAKEY\x01"
/* RSA with a 3072-bit modulus and e = 65537, PKCS#1 v1.5 padding, SHA-256. */
#define STAGE_SIGN_RSA3072_SHA256 1
#define STAGE_SIGN_MODULUS_SIZE 384

struct stage_image_signature {
	UINT8 magic[8];		/* STAGE_SIGNATURE_MAGIC */
	UINT32 algorithm;	/* STAGE_SIGN_RSA3072_SHA256 */
	UINT32 size;		/* sizeof(struct stage_image_signature) */
	UINT8 key_id[32];	/* SHA-256 of the signer's modulus, big-endian, 384 bytes */
	UINT8 signature[STAGE_SIGN_MODULUS_SIZE]; /* big-endian, as RFC 8017 writes it */
};

_Static_assert(sizeof(struct stage_image_signature) == 432, "stage signature layout is fixed");

/*
 * The public key in stage0.rom: STAGE_KEY_SLOT_SIZE bytes in the ROM's last KiB, between the
 * 16/32-bit start code (at most 512 bytes, stage0.ld) and the reset vector, outside the
 * LZ4-packed C part, so `mkimage rom --key` can write it into a built ROM. Erased (0xff) means
 * no key: stages are checked by their SHA-256 only. A slot holding the magic must have a good
 * CRC, else stage0 halts rather than boot unverified stages.
 */
#define STAGE_KEY_SLOT_ROM_OFFSET 0xfe00
#define STAGE_KEY_SLOT_SIZE 0x1f0 /* up to the reset vector at 0xfff0 */

struct stage_key_slot {
	UINT8 magic[8];		/* STAGE_KEY_MAGIC */
	UINT32 algorithm;	/* STAGE_SIGN_RSA3072_SHA256 */
	UINT32 size;		/* sizeof(struct stage_key_slot) */
	UINT8 key_id[32];	/* SHA-256 of modulus */
	UINT8 modulus[STAGE_SIGN_MODULUS_SIZE]; /* big-endian; e is 65537 */
	UINT32 crc32;		/* CRC32 of this struct with this field set to zero */
	UINT32 reserved;
};

_Static_assert(sizeof(struct stage_key_slot) == 440, "stage key slot layout is fixed");
_Static_assert(sizeof(struct stage_key_slot) <= STAGE_KEY_SLOT_SIZE, "key slot fits its space");
