/* SPDX-License-Identifier: MIT */
/* Authenticated variables before ExitBootServices: PK, KEK, db, dbx and the Secure Boot mode variables. */
#pragma once

#include "include/efi/runtime_services.h"
#include "include/strata/runtime_abi.h"

/*
 * Take the blob's exports and its own (unwrapped) services, provision the owner's keys from
 * fw_cfg, drop key variables an older firmware stored without TIME_BASED_AUTHENTICATED, and set
 * SecureBoot, SetupMode, AuditMode, DeployedMode, SignatureSupport and VendorKeys (read-only).
 */
void auth_vars_init(struct runtime_exports *exports, EFI_RUNTIME_SERVICES *blob);
/*
 * SetVariable's answer when name is a key or mode variable (*ret_status set, TRUE); FALSE for
 * any other variable, which the blob handles. The caller holds TPL_NOTIFY.
 */
BOOLEAN auth_vars_set(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes, UINTN size,
		      const void *data, EFI_STATUS *ret_status);
