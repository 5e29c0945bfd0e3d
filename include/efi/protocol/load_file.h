/* SPDX-License-Identifier: MIT */
/* EFI_LOAD_FILE_PROTOCOL: a handle producing a file's bytes for LoadImage (UEFI 2.10 §13.1). */
#pragma once

#include "include/efi/device_path.h"
#include "include/efi/types.h"

#define EFI_LOAD_FILE_PROTOCOL_GUID \
	{ 0x56ec3091, 0x954c, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }

typedef struct _EFI_LOAD_FILE_PROTOCOL EFI_LOAD_FILE_PROTOCOL;

/* Bytes of the file FilePath names into Buffer; EFI_BUFFER_TOO_SMALL with the size if short. */
typedef EFI_STATUS(EFIAPI *EFI_LOAD_FILE)(EFI_LOAD_FILE_PROTOCOL *This,
					  EFI_DEVICE_PATH_PROTOCOL *FilePath, BOOLEAN BootPolicy,
					  UINTN *BufferSize, VOID *Buffer);

struct _EFI_LOAD_FILE_PROTOCOL {
	EFI_LOAD_FILE LoadFile;
};

_Static_assert(sizeof(EFI_LOAD_FILE_PROTOCOL) == 8, "EFI_LOAD_FILE_PROTOCOL layout");
