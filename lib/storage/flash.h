/* SPDX-License-Identifier: MIT */
/* The NOR-flash interface the variable store writes through, so it runs on the host as well. */
#pragma once

#include "include/efi/types.h"

/*
 * NOR flash as the store sees it: erased bytes read 0xff, programming only clears bits, and a
 * block erase sets a whole block back to 0xff. Offsets are from the start of the device. Each
 * program and erase call is a step a power loss may interrupt (a program may then have written
 * only a prefix of its bytes, an erase only part of its block).
 */
struct flash_device {
	EFI_STATUS (*read)(struct flash_device *dev, UINT32 offset, void *buf, UINT32 size);
	EFI_STATUS (*program)(struct flash_device *dev, UINT32 offset, const void *buf,
			      UINT32 size);
	/* Erase the block that starts at offset (a multiple of block_size). */
	EFI_STATUS (*erase)(struct flash_device *dev, UINT32 offset);
	UINT32 block_size;	/* a power of two */
	UINT32 size;		/* bytes, a multiple of block_size */
};
