// SPDX-License-Identifier: MIT
/* authvars: authenticated SetVariable of PK, KEK, db, dbx from .auth files, then LoadImage under them. */
#include <efi.h>
#include <efilib.h>

/*
 * For tests/boot/test_auth_variables.py (on OVMF's Secure Boot build and on Strata), which makes
 * the keys and the \authvars\*.auth files with openssl and efitools at run time. The cases run in
 * this order, since enrolling PK changes the mode: the platform starts in setup mode, PK is
 * enrolled, KEK and db are written under it, and the last case deletes PK again (unless
 * \authvars\keep exists: then the keys stay, for the power-off test). In user mode, with db and
 * dbx written, LoadImage takes or refuses the test's images (\authvars\*.efi) as db and dbx
 * say: a refusal is EFI_ACCESS_DENIED with no image handle, as OVMF answers. Each case prints
 * "PASS <name>" or "FAIL <name>: <what>"; then "authvars: N passed, N failed" and a shutdown.
 */

#define AUTH (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
	      EFI_VARIABLE_RUNTIME_ACCESS | EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS)
#define PLAIN (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
	       EFI_VARIABLE_RUNTIME_ACCESS)

static EFI_GUID global = EFI_GLOBAL_VARIABLE;
static EFI_GUID image_db = { 0xd719b2cb, 0x3d3a, 0x4596,
			     { 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f } };
static EFI_FILE_HANDLE dir;
static EFI_HANDLE self, device;
static UINTN passed, failed;

/* A whole file of \authvars\ in pool memory; NULL if absent. */
static UINT8 *load(CHAR16 *name, UINTN *ret_size)
{
	EFI_FILE_HANDLE f;
	EFI_FILE_INFO *info;
	UINT8 *buf;
	UINTN size;

	if (EFI_ERROR(dir->Open(dir, &f, name, EFI_FILE_MODE_READ, 0)))
		return NULL;
	info = LibFileInfo(f);
	size = info ? info->FileSize : 0;
	FreePool(info);
	buf = AllocatePool(size + 1);
	if (buf && EFI_ERROR(f->Read(f, &size, buf))) {
		FreePool(buf);
		buf = NULL;
	}
	f->Close(f);
	*ret_size = size;
	return buf;
}

static void result(CHAR16 *name, BOOLEAN ok, CHAR16 *what, EFI_STATUS got)
{
	if (ok) {
		Print(L"PASS %s\n", name);
		passed++;
	} else {
		Print(L"FAIL %s: %s (%r)\n", name, what, got);
		failed++;
	}
}

/* SetVariable with the bytes of a file; EFI_NOT_FOUND (a failure) when the file is missing. */
static EFI_STATUS set_from(CHAR16 *var, EFI_GUID *guid, UINT32 attributes, CHAR16 *file,
			   UINTN patch_at)
{
	UINTN size;
	UINT8 *buf = load(file, &size);
	EFI_STATUS status;

	if (!buf)
		return EFI_NOT_FOUND;
	if (patch_at)
		buf[patch_at] ^= 1;
	status = RT->SetVariable(var, guid, attributes, size, buf);
	FreePool(buf);
	return status;
}

static void expect(CHAR16 *name, CHAR16 *var, EFI_GUID *guid, UINT32 attributes, CHAR16 *file,
		   UINTN patch_at, EFI_STATUS want)
{
	EFI_STATUS got = set_from(var, guid, attributes, file, patch_at);

	result(name, got == want, L"SetVariable answered", got);
}

static UINT8 mode(CHAR16 *name)
{
	UINT8 value = 0xff;
	UINTN size = 1;

	RT->GetVariable(name, &global, NULL, &size, &value);
	return value;
}

/* The variable holds exactly the bytes of file, with the authenticated attributes. */
static void expect_value(CHAR16 *name, CHAR16 *var, EFI_GUID *guid, CHAR16 *file)
{
	UINTN want_size, size = 0;
	UINT8 *want = load(file, &want_size), *got;
	UINT32 attributes = 0;
	EFI_STATUS status;

	status = RT->GetVariable(var, guid, &attributes, &size, NULL);
	got = AllocatePool(size + 1);
	if (got)
		status = RT->GetVariable(var, guid, &attributes, &size, got);
	result(name, want && got && !EFI_ERROR(status) && size == want_size &&
			     CompareMem(got, want, size) == 0 && attributes == AUTH,
	       L"value or attributes differ", status);
	FreePool(want);
	FreePool(got);
}

static void expect_modes(CHAR16 *name, UINT8 setup)
{
	UINT8 got = mode(L"SetupMode");

	Print(L"authvars: SetupMode=%d SecureBoot=%d\n", got, mode(L"SecureBoot"));
	result(name, got == setup, L"SetupMode differs", EFI_SUCCESS);
}

static void read_only(CHAR16 *name, CHAR16 *var)
{
	UINT8 one = 1, zero = 0;
	UINT8 now = mode(var);
	EFI_STATUS got = RT->SetVariable(var, &global, EFI_VARIABLE_BOOTSERVICE_ACCESS |
						EFI_VARIABLE_RUNTIME_ACCESS,
					 1, now ? &zero : &one);

	result(name, got == EFI_WRITE_PROTECTED && mode(var) == now, L"SetVariable answered", got);
}

