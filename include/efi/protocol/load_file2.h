/* SPDX-License-Identifier: MIT */
/* EFI_LOAD_FILE2_PROTOCOL: LoadFile for files that are not boot options (UEFI 2.10 §13.2). */
#pragma once

#include "include/efi/device_path.h"
#include "include/efi/types.h"

#define EFI_LOAD_FILE2_PROTOCOL_GUID \
	{ 0x4006c0c1, 0xfcb3, 0x403e, { 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d } }

typedef struct _EFI_LOAD_FILE2_PROTOCOL EFI_LOAD_FILE2_PROTOCOL;

/* As EFI_LOAD_FILE, but BootPolicy must be FALSE (EFI_UNSUPPORTED otherwise). */
typedef EFI_STATUS(EFIAPI *EFI_LOAD_FILE2)(EFI_LOAD_FILE2_PROTOCOL *This,
					   EFI_DEVICE_PATH_PROTOCOL *FilePath, BOOLEAN BootPolicy,
					   UINTN *BufferSize, VOID *Buffer);

struct _EFI_LOAD_FILE2_PROTOCOL {
	EFI_LOAD_FILE2 LoadFile;
};

_Static_assert(sizeof(EFI_LOAD_FILE2_PROTOCOL) == 8, "EFI_LOAD_FILE2_PROTOCOL layout");
