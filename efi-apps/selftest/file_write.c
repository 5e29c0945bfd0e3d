// SPDX-License-Identifier: MIT
/* File protocol writes on the boot volume: create, write, resize, rename, delete, volume full. */
#include "efi-apps/selftest/selftest.h"

/* A scratch directory of our own, emptied and removed by every teardown. */
#define SCRATCH	 L"\\selftest-write"
#define BUF_SIZE (256 * 1024)

static EFI_FILE_HANDLE root, dir, file;
static UINT8 *buf, *back;

static UINT8 write_byte(UINTN i, UINTN seed)
{
	return (UINT8)((i + seed) * 131 + (i >> 9));
}

static EFI_STATUS open_root(EFI_FILE_HANDLE *ret)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_STATUS status;

	status = BS->HandleProtocol(selftest_loaded_image->DeviceHandle, &FileSystemProtocol,
				    (void **)&fs);
	if (EFI_ERROR(status))
		return status;
	return fs->OpenVolume(fs, ret);
}

/* Delete everything below an open directory handle (two levels are all the cases make). */
static void empty_dir(EFI_FILE_HANDLE d, int depth)
{
	EFI_FILE_INFO *info;
	EFI_FILE_HANDLE h;
	UINTN size;

	if (BS->AllocatePool(EfiLoaderData, 4096, (void **)&info) != EFI_SUCCESS)
		return;
	for (int guard = 0; guard < 1000; guard++) {
		d->SetPosition(d, 0);
		do {
			size = 4096;
			if (d->Read(d, &size, info) != EFI_SUCCESS)
				size = 0;
		} while (size && (!StrCmp(info->FileName, L".") || !StrCmp(info->FileName, L"..")));
		if (!size)
			break;
		if (d->Open(d, &h, info->FileName, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0) !=
		    EFI_SUCCESS) {
			/* A read-only file: clear the attribute through a read handle first. */
			break;
		}
		if ((info->Attribute & EFI_FILE_DIRECTORY) && depth < 3)
			empty_dir(h, depth + 1);
		h->Delete(h);
	}
	BS->FreePool(info);
}

static void remove_scratch(void)
{
	EFI_FILE_HANDLE h;

	if (root->Open(root, &h, SCRATCH, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0) !=
	    EFI_SUCCESS)
		return;
	empty_dir(h, 0);
	h->Delete(h);
}

static EFI_STATUS setup(void)
{
	EFI_STATUS status;

	root = dir = file = NULL;
	buf = back = NULL;
	status = open_root(&root);
	if (EFI_ERROR(status))
		return selftest_fail(__FILE__, __LINE__, L"OpenVolume: %r", status);
	remove_scratch();
	status = root->Open(root, &dir, SCRATCH,
			    EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE,
			    EFI_FILE_DIRECTORY);
	if (EFI_ERROR(status))
		return selftest_fail(__FILE__, __LINE__, L"create " SCRATCH L": %r", status);
	status = BS->AllocatePool(EfiLoaderData, BUF_SIZE, (void **)&buf);
	if (!EFI_ERROR(status))
		status = BS->AllocatePool(EfiLoaderData, BUF_SIZE, (void **)&back);
	return status;
}

static void teardown(void)
{
	if (file)
		file->Close(file);
	if (dir)
		dir->Close(dir);
	if (root) {
		remove_scratch();
		root->Close(root);
	}
	if (buf)
		BS->FreePool(buf);
	if (back)
		BS->FreePool(back);
	root = dir = file = NULL;
	buf = back = NULL;
}

static EFI_STATUS create(EFI_FILE_HANDLE d, const CHAR16 *name, UINT64 attributes,
			 EFI_FILE_HANDLE *ret)
{
	return d->Open(d, ret, (CHAR16 *)name,
		       EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE, attributes);
}

static EFI_STATUS file_size(EFI_FILE_HANDLE h, UINT64 *ret_size)
{
	EFI_FILE_INFO *info = (EFI_FILE_INFO *)back;
	UINTN size = 4096;
	EFI_STATUS status = h->GetInfo(h, &gEfiFileInfoGuid, &size, info);

	*ret_size = info->FileSize;
	return status;
}

