/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes as an authenticated SetVariable buffer: descriptor, signed message, verify path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/auth_variable.h"
#include "lib/crypto/auth_verify.h"
#include "lib/crypto/signature_list.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct auth_variable av;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (auth_variable_parse(copy, size, &av) == EFI_SUCCESS) {
		/* Time, certificate header, DER and data cover the buffer exactly, in that order. */
		if (av.timestamp != copy || av.pkcs7 != copy + AUTH_VARIABLE_HEADER_SIZE ||
		    av.pkcs7_size == 0 || av.data != av.pkcs7 + av.pkcs7_size ||
		    av.data + av.data_size != copy + size)
			abort();
		if (auth_variable_time_compare(av.timestamp, av.timestamp) != 0)
			abort();
		/* The signed message is exactly as long as its size query said (ASan checks the writes). */
		static const EFI_GUID guid = { 0xd719b2cb, 0x3d3a, 0x4596,
					       { 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f } };
		UINTN n = auth_variable_message(u"db", &guid, 0x27, &av, NULL);
		uint8_t *msg = malloc(n);

		if (msg && auth_variable_message(u"db", &guid, 0x27, &av, msg) != n)
			abort();
		free(msg);
		/*
		 * The whole write in user mode: the detached PKCS#7 parse and the signer walk run on
		 * the input's DER, with the input's own data as the trusted lists (rarely well formed).
		 */
		struct auth_write w = { .trusted = av.data, .trusted_size = av.data_size };
		uint8_t *merge = malloc(size);

		if (merge && auth_write_check(u"db", &guid, 0x27, copy, size, &w, merge) == EFI_SUCCESS &&
		    signature_list_check(w.value, w.value_size) != EFI_SUCCESS)
			abort();
		free(merge);
	}
	/* Append: the first byte splits the rest into stored and appended lists. */
	if (size > 1) {
		size_t cut = (size - 1) * copy[0] / 255;
		uint8_t *out = malloc(size);
		UINTN out_size;

		if (out && auth_variable_append(copy + 1, cut, copy + 1 + cut, size - 1 - cut, out,
						&out_size) == EFI_SUCCESS &&
		    (out_size > size - 1 || out_size < cut ||
		     signature_list_check(out, out_size) != EFI_SUCCESS))
			abort();
		free(out);
	}
	free(copy);
	return 0;
}
