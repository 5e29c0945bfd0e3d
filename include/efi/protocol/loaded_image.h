/* SPDX-License-Identifier: MIT */
/* EFI_LOADED_IMAGE_PROTOCOL and the loaded image device path protocol (UEFI 2.10 §9.1-9.2). */
#pragma once

#include "include/efi/boot_services.h"
#include "include/efi/types.h"

#define EFI_LOADED_IMAGE_PROTOCOL_GUID \
	{ 0x5b1b31a1, 0x9562, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_LOADED_IMAGE_DEVICE_PATH_PROTOCOL_GUID \
	{ 0xbc62157e, 0x3e33, 0x4fec, { 0x99, 0x20, 0x2d, 0x3b, 0x36, 0xd7, 0x50, 0xdf } }
#define EFI_LOADED_IMAGE_PROTOCOL_REVISION 0x1000

typedef struct {
	UINT32 Revision;
	EFI_HANDLE ParentHandle;
	VOID *SystemTable;	/* EFI_SYSTEM_TABLE *; void here to keep headers acyclic */
	EFI_HANDLE DeviceHandle;
	EFI_DEVICE_PATH_PROTOCOL *FilePath;
	VOID *Reserved;
	UINT32 LoadOptionsSize;
	VOID *LoadOptions;
	VOID *ImageBase;
	UINT64 ImageSize;
	EFI_MEMORY_TYPE ImageCodeType;
	EFI_MEMORY_TYPE ImageDataType;
	EFI_IMAGE_UNLOAD Unload;
} EFI_LOADED_IMAGE_PROTOCOL;

_Static_assert(sizeof(EFI_LOADED_IMAGE_PROTOCOL) == 96, "EFI_LOADED_IMAGE_PROTOCOL layout");
