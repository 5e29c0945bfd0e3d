// SPDX-License-Identifier: MIT
/* Images: our own LoadedImage, LoadImage from a file path and from a buffer, StartImage with
 * LoadOptions, Exit with ExitData, UnloadImage, and malformed images refused. */
#include "efi-apps/selftest/selftest.h"

static EFI_DEVICE_PATH *child_path;
static void *child_buf;
static UINTN child_size;
static EFI_HANDLE child;
static UINT8 *bad_buf;

static EFI_STATUS setup(void)
{
	EFI_STATUS status;

	child = NULL;
	bad_buf = NULL;
	/* The device path of \selftest\child.efi on the volume we were loaded from. */
	child_path = FileDevicePath(selftest_loaded_image->DeviceHandle, FIXTURE_CHILD);
	if (!child_path)
		return selftest_fail(__FILE__, __LINE__, L"FileDevicePath failed");
	status = fixture_read_file(FIXTURE_CHILD, &child_buf, &child_size);
	if (EFI_ERROR(status))
		return selftest_fail(__FILE__, __LINE__, L"read %s: %r", FIXTURE_CHILD, status);
	return EFI_SUCCESS;
}

static void teardown(void)
{
	if (child)
		BS->UnloadImage(child);
	child = NULL;
	if (bad_buf)
		BS->FreePool(bad_buf);
	bad_buf = NULL;
	BS->FreePool(child_buf);
	FreePool(child_path);
}

static EFI_STATUS own_loaded_image(void)
{
	EFI_LOADED_IMAGE *li = selftest_loaded_image;
	UINTN entry = (UINTN)own_loaded_image;
	void *fs;

	CHECK(li->Revision >= 0x1000, "Revision 0x%x", li->Revision);
	CHECK(li->SystemTable == ST, "SystemTable %p, ST %p", li->SystemTable, ST);
	/* ParentHandle is NULL when the boot manager loaded us, so it says nothing here. */
	CHECK(entry >= (UINTN)li->ImageBase && entry < (UINTN)li->ImageBase + li->ImageSize,
	      "our code at %lx is outside ImageBase %lx + %lx", (UINT64)entry,
	      (UINT64)(UINTN)li->ImageBase, li->ImageSize);
	CHECK(!((UINTN)li->ImageBase & 0xfff), "ImageBase %p not page-aligned", li->ImageBase);
	CHECK(li->ImageCodeType == EfiLoaderCode && li->ImageDataType == EfiLoaderData,
	      "ImageCodeType %d, ImageDataType %d", li->ImageCodeType, li->ImageDataType);
	CHECK(li->FilePath, "no FilePath");
	CHECK_OK(BS->HandleProtocol(li->DeviceHandle, &FileSystemProtocol, &fs));
	return EFI_SUCCESS;
}

/* Sets the child's LoadOptions, starts it, returns its exit status, data and data size. */
static EFI_STATUS start_child(const CHAR16 *options, EFI_STATUS *ret_exit, CHAR16 **ret_data,
			      UINTN *ret_data_size)
{
	EFI_LOADED_IMAGE *li;
	EFI_STATUS status;

	status = BS->HandleProtocol(child, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(status))
		return status;
	li->LoadOptions = (void *)options;
	li->LoadOptionsSize = options ? (StrLen(options) + 1) * sizeof(CHAR16) : 0;
	*ret_data = NULL;
	*ret_data_size = 0;
	*ret_exit = BS->StartImage(child, ret_data_size, ret_data);
	/* An application is unloaded by the firmware when it returns or exits. */
	child = NULL;
	return EFI_SUCCESS;
}

