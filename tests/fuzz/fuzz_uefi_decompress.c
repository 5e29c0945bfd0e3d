/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: any bytes as a UEFI-compressed stream, decompressed into a buffer of the
 * size its header states (capped); and the same bytes walked as a PCI option ROM.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/formats/pci_rom.h"
#include "lib/formats/uefi_decompress.h"

#define MAX_OUT (1u << 16) /* bigger outputs only slow the fuzzer down */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct uefi_decompress_scratch scratch;
	/* Exact-size copies, so reading or writing past either buffer is caught. */
	uint8_t *copy = malloc(size ? size : 1), *out;
	struct pci_rom_image img;
	UINT32 orig, cursor = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (int n = 0; n < 64 && pci_rom_next_efi(copy, size, &cursor, &img) == EFI_SUCCESS; n++)
		if (img.efi_offset + img.efi_size > size || img.end >= size)
			abort();
	if (uefi_decompress_size(copy, size, &orig) == EFI_SUCCESS && orig <= MAX_OUT) {
		out = malloc(orig ? orig : 1);
		if (out)
			(void)uefi_decompress(copy, size, out, orig, &scratch);
		free(out);
	}
	free(copy);
	return 0;
}
