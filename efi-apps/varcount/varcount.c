// SPDX-License-Identifier: MIT
/* varcount: counts its own runs in a NON_VOLATILE variable, prints the count, and powers off. */
#include <efi.h>
#include <efilib.h>

/* Our own vendor GUID for the test variable. */
static EFI_GUID vendor = { 0x3f0b3e1c, 0x7a54, 0x4b1e,
			   { 0x9d, 0x2c, 0x53, 0x54, 0x52, 0x41, 0x54, 0xa2 } };

static void print(EFI_SYSTEM_TABLE *st, CHAR16 *s)
{
	st->ConOut->OutputString(st->ConOut, s);
}

/* "varcount: <text> <n>\r\n" without libefi's Print. */
static void print_number(EFI_SYSTEM_TABLE *st, CHAR16 *text, UINT32 n)
{
	CHAR16 digits[12];
	int i = 11;

	digits[i] = 0;
	do {
		digits[--i] = (CHAR16)(L'0' + n % 10);
		n /= 10;
	} while (n && i > 0);
	print(st, L"varcount: ");
	print(st, text);
	print(st, L" ");
	print(st, &digits[i]);
	print(st, L"\r\n");
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_RUNTIME_SERVICES *rt = st->RuntimeServices;
	UINT32 attrs = EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
		       EFI_VARIABLE_RUNTIME_ACCESS;
	UINT32 count = 0, got_attrs = 0;
	UINTN size = sizeof(count);
	EFI_STATUS status;

	status = rt->GetVariable(L"StrataRunCount", &vendor, &got_attrs, &size, &count);
	if (status == EFI_NOT_FOUND) {
		print(st, L"varcount: no earlier run\r\n");
		count = 0;
	} else if (EFI_ERROR(status) || size != sizeof(count) || got_attrs != attrs) {
		print(st, L"varcount: FAIL reading StrataRunCount\r\n");
		count = 0;
	} else {
		print_number(st, L"earlier runs", count);
	}
	count++;
	status = rt->SetVariable(L"StrataRunCount", &vendor, attrs, sizeof(count), &count);
	if (EFI_ERROR(status))
		print(st, L"varcount: FAIL writing StrataRunCount\r\n");
	else
		print_number(st, L"wrote", count);
	rt->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
