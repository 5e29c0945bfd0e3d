/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes as a PE image to hash and verify; signatures found lie inside the file and nothing is allowed by an empty db. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/authenticode.h"
#include "lib/crypto/image_verify.h"

#define MD_SHA256 9 /* MBEDTLS_MD_SHA256 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct authenticode_signature sigs[AUTHENTICODE_MAX_SIGNATURES];
	struct image_verify_keys keys = { 0 };
	UINT8 digest[AUTHENTICODE_MAX_DIGEST];
	UINTN count = 0, i, digest_size;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (authenticode_signatures(copy, size, sigs, AUTHENTICODE_MAX_SIGNATURES, &count) ==
	    EFI_SUCCESS) {
		for (i = 0; i < count; i++) {
			if (sigs[i].der < copy || sigs[i].der + sigs[i].size > copy + size)
				abort();
		}
	}
	(void)authenticode_hash(copy, size, MD_SHA256, digest, &digest_size);
	/* Nothing is trusted by an empty db, whatever the image claims. */
	if (image_verify(copy, size, &keys, NULL) != EFI_ACCESS_DENIED)
		abort();
	free(copy);
	return 0;
}