static EFI_STATUS load_from_file_path(void)
{
	EFI_LOADED_IMAGE *li;
	EFI_STATUS exit;
	CHAR16 *data;
	UINTN size;

	CHECK_OK(BS->LoadImage(FALSE, selftest_image, child_path, NULL, 0, &child));
	CHECK(child, "no image handle");
	CHECK_OK(BS->HandleProtocol(child, &LoadedImageProtocol, (void **)&li));
	CHECK(li->ParentHandle == selftest_image, "ParentHandle %p, we are %p", li->ParentHandle,
	      selftest_image);
	CHECK(li->DeviceHandle == selftest_loaded_image->DeviceHandle,
	      "DeviceHandle %p, expected the boot volume %p", li->DeviceHandle,
	      selftest_loaded_image->DeviceHandle);
	CHECK(li->ImageSize >= child_size / 2 && li->ImageBase, "ImageBase %p ImageSize %ld",
	      li->ImageBase, li->ImageSize);
	CHECK(li->ImageCodeType == EfiLoaderCode, "ImageCodeType %d", li->ImageCodeType);
	CHECK_OK(start_child(L"return", &exit, &data, &size));
	CHECK(exit == EFI_SUCCESS, "child returned %r, expected Success (it saw \"return\")", exit);
	return EFI_SUCCESS;
}

static EFI_STATUS load_from_buffer_exit_data(void)
{
	static const CHAR16 expect[] = L"child:hello 42";
	EFI_STATUS exit;
	CHAR16 *data;
	UINTN size;
	BOOLEAN same;

	CHECK_OK(BS->LoadImage(FALSE, selftest_image, child_path, child_buf, child_size, &child));
	CHECK_OK(start_child(L"exit:hello 42", &exit, &data, &size));
	same = data && size == sizeof(expect) && !StrCmp(data, (CHAR16 *)expect);
	CHECK(exit == EFI_ABORTED, "child exited with %r, expected Aborted", exit);
	CHECK(same, "ExitData \"%s\" (%ld bytes), expected \"%s\"", data ? data : L"(null)",
	      (INT64)size, expect);
	/* ExitData is pool memory handed to us: ours to free. */
	CHECK_OK(BS->FreePool(data));
	return EFI_SUCCESS;
}

static EFI_STATUS start_without_options(void)
{
	EFI_STATUS exit;
	CHAR16 *data;
	UINTN size;

	CHECK_OK(BS->LoadImage(FALSE, selftest_image, NULL, child_buf, child_size, &child));
	CHECK_OK(start_child(NULL, &exit, &data, &size));
	CHECK(exit == EFI_NOT_FOUND, "child returned %r, expected Not Found (no options)", exit);
	return EFI_SUCCESS;
}

static EFI_STATUS unload_unstarted(void)
{
	EFI_HANDLE h;
	void *li;

	CHECK_OK(BS->LoadImage(FALSE, selftest_image, child_path, child_buf, child_size, &child));
	h = child;
	CHECK_OK(BS->UnloadImage(h));
	child = NULL;
	/* The handle is gone with its LoadedImage protocol. */
	CHECK(EFI_ERROR(BS->HandleProtocol(h, &LoadedImageProtocol, &li)),
	      "LoadedImage still present after UnloadImage");
	CHECK_STATUS(BS->UnloadImage(selftest_image), EFI_UNSUPPORTED);
	return EFI_SUCCESS;
}

/*
 * UEFI 2.10 §7.4 LoadImage: an image the loader cannot understand is refused with EFI_LOAD_ERROR
 * or EFI_UNSUPPORTED (EFI_INVALID_PARAMETER is allowed for a buffer that is no image at all).
 */
static EFI_STATUS refused(EFI_STATUS status, const char *what)
{
	CHECK(status == EFI_LOAD_ERROR || status == EFI_UNSUPPORTED ||
		      status == EFI_INVALID_PARAMETER,
	      "%a: LoadImage returned %r", what, status);
	return EFI_SUCCESS;
}

