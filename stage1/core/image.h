/* SPDX-License-Identifier: MIT */
/* Images: LoadImage, StartImage, Exit, UnloadImage and ExitBootServices (UEFI 2.10 §7.4). */
#pragma once

#include "include/efi/system_table.h"
#include "include/strata/handoff.h"

/* Create the firmware's own image handle (the agent for what stage1 opens) with LoadedImage. */
EFI_STATUS image_init_firmware(const struct handoff *h);

EFI_STATUS EFIAPI efi_load_image(BOOLEAN BootPolicy, EFI_HANDLE ParentImageHandle,
				 EFI_DEVICE_PATH_PROTOCOL *DevicePath, VOID *SourceBuffer,
				 UINTN SourceSize, EFI_HANDLE *ImageHandle);
EFI_STATUS EFIAPI efi_start_image(EFI_HANDLE ImageHandle, UINTN *ExitDataSize, CHAR16 **ExitData);
EFI_STATUS EFIAPI efi_exit(EFI_HANDLE ImageHandle, EFI_STATUS ExitStatus, UINTN ExitDataSize,
			   CHAR16 *ExitData);
EFI_STATUS EFIAPI efi_unload_image(EFI_HANDLE ImageHandle);
EFI_STATUS EFIAPI efi_exit_boot_services(EFI_HANDLE ImageHandle, UINTN MapKey);
/*
 * Where addr is among the loaded EFI images: EFI image \EFI\BOOT\BOOTX64.EFI+0x1f3 (PDB x.pdb)
 * in buf; FALSE when no image holds it. Allocates nothing: exception reports call it.
 */
BOOLEAN image_describe_address(UINT64 addr, char *buf, UINTN size);
