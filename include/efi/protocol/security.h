/* SPDX-License-Identifier: MIT */
/* EFI_SECURITY_ARCH_PROTOCOL and EFI_SECURITY2_ARCH_PROTOCOL, which LoadImage consults (PI 1.8 Vol 2 §12.8, §12.9). */
#pragma once

#include "include/efi/device_path.h"
#include "include/efi/types.h"

#define EFI_SECURITY_ARCH_PROTOCOL_GUID \
	{ 0xa46423e3, 0x4617, 0x49f1, { 0xb9, 0xff, 0xd1, 0xbf, 0xa9, 0x11, 0x58, 0x39 } }
#define EFI_SECURITY2_ARCH_PROTOCOL_GUID \
	{ 0x94ab2f58, 0x1438, 0x4ef1, { 0x91, 0x52, 0x18, 0x94, 0x1a, 0x3a, 0x0e, 0x68 } }
/* db and dbx live under this vendor GUID (UEFI 2.10 §32.6.1). */
#define EFI_IMAGE_SECURITY_DATABASE_GUID \
	{ 0xd719b2cb, 0x3d3a, 0x4596, { 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f } }

typedef struct _EFI_SECURITY_ARCH_PROTOCOL EFI_SECURITY_ARCH_PROTOCOL;
typedef struct _EFI_SECURITY2_ARCH_PROTOCOL EFI_SECURITY2_ARCH_PROTOCOL;

typedef EFI_STATUS(EFIAPI *EFI_SECURITY_FILE_AUTHENTICATION_STATE)(
	const EFI_SECURITY_ARCH_PROTOCOL *This, UINT32 AuthenticationStatus,
	const EFI_DEVICE_PATH_PROTOCOL *File);
typedef EFI_STATUS(EFIAPI *EFI_SECURITY2_FILE_AUTHENTICATION)(
	const EFI_SECURITY2_ARCH_PROTOCOL *This, const EFI_DEVICE_PATH_PROTOCOL *File,
	VOID *FileBuffer, UINTN FileSize, BOOLEAN BootPolicy);

struct _EFI_SECURITY_ARCH_PROTOCOL {
	EFI_SECURITY_FILE_AUTHENTICATION_STATE FileAuthenticationState;
};

struct _EFI_SECURITY2_ARCH_PROTOCOL {
	EFI_SECURITY2_FILE_AUTHENTICATION FileAuthentication;
};

_Static_assert(sizeof(EFI_SECURITY_ARCH_PROTOCOL) == 8, "EFI_SECURITY_ARCH_PROTOCOL layout");
_Static_assert(sizeof(EFI_SECURITY2_ARCH_PROTOCOL) == 8, "EFI_SECURITY2_ARCH_PROTOCOL layout");
