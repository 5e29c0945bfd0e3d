/* SPDX-License-Identifier: MIT */
/* libFuzzer target: stage image header checks, on the raw input and on a copy sealed first. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/formats/stage_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stage_image_header h;
	UINT8 *copy;

	/* Exactly the input's length, so ASan sees a read past the file. */
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	for (UINT32 kind = 0; kind <= 3; kind++)
		if (stage_image_check_header(copy, size, kind, &h) == EFI_SUCCESS)
			stage_image_verify_body(&h, copy + sizeof(h));

	/*
	 * Random bytes almost never pass the CRC: seal the header as mkimage would, so the range
	 * checks behind it are reached too. A sealed header that checks must then verify.
	 */
	if (size >= sizeof(h)) {
		memcpy(&h, copy, sizeof(h));
		if (h.body_size <= size - sizeof(h)) {
			stage_image_seal_header(&h, copy + sizeof(h));
			memcpy(copy, &h, sizeof(h));
			if (stage_image_check_header(copy, size, h.kind, &h) == EFI_SUCCESS &&
			    stage_image_verify_body(&h, copy + sizeof(h)) != EFI_SUCCESS)
				__builtin_trap();
		}
	}
	free(copy);
	return 0;
}
