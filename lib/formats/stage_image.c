/* SPDX-License-Identifier: MIT */
/* Stage image header checks, shared by stage0 (reader), mkimage (writer) and the tests. */
#include "lib/crc32.h"
#include "lib/crypto/rsa_verify.h"
#include "lib/formats/stage_image.h"
#include "lib/sha256.h"
#include "lib/string.h"

static UINT32 header_crc(const struct stage_image_header *header)
{
	struct stage_image_header copy = *header;

	copy.header_crc32 = 0;
	return crc32(&copy, sizeof(copy));
}

EFI_STATUS stage_image_check_header(const void *data, UINTN file_size, UINT32 expected_kind,
				    struct stage_image_header *ret_header)
{
	struct stage_image_header h;

	if (file_size < sizeof(h))
		return EFI_BAD_BUFFER_SIZE;
	memcpy(&h, data, sizeof(h));
	if (memcmp(h.magic, STAGE_IMAGE_MAGIC, STAGE_IMAGE_MAGIC_SIZE) != 0)
		return EFI_NOT_FOUND;
	if (h.format_version != STAGE_IMAGE_FORMAT_VERSION || h.header_size != sizeof(h))
		return EFI_INCOMPATIBLE_VERSION;
	if (header_crc(&h) != h.header_crc32)
		return EFI_CRC_ERROR;
	if (h.kind != expected_kind)
		return EFI_LOAD_ERROR;
	/* Every offset is checked against the body it points into, without overflow. */
	if (h.body_size == 0 || h.body_size > STAGE_IMAGE_MAX_BODY)
		return EFI_BAD_BUFFER_SIZE;
	if (h.memory_size < h.body_size || h.memory_size > STAGE_IMAGE_MAX_BODY)
		return EFI_BAD_BUFFER_SIZE;
	if (h.entry_offset >= h.body_size)
		return EFI_BAD_BUFFER_SIZE;
	if (h.rela_offset > h.body_size || h.rela_size > h.body_size - h.rela_offset ||
	    h.rela_size % 24 != 0 || h.rela_offset % 8 != 0)
		return EFI_BAD_BUFFER_SIZE;
	if (file_size - sizeof(h) < h.body_size)
		return EFI_BAD_BUFFER_SIZE;
	if (h.version_string[sizeof(h.version_string) - 1] != '\0')
		return EFI_BAD_BUFFER_SIZE;
	*ret_header = h;
	return EFI_SUCCESS;
}

EFI_STATUS stage_image_verify_body(const struct stage_image_header *header, const void *body)
{
	UINT8 digest[SHA256_DIGEST_SIZE];

	sha256(body, header->body_size, digest);
	if (memcmp(digest, header->body_sha256, sizeof(digest)) != 0)
		return EFI_SECURITY_VIOLATION;
	return EFI_SUCCESS;
}

void stage_image_seal_header(struct stage_image_header *header, const void *body)
{
	memcpy(header->magic, STAGE_IMAGE_MAGIC, STAGE_IMAGE_MAGIC_SIZE);
	header->format_version = STAGE_IMAGE_FORMAT_VERSION;
	header->header_size = sizeof(*header);
	sha256(body, header->body_size, header->body_sha256);
	header->header_crc32 = header_crc(header);
}

static UINT32 key_crc(const struct stage_key_slot *key)
{
	struct stage_key_slot copy = *key;

	copy.crc32 = 0;
	return crc32(&copy, sizeof(copy));
}

void stage_key_seal(struct stage_key_slot *key)
{
	memcpy(key->magic, STAGE_KEY_MAGIC, sizeof(key->magic));
	key->algorithm = STAGE_SIGN_RSA3072_SHA256;
	key->size = sizeof(*key);
	key->reserved = 0;
	sha256(key->modulus, sizeof(key->modulus), key->key_id);
	key->crc32 = key_crc(key);
}

EFI_STATUS stage_key_check(const struct stage_key_slot *key)
{
	UINT8 id[SHA256_DIGEST_SIZE];

	if (memcmp(key->magic, STAGE_KEY_MAGIC, sizeof(key->magic)) != 0)
		return EFI_NOT_FOUND;
	if (key->crc32 != key_crc(key) || key->size != sizeof(*key))
		return EFI_CRC_ERROR;
	if (key->algorithm != STAGE_SIGN_RSA3072_SHA256)
		return EFI_UNSUPPORTED;
	sha256(key->modulus, sizeof(key->modulus), id);
	if (memcmp(id, key->key_id, sizeof(id)) != 0 || !(key->modulus[0] & 0x80))
		return EFI_CRC_ERROR;
	return EFI_SUCCESS;
}

EFI_STATUS stage_image_verify_signature(const struct stage_image_header *header,
					const struct stage_image_signature *sig,
					const struct stage_key_slot *key)
{
	UINT8 digest[SHA256_DIGEST_SIZE];

	if (memcmp(sig->magic, STAGE_SIGNATURE_MAGIC, sizeof(sig->magic)) != 0)
		return EFI_NOT_FOUND;
	if (sig->algorithm != STAGE_SIGN_RSA3072_SHA256 || sig->size != sizeof(*sig))
		return EFI_UNSUPPORTED;
	if (memcmp(sig->key_id, key->key_id, sizeof(key->key_id)) != 0)
		return EFI_ACCESS_DENIED;
	sha256(header, sizeof(*header), digest);
	if (rsa_verify_pkcs1_sha256(key->modulus, sizeof(key->modulus), sig->signature, digest))
		return EFI_SECURITY_VIOLATION;
	return EFI_SUCCESS;
}

const char *stage_image_signature_reason(EFI_STATUS status)
{
	switch (status) {
	case EFI_NOT_FOUND:
		return "not signed";
	case EFI_UNSUPPORTED:
		return "signed with an unsupported algorithm";
	case EFI_ACCESS_DENIED:
		return "signed by another key than the one in this ROM";
	default:
		return "signature does not verify with the key in this ROM";
	}
}

const char *stage_image_kind_name(UINT32 kind)
{
	switch (kind) {
	case STAGE_KIND_STAGE1:
		return "stage1";
	case STAGE_KIND_RUNTIME:
		return "runtime";
	default:
		return "unknown";
	}
}

const char *stage_image_error_reason(EFI_STATUS status)
{
	switch (status) {
	case EFI_NOT_FOUND:
		return "no stage image header";
	case EFI_INCOMPATIBLE_VERSION:
		return "unsupported stage image format version";
	case EFI_CRC_ERROR:
		return "header checksum mismatch";
	case EFI_LOAD_ERROR:
		return "wrong kind of stage image";
	case EFI_BAD_BUFFER_SIZE:
		return "truncated file or sizes out of range";
	case EFI_SECURITY_VIOLATION:
		return "SHA-256 of the body does not match the header";
	default:
		return "invalid stage image";
	}
}
