// SPDX-License-Identifier: MIT
/* Small helpers shared by the cases: CRC32, a timer-based sleep, GUID compare, fixture reads. */
#include "efi-apps/selftest/selftest.h"

UINT32 selftest_crc32(const void *data, UINTN size)
{
	const UINT8 *p = data;
	UINT32 crc = 0xffffffff;

	/* Bitwise on purpose: no table shared with anything the firmware could have got wrong. */
	while (size--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

EFI_STATUS selftest_sleep_ms(UINTN ms)
{
	EFI_EVENT timer;
	UINTN index;
	EFI_STATUS status;

	status = BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timer);
	if (EFI_ERROR(status))
		return status;
	status = BS->SetTimer(timer, TimerRelative, ms * 10000);
	if (!EFI_ERROR(status))
		status = BS->WaitForEvent(1, &timer, &index);
	BS->CloseEvent(timer);
	return status;
}

BOOLEAN guid_equal(const EFI_GUID *a, const EFI_GUID *b)
{
	const UINT8 *x = (const UINT8 *)a, *y = (const UINT8 *)b;

	for (UINTN i = 0; i < sizeof(EFI_GUID); i++)
		if (x[i] != y[i])
			return FALSE;
	return TRUE;
}

EFI_STATUS fixture_read_file(const CHAR16 *path, void **ret_data, UINTN *ret_size)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_FILE_HANDLE root, file;
	EFI_FILE_INFO *info;
	void *data = NULL;
	UINTN size;
	EFI_STATUS status;

	status = BS->HandleProtocol(selftest_loaded_image->DeviceHandle, &FileSystemProtocol,
				    (void **)&fs);
	if (EFI_ERROR(status))
		return status;
	status = fs->OpenVolume(fs, &root);
	if (EFI_ERROR(status))
		return status;
	status = root->Open(root, &file, (CHAR16 *)path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(status))
		goto err_root;
	info = LibFileInfo(file);
	if (!info) {
		status = EFI_DEVICE_ERROR;
		goto err_file;
	}
	size = info->FileSize;
	FreePool(info);
	status = BS->AllocatePool(EfiLoaderData, size ? size : 1, &data);
	if (EFI_ERROR(status))
		goto err_file;
	status = file->Read(file, &size, data);
	if (EFI_ERROR(status)) {
		BS->FreePool(data);
		goto err_file;
	}
	*ret_data = data;
	*ret_size = size;
err_file:
	file->Close(file);
err_root:
	root->Close(root);
	return status;
}
