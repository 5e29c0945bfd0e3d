/* SPDX-License-Identifier: MIT */
/*
 * HII Database and HII String (UEFI 2.10 §34.3, §34.8) as far as applications use them: EDK2's
 * HiiLib registers an application's string packages with NewPackageList and reads them back with
 * GetLanguages and GetString (the UEFI Shell does this for every line it prints). Forms, fonts,
 * images and keyboard layouts are kept only as bytes; nothing here draws or configures.
 */
#include "include/efi/protocol/hii_database.h"
#include "include/efi/protocol/hii_string.h"
#include "lib/formats/hii_package.h"
#include "lib/string.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/protocols/hii.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "hii: "
#include "lib/log.h"

/* One registered package list; its address is the EFI_HII_HANDLE callers hold. */
struct hii_list {
	struct hii_list *next;
	EFI_HANDLE driver;
	UINTN size;
	UINT8 data[]; /* the package list, header first */
};

static struct hii_list *lists;
static const EFI_GUID hii_database_guid = EFI_HII_DATABASE_PROTOCOL_GUID;
static const EFI_GUID hii_string_guid = EFI_HII_STRING_PROTOCOL_GUID;

/* The record of a handle a caller passed in, or NULL if it is not one of ours. */
static struct hii_list *list_of(EFI_HII_HANDLE handle)
{
	for (struct hii_list *l = lists; l; l = l->next)
		if (l == handle)
			return l;
	return NULL;
}

