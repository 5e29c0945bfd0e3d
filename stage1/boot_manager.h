/* SPDX-License-Identifier: MIT */
/* The boot manager: boot options in order, then the removable media path, then BLS entries. */
#pragma once

#include "include/efi/device_path.h"
#include "lib/bls.h"

/*
 * Load and start the image at path (from buffer if not NULL, path then only names it) with
 * options (NULL: none) as its LoadOptions; name labels it in the log, which says why it failed
 * or that it returned.
 */
EFI_STATUS boot_image(EFI_DEVICE_PATH_PROTOCOL *path, void *buffer, UINTN buffer_size,
		      const CHAR16 *name, const void *options, UINTN options_size);
/* Whether path names a file on the file system handle fs. */
BOOLEAN boot_file_exists(EFI_HANDLE fs, const CHAR16 *path);
/* The full device path of path on the file system handle fs, in pool memory; NULL if none. */
EFI_DEVICE_PATH_PROTOCOL *boot_file_path_on(EFI_HANDLE fs, const CHAR16 *path);

/* bls.c: boot the Boot Loader Specification entries on fs in order; EFI_NOT_FOUND if none. */
EFI_STATUS bls_boot_entries(EFI_HANDLE fs);

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
 * linux_loader.c: start li through its EFI stub (as an image, the initrd through LoadFile2), or a
 * bzImage without one through the x86 64-bit boot protocol, which does not return on success.
 */
EFI_STATUS linux_boot(const struct linux_image *li, const CHAR16 *label);
/* load_file2.c: serve data as the initrd that Linux EFI stubs load by LoadFile2, until removed. */
EFI_STATUS linux_initrd_install(const void *data, UINTN size);
/* Remove the initrd handle (a kernel that returned must not leave it to the next one). */
void linux_initrd_uninstall(void);

/* Try every boot option; never returns (halts with a message when all fail). */
__attribute__((noreturn)) void boot_manager_run(void);
