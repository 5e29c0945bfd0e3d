/* SPDX-License-Identifier: MIT */
/* libFuzzer target: device path walking, building and text forms, on paths that pass the bounds check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/formats/device_path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const EFI_DEVICE_PATH_PROTOCOL *path, *next;
	CHAR16 text[512];
	UINTN chars, n;
	UINT8 *copy, *out;

	/* Exactly the input's length, so ASan sees any read past the path. */
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	path = (const EFI_DEVICE_PATH_PROTOCOL *)copy;

	/* Firmware checks a path from outside with the bounded walk first; only then the rest. */
	if (!device_path_size_bounded(copy, size)) {
		free(copy);
		return 0;
	}
	device_path_is_multi_instance(path);
	for (int display = 0; display < 2; display++) {
		n = device_path_to_text(path, (BOOLEAN)display, text, 512);
		/* The length it reports must be what a second, large enough call writes. */
		if (n < 512 && text[n] != 0)
			abort();
		device_path_to_text(path, (BOOLEAN)display, text, 3);
	}
	device_path_file_name(path, text, 512, &chars);

	n = device_path_append(path, path, NULL);
	if (n) {
		out = malloc(n);
		if (device_path_append(path, path, out) != n || device_path_size((void *)out) != n)
			abort();
		if (!device_path_skip_prefix(path, (void *)out))
			abort(); /* a path is always a prefix of itself appended to itself */
		free(out);
	}
	next = path;
	for (int i = 0; next && i < 64; i++) {
		n = device_path_next_instance(next, NULL, &next);
		if (!n)
			break;
	}
	free(copy);
	return 0;
}