static EFI_STATUS malformed_refused(void)
{
	UINT32 pe_offset;
	EFI_HANDLE h = NULL;
	EFI_STATUS status;

	CHECK(child_size > 0x200, "child.efi is only %ld bytes", (INT64)child_size);
	CHECK_OK(BS->AllocatePool(EfiLoaderData, child_size, (void **)&bad_buf));
	/* Corrupt PE signature behind a valid MZ header. */
	CopyMem(bad_buf, child_buf, child_size);
	pe_offset = *(UINT32 *)(bad_buf + 0x3c);
	CHECK(pe_offset + 4 < child_size, "e_lfanew 0x%x out of range", pe_offset);
	bad_buf[pe_offset] = 'X';
	status = BS->LoadImage(FALSE, selftest_image, NULL, bad_buf, child_size, &h);
	if (!EFI_ERROR(status))
		BS->UnloadImage(h);
	CHECK_OK(refused(status, "bad PE signature"));
	/* Not an image at all. */
	SetMem(bad_buf, child_size, 0x5a);
	status = BS->LoadImage(FALSE, selftest_image, NULL, bad_buf, child_size, &h);
	if (!EFI_ERROR(status))
		BS->UnloadImage(h);
	CHECK_OK(refused(status, "no MZ header"));
	/* Truncated: headers promise sections the buffer does not hold. */
	status = BS->LoadImage(FALSE, selftest_image, NULL, child_buf, 0x200, &h);
	if (!EFI_ERROR(status))
		BS->UnloadImage(h);
	CHECK_OK(refused(status, "truncated to 512 bytes"));
	return EFI_SUCCESS;
}

static EFI_STATUS missing_file(void)
{
	EFI_DEVICE_PATH *p = FileDevicePath(selftest_loaded_image->DeviceHandle,
					    L"\\selftest\\no-such-file.efi");
	EFI_HANDLE h = NULL;
	EFI_STATUS status;

	CHECK(p, "FileDevicePath failed");
	status = BS->LoadImage(FALSE, selftest_image, p, NULL, 0, &h);
	FreePool(p);
	if (!EFI_ERROR(status))
		BS->UnloadImage(h);
	CHECK(status == EFI_NOT_FOUND, "LoadImage of a missing file: %r, expected Not Found",
	      status);
	return EFI_SUCCESS;
}

/*
 * The Security and Security2 arch protocols LoadImage consults (PI Vol 2 §12.8-12.9): OVMF has
 * both; systemd-stub and systemd-boot override them to load their embedded images under Secure
 * Boot, and do nothing when they are absent.
 */
static EFI_STATUS security_arch_protocols(void)
{
	static EFI_GUID security = { 0xa46423e3, 0x4617, 0x49f1,
				     { 0xb9, 0xff, 0xd1, 0xbf, 0xa9, 0x11, 0x58, 0x39 } };
	static EFI_GUID security2 = { 0x94ab2f58, 0x1438, 0x4ef1,
				      { 0x91, 0x52, 0x18, 0x94, 0x1a, 0x3a, 0x0e, 0x68 } };
	VOID **iface = NULL;

	CHECK_OK(BS->LocateProtocol(&security, NULL, (VOID **)&iface));
	CHECK(iface && iface[0], "Security arch protocol without FileAuthenticationState");
	iface = NULL;
	CHECK_OK(BS->LocateProtocol(&security2, NULL, (VOID **)&iface));
	CHECK(iface && iface[0], "Security2 arch protocol without FileAuthentication");
	return EFI_SUCCESS;
}

SELFTEST_SUITE(images,
	       { "images.security_arch_protocols", NULL, security_arch_protocols, NULL },
	       { "images.own_loaded_image", NULL, own_loaded_image, NULL },
	       { "images.load_from_file_path", setup, load_from_file_path, teardown },
	       { "images.load_from_buffer_exit_data", setup, load_from_buffer_exit_data, teardown },
	       { "images.start_without_options", setup, start_without_options, teardown },
	       { "images.unload_unstarted", setup, unload_unstarted, teardown },
	       { "images.malformed_refused", setup, malformed_refused, teardown },
	       { "images.missing_file", setup, missing_file, teardown });
