// SPDX-License-Identifier: MIT
/* Protocols the UEFI Shell needs: HII Database and String, UnicodeCollation2, PciRootBridgeIo. */
#include "efi-apps/selftest/selftest.h"

/*
 * Our own minimal declarations, from UEFI 2.10 (§34.8, §34.3, §19.1, §14.2), not the firmware's
 * headers: only the members these cases call are typed, the rest are placeholders.
 */
static EFI_GUID hii_database_guid = { 0xef9fc172, 0xa1b2, 0x4693,
				      { 0xb3, 0x27, 0x6d, 0x32, 0xfc, 0x41, 0x60, 0x42 } };
static EFI_GUID hii_string_guid = { 0x0fd96974, 0x23aa, 0x4cdc,
				    { 0xb9, 0xcb, 0x98, 0xd1, 0x77, 0x50, 0x32, 0x2a } };
static EFI_GUID collation2_guid = { 0xa4c751fc, 0x23ae, 0x4c3e,
				    { 0x92, 0xe9, 0x49, 0x64, 0xcf, 0x63, 0xf3, 0x49 } };
static EFI_GUID root_bridge_guid = { 0x2f707ebb, 0x4a1a, 0x11d4,
				     { 0x9a, 0x38, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } };
/* The package list's own GUID: a new one, so no other list has it. */
static EFI_GUID list_guid = { 0x5ef3c1d2, 0x7a44, 0x4e0c,
			      { 0x8d, 0x2b, 0x53, 0x54, 0x52, 0x41, 0x54, 0x41 } };

struct hii_db {
	EFI_STATUS(EFIAPI *NewPackageList)(struct hii_db *, const void *, EFI_HANDLE, void **);
	EFI_STATUS(EFIAPI *RemovePackageList)(struct hii_db *, void *);
	void *rest[9];
};

struct hii_string {
	void *NewString;
	EFI_STATUS(EFIAPI *GetString)(struct hii_string *, const CHAR8 *, void *, UINT16, CHAR16 *,
				      UINTN *, void **);
	void *SetString;
	EFI_STATUS(EFIAPI *GetLanguages)(struct hii_string *, void *, CHAR8 *, UINTN *);
	void *GetSecondaryLanguages;
};

struct collation {
	INTN(EFIAPI *StriColl)(struct collation *, CHAR16 *, CHAR16 *);
	BOOLEAN(EFIAPI *MetaiMatch)(struct collation *, CHAR16 *, CHAR16 *);
	VOID(EFIAPI *StrLwr)(struct collation *, CHAR16 *);
	VOID(EFIAPI *StrUpr)(struct collation *, CHAR16 *);
	void *FatToStr, *StrToFat;
	CHAR8 *SupportedLanguages;
};

struct root_bridge_access {
	EFI_STATUS(EFIAPI *Read)(void *, UINTN width, UINT64 address, UINTN count, void *buffer);
	void *Write;
};

struct root_bridge {
	EFI_HANDLE ParentHandle;
	void *PollMem, *PollIo;
	struct root_bridge_access Mem, Io, Pci;
	void *CopyMem, *Map, *Unmap, *AllocateBuffer, *FreeBuffer, *Flush, *GetAttributes,
		*SetAttributes;
	EFI_STATUS(EFIAPI *Configuration)(struct root_bridge *, void **);
	UINT32 SegmentNumber;
};

static void *hii_handle;
static struct hii_db *db;

/* List header (20), a string package for en-US with ids 1 "Strata" and 2 "Two", then END. */
static UINT8 package_list[20 + 46 + 6 + 1 + 14 + 1 + 8 + 1 + 4];

static void put_le32(UINT8 *p, UINT32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (UINT8)(v >> (8 * i));
}

static UINT8 *put_ucs2(UINT8 *p, const char *s)
{
	do {
		*p++ = (UINT8)*s;
		*p++ = 0;
	} while (*s++);
	return p;
}

static void build_package_list(void)
{
	UINT8 *p = package_list, *pkg;

	SetMem(package_list, sizeof(package_list), 0);
	CopyMem(p, &list_guid, sizeof(list_guid));
	put_le32(p + 16, sizeof(package_list));
	pkg = p = package_list + 20;
	put_le32(pkg + 4, 46 + 6); /* HdrSize: fixed part and "en-US" */
	put_le32(pkg + 8, 46 + 6); /* StringInfoOffset */
	CopyMem(pkg + 46, "en-US", 6);
	p = pkg + 46 + 6;
	*p++ = 0x14; /* SIBT_STRING_UCS2 */
	p = put_ucs2(p, "Strata");
	*p++ = 0x14;
	p = put_ucs2(p, "Two");
	*p++ = 0x00; /* SIBT_END */
	put_le32(pkg, (UINT32)(p - pkg) | 0x04u << 24);
	put_le32(p, 4 | 0xdfu << 24); /* END package */
}

static EFI_STATUS hii_setup(void)
{
	hii_handle = NULL;
	return BS->LocateProtocol(&hii_database_guid, NULL, (void **)&db);
}

