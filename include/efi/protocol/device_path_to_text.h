/* SPDX-License-Identifier: MIT */
/* EFI_DEVICE_PATH_TO_TEXT_PROTOCOL (UEFI 2.10 §10.6). */
#pragma once

#include "include/efi/device_path.h"
#include "include/efi/types.h"

#define EFI_DEVICE_PATH_TO_TEXT_PROTOCOL_GUID \
	{ 0x8b843e20, 0x8132, 0x4852, { 0x90, 0xcc, 0x55, 0x1a, 0x4e, 0x4a, 0x7f, 0x1c } }

/* Both return a string in pool memory the caller frees, or NULL. */
typedef CHAR16 *(EFIAPI *EFI_DEVICE_PATH_TO_TEXT_NODE)(CONST EFI_DEVICE_PATH_PROTOCOL *DeviceNode,
						       BOOLEAN DisplayOnly, BOOLEAN AllowShortcuts);
typedef CHAR16 *(EFIAPI *EFI_DEVICE_PATH_TO_TEXT_PATH)(CONST EFI_DEVICE_PATH_PROTOCOL *DevicePath,
						       BOOLEAN DisplayOnly, BOOLEAN AllowShortcuts);

typedef struct {
	EFI_DEVICE_PATH_TO_TEXT_NODE ConvertDeviceNodeToText;
	EFI_DEVICE_PATH_TO_TEXT_PATH ConvertDevicePathToText;
} EFI_DEVICE_PATH_TO_TEXT_PROTOCOL;

_Static_assert(sizeof(EFI_DEVICE_PATH_TO_TEXT_PROTOCOL) == 16, "DevicePathToText layout");
