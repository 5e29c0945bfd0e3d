/* SPDX-License-Identifier: MIT */
/* Decoding one LZ4 block (lz4_Block_format.md), as mk/lz4pack.py writes them. */
#pragma once

#include "include/efi/types.h"

/*
 * Decode the block of src_size bytes at src into dst. EFI_SUCCESS with the decoded size in
 * ret_size; EFI_COMPROMISED_DATA when the block is malformed (a length or offset running past
 * src, dst_size or the bytes decoded so far): dst may then hold a partial result.
 */
EFI_STATUS lz4_decode(const void *src, UINTN src_size, void *dst, UINTN dst_size, UINTN *ret_size);
