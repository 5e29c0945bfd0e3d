/* SPDX-License-Identifier: MIT */
/* libFuzzer target: DevicePathFromText on any text, and what it builds through ToText. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/formats/device_path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t chars = size / 2;
	CHAR16 *text = malloc((chars + 1) * sizeof(CHAR16));
	UINTN n, len;
	UINT8 *path;
	CHAR16 *again;

	memcpy(text, data, chars * sizeof(CHAR16));
	text[chars] = 0;
	for (int node_only = 0; node_only < 2; node_only++) {
		n = device_path_from_text(text, (BOOLEAN)node_only, NULL, 0);
		if (!n)
			continue;
		/* Exactly the size it asked for, so ASan sees a write past it. */
		path = malloc(n);
		if (device_path_from_text(text, (BOOLEAN)node_only, path, n) != n)
			abort();
		if (node_only) {
			if (device_path_node_length((void *)path) != n)
				abort();
			len = device_path_node_to_text((void *)path, DEVICE_PATH_TEXT_SHORTCUTS,
						       NULL, 0);
		} else {
			/* Every path it builds is well formed. */
			if (device_path_size_bounded(path, n) != n)
				abort();
			len = device_path_to_text((void *)path, 0, NULL, 0);
		}
		again = malloc((len + 1) * sizeof(CHAR16));
		if (node_only)
			device_path_node_to_text((void *)path, 0, again, len + 1);
		else
			device_path_to_text((void *)path, 0, again, len + 1);
		free(again);
		free(path);
	}
	free(text);
	return 0;
}