/* Read the whole of name in dir and compare with want[0, size). */
static EFI_STATUS read_back(const CHAR16 *name, const UINT8 *want, UINTN size)
{
	EFI_FILE_HANDLE h;
	UINTN n = BUF_SIZE;
	EFI_STATUS status;

	status = dir->Open(dir, &h, (CHAR16 *)name, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(status))
		return selftest_fail(__FILE__, __LINE__, L"reopen %s: %r", name, status);
	status = h->Read(h, &n, back);
	h->Close(h);
	CHECK(status == EFI_SUCCESS && n == size, "read back %s: %r, %ld bytes of %ld", name,
	      status, (INT64)n, (INT64)size);
	for (UINTN i = 0; i < size; i++)
		CHECK(back[i] == want[i], "%s byte %ld is 0x%x, wrote 0x%x", name, (INT64)i,
		      back[i], want[i]);
	return EFI_SUCCESS;
}

/* Writes of sizes that cross sectors and clusters at odd offsets, read back by a new handle. */
static EFI_STATUS write_odd_sizes(void)
{
	static const UINTN sizes[] = { 1, 511, 513, 4097, 3, 70001, 512, 8192 };
	UINTN total = 0, n;
	UINT64 size, pos;

	CHECK_OK(create(dir, L"Odd Sizes.bin", 0, &file));
	for (UINTN i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (UINTN j = 0; j < sizes[i]; j++)
			buf[total + j] = write_byte(total + j, 1);
		n = sizes[i];
		CHECK_OK(file->Write(file, &n, buf + total));
		CHECK(n == sizes[i], "wrote %ld of %ld", (INT64)n, (INT64)sizes[i]);
		total += n;
	}
	CHECK_OK(file->GetPosition(file, &pos));
	CHECK(pos == total, "position %ld after writing %ld", pos, (INT64)total);
	CHECK_OK(file_size(file, &size));
	CHECK(size == total, "FileSize %ld after writing %ld", size, (INT64)total);
	/* Overwrite in the middle: the size stays. */
	CHECK_OK(file->SetPosition(file, 1000));
	for (UINTN j = 0; j < 20000; j++)
		buf[1000 + j] = write_byte(1000 + j, 2);
	n = 20000;
	CHECK_OK(file->Write(file, &n, buf + 1000));
	CHECK_OK(file->Flush(file));
	CHECK_OK(file_size(file, &size));
	CHECK(size == total, "FileSize %ld after an overwrite", size);
	CHECK_OK(file->Close(file));
	file = NULL;
	return read_back(L"odd sizes.BIN", buf, total);
}

/* Bytes [offset, offset + size) of name in dir are want (the rest of the file is not looked at). */
static EFI_STATUS read_range(const CHAR16 *name, UINT64 offset, const UINT8 *want, UINTN size,
			     UINT64 want_size)
{
	EFI_FILE_HANDLE h;
	UINT64 got_size;
	UINTN n = size;
	EFI_STATUS status;

	CHECK_OK(dir->Open(dir, &h, (CHAR16 *)name, EFI_FILE_MODE_READ, 0));
	status = file_size(h, &got_size);
	if (!EFI_ERROR(status))
		status = h->SetPosition(h, offset);
	if (!EFI_ERROR(status))
		status = h->Read(h, &n, back + 4096);
	h->Close(h);
	CHECK(status == EFI_SUCCESS && got_size == want_size, "%s: %r, %ld bytes, expected %ld",
	      name, status, got_size, want_size);
	CHECK(n == size && !CompareMem(back + 4096, (void *)want, size), "%s: other bytes at %ld",
	      name, offset);
	return EFI_SUCCESS;
}

/*
 * A write past the end grows the file to cover it; SetInfo's FileSize cuts and extends. (The
 * gap's contents are not checked: OVMF leaves what the clusters held, Strata writes zeros.)
 */