static EFI_STATUS EFIAPI efi_hii_new_package_list(CONST EFI_HII_DATABASE_PROTOCOL *This,
						  CONST EFI_HII_PACKAGE_LIST_HEADER *PackageList,
						  EFI_HANDLE DriverHandle, EFI_HII_HANDLE *Handle)
{
	struct hii_list *l;
	UINT32 size;

	if (!PackageList || !Handle)
		return EFI_INVALID_PARAMETER;
	/* §34.8.2: a list whose GUID is already registered is EFI_INVALID_PARAMETER. */
	for (l = lists; l; l = l->next)
		if (guid_equal((EFI_GUID *)l->data, &PackageList->PackageListGuid))
			return EFI_INVALID_PARAMETER;
	size = PackageList->PackageLength;
	if (EFI_ERROR(hii_package_list_check(PackageList, size)))
		return log_error_status(EFI_INVALID_PARAMETER,
					"a package list of %u bytes is malformed: not registered",
					size);
	l = pool_alloc(EfiBootServicesData, sizeof(*l) + size);
	if (!l)
		return EFI_OUT_OF_RESOURCES;
	l->driver = DriverHandle;
	l->size = size;
	memcpy(l->data, PackageList, size);
	l->next = lists;
	lists = l;
	*Handle = l;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI efi_hii_remove_package_list(CONST EFI_HII_DATABASE_PROTOCOL *This,
						     EFI_HII_HANDLE Handle)
{
	for (struct hii_list **p = &lists; *p; p = &(*p)->next) {
		if (*p != Handle)
			continue;
		struct hii_list *l = *p;

		*p = l->next;
		pool_free(l);
		return EFI_SUCCESS;
	}
	return EFI_NOT_FOUND;
}

/* Not offered: no Strata component changes a list in place. Documented in docs/uefi-shell.md. */
static EFI_STATUS EFIAPI efi_hii_update_package_list(CONST EFI_HII_DATABASE_PROTOCOL *This,
						     EFI_HII_HANDLE Handle,
						     CONST EFI_HII_PACKAGE_LIST_HEADER *PackageList)
{
	return list_of(Handle) ? EFI_UNSUPPORTED : EFI_NOT_FOUND;
}

static EFI_STATUS EFIAPI efi_hii_list_package_lists(CONST EFI_HII_DATABASE_PROTOCOL *This,
						    UINT8 PackageType, CONST EFI_GUID *PackageGuid,
						    UINTN *HandleBufferLength,
						    EFI_HII_HANDLE *Handle)
{
	UINTN need = 0;

	if (!HandleBufferLength || (PackageType == EFI_HII_PACKAGE_TYPE_GUID) != !!PackageGuid)
		return EFI_INVALID_PARAMETER;
	for (struct hii_list *l = lists; l; l = l->next) {
		if (!hii_package_list_has(l->data, PackageType, PackageGuid))
			continue;
		if (need + sizeof(*Handle) <= *HandleBufferLength && Handle)
			Handle[need / sizeof(*Handle)] = l;
		need += sizeof(*Handle);
	}
	if (!need)
		return EFI_NOT_FOUND;
	if (need > *HandleBufferLength) {
		*HandleBufferLength = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	if (!Handle)
		return EFI_INVALID_PARAMETER;
	*HandleBufferLength = need;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI efi_hii_export_package_lists(CONST EFI_HII_DATABASE_PROTOCOL *This,
						      EFI_HII_HANDLE Handle, UINTN *BufferSize,
						      EFI_HII_PACKAGE_LIST_HEADER *Buffer)
{
	struct hii_list *one = NULL;
	UINTN need = 0;

	if (!BufferSize)
		return EFI_INVALID_PARAMETER;
	if (Handle && !(one = list_of(Handle)))
		return EFI_NOT_FOUND;
	/* NULL Handle: every list, one after another (§34.8.6). */
	for (struct hii_list *l = one ? one : lists; l; l = one ? NULL : l->next)
		need += l->size;
	if (need > *BufferSize) {
		*BufferSize = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	if (!Buffer && need)
		return EFI_INVALID_PARAMETER;
	need = 0;
	for (struct hii_list *l = one ? one : lists; l; l = one ? NULL : l->next) {
		memcpy((UINT8 *)Buffer + need, l->data, l->size);
		need += l->size;
	}
	*BufferSize = need;
	return EFI_SUCCESS;
}

/* Nothing of Strata's adds packages behind an application's back, so there is nothing to notify. */
static EFI_STATUS EFIAPI efi_hii_register_package_notify(
	CONST EFI_HII_DATABASE_PROTOCOL *This, UINT8 PackageType, CONST EFI_GUID *PackageGuid,
	EFI_HII_DATABASE_NOTIFY PackageNotifyFn, EFI_HII_DATABASE_NOTIFY_TYPE NotifyType,
	EFI_HANDLE *NotifyHandle)
{
	return EFI_UNSUPPORTED;
}

static EFI_STATUS EFIAPI efi_hii_unregister_package_notify(CONST EFI_HII_DATABASE_PROTOCOL *This,
							   EFI_HANDLE NotificationHandle)
{
	return EFI_NOT_FOUND;
}

/* The PS/2 keymap is built in (lib/formats/ps2_keymap.c); no HII keyboard layouts exist. */
static EFI_STATUS EFIAPI efi_hii_find_keyboard_layouts(CONST EFI_HII_DATABASE_PROTOCOL *This,
						       UINT16 *KeyGuidBufferLength,
						       EFI_GUID *KeyGuidBuffer)
{
	return KeyGuidBufferLength ? EFI_NOT_FOUND : EFI_INVALID_PARAMETER;
}

static EFI_STATUS EFIAPI efi_hii_get_keyboard_layout(CONST EFI_HII_DATABASE_PROTOCOL *This,
						     CONST EFI_GUID *KeyGuid,
						     UINT16 *KeyboardLayoutLength,
						     VOID *KeyboardLayout)
{
	return KeyboardLayoutLength ? EFI_NOT_FOUND : EFI_INVALID_PARAMETER;
}

static EFI_STATUS EFIAPI efi_hii_set_keyboard_layout(CONST EFI_HII_DATABASE_PROTOCOL *This,
						     CONST EFI_GUID *KeyGuid)
{
	return KeyGuid ? EFI_NOT_FOUND : EFI_INVALID_PARAMETER;
}

static EFI_STATUS EFIAPI efi_hii_get_package_list_handle(CONST EFI_HII_DATABASE_PROTOCOL *This,
							 EFI_HII_HANDLE PackageListHandle,
							 EFI_HANDLE *DriverHandle)
{
	struct hii_list *l;

	if (!DriverHandle)
		return EFI_INVALID_PARAMETER;
	l = list_of(PackageListHandle);
	if (!l)
		return EFI_INVALID_PARAMETER;
	*DriverHandle = l->driver;
	return EFI_SUCCESS;
}

/* Strings are read in place from the registered packages; adding or changing one is not offered. */
static EFI_STATUS EFIAPI efi_hii_new_string(CONST EFI_HII_STRING_PROTOCOL *This,
					    EFI_HII_HANDLE PackageList, EFI_STRING_ID *StringId,
					    CONST CHAR8 *Language, CONST CHAR16 *LanguageName,
					    CONST EFI_STRING String,
					    CONST EFI_FONT_INFO *StringFontInfo)
{
	if (!StringId || !Language || !String)
		return EFI_INVALID_PARAMETER;
	return list_of(PackageList) ? EFI_UNSUPPORTED : EFI_NOT_FOUND;
}

static EFI_STATUS EFIAPI efi_hii_get_string(CONST EFI_HII_STRING_PROTOCOL *This,
					    CONST CHAR8 *Language, EFI_HII_HANDLE PackageList,
					    EFI_STRING_ID StringId, EFI_STRING String,
					    UINTN *StringSize, EFI_FONT_INFO **StringFontInfo)
{
	struct hii_list *l;

	if (!Language || !StringSize || StringId == 0 || (!String && *StringSize))
		return EFI_INVALID_PARAMETER;
	l = list_of(PackageList);
	if (!l)
		return EFI_NOT_FOUND;
	if (StringFontInfo)
		*StringFontInfo = NULL; /* the default font: §34.3.3 lets this be NULL */
	return hii_string_get(l->data, Language, StringId, String, StringSize);
}

static EFI_STATUS EFIAPI efi_hii_set_string(CONST EFI_HII_STRING_PROTOCOL *This,
					    EFI_HII_HANDLE PackageList, EFI_STRING_ID StringId,
					    CONST CHAR8 *Language, CONST EFI_STRING String,
					    CONST EFI_FONT_INFO *StringFontInfo)
{
	if (!Language || !String)
		return EFI_INVALID_PARAMETER;
	return list_of(PackageList) ? EFI_UNSUPPORTED : EFI_NOT_FOUND;
}

static EFI_STATUS EFIAPI efi_hii_get_languages(CONST EFI_HII_STRING_PROTOCOL *This,
					       EFI_HII_HANDLE PackageList, CHAR8 *Languages,
					       UINTN *LanguagesSize)
{
	struct hii_list *l;

	if (!LanguagesSize || (!Languages && *LanguagesSize))
		return EFI_INVALID_PARAMETER;
	l = list_of(PackageList);
	if (!l)
		return EFI_NOT_FOUND;
	return hii_string_languages(l->data, Languages, LanguagesSize);
}

/* Secondary languages name string packages of one primary language's dialects; none exist here. */
static EFI_STATUS EFIAPI efi_hii_get_secondary_languages(CONST EFI_HII_STRING_PROTOCOL *This,
							 EFI_HII_HANDLE PackageList,
							 CONST CHAR8 *PrimaryLanguage,
							 CHAR8 *SecondaryLanguages,
							 UINTN *SecondaryLanguagesSize)
{
	if (!PrimaryLanguage || !SecondaryLanguagesSize)
		return EFI_INVALID_PARAMETER;
	return list_of(PackageList) ? EFI_INVALID_LANGUAGE : EFI_NOT_FOUND;
}

static EFI_HII_DATABASE_PROTOCOL hii_database = {
	.NewPackageList = efi_hii_new_package_list,
	.RemovePackageList = efi_hii_remove_package_list,
	.UpdatePackageList = efi_hii_update_package_list,
	.ListPackageLists = efi_hii_list_package_lists,
	.ExportPackageLists = efi_hii_export_package_lists,
	.RegisterPackageNotify = efi_hii_register_package_notify,
	.UnregisterPackageNotify = efi_hii_unregister_package_notify,
	.FindKeyboardLayouts = efi_hii_find_keyboard_layouts,
	.GetKeyboardLayout = efi_hii_get_keyboard_layout,
	.SetKeyboardLayout = efi_hii_set_keyboard_layout,
	.GetPackageListHandle = efi_hii_get_package_list_handle,
};

static EFI_HII_STRING_PROTOCOL hii_string = {
	.NewString = efi_hii_new_string,
	.GetString = efi_hii_get_string,
	.SetString = efi_hii_set_string,
	.GetLanguages = efi_hii_get_languages,
	.GetSecondaryLanguages = efi_hii_get_secondary_languages,
};

EFI_STATUS hii_init(void)
{
	EFI_HANDLE handle = NULL;
	EFI_STATUS status;

	status = handle_install(&handle, &hii_database_guid, &hii_database);
	if (EFI_ERROR(status))
		return status;
	return handle_install(&handle, &hii_string_guid, &hii_string);
}
