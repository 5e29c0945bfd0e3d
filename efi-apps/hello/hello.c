// SPDX-License-Identifier: MIT
/* hello: the smallest payload; prints one line on ConOut and returns to its loader. */
#include <efi.h>
#include <efilib.h>

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	/* No libefi here: ConOut directly, so the app needs nothing but the system table. */
	return st->ConOut->OutputString(st->ConOut, L"Hello from Strata efi-apps/hello\r\n");
}
