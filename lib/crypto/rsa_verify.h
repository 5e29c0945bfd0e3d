/* SPDX-License-Identifier: MIT */
/* RSA PKCS#1 v1.5 SHA-256 signature check with e = 65537, freestanding, small enough for stage0. */
#pragma once

#include "include/efi/types.h"

/* Largest modulus accepted, in bytes (4096 bits). */
#define RSA_VERIFY_MAX_SIZE 512

/*
 * Check signature (size bytes, big-endian) against digest, the SHA-256 of the message, for the
 * public key (modulus, size bytes big-endian, e = 65537). size is a multiple of 8 from 128 to
 * RSA_VERIFY_MAX_SIZE and the modulus's top bit is set. EFI_SUCCESS, EFI_INVALID_PARAMETER (key
 * unusable) or EFI_SECURITY_VIOLATION (the signature does not verify).
 */
EFI_STATUS rsa_verify_pkcs1_sha256(const UINT8 *modulus, UINTN size, const UINT8 *signature,
				   const UINT8 digest[32]);
