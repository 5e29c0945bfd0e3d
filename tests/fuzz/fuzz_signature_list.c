/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes as db/dbx contents; a buffer the check accepts walks to its end with every entry inside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/signature_list.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const EFI_GUID sha256 = EFI_CERT_SHA256_GUID;
	uint8_t *copy = malloc(size ? size : 1);
	struct signature_cursor cursor = { 0 };
	struct signature_entry e;
	EFI_STATUS check, s;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	check = signature_list_check(copy, size);
	while ((s = signature_list_next(copy, size, &cursor, &e)) == EFI_SUCCESS) {
		if (e.data < copy || e.data + e.size > copy + size || e.size == 0)
			abort();
	}
	/* The check and the walk agree on whether the buffer is well formed. */
	if ((check == EFI_SUCCESS) != (s == EFI_NOT_FOUND))
		abort();
	if (size >= 32)
		(void)signature_list_contains(copy, size, &sha256, copy, 32);
	free(copy);
	return 0;
}
