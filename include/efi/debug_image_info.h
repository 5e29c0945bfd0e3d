/* SPDX-License-Identifier: MIT */
/* EFI_DEBUG_IMAGE_INFO_TABLE and EFI_SYSTEM_TABLE_POINTER: debug support (UEFI 2.10 §18.4). */
#pragma once

#include "include/efi/protocol/loaded_image.h"

#define EFI_DEBUG_IMAGE_INFO_TABLE_GUID                                                          \
	{ 0x49152e77, 0x1ada, 0x4764, { 0xb7, 0xa2, 0x7a, 0xfe, 0xfe, 0xd9, 0x5e, 0x8b } }

#define EFI_DEBUG_IMAGE_INFO_UPDATE_IN_PROGRESS 0x01
#define EFI_DEBUG_IMAGE_INFO_TABLE_MODIFIED 0x02
#define EFI_DEBUG_IMAGE_INFO_TYPE_NORMAL 0x01

/* On a 4 MiB boundary, so a debugger finds the system table by scanning memory. */
typedef struct {
	UINT64 Signature;	/* EFI_SYSTEM_TABLE_SIGNATURE */
	EFI_PHYSICAL_ADDRESS EfiSystemTableBase;
	UINT32 Crc32;		/* of the structure with this field 0 */
} EFI_SYSTEM_TABLE_POINTER;

typedef struct {
	UINT32 ImageInfoType;
	EFI_LOADED_IMAGE_PROTOCOL *LoadedImageProtocolInstance;
	EFI_HANDLE ImageHandle;
} EFI_DEBUG_IMAGE_INFO_NORMAL;

typedef union {
	UINT32 *ImageInfoType;
	EFI_DEBUG_IMAGE_INFO_NORMAL *NormalImage;
} EFI_DEBUG_IMAGE_INFO;

typedef struct {
	volatile UINT32 UpdateStatus;
	UINT32 TableSize;	/* entries in EfiDebugImageInfoTable */
	EFI_DEBUG_IMAGE_INFO *EfiDebugImageInfoTable;
} EFI_DEBUG_IMAGE_INFO_TABLE_HEADER;
