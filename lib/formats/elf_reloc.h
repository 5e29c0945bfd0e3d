/* SPDX-License-Identifier: MIT */
/* Applying R_X86_64_RELATIVE relocations to a loaded position-independent image. */
#pragma once

#include "include/efi/types.h"

#define R_X86_64_NONE 0
#define R_X86_64_RELATIVE 8

typedef struct {
	UINT64 r_offset;
	UINT64 r_info;
	INT64 r_addend;
} Elf64_Rela;

/*
 * For each entry of the Elf64_Rela table at [rela_offset, rela_offset + rela_size) of the image,
 * write new_base + addend at image + r_offset. Idempotent, so the same call relocates at load and
 * again for SetVirtualAddressMap. Every offset is checked against image_size first: on any bad
 * entry (out of bounds, unknown type) nothing is written and EFI_LOAD_ERROR is returned.
 */
EFI_STATUS elf_reloc_apply(void *image, UINT64 image_size, UINT64 rela_offset, UINT64 rela_size,
			   UINT64 new_base);

/*
 * Add delta to each word the packed relative relocations (Elf64_Relr, `ld -z
 * pack-relative-relocs`) at [relr_offset, relr_offset + relr_size) of the image name: an even
 * word is the offset of one, each odd word a bitmap of the 63 words after the last one named.
 * Not idempotent (the addend is the word itself), so only for an image that relocates itself
 * once at entry (stage1). Checked as elf_reloc_apply: on a bad table nothing is written and
 * EFI_LOAD_ERROR is returned.
 */
EFI_STATUS elf_relr_apply(void *image, UINT64 image_size, UINT64 relr_offset, UINT64 relr_size,
			  UINT64 delta);
