/* SPDX-License-Identifier: MIT */
/* libFuzzer target: stage0's RSA check and the signature trailer with any key, signature and header. */
#include <stdint.h>
#include <string.h>

#include "lib/crypto/rsa_verify.h"
#include "lib/formats/stage_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stage_image_header h = { 0 };
	struct stage_image_signature sig = { 0 };
	struct stage_key_slot key = { 0 };
	UINT8 digest[32] = { 0 };
	UINTN n;

	/* header, trailer, modulus, digest in that order; what is missing stays zero. */
	n = size < sizeof(h) ? size : sizeof(h);
	memcpy(&h, data, n);
	data += n, size -= n;
	n = size < sizeof(sig) ? size : sizeof(sig);
	memcpy(&sig, data, n);
	data += n, size -= n;
	n = size < sizeof(key.modulus) ? size : sizeof(key.modulus);
	memcpy(key.modulus, data, n);
	data += n, size -= n;
	memcpy(digest, data, size < sizeof(digest) ? size : sizeof(digest));

	/* Sealed keys and matching ids, so the RSA arithmetic runs on every odd modulus. */
	key.modulus[0] |= 0x80;
	key.modulus[sizeof(key.modulus) - 1] |= 1;
	stage_key_seal(&key);
	if (stage_key_check(&key) != EFI_SUCCESS)
		__builtin_trap();
	memcpy(sig.magic, STAGE_SIGNATURE_MAGIC, sizeof(sig.magic));
	sig.algorithm = STAGE_SIGN_RSA3072_SHA256;
	sig.size = sizeof(sig);
	memcpy(sig.key_id, key.key_id, sizeof(sig.key_id));
	stage_image_verify_signature(&h, &sig, &key);
	/* Smaller moduli through the same code: the first 128 bytes as a 1024-bit key. */
	rsa_verify_pkcs1_sha256(key.modulus, 128, sig.signature, digest);
	return 0;
}
