/* SPDX-License-Identifier: MIT */
/* Secure Boot in LoadImage: the Security and Security2 arch protocols and the db/dbx check behind them. */
#pragma once

#include "include/efi/device_path.h"
#include "include/efi/runtime_services.h"
#include "include/efi/types.h"

/* Whether images must pass db and dbx: SecureBoot is 1 and SetupMode is not 1. */
BOOLEAN security_enforced(void);
/*
 * A whole variable in pool memory, through the system table's GetVariable; *ret_data NULL and
 * size 0 when it does not exist. ret_attributes may be NULL.
 */
EFI_STATUS security_variable_read(const CHAR16 *name, const EFI_GUID *guid, void **ret_data,
				  UINTN *ret_size, UINT32 *ret_attributes);
/* Install EFI_SECURITY_ARCH_PROTOCOL and EFI_SECURITY2_ARCH_PROTOCOL on a handle of their own. */
EFI_STATUS security_init(void);
/*
 * LoadImage's question, asked through the Security2 protocol's current FileAuthentication (which
 * systemd-stub and others replace in place): may this file be loaded? EFI_SUCCESS, or
 * EFI_ACCESS_DENIED after a console line naming the file and the reason.
 */
EFI_STATUS security_authenticate(const EFI_DEVICE_PATH_PROTOCOL *path, void *buf, UINTN size,
				 BOOLEAN boot_policy);
#define SECURITY_KEY_DB 1u
#define SECURITY_KEY_DBX 2u
#define SECURITY_KEY_PK 4u
#define SECURITY_KEY_KEK 8u
/*
 * PK, KEK, db and dbx from the VM's owner, fw_cfg files opt/strata/secure-boot/{PK,KEK,db,dbx}
 * (signature lists), set read-only through rt and lock (docs/secure-boot.md), after drop removed
 * any value the store held. Returns the SECURITY_KEY_* bits of those provided. A malformed file
 * makes every later image refused (fail closed).
 */
unsigned security_provision_keys(EFI_RUNTIME_SERVICES *rt,
				 EFI_STATUS (*lock)(const CHAR16 *name, const EFI_GUID *guid),
				 void (*drop)(const CHAR16 *name, const EFI_GUID *guid));
