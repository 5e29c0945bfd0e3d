/* SPDX-License-Identifier: MIT */
/* libFuzzer target: relocation tables (RELA, RELR); nothing changes on error, RELA twice is a no-op. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/formats/elf_reloc.h"

/* Input: rela_offset, rela_size and new_base (8 bytes each, little-endian), then the image. */
#define PREFIX 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	UINT64 rela_offset, rela_size, new_base, image_size;
	UINT8 *image, *before;
	EFI_STATUS status;

	if (size < PREFIX)
		return 0;
	memcpy(&rela_offset, data, 8);
	memcpy(&rela_size, data + 8, 8);
	memcpy(&new_base, data + 16, 8);
	image_size = size - PREFIX;
	/* Small offsets are the interesting ones; keep some inputs pointing inside the image. */
	if (image_size && (rela_offset >> 63))
		rela_offset %= image_size;
	if (rela_size >> 63)
		rela_size = (rela_size & 0xffff) / 24 * 24;
	image = malloc(image_size + 1);
	before = malloc(image_size + 1);
	memcpy(image, data + PREFIX, image_size);
	memcpy(before, image, image_size);

	status = elf_reloc_apply(image, image_size, rela_offset, rela_size, new_base);
	if (EFI_ERROR(status)) {
		if (memcmp(image, before, image_size) != 0)
			__builtin_trap();
	} else {
		memcpy(before, image, image_size);
		if (elf_reloc_apply(image, image_size, rela_offset, rela_size, new_base) !=
			    EFI_SUCCESS ||
		    memcmp(image, before, image_size) != 0)
			__builtin_trap();
	}
	/* The same bytes as a packed (RELR) table: a refused one writes nothing either. */
	memcpy(image, data + PREFIX, image_size);
	status = elf_relr_apply(image, image_size, rela_offset, rela_size & ~7ull, new_base);
	if (EFI_ERROR(status) && memcmp(image, data + PREFIX, image_size) != 0)
		__builtin_trap();
	free(before);
	free(image);
	return 0;
}
