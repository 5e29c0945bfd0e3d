// SPDX-License-Identifier: MIT
/* readbench's write measurement: a 64 MiB file created and written through the File protocol. */
#include "efi-apps/readbench/readbench.h"

#define WRITE_FILE L"\\BENCH\\WRITE.BIN"
#define WRITE_SIZE (64ull * 1024 * 1024)
#define CHUNK	   (1024 * 1024)

/*
 * Write and Flush are timed together: a firmware may keep data in a cache until Flush, and the
 * figure is meant to be what reaches the disk. Each 4 KiB block starts with its offset, as the
 * read file does. The file is deleted afterwards (not timed).
 */
EFI_STATUS write_bench_file(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *loaded;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_FILE_HANDLE root, file;
	EFI_PHYSICAL_ADDRESS buf_addr;
	UINT8 *buf;
	UINT64 total = 0, t0, t_write = 0, t_flush;
	UINTN size;
	EFI_STATUS status;

	status = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&loaded);
	if (!EFI_ERROR(status))
		status =
			BS->HandleProtocol(loaded->DeviceHandle, &FileSystemProtocol, (void **)&fs);
	if (!EFI_ERROR(status))
		status = fs->OpenVolume(fs, &root);
	if (EFI_ERROR(status))
		return status;
	status = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, CHUNK / 4096, &buf_addr);
	if (EFI_ERROR(status))
		goto err_root;
	buf = (UINT8 *)(UINTN)buf_addr;
	status = root->Open(root, &file, WRITE_FILE,
			    EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE, 0);
	if (EFI_ERROR(status)) {
		Print(L"readbench: error: create %s: %r\n", WRITE_FILE, status);
		goto err_free;
	}
	while (total < WRITE_SIZE) {
		for (UINTN i = 0; i < CHUNK; i += 4096)
			*(UINT64 *)(buf + i) = total + i;
		size = CHUNK;
		t0 = clock_now();
		status = file->Write(file, &size, buf);
		t_write += clock_now() - t0;
		if (EFI_ERROR(status) || size != CHUNK) {
			Print(L"readbench: error: write at %ld: %r\n", total, status);
			goto err_delete;
		}
		total += size;
	}
	t0 = clock_now();
	status = file->Flush(file);
	t_flush = clock_now() - t0;
	if (EFI_ERROR(status)) {
		Print(L"readbench: error: flush: %r\n", status);
		goto err_delete;
	}
	Print(L"readbench: write bytes=%ld us=%ld chunk=%d flush_us=%ld\n", total,
	      clock_us(t_write + t_flush), CHUNK, clock_us(t_flush));
err_delete:
	file->Delete(file);
err_free:
	BS->FreePages(buf_addr, CHUNK / 4096);
err_root:
	root->Close(root);
	return status;
}
