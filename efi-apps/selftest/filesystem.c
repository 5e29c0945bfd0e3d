// SPDX-License-Identifier: MIT
/* Simple File System on the boot volume: open, read, seek, directories with long names, GetInfo. */
#include "efi-apps/selftest/selftest.h"

static EFI_FILE_HANDLE root, dir, file;
static UINT8 *buf;

static EFI_STATUS open_root(void)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_STATUS status;

	root = dir = file = NULL;
	buf = NULL;
	status = BS->HandleProtocol(selftest_loaded_image->DeviceHandle, &FileSystemProtocol,
				    (void **)&fs);
	if (EFI_ERROR(status))
		return selftest_fail(__FILE__, __LINE__, L"no SimpleFileSystem on the boot volume");
	if (fs->Revision < 0x00010000)
		return selftest_fail(__FILE__, __LINE__, L"SimpleFileSystem revision 0x%lx",
				     fs->Revision);
	status = fs->OpenVolume(fs, &root);
	if (EFI_ERROR(status))
		return selftest_fail(__FILE__, __LINE__, L"OpenVolume: %r", status);
	return BS->AllocatePool(EfiLoaderData, FIXTURE_PATTERN_SIZE + 4096, (void **)&buf);
}

static void close_all(void)
{
	if (file)
		file->Close(file);
	if (dir)
		dir->Close(dir);
	if (root)
		root->Close(root);
	if (buf)
		BS->FreePool(buf);
	root = dir = file = NULL;
	buf = NULL;
}

static EFI_STATUS check_pattern(const UINT8 *data, UINTN offset, UINTN size)
{
	for (UINTN i = 0; i < size; i++)
		CHECK(data[i] == fixture_pattern_byte(offset + i),
		      "pattern.bin byte %ld is 0x%x, expected 0x%x", (INT64)(offset + i), data[i],
		      fixture_pattern_byte(offset + i));
	return EFI_SUCCESS;
}

static EFI_STATUS read_whole_file(void)
{
	UINTN size = FIXTURE_PATTERN_SIZE + 4096;

	CHECK_OK(root->Open(root, &file, FIXTURE_PATTERN, EFI_FILE_MODE_READ, 0));
	CHECK_OK(file->Read(file, &size, buf));
	CHECK(size == FIXTURE_PATTERN_SIZE, "read %ld bytes, file has %d", (INT64)size,
	      FIXTURE_PATTERN_SIZE);
	CHECK_OK(check_pattern(buf, 0, size));
	/* At end of file a read succeeds with nothing. */
	size = 16;
	CHECK_OK(file->Read(file, &size, buf));
	CHECK(size == 0, "read %ld bytes at end of file", (INT64)size);
	return EFI_SUCCESS;
}

static EFI_STATUS read_in_chunks(void)
{
	UINTN total = 0, size;

	CHECK_OK(root->Open(root, &file, FIXTURE_PATTERN, EFI_FILE_MODE_READ, 0));
	/* 1000 and 3 cross every sector and cluster boundary at odd offsets. */
	do {
		size = total % 2 ? 3 : 1000;
		CHECK_OK(file->Read(file, &size, buf));
		CHECK_OK(check_pattern(buf, total, size));
		total += size;
	} while (size);
	CHECK(total == FIXTURE_PATTERN_SIZE, "chunks add up to %ld", (INT64)total);
	return EFI_SUCCESS;
}

static EFI_STATUS seek(void)
{
	UINT64 pos = 0;
	UINTN size;

	CHECK_OK(root->Open(root, &file, FIXTURE_PATTERN, EFI_FILE_MODE_READ, 0));
	CHECK_OK(file->SetPosition(file, 12345));
	CHECK_OK(file->GetPosition(file, &pos));
	CHECK(pos == 12345, "position %ld after SetPosition(12345)", pos);
	size = 700;
	CHECK_OK(file->Read(file, &size, buf));
	CHECK(size == 700, "read %ld", (INT64)size);
	CHECK_OK(check_pattern(buf, 12345, size));
	CHECK_OK(file->GetPosition(file, &pos));
	CHECK(pos == 12345 + 700, "position %ld after reading 700", pos);
	/* All ones means end of file (UEFI 2.10 §13.5 SetPosition). */
	CHECK_OK(file->SetPosition(file, 0xffffffffffffffffULL));
	CHECK_OK(file->GetPosition(file, &pos));
	CHECK(pos == FIXTURE_PATTERN_SIZE, "end-of-file position %ld", pos);
	/* A file may be positioned past its end; reading there is a device error. */
	CHECK_OK(file->SetPosition(file, FIXTURE_PATTERN_SIZE + 10));
	size = 4;
	CHECK_STATUS(file->Read(file, &size, buf), EFI_DEVICE_ERROR);
	CHECK_OK(file->SetPosition(file, 0));
	size = 10;
	CHECK_OK(file->Read(file, &size, buf));
	CHECK_OK(check_pattern(buf, 0, size));
	return EFI_SUCCESS;
}

