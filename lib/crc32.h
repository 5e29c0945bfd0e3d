/* SPDX-License-Identifier: MIT */
/* CRC-32 (IEEE 802.3, reflected, as GPT and the EFI table headers use it). */
#pragma once

#include "include/efi/types.h"

/* Continue a CRC over more bytes; start with crc = 0 and feed the result back. */
UINT32 crc32_update(UINT32 crc, const void *data, UINTN size);
/* CRC-32 of one buffer. */
UINT32 crc32(const void *data, UINTN size);
