/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the data of a Boot#### variable, parsed as the boot manager does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/formats/device_path.h"
#include "lib/formats/load_option.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct load_option lo;
	CHAR16 text[64];
	UINT8 *copy;
	UINTN built;

	/* A copy of exactly size bytes, so reading past the end is caught by the sanitizer. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (load_option_parse(copy, size, &lo) == EFI_SUCCESS) {
		const UINT8 *end = copy + size;

		/* Everything the parser hands out lies inside the buffer. */
		if ((const UINT8 *)lo.description + 2 * lo.description_chars + 2 > end ||
		    (const UINT8 *)lo.file_path + lo.file_path_list_length > end ||
		    (lo.optional_data &&
		     (const UINT8 *)lo.optional_data + lo.optional_data_size != end))
			abort();
		if (device_path_size(lo.file_path) > lo.file_path_list_length)
			abort();
		device_path_to_text(lo.file_path, FALSE, text, 64);
		/* What the builder writes from the parts parses back to the same parts. */
		built = load_option_build(lo.attributes, NULL, lo.file_path, lo.optional_data,
					  lo.optional_data_size, NULL);
		if (built) {
			UINT8 *again = malloc(built);
			struct load_option lo2;

			if (!again)
				abort();
			load_option_build(lo.attributes, NULL, lo.file_path, lo.optional_data,
					  lo.optional_data_size, again);
			if (load_option_parse(again, built, &lo2) != EFI_SUCCESS ||
			    lo2.optional_data_size != lo.optional_data_size ||
			    lo2.attributes != lo.attributes)
				abort();
			free(again);
		}
	}
	free(copy);
	return 0;
}
