/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes as an Authenticode PKCS#7 signature; what parses points inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/pkcs7.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const uint8_t *buf, size_t size, const UINT8 *p, UINTN len)
{
	if (len && (p < buf || len > size || p + len > buf + size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct pkcs7 p7;
	UINTN i;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (pkcs7_parse(copy, size, &p7) == EFI_SUCCESS) {
		inside(copy, size, p7.content, p7.content_size);
		inside(copy, size, p7.image_digest, p7.image_digest_size);
		inside(copy, size, p7.certs, p7.certs_size);
		if (p7.signer_count == 0 || p7.signer_count > PKCS7_MAX_SIGNERS)
			abort();
		for (i = 0; i < p7.signer_count; i++) {
			const struct pkcs7_signer *s = &p7.signers[i];

			inside(copy, size, s->issuer, s->issuer_size);
			inside(copy, size, s->serial, s->serial_size);
			inside(copy, size, s->attrs, s->attrs_size);
			inside(copy, size, s->message_digest, s->message_digest_size);
			inside(copy, size, s->signature, s->signature_size);
		}
	}
	free(copy);
	return 0;
}
