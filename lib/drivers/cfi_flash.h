/* SPDX-License-Identifier: MIT */
/* QEMU's pflash (CFI, Intel command set, 8 bits wide) as a struct flash_device. */
#pragma once

#include "lib/storage/flash.h"

struct cfi_flash {
	struct flash_device dev;	/* first: the store hands this back to us */
	UINT64 base;			/* MMIO address of the device's first byte */
	UINT32 write_buffer;		/* bytes per write-to-buffer, 1: none; 0 until asked */
};

/*
 * A static initializer: the function pointers are link-time constants, so the runtime's
 * relocations keep them right after SetVirtualAddressMap (base is converted by its owner).
 */
#define CFI_FLASH_INIT { .dev = { cfi_flash_read, cfi_flash_program, cfi_flash_erase, 0, 0 } }

EFI_STATUS cfi_flash_read(struct flash_device *dev, UINT32 offset, void *buf, UINT32 size);
EFI_STATUS cfi_flash_program(struct flash_device *dev, UINT32 offset, const void *buf,
			     UINT32 size);
EFI_STATUS cfi_flash_erase(struct flash_device *dev, UINT32 offset);
/*
 * Ask the device that ends at end (exclusive) for its CFI query table; on success the device's
 * base, size and erase block size. EFI_NOT_FOUND when nothing there answers "QRY" (a ROM, or no
 * device at all); the device is left in read-array mode either way.
 */
EFI_STATUS cfi_flash_probe(UINT64 end, UINT64 *ret_base, UINT32 *ret_size, UINT32 *ret_block);
