/* SPDX-License-Identifier: MIT */
/* EFI_DEVICE_PATH_FROM_TEXT_PROTOCOL (UEFI 2.10 §10.6.3). */
#pragma once

#include "include/efi/device_path.h"
#include "include/efi/types.h"

#define EFI_DEVICE_PATH_FROM_TEXT_PROTOCOL_GUID \
	{ 0x05c99a21, 0xc70f, 0x4ad2, { 0x8a, 0x5f, 0x35, 0xdf, 0x33, 0x43, 0xf5, 0x1e } }

/* Both return a node or path in pool memory the caller frees, or NULL. */
typedef EFI_DEVICE_PATH_PROTOCOL *(EFIAPI *EFI_DEVICE_PATH_FROM_TEXT_NODE)(
	CONST CHAR16 *TextDeviceNode);
typedef EFI_DEVICE_PATH_PROTOCOL *(EFIAPI *EFI_DEVICE_PATH_FROM_TEXT_PATH)(
	CONST CHAR16 *TextDevicePath);

typedef struct {
	EFI_DEVICE_PATH_FROM_TEXT_NODE ConvertTextToDeviceNode;
	EFI_DEVICE_PATH_FROM_TEXT_PATH ConvertTextToDevicePath;
} EFI_DEVICE_PATH_FROM_TEXT_PROTOCOL;

_Static_assert(sizeof(EFI_DEVICE_PATH_FROM_TEXT_PROTOCOL) == 16, "DevicePathFromText layout");