static EFI_STATUS string_package_round_trip(void)
{
	struct hii_string *str;
	CHAR16 buf[16];
	CHAR8 langs[32];
	UINTN size;

	CHECK_OK(BS->LocateProtocol(&hii_string_guid, NULL, (void **)&str));
	build_package_list();
	CHECK_OK(db->NewPackageList(db, package_list, selftest_image, &hii_handle));
	CHECK(hii_handle, "no HII handle");
	/* The same list GUID again is refused (UEFI 2.10 §34.8.2 NewPackageList). */
	void *again = NULL;
	CHECK_STATUS(db->NewPackageList(db, package_list, selftest_image, &again),
		     EFI_INVALID_PARAMETER);

	size = sizeof(langs);
	CHECK_OK(str->GetLanguages(str, hii_handle, langs, &size));
	/* EDK2 leaves LanguagesSize as it was on success; the spec says it becomes the length. */
	CHECK(size >= 6 && CompareMem(langs, "en-US", 6) == 0, "languages %a (%d bytes)", langs,
	      (int)size);

	size = sizeof(buf);
	CHECK_OK(str->GetString(str, (CHAR8 *)"en-US", hii_handle, 2, buf, &size, NULL));
	CHECK(size == 8 && StrCmp(buf, L"Two") == 0, "string 2 is %s (%d bytes)", buf, (int)size);
	size = 4;
	CHECK_STATUS(str->GetString(str, (CHAR8 *)"en-US", hii_handle, 1, buf, &size, NULL),
		     EFI_BUFFER_TOO_SMALL);
	CHECK(size == 14, "size for \"Strata\": %d", (int)size);
	size = sizeof(buf);
	CHECK_STATUS(str->GetString(str, (CHAR8 *)"en-US", hii_handle, 3, buf, &size, NULL),
		     EFI_NOT_FOUND);
	CHECK_STATUS(str->GetString(str, (CHAR8 *)"fr-FR", hii_handle, 1, buf, &size, NULL),
		     EFI_INVALID_LANGUAGE);

	CHECK_OK(db->RemovePackageList(db, hii_handle));
	hii_handle = NULL;
	size = sizeof(buf);
	CHECK(EFI_ERROR(str->GetString(str, (CHAR8 *)"en-US", package_list, 1, buf, &size, NULL)),
	      "a string read through a handle that was never given out");
	return EFI_SUCCESS;
}

static void hii_teardown(void)
{
	if (hii_handle)
		db->RemovePackageList(db, hii_handle);
	hii_handle = NULL;
}

static EFI_STATUS compare_and_match(void)
{
	struct collation *uc;
	CHAR16 word[] = L"Startup.Nsh";

	CHECK_OK(BS->LocateProtocol(&collation2_guid, NULL, (void **)&uc));
	CHECK(uc->SupportedLanguages && uc->SupportedLanguages[0] == 'e' &&
		      uc->SupportedLanguages[1] == 'n',
	      "SupportedLanguages %a", uc->SupportedLanguages);
	CHECK(uc->StriColl(uc, L"startup.nsh", L"STARTUP.NSH") == 0, "StriColl ignores case");
	CHECK(uc->StriColl(uc, L"abc", L"abd") < 0, "StriColl orders abc before abd");
	CHECK(uc->MetaiMatch(uc, L"BOOTX64.EFI", L"boot*.efi"), "boot*.efi");
	CHECK(uc->MetaiMatch(uc, L"file7", L"file[0-9]"), "file[0-9]");
	CHECK(!uc->MetaiMatch(uc, L"fileD", L"file[abc]"), "file[abc] matched fileD");
	CHECK(!uc->MetaiMatch(uc, L"ac", L"a?c"), "a?c matched ac");
	uc->StrUpr(uc, word);
	CHECK(StrCmp(word, L"STARTUP.NSH") == 0, "StrUpr gave %s", word);
	uc->StrLwr(uc, word);
	CHECK(StrCmp(word, L"startup.nsh") == 0, "StrLwr gave %s", word);
	return EFI_SUCCESS;
}

static EFI_STATUS config_space(void)
{
	struct root_bridge *rb;
	UINT8 *d;
	UINT16 vendor;
	UINT8 bytes[2];
	BOOLEAN bus_range = FALSE;

	CHECK_OK(BS->LocateProtocol(&root_bridge_guid, NULL, (void **)&rb));
	/* Bus 0, device 0, function 0: the host bridge, Intel's on both q35 and pc. */
	CHECK_OK(rb->Pci.Read(rb, 1 /* Uint16 */, 0, 1, &vendor));
	CHECK(vendor == 0x8086, "host bridge vendor %x", vendor);
	CHECK_OK(rb->Pci.Read(rb, 0 /* Uint8 */, 0, 2, bytes));
	CHECK((bytes[0] | bytes[1] << 8) == vendor, "two byte reads %x %x", bytes[0], bytes[1]);
	/* Configuration: QWORD descriptors (0x8a, 46 bytes) ending with an end tag (0x79). */
	CHECK_OK(rb->Configuration(rb, (void **)&d));
	for (int i = 0; i < 16 && *d == 0x8a; i++, d += 46)
		bus_range |= d[3] == 2 && *(UINT64 *)(d + 14) == 0;
	CHECK(*d == 0x79, "descriptors end with %x, not an end tag", *d);
	CHECK(bus_range, "no bus-number descriptor starting at bus 0");
	return EFI_SUCCESS;
}

SELFTEST_SUITE(shell_protocols,
	       { "hii.string_package_round_trip", hii_setup, string_package_round_trip,
		 hii_teardown },
	       { "collation.compare_and_match", NULL, compare_and_match, NULL },
	       { "pci_root_bridge.config_space", NULL, config_space, NULL });
