/* SPDX-License-Identifier: MIT */
/* The UEFI compression format (UEFI 2.10 §19, EFI_DECOMPRESS_PROTOCOL): decompression only. */
#pragma once

#include "include/efi/types.h"

/* Symbol sets of the format: characters and lengths, positions, and the code-length codes. */
#define UEFI_DECOMPRESS_NC 510
#define UEFI_DECOMPRESS_NPT 31

/* Tables a decompression works in (about 13 KiB): the caller's, so no stack or allocation here. */
struct uefi_decompress_scratch {
	UINT16 left[2 * UEFI_DECOMPRESS_NC - 1];
	UINT16 right[2 * UEFI_DECOMPRESS_NC - 1];
	UINT16 c_table[4096];
	UINT16 pt_table[256];
	UINT8 c_len[UEFI_DECOMPRESS_NC];
	UINT8 pt_len[UEFI_DECOMPRESS_NPT];
};

/* The decompressed size the header of src states; EFI_INVALID_PARAMETER if src cannot hold it. */
EFI_STATUS uefi_decompress_size(const UINT8 *src, UINTN src_size, UINT32 *ret_size);
/*
 * Decompress src into dst, which holds the uefi_decompress_size bytes.
 * EFI_VOLUME_CORRUPTED for a bad code table or a match reaching before the output's start.
 */
EFI_STATUS uefi_decompress(const UINT8 *src, UINTN src_size, UINT8 *dst, UINTN dst_size,
			   struct uefi_decompress_scratch *scratch);
