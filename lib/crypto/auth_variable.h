/* SPDX-License-Identifier: MIT */
/* EFI_VARIABLE_AUTHENTICATION_2 descriptor parsing for time-based authenticated writes (UEFI 2.10 §8.2.2). */
#pragma once

#include "include/efi/types.h"

/* EFI_TIME, then WIN_CERTIFICATE_UEFI_GUID's header (length, revision, type) and CertType GUID. */
#define AUTH_VARIABLE_TIME_SIZE 16
#define AUTH_VARIABLE_HEADER_SIZE (AUTH_VARIABLE_TIME_SIZE + 8 + 16)

struct auth_variable {
	const UINT8 *timestamp;	/* AUTH_VARIABLE_TIME_SIZE bytes of EFI_TIME */
	const UINT8 *pkcs7;	/* DER SignedData, without content */
	UINTN pkcs7_size;
	const UINT8 *data;	/* the new value (or ESLs to append) after the descriptor */
	UINTN data_size;
};

/* Split buf into descriptor and data; EFI_SECURITY_VIOLATION for any malformed descriptor. */
EFI_STATUS auth_variable_parse(const void *buf, UINTN size, struct auth_variable *out);

/* <0, 0, >0 as timestamp a is earlier than, equal to, later than b (both already parsed). */
int auth_variable_time_compare(const UINT8 *a, const UINT8 *b);

/*
 * The bytes the signer signs (§8.2.2): the name without its NUL, the vendor GUID, the
 * attributes as passed (APPEND_WRITE included), the timestamp, then the new data. With out NULL
 * only the size is returned; otherwise out (of that size) is filled.
 */
UINTN auth_variable_message(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes,
			    const struct auth_variable *av, UINT8 *out);

/*
 * EFI_VARIABLE_APPEND_WRITE of signature lists (§8.2.1): out (old_size + add_size bytes) gets
 * old, then the lists of add without the entries old already holds (same type and bytes, owner
 * included, as EDK2 compares), a list left empty dropped. Both buffers well formed, else
 * EFI_SECURITY_VIOLATION. *out_size is the result's size.
 */
EFI_STATUS auth_variable_append(const UINT8 *old, UINTN old_size, const UINT8 *add,
				UINTN add_size, UINT8 *out, UINTN *out_size);