static EFI_STATUS gap_and_resize(void)
{
	EFI_FILE_INFO *info = (EFI_FILE_INFO *)buf;
	UINTN n = 5, size;

	CHECK_OK(create(dir, L"gap.bin", 0, &file));
	CHECK_OK(file->SetPosition(file, 30000));
	CHECK_OK(file->Write(file, &n, "hello"));
	CHECK_OK(file->Close(file));
	file = NULL;
	CHECK_OK(read_range(L"gap.bin", 30000, (UINT8 *)"hello", 5, 30005));

	CHECK_OK(dir->Open(dir, &file, L"gap.bin", EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0));
	size = 4096;
	CHECK_OK(file->GetInfo(file, &gEfiFileInfoGuid, &size, info));
	info->FileSize = 30002;
	CHECK_OK(file->SetInfo(file, &gEfiFileInfoGuid, size, info));
	CHECK_OK(read_range(L"gap.bin", 30000, (UINT8 *)"he", 2, 30002));
	info->FileSize = 65000;
	CHECK_OK(file->SetInfo(file, &gEfiFileInfoGuid, size, info));
	return read_range(L"gap.bin", 30000, (UINT8 *)"he", 2, 65000);
}

static EFI_STATUS set_name(EFI_FILE_HANDLE h, const CHAR16 *name)
{
	EFI_FILE_INFO *info = (EFI_FILE_INFO *)buf;
	UINTN size = 4096;
	EFI_STATUS status = h->GetInfo(h, &gEfiFileInfoGuid, &size, info);

	if (EFI_ERROR(status))
		return status;
	StrCpy(info->FileName, name);
	size = SIZE_OF_EFI_FILE_INFO + (StrLen(name) + 1) * sizeof(CHAR16);
	info->Size = size;
	return h->SetInfo(h, &gEfiFileInfoGuid, size, info);
}

/* SetInfo's FileName renames in place, and with a path moves the file to another directory. */
static EFI_STATUS rename(void)
{
	EFI_FILE_HANDLE sub, h;
	UINTN n = 11;

	CHECK_OK(create(dir, L"before.txt", 0, &file));
	CHECK_OK(file->Write(file, &n, "rename test"));
	CHECK_OK(create(dir, L"sub", EFI_FILE_DIRECTORY, &sub));
	sub->Close(sub);
	CHECK_OK(set_name(file, L"After Rename With A Long Name.txt"));
	CHECK_STATUS(dir->Open(dir, &h, L"before.txt", EFI_FILE_MODE_READ, 0), EFI_NOT_FOUND);
	CHECK_OK(read_back(L"after rename with a long name.txt", (UINT8 *)"rename test", 11));
	CHECK_OK(set_name(file, SCRATCH L"\\sub\\moved.txt"));
	CHECK_STATUS(
		dir->Open(dir, &h, L"After Rename With A Long Name.txt", EFI_FILE_MODE_READ, 0),
		EFI_NOT_FOUND);
	return read_back(L"sub\\moved.txt", (UINT8 *)"rename test", 11);
}

/* Delete removes files and empty directories; the handle is closed either way. */
static EFI_STATUS delete (void)
{
	EFI_FILE_HANDLE sub, h;
	UINTN n = 4;

	CHECK_OK(create(dir, L"doomed.txt", 0, &file));
	CHECK_OK(file->Write(file, &n, "bye!"));
	CHECK_OK(file->Delete(file));
	file = NULL;
	CHECK_STATUS(dir->Open(dir, &h, L"doomed.txt", EFI_FILE_MODE_READ, 0), EFI_NOT_FOUND);
	CHECK_OK(create(dir, L"full dir", EFI_FILE_DIRECTORY, &sub));
	CHECK_OK(create(sub, L"inside", 0, &h));
	h->Close(h);
	CHECK_STATUS(sub->Delete(sub), EFI_WARN_DELETE_FAILURE);
	CHECK_OK(dir->Open(dir, &sub, L"full dir\\inside", EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE,
			   0));
	CHECK_OK(sub->Delete(sub));
	CHECK_OK(dir->Open(dir, &sub, L"full dir", EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0));
	CHECK_OK(sub->Delete(sub));
	CHECK_STATUS(dir->Open(dir, &h, L"full dir", EFI_FILE_MODE_READ, 0), EFI_NOT_FOUND);
	return EFI_SUCCESS;
}

