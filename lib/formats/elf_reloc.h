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