/* LoadImage of \authvars\file: loads (and is unloaded again) if want_loaded, else refused. */
static void expect_load(CHAR16 *name, CHAR16 *file, BOOLEAN want_loaded)
{
	CHAR16 path[64];
	EFI_DEVICE_PATH *dp;
	EFI_HANDLE handle = NULL;
	EFI_STATUS s;

	SPrint(path, sizeof(path), L"\\authvars\\%s", file);
	dp = FileDevicePath(device, path);
	s = dp ? BS->LoadImage(FALSE, self, dp, NULL, 0, &handle) : EFI_OUT_OF_RESOURCES;
	if (want_loaded)
		result(name, s == EFI_SUCCESS && handle, L"not loaded", s);
	else
		result(name, s == EFI_ACCESS_DENIED && !handle,
		       L"want EFI_ACCESS_DENIED and no image handle", s);
	if (!EFI_ERROR(s) && handle)
		BS->UnloadImage(handle);
	FreePool(dp);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *loaded;
	EFI_FILE_HANDLE root, keep;
	UINTN size = 0;

	InitializeLib(image, systab);
	if (EFI_ERROR(BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&loaded)) ||
	    !(root = LibOpenRoot(loaded->DeviceHandle)) ||
	    EFI_ERROR(root->Open(root, &dir, L"\\authvars", EFI_FILE_MODE_READ, 0))) {
		Print(L"authvars: no \\authvars directory\n");
		return EFI_NOT_FOUND;
	}
	self = image;
	device = loaded->DeviceHandle;

	expect_modes(L"authvars.starts_in_setup_mode", 1);
	read_only(L"authvars.secure_boot_read_only", L"SecureBoot");
	read_only(L"authvars.setup_mode_read_only", L"SetupMode");
	expect(L"authvars.pk_without_time_auth", L"PK", &global, PLAIN, L"PK.auth", 0,
	       EFI_INVALID_PARAMETER);
	expect(L"authvars.pk_enrolled", L"PK", &global, AUTH, L"PK.auth", 0, EFI_SUCCESS);
	expect_modes(L"authvars.pk_enrolled_user_mode", 0);
	expect_value(L"authvars.pk_readback", L"PK", &global, L"PK.esl");
	expect(L"authvars.kek_wrong_key", L"KEK", &global, AUTH, L"KEK-other.auth", 0,
	       EFI_SECURITY_VIOLATION);
	expect(L"authvars.kek_good", L"KEK", &global, AUTH, L"KEK.auth", 0, EFI_SUCCESS);
	expect(L"authvars.db_wrong_key", L"db", &image_db, AUTH, L"db-other.auth", 0,
	       EFI_SECURITY_VIOLATION);
	expect(L"authvars.db_no_time_auth", L"db", &image_db, PLAIN, L"db.auth", 0,
	       EFI_INVALID_PARAMETER);
	expect(L"authvars.db_good", L"db", &image_db, AUTH, L"db.auth", 0, EFI_SUCCESS);
	expect_value(L"authvars.db_readback", L"db", &image_db, L"db.esl");
	expect(L"authvars.db_replayed", L"db", &image_db, AUTH, L"db.auth", 0,
	       EFI_SECURITY_VIOLATION);
	/* Byte 8 is the first of EFI_TIME's Nanosecond. */
	expect(L"authvars.db_nanosecond_set", L"db", &image_db, AUTH, L"db-later.auth", 8,
	       EFI_SECURITY_VIOLATION);
	expect(L"authvars.db_append", L"db", &image_db, AUTH | EFI_VARIABLE_APPEND_WRITE,
	       L"db-append.auth", 0, EFI_SUCCESS);
	expect_value(L"authvars.db_append_dedups", L"db", &image_db, L"two.esl");
	/* dbx: one image's hash and the certificate of "other", which db also holds. */
	expect(L"authvars.dbx_good", L"dbx", &image_db, AUTH, L"dbx.auth", 0, EFI_SUCCESS);
	expect(L"authvars.db_append_image_hash", L"db", &image_db,
	       AUTH | EFI_VARIABLE_APPEND_WRITE, L"db-hash.auth", 0, EFI_SUCCESS);
	expect_load(L"loadimage.signed_by_db_key", L"signed.efi", TRUE);
	expect_load(L"loadimage.unsigned_refused", L"unsigned.efi", FALSE);
	expect_load(L"loadimage.forged_refused", L"forged.efi", FALSE);
	expect_load(L"loadimage.hash_in_dbx_refused", L"dbx-hash.efi", FALSE);
	expect_load(L"loadimage.cert_in_dbx_refused", L"dbx-cert.efi", FALSE);
	expect_load(L"loadimage.unsigned_hash_in_db_loads", L"db-hash.efi", TRUE);
	if (EFI_ERROR(dir->Open(dir, &keep, L"keep", EFI_FILE_MODE_READ, 0))) {
		expect(L"authvars.pk_delete_wrong_key", L"PK", &global, AUTH,
		       L"PK-delete-other.auth", 0, EFI_SECURITY_VIOLATION);
		expect(L"authvars.pk_deleted", L"PK", &global, AUTH, L"PK-delete.auth", 0,
		       EFI_SUCCESS);
		expect_modes(L"authvars.pk_deleted_setup_mode", 1);
		result(L"authvars.pk_gone",
		       RT->GetVariable(L"PK", &global, NULL, &size, NULL) == EFI_NOT_FOUND,
		       L"PK still there", EFI_SUCCESS);
	} else {
		keep->Close(keep);
	}
	Print(L"authvars: %d passed, %d failed\n", passed, failed);
	RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