static EFI_STATUS open_errors(void)
{
	EFI_FILE_HANDLE h;

	CHECK_STATUS(root->Open(root, &h, L"\\selftest\\absent.txt", EFI_FILE_MODE_READ, 0),
		     EFI_NOT_FOUND);
	CHECK_STATUS(root->Open(root, &h, L"\\no-dir\\pattern.bin", EFI_FILE_MODE_READ, 0),
		     EFI_NOT_FOUND);
	/* Create without write is not a valid mode. */
	CHECK_STATUS(root->Open(root, &h, FIXTURE_PATTERN, EFI_FILE_MODE_CREATE, 0),
		     EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

/* FAT matches names without regard to case, long names included; paths may be relative. */
static EFI_STATUS long_name_and_relative(void)
{
	static const char text[] = FIXTURE_LONG_TEXT;
	EFI_FILE_HANDLE sub;
	UINTN size = 4096;

	CHECK_OK(root->Open(root, &dir, FIXTURE_DIR, EFI_FILE_MODE_READ, 0));
	CHECK_OK(dir->Open(dir, &file, L"a LONG file NAME for the SELF-TEST.txt",
			   EFI_FILE_MODE_READ, 0));
	CHECK_OK(file->Read(file, &size, buf));
	CHECK(size == sizeof(text) - 1 && !CompareMem(buf, (void *)text, size),
	      "long-name file holds %ld bytes, not the fixture text", (INT64)size);
	CHECK_OK(dir->Open(dir, &sub, L"subdir\\..\\subdir\\.\\pattern.bin", EFI_FILE_MODE_READ,
			   0));
	size = 8;
	EFI_STATUS status = sub->Read(sub, &size, buf);
	sub->Close(sub);
	CHECK(status == EFI_SUCCESS && size == 8, "relative path read: %r", status);
	CHECK_OK(check_pattern(buf, 0, 8));
	return EFI_SUCCESS;
}

static EFI_STATUS directory_listing(void)
{
	EFI_FILE_INFO *info = (EFI_FILE_INFO *)buf;
	BOOLEAN long_found = FALSE, sub_found = FALSE, child_found = FALSE;
	UINTN size, entries = 0;
	EFI_STATUS status;

	CHECK_OK(root->Open(root, &dir, FIXTURE_DIR, EFI_FILE_MODE_READ, 0));
	/* Too small for even one entry: the size needed comes back, the position stays. */
	size = SIZE_OF_EFI_FILE_INFO;
	status = dir->Read(dir, &size, info);
	CHECK(status == EFI_BUFFER_TOO_SMALL, "tiny buffer: %r", status);
	CHECK(size > SIZE_OF_EFI_FILE_INFO, "tiny buffer: needed size %ld", (INT64)size);
	for (;;) {
		size = 4096;
		CHECK_OK(dir->Read(dir, &size, info));
		if (!size)
			break;
		CHECK(size >= SIZE_OF_EFI_FILE_INFO + 2 && info->Size <= size,
		      "entry of %ld bytes, Size %ld", (INT64)size, info->Size);
		entries++;
		if (!StrCmp(info->FileName, FIXTURE_LONG_NAME)) {
			long_found = TRUE;
			CHECK(info->FileSize == sizeof(FIXTURE_LONG_TEXT) - 1,
			      "long-name file size %ld", info->FileSize);
			CHECK(!(info->Attribute & EFI_FILE_DIRECTORY), "long-name file is a dir");
		} else if (!StrCmp(info->FileName, FIXTURE_SUBDIR)) {
			sub_found = TRUE;
			CHECK(info->Attribute & EFI_FILE_DIRECTORY,
			      "subdir lacks EFI_FILE_DIRECTORY");
		} else if (!StrCmp(info->FileName, L"child.efi")) {
			child_found = TRUE;
		}
	}
	CHECK(long_found, "\"%s\" not listed (%ld entries)", FIXTURE_LONG_NAME, (INT64)entries);
	CHECK(sub_found && child_found, "subdir %d, child.efi %d", sub_found, child_found);
	/* SetPosition(0) restarts a directory listing; other positions are refused. */
	CHECK_OK(dir->SetPosition(dir, 0));
	size = 4096;
	CHECK_OK(dir->Read(dir, &size, info));
	CHECK(size > 0, "listing did not restart");
	CHECK_STATUS(dir->SetPosition(dir, 5), EFI_UNSUPPORTED);
	return EFI_SUCCESS;
}

static EFI_STATUS get_info_variants(void)
{
	EFI_FILE_INFO *fi = (EFI_FILE_INFO *)buf;
	EFI_FILE_SYSTEM_INFO *fsi = (EFI_FILE_SYSTEM_INFO *)buf;
	EFI_FILE_SYSTEM_VOLUME_LABEL *label = (EFI_FILE_SYSTEM_VOLUME_LABEL *)buf;
	EFI_GUID unknown = { 0x11111111, 0x2222, 0x3333, { 4, 4, 4, 4, 4, 4, 4, 4 } };
	UINTN size;

	CHECK_OK(root->Open(root, &file, FIXTURE_PATTERN, EFI_FILE_MODE_READ, 0));
	size = 4;
	CHECK_STATUS(file->GetInfo(file, &gEfiFileInfoGuid, &size, fi), EFI_BUFFER_TOO_SMALL);
	CHECK(size >= SIZE_OF_EFI_FILE_INFO + sizeof(L"pattern.bin"), "needed size %ld",
	      (INT64)size);
	size = 4096;
	CHECK_OK(file->GetInfo(file, &gEfiFileInfoGuid, &size, fi));
	CHECK(fi->FileSize == FIXTURE_PATTERN_SIZE, "FileSize %ld", fi->FileSize);
	CHECK(fi->PhysicalSize >= fi->FileSize, "PhysicalSize %ld", fi->PhysicalSize);
	CHECK(!StrCmp(fi->FileName, L"pattern.bin"), "FileName \"%s\"", fi->FileName);
	CHECK(!(fi->Attribute & EFI_FILE_DIRECTORY), "file marked as directory");
	CHECK(fi->ModificationTime.Year >= 1980, "ModificationTime year %d",
	      fi->ModificationTime.Year);

	size = 4096;
	CHECK_OK(root->GetInfo(root, &gEfiFileSystemInfoGuid, &size, fsi));
	CHECK(fsi->VolumeSize > 32 << 20 && fsi->FreeSpace < fsi->VolumeSize,
	      "VolumeSize %ld FreeSpace %ld", fsi->VolumeSize, fsi->FreeSpace);
	CHECK(fsi->BlockSize >= 512, "BlockSize %d", fsi->BlockSize);
	CHECK(!StrCmp(fsi->VolumeLabel, FIXTURE_VOLUME_LABEL), "label \"%s\"", fsi->VolumeLabel);

	size = 4096;
	CHECK_OK(root->GetInfo(root, &gEfiFileSystemVolumeLabelInfoIdGuid, &size, label));
	CHECK(!StrCmp(label->VolumeLabel, FIXTURE_VOLUME_LABEL), "label info \"%s\"",
	      label->VolumeLabel);

	size = 4096;
	CHECK_STATUS(file->GetInfo(file, &unknown, &size, buf), EFI_UNSUPPORTED);
	/* A directory's info says so. */
	size = 4096;
	CHECK_OK(root->Open(root, &dir, FIXTURE_DIR, EFI_FILE_MODE_READ, 0));
	CHECK_OK(dir->GetInfo(dir, &gEfiFileInfoGuid, &size, fi));
	CHECK(fi->Attribute & EFI_FILE_DIRECTORY, "\\selftest lacks EFI_FILE_DIRECTORY");
	return EFI_SUCCESS;
}

SELFTEST_SUITE(filesystem,
	       { "filesystem.read_whole_file", open_root, read_whole_file, close_all },
	       { "filesystem.read_in_chunks", open_root, read_in_chunks, close_all },
	       { "filesystem.seek", open_root, seek, close_all },
	       { "filesystem.open_errors", open_root, open_errors, close_all },
	       { "filesystem.long_name_and_relative", open_root, long_name_and_relative,
		 close_all },
	       { "filesystem.directory_listing", open_root, directory_listing, close_all },
	       { "filesystem.get_info_variants", open_root, get_info_variants, close_all });
