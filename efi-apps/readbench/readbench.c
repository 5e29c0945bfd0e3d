// SPDX-License-Identifier: MIT
/* readbench: for make bench, times reading and writing a 64 MiB file through the File protocol,
 * prints the memory map's totals by type, then exits QEMU through isa-debug-exit. */
#include "efi-apps/readbench/readbench.h"

#define BENCH_FILE L"\\BENCH\\DATA.BIN"
#define CHUNK (1024 * 1024)
#define BLOCK 4096
#define DEBUG_EXIT_PORT 0xf4

/* The names of UEFI 2.10 §7.2 memory types, for the log; the host parses the numbers. */
static const CHAR16 *const type_names[] = {
	L"Reserved",	       L"LoaderCode",	      L"LoaderData",	 L"BootServicesCode",
	L"BootServicesData",   L"RuntimeServicesCode", L"RuntimeServicesData",
	L"Conventional",       L"Unusable",	      L"ACPIReclaim",	 L"ACPIMemoryNVS",
	L"MemoryMappedIO",     L"MemoryMappedIOPortSpace", L"PalCode",	 L"Persistent",
	L"Unaccepted",
};
#define TYPE_COUNT (sizeof(type_names) / sizeof(type_names[0]))

/* bench/strata_bench.py writes the file so each 4 KiB block starts with its own offset. */
static BOOLEAN chunk_intact(const UINT8 *buf, UINTN size, UINT64 offset)
{
	for (UINTN i = 0; i + 8 <= size; i += BLOCK)
		if (*(const UINT64 *)(buf + i) != offset + i)
			return FALSE;
	return TRUE;
}

static EFI_STATUS open_bench_file(EFI_HANDLE image, EFI_FILE_HANDLE *ret_root,
				  EFI_FILE_HANDLE *ret_file)
{
	EFI_LOADED_IMAGE *loaded;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_STATUS status;

	status = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&loaded);
	if (EFI_ERROR(status))
		return status;
	status = BS->HandleProtocol(loaded->DeviceHandle, &FileSystemProtocol, (void **)&fs);
	if (EFI_ERROR(status))
		return status;
	status = fs->OpenVolume(fs, ret_root);
	if (EFI_ERROR(status))
		return status;
	status = (*ret_root)->Open(*ret_root, ret_file, BENCH_FILE, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(status))
		(*ret_root)->Close(*ret_root);
	return status;
}

EFI_STATUS read_bench_file(EFI_HANDLE image)
{
	EFI_FILE_HANDLE root, file;
	EFI_PHYSICAL_ADDRESS buf_addr;
	UINT8 *buf;
	UINT64 total = 0, t0, t_open, t_read = 0;
	UINTN size;
	EFI_STATUS status;

	status = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, CHUNK / 4096, &buf_addr);
	if (EFI_ERROR(status))
		return status;
	buf = (UINT8 *)(UINTN)buf_addr;
	t0 = clock_now();
	status = open_bench_file(image, &root, &file);
	t_open = clock_now() - t0;
	if (EFI_ERROR(status)) {
		Print(L"readbench: error: open %s: %r\n", BENCH_FILE, status);
		goto err_free;
	}
	/* Only the Read calls are timed: the check of each block header is ours, not the disk's. */
	for (;;) {
		size = CHUNK;
		t0 = clock_now();
		status = file->Read(file, &size, buf);
		t_read += clock_now() - t0;
		if (EFI_ERROR(status)) {
			Print(L"readbench: error: read at %ld: %r\n", total, status);
			goto err_close;
		}
		if (!size)
			break;
		if (!chunk_intact(buf, size, total)) {
			Print(L"readbench: error: wrong data in the %ld bytes at %ld\n",
			      (UINT64)size, total);
			status = EFI_CRC_ERROR;
			goto err_close;
		}
		total += size;
	}
	Print(L"readbench: read bytes=%ld us=%ld chunk=%d open_us=%ld\n", total, clock_us(t_read),
	      CHUNK, clock_us(t_open));
err_close:
	file->Close(file);
	root->Close(root);
err_free:
	BS->FreePages(buf_addr, CHUNK / 4096);
	return status;
}

EFI_STATUS print_memory_totals(void)
{
	EFI_MEMORY_DESCRIPTOR *map;
	UINTN size = 0, key, desc_size;
	UINT32 version;
	UINT64 pages[TYPE_COUNT] = { 0 }, runtime;
	EFI_STATUS status;

	status = BS->GetMemoryMap(&size, NULL, &key, &desc_size, &version);
	if (status != EFI_BUFFER_TOO_SMALL)
		return status;
	/* Room for the descriptors our own pool allocation may add. */
	size += 8 * desc_size;
	status = BS->AllocatePool(EfiLoaderData, size, (void **)&map);
	if (EFI_ERROR(status))
		return status;
	status = BS->GetMemoryMap(&size, map, &key, &desc_size, &version);
	if (EFI_ERROR(status))
		goto out;
	for (UINTN off = 0; off + desc_size <= size; off += desc_size) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + off);

		if (d->Type < TYPE_COUNT)
			pages[d->Type] += d->NumberOfPages;
	}
	for (UINTN t = 0; t < TYPE_COUNT; t++)
		if (pages[t])
			Print(L"readbench: memmap type=%d pages=%ld name=%s\n", t, pages[t],
			      type_names[t]);
	runtime = pages[EfiRuntimeServicesCode] + pages[EfiRuntimeServicesData] +
		  pages[EfiACPIMemoryNVS];
	Print(L"readbench: runtime-reserved pages=%ld kib=%ld\n", runtime, runtime * 4);
out:
	BS->FreePool(map);
	return status;
}

/* isa-debug-exit ends QEMU with status (value << 1) | 1: 1 when all went well, 3 otherwise. */
static void debug_exit(UINT8 value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"((UINT16)DEBUG_EXIT_PORT));
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_STATUS status, map_status;

	InitializeLib(image, st);
	Print(L"readbench: start\n");
	status = clock_init(L"readbench");
	if (!EFI_ERROR(status))
		status = read_bench_file(image);
	if (!EFI_ERROR(status))
		status = write_bench_file(image);
	map_status = print_memory_totals();
	if (EFI_ERROR(map_status))
		Print(L"readbench: error: GetMemoryMap: %r\n", map_status);
	if (!EFI_ERROR(status))
		status = map_status;
	Print(L"READBENCH-DONE %r\n", status);
	debug_exit(EFI_ERROR(status) ? 1 : 0);
	/* Still here: no isa-debug-exit device; hand the status back to the boot manager. */
	return status;
}