/* What was created is listed, with its size and its name as given. */
static EFI_STATUS list(void)
{
	static const CHAR16 *const names[] = { L"one.txt", L"Two Words.TXT", L"THREE" };
	EFI_FILE_INFO *info = (EFI_FILE_INFO *)buf;
	BOOLEAN seen[3] = { FALSE, FALSE, FALSE };
	EFI_FILE_HANDLE h;
	UINTN size, n;

	for (UINTN i = 0; i < 3; i++) {
		CHECK_OK(create(dir, names[i], 0, &h));
		n = i * 100;
		h->Write(h, &n, back);
		h->Close(h);
	}
	CHECK_OK(dir->SetPosition(dir, 0));
	for (;;) {
		size = 4096;
		CHECK_OK(dir->Read(dir, &size, info));
		if (!size)
			break;
		for (UINTN i = 0; i < 3; i++) {
			if (StrCmp(info->FileName, names[i]))
				continue;
			CHECK(info->FileSize == i * 100, "%s has %ld bytes", names[i],
			      info->FileSize);
			seen[i] = TRUE;
		}
	}
	CHECK(seen[0] && seen[1] && seen[2], "listed: %d %d %d", seen[0], seen[1], seen[2]);
	return EFI_SUCCESS;
}

/* A handle opened for reading cannot change the file. */
static EFI_STATUS read_only_handle(void)
{
	EFI_FILE_INFO *info = (EFI_FILE_INFO *)buf;
	UINTN n = 3, size = 4096;

	CHECK_OK(create(dir, L"ro.txt", 0, &file));
	CHECK_OK(file->Write(file, &n, "abc"));
	CHECK_OK(file->Close(file));
	CHECK_OK(dir->Open(dir, &file, L"ro.txt", EFI_FILE_MODE_READ, 0));
	n = 3;
	CHECK_STATUS(file->Write(file, &n, "xyz"), EFI_ACCESS_DENIED);
	CHECK_OK(file->GetInfo(file, &gEfiFileInfoGuid, &size, info));
	info->FileSize = 1;
	CHECK_STATUS(file->SetInfo(file, &gEfiFileInfoGuid, size, info), EFI_ACCESS_DENIED);
	CHECK_STATUS(file->Delete(file), EFI_WARN_DELETE_FAILURE);
	file = NULL;
	return read_back(L"ro.txt", (UINT8 *)"abc", 3);
}

/* Writing until the volume is full ends in EFI_VOLUME_FULL; deleting gives the space back. */
static EFI_STATUS volume_full(void)
{
	EFI_FILE_SYSTEM_INFO *fsi = (EFI_FILE_SYSTEM_INFO *)back;
	UINT64 free_before, written = 0;
	UINTN size = 4096, n;
	EFI_STATUS status;

	CHECK_OK(root->GetInfo(root, &gEfiFileSystemInfoGuid, &size, fsi));
	free_before = fsi->FreeSpace;
	CHECK(!fsi->ReadOnly, "the boot volume says it is read-only");
	CHECK_OK(create(dir, L"fill.bin", 0, &file));
	SetMem(buf, BUF_SIZE, 0x5a);
	do {
		n = BUF_SIZE;
		status = file->Write(file, &n, buf);
		written += n;
	} while (status == EFI_SUCCESS && written <= free_before);
	CHECK(status == EFI_VOLUME_FULL, "writing %ld bytes to %ld free: %r", written, free_before,
	      status);
	size = 4096;
	CHECK_OK(root->GetInfo(root, &gEfiFileSystemInfoGuid, &size, fsi));
	CHECK(fsi->FreeSpace < BUF_SIZE, "%ld bytes still free", fsi->FreeSpace);
	CHECK_OK(file->Delete(file));
	file = NULL;
	size = 4096;
	CHECK_OK(root->GetInfo(root, &gEfiFileSystemInfoGuid, &size, fsi));
	CHECK(fsi->FreeSpace == free_before, "%ld bytes free after delete, %ld before",
	      fsi->FreeSpace, free_before);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(file_write, { "file_write.odd_sizes", setup, write_odd_sizes, teardown },
	       { "file_write.gap_and_resize", setup, gap_and_resize, teardown },
	       { "file_write.rename", setup, rename, teardown },
	       { "file_write.delete", setup, delete, teardown },
	       { "file_write.list", setup, list, teardown },
	       { "file_write.read_only_handle", setup, read_only_handle, teardown },
	       { "file_write.volume_full", setup, volume_full, teardown });
