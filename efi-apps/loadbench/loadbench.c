// SPDX-License-Identifier: MIT
/* loadbench: for make bench, times LoadImage of a large image with Secure Boot off, then on. */
#include "efi-apps/readbench/readbench.h"

#define DEBUG_EXIT_PORT 0xf4
#define AUTH (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
	      EFI_VARIABLE_RUNTIME_ACCESS | EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS)

/*
 * bench/strata_bench.py puts \loadbench\IMAGE.EFI (the Debian UKI, signed by a db key it made)
 * and the PK, KEK and db .auth files on the ESP. The platform starts in setup mode (SecureBoot
 * 0): the first LoadImage checks nothing. Enrolling PK turns Secure Boot on, on OVMF and Strata
 * alike, so the second LoadImage hashes the image and verifies its signature against db. Only
 * the LoadImage calls are timed; each image is unloaded again.
 */

static EFI_GUID global = EFI_GLOBAL_VARIABLE;
static EFI_GUID image_db = { 0xd719b2cb, 0x3d3a, 0x4596,
			     { 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f } };

static EFI_STATUS enrol(EFI_FILE_HANDLE dir, CHAR16 *var, EFI_GUID *guid, CHAR16 *file)
{
	EFI_FILE_HANDLE f;
	EFI_FILE_INFO *info;
	UINTN size;
	VOID *buf;
	EFI_STATUS status = dir->Open(dir, &f, file, EFI_FILE_MODE_READ, 0);

	if (EFI_ERROR(status))
		return status;
	info = LibFileInfo(f);
	size = info ? info->FileSize : 0;
	FreePool(info);
	buf = AllocatePool(size);
	status = buf ? f->Read(f, &size, buf) : EFI_OUT_OF_RESOURCES;
	f->Close(f);
	if (!EFI_ERROR(status))
		status = RT->SetVariable(var, guid, AUTH, size, buf);
	FreePool(buf);
	if (EFI_ERROR(status))
		Print(L"loadbench: error: SetVariable %s from %s: %r\n", var, file, status);
	return status;
}

/* One timed LoadImage of the image; its microseconds, or an error. */
static EFI_STATUS timed_load(EFI_HANDLE image, EFI_DEVICE_PATH *path, UINT64 *ret_us)
{
	EFI_HANDLE loaded = NULL;
	UINT64 t = clock_now();
	EFI_STATUS status = BS->LoadImage(FALSE, image, path, NULL, 0, &loaded);

	*ret_us = clock_us(clock_now() - t);
	if (!EFI_ERROR(status))
		BS->UnloadImage(loaded);
	return status;
}

static void debug_exit(UINT8 value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"((UINT16)DEBUG_EXIT_PORT));
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_LOADED_IMAGE *li;
	EFI_FILE_HANDLE root, dir;
	EFI_DEVICE_PATH *path = NULL;
	UINT8 secure_boot = 0;
	UINTN size = 1;
	UINT64 off_us = 0, on_us = 0;
	EFI_STATUS status;

	InitializeLib(image, st);
	status = clock_init(L"loadbench");
	if (!EFI_ERROR(status))
		status = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (!EFI_ERROR(status)) {
		root = LibOpenRoot(li->DeviceHandle);
		status = root ? root->Open(root, &dir, L"\\loadbench", EFI_FILE_MODE_READ, 0)
			      : EFI_NOT_FOUND;
		path = FileDevicePath(li->DeviceHandle, L"\\loadbench\\IMAGE.EFI");
	}
	if (!EFI_ERROR(status))
		status = timed_load(image, path, &off_us);
	if (!EFI_ERROR(status))
		status = enrol(dir, L"PK", &global, L"PK.auth");
	if (!EFI_ERROR(status))
		status = enrol(dir, L"KEK", &global, L"KEK.auth");
	if (!EFI_ERROR(status))
		status = enrol(dir, L"db", &image_db, L"db.auth");
	if (!EFI_ERROR(status))
		RT->GetVariable(L"SecureBoot", &global, NULL, &size, &secure_boot);
	if (!EFI_ERROR(status) && secure_boot != 1) {
		Print(L"loadbench: error: SecureBoot is %d after enrolling PK\n", secure_boot);
		status = EFI_NOT_STARTED;
	}
	if (!EFI_ERROR(status))
		status = timed_load(image, path, &on_us);
	if (!EFI_ERROR(status))
		Print(L"loadbench: loadimage off_us=%ld on_us=%ld\n", off_us, on_us);
	Print(L"LOADBENCH-DONE %r\n", status);
	debug_exit(EFI_ERROR(status) ? 1 : 0);
	return status;
}
