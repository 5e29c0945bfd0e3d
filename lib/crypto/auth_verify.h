/* SPDX-License-Identifier: MIT */
/* The rules of a time-based authenticated write of PK, KEK, db or dbx (UEFI 2.10 §8.2.2, §32.3; EDK2's AuthService.c). */
#pragma once

#include "lib/crypto/auth_variable.h"

/* NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS | TIME_BASED_AUTHENTICATED_WRITE_ACCESS */
#define AUTH_WRITE_ATTRIBUTES 0x27u

/*
 * Whether a signer of av's PKCS#7 (bare SignedData or ContentInfo, content detached) signed
 * auth_variable_message(name, guid, attributes, av) and chains to an X.509 entry of trusted (a
 * well-formed signature list). EFI_SUCCESS, EFI_SECURITY_VIOLATION or EFI_OUT_OF_RESOURCES.
 */
EFI_STATUS auth_variable_verify(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes,
				const struct auth_variable *av, const void *trusted,
				UINTN trusted_size);

struct auth_write {
	/* The variable now: its value and timestamp; stored_time NULL when it does not exist. */
	const UINT8 *stored_time;
	const UINT8 *stored;
	UINTN stored_size;
	/* The lists whose certificates may sign it (user mode); NULL: setup mode, no signature. */
	const void *trusted;
	UINTN trusted_size;
	BOOLEAN is_pk;		/* the value must be one X.509 certificate */
	/* The outcome: the timestamp to keep, and the new value (size 0: delete, or no change). */
	UINT8 time[AUTH_VARIABLE_TIME_SIZE];
	const UINT8 *value;
	UINTN value_size;
};

/*
 * Decide a SetVariable(name, guid, attributes, size, data) of a key variable: attributes other
 * than AUTH_WRITE_ATTRIBUTES (APPEND_WRITE aside) and a payload that is no signature list are
 * EFI_INVALID_PARAMETER; a malformed descriptor, a timestamp not later than the stored one
 * (user mode, no APPEND_WRITE) or a signature trusted lists do not vouch for are
 * EFI_SECURITY_VIOLATION. Setup mode checks neither signature nor timestamp, as EDK2. An
 * append merges without duplicates into merge_buf (stored_size + size bytes) and keeps the later
 * timestamp.
 */
EFI_STATUS auth_write_check(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes,
			    const void *data, UINTN size, struct auth_write *w, UINT8 *merge_buf);
