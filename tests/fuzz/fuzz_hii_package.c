/* SPDX-License-Identifier: MIT */
/* libFuzzer target: package lists as an application hands them to NewPackageList, then read back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/collation.h"
#include "lib/formats/hii_package.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CHAR8 languages[64];
	CHAR16 text[64], pattern[8];
	UINTN n = sizeof(languages);
	uint8_t *list;

	/* An exact-size copy, so reading one byte past the caller's buffer is caught. */
	list = malloc(size ? size : 1);
	if (!list)
		abort();
	memcpy(list, data, size);
	if (hii_package_list_check(list, size) == EFI_SUCCESS) {
		hii_package_list_has(list, EFI_HII_PACKAGE_TYPE_GUID, (const EFI_GUID *)data);
		if (hii_string_languages(list, languages, &n) == EFI_SUCCESS &&
		    strlen(languages) + 1 != n)
			abort();
		for (EFI_STRING_ID id = 1; id < 16; id++) {
			UINTN size16 = sizeof(text);

			if (hii_string_get(list, "en-US", id, text, &size16) == EFI_SUCCESS &&
			    (size16 < 2 || text[size16 / 2 - 1] != 0))
				abort();
		}
	}
	/* The same bytes as a string and a wildcard pattern, for the matcher. */
	memset(text, 0, sizeof(text));
	memcpy(text, data, size < sizeof(text) - 2 ? size : sizeof(text) - 2);
	memset(pattern, 0, sizeof(pattern));
	memcpy(pattern, data, size < sizeof(pattern) - 2 ? size : sizeof(pattern) - 2);
	collation_metai_match(text, pattern);
	free(list);
	return 0;
}
