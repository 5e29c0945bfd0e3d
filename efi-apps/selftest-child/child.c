// SPDX-License-Identifier: MIT
/* selftest-child: the image the self-test loads and starts; its exit depends on its LoadOptions. */
#include <efi.h>
#include <efilib.h>

/*
 * LoadOptions (UCS-2, set by the parent before StartImage) choose the ending:
 *   "return"      return EFI_SUCCESS from efi_main
 *   "exit:<text>" Exit(EFI_ABORTED) with ExitData "child:<text>" (a pool copy, as the spec asks)
 *   none/other    return EFI_NOT_FOUND, so the parent sees that the options did not arrive
 * The parent checks the status and data, which proves both directions of the hand-over.
 */
static BOOLEAN starts_with(const CHAR16 *s, UINTN len, const CHAR16 *prefix, UINTN plen)
{
	if (len < plen)
		return FALSE;
	for (UINTN i = 0; i < plen; i++)
		if (s[i] != prefix[i])
			return FALSE;
	return TRUE;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	EFI_GUID loaded_image_guid = LOADED_IMAGE_PROTOCOL;
	EFI_LOADED_IMAGE *li;
	const CHAR16 *opts;
	UINTN len, size;
	CHAR16 *data;
	EFI_STATUS status;

	status = bs->HandleProtocol(image, &loaded_image_guid, (void **)&li);
	if (EFI_ERROR(status))
		return status;
	/* The image must hold the code that runs: its base and size are what the loader placed. */
	if ((UINTN)efi_main < (UINTN)li->ImageBase ||
	    (UINTN)efi_main >= (UINTN)li->ImageBase + li->ImageSize)
		return EFI_LOAD_ERROR;
	opts = li->LoadOptions;
	len = li->LoadOptionsSize / sizeof(CHAR16);
	while (len && opts[len - 1] == 0)
		len--;
	if (!opts || !len)
		return EFI_NOT_FOUND;
	if (starts_with(opts, len, L"return", 6) && len == 6)
		return EFI_SUCCESS;
	if (!starts_with(opts, len, L"exit:", 5))
		return EFI_NOT_FOUND;
	size = (6 + len - 5 + 1) * sizeof(CHAR16);
	status = bs->AllocatePool(EfiBootServicesData, size, (void **)&data);
	if (EFI_ERROR(status))
		return status;
	bs->CopyMem(data, L"child:", 6 * sizeof(CHAR16));
	bs->CopyMem(data + 6, (void *)(opts + 5), (len - 5) * sizeof(CHAR16));
	data[6 + len - 5] = 0;
	return bs->Exit(image, EFI_ABORTED, size, data);
}
