/* SPDX-License-Identifier: MIT */
/* Starting a Linux kernel read into memory: the description BLS fills and the loader starts. */
#pragma once

#include "include/efi/device_path.h"
#include "lib/formats/bls.h"

/* A kernel (or EFI program) and its initrds read into memory, and what names them. */
struct linux_image {
	EFI_DEVICE_PATH_PROTOCOL *path;	/* the kernel file, for LoadedImage */
	void *kernel;
	UINTN kernel_size;
	const void *initrd;		/* every initrd of the entry in one buffer; NULL if none */
	UINTN initrd_size;
	const struct bls_entry *entry;	/* its options are the command line */
};

/*
 * Start li through its EFI stub (as an image, the initrd through LoadFile2), or a bzImage
 * without one through the x86 64-bit boot protocol, which does not return on success.
 */
EFI_STATUS linux_boot(const struct linux_image *li, const CHAR16 *label);
