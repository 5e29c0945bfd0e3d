// SPDX-License-Identifier: MIT
/* varbench: for make bench, times 100 SetVariable calls of 1 KiB NON_VOLATILE variables at boot
 * time, checks every value reads back, deletes them, then exits QEMU through isa-debug-exit. */
#include "efi-apps/readbench/readbench.h"

#define COUNT		100
#define SIZE		1024
#define DEBUG_EXIT_PORT 0xf4

/* Our own vendor GUID for the bench variables (the varcount family, last byte 0xa3). */
static EFI_GUID vendor = {
	0x3f0b3e1c, 0x7a54, 0x4b1e, { 0x9d, 0x2c, 0x53, 0x54, 0x52, 0x41, 0x54, 0xa3 }
};

static const UINT32 attrs =
	EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS;

/* L"VarBench000".."VarBench099": a new variable each call, as an installer writing its state. */
static void bench_name(CHAR16 *name, UINTN i)
{
	static const CHAR16 prefix[] = L"VarBench";

	for (UINTN k = 0; k < 8; k++)
		name[k] = prefix[k];
	name[8] = (CHAR16)(L'0' + i / 100 % 10);
	name[9] = (CHAR16)(L'0' + i / 10 % 10);
	name[10] = (CHAR16)(L'0' + i % 10);
	name[11] = 0;
}

/* Byte k of variable i: distinct per variable, so a value landing under another name shows. */
static void fill(UINT8 *data, UINTN i)
{
	for (UINTN k = 0; k < SIZE; k++)
		data[k] = (UINT8)(k * 7 + i * 13 + (k >> 8));
}

static EFI_STATUS set_all(UINT8 *data, UINT64 *ret_us)
{
	CHAR16 name[12];
	UINT64 t, total = 0;
	EFI_STATUS status;

	for (UINTN i = 0; i < COUNT; i++) {
		bench_name(name, i);
		fill(data, i);
		/* Only the call is timed, not the making of its data. */
		t = clock_now();
		status = RT->SetVariable(name, &vendor, attrs, SIZE, data);
		total += clock_now() - t;
		if (EFI_ERROR(status)) {
			Print(L"varbench: error: SetVariable %s: %r\n", name, status);
			return status;
		}
	}
	*ret_us = clock_us(total);
	return EFI_SUCCESS;
}

static EFI_STATUS check_and_delete_all(UINT8 *data, UINT8 *got)
{
	CHAR16 name[12];
	UINT32 got_attrs;
	UINTN size;
	EFI_STATUS status;

	for (UINTN i = 0; i < COUNT; i++) {
		bench_name(name, i);
		fill(data, i);
		size = SIZE;
		status = RT->GetVariable(name, &vendor, &got_attrs, &size, got);
		if (EFI_ERROR(status) || size != SIZE || got_attrs != attrs ||
		    CompareMem(data, got, SIZE)) {
			Print(L"varbench: error: %s does not read back (%r, %ld bytes)\n", name,
			      status, size);
			return EFI_ERROR(status) ? status : EFI_VOLUME_CORRUPTED;
		}
		status = RT->SetVariable(name, &vendor, attrs, 0, NULL);
		if (EFI_ERROR(status)) {
			Print(L"varbench: error: deleting %s: %r\n", name, status);
			return status;
		}
	}
	return EFI_SUCCESS;
}

static void debug_exit(UINT8 value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"((UINT16)DEBUG_EXIT_PORT));
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	static UINT8 data[SIZE], got[SIZE];
	UINT64 us = 0;
	EFI_STATUS status;

	InitializeLib(image, st);
	Print(L"varbench: start\n");
	status = clock_init(L"varbench");
	if (!EFI_ERROR(status))
		status = set_all(data, &us);
	if (!EFI_ERROR(status)) {
		Print(L"varbench: set count=%d bytes=%d us=%ld\n", COUNT, SIZE, us);
		status = check_and_delete_all(data, got);
	}
	Print(L"VARBENCH-DONE %r\n", status);
	debug_exit(EFI_ERROR(status) ? 1 : 0);
	/* Still here: no isa-debug-exit device; hand the status back to the boot manager. */
	return status;
}
