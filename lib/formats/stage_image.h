/* SPDX-License-Identifier: MIT */
/* Reading and checking stage image headers (format: include/strata/stage_image.h). */
#pragma once

#include "include/strata/stage_image.h"

/*
 * Check a header found at the start of a file of file_size bytes: magic, format version, header
 * CRC, kind, and that every size and offset is in range. On success copies it to ret_header.
 * EFI_NOT_FOUND (no magic), EFI_INCOMPATIBLE_VERSION, EFI_CRC_ERROR, EFI_LOAD_ERROR (bad kind) or
 * EFI_BAD_BUFFER_SIZE (sizes out of range or file truncated).
 */
EFI_STATUS stage_image_check_header(const void *data, UINTN file_size, UINT32 expected_kind,
				    struct stage_image_header *ret_header);
/* Compare the SHA-256 of body (header->body_size bytes) with the header's; EFI_SECURITY_VIOLATION if not. */
EFI_STATUS stage_image_verify_body(const struct stage_image_header *header, const void *body);
/* Fill in magic, format version, header size and CRC (mkimage's side; other fields set by caller). */
void stage_image_seal_header(struct stage_image_header *header, const void *body);
/* Why stage_image_check_header or stage_image_verify_body failed, in words for the console. */
const char *stage_image_error_reason(EFI_STATUS status);
/* Name of a kind for messages: "stage1", "runtime" or "unknown". */
const char *stage_image_kind_name(UINT32 kind);
/* Fill in a key slot's magic, algorithm, size, key id and CRC around its modulus (mkimage). */
void stage_key_seal(struct stage_key_slot *key);
/* EFI_NOT_FOUND (erased slot: no key), EFI_CRC_ERROR or EFI_UNSUPPORTED (damaged, unknown). */
EFI_STATUS stage_key_check(const struct stage_key_slot *key);
/*
 * Check the signature trailer of a stage whose header (as read from the file) checked, with a key
 * that passed stage_key_check: EFI_NOT_FOUND (no trailer), EFI_UNSUPPORTED, EFI_ACCESS_DENIED
 * (another key id) or EFI_SECURITY_VIOLATION (the RSA check fails).
 */
EFI_STATUS stage_image_verify_signature(const struct stage_image_header *header,
					const struct stage_image_signature *sig,
					const struct stage_key_slot *key);
/* Why stage_image_verify_signature failed, in words for the console. */
const char *stage_image_signature_reason(EFI_STATUS status);
