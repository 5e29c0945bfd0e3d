// SPDX-License-Identifier: MIT
/* System table and service table headers: signatures, revisions, sizes, CRC32s (UEFI 2.10 §4). */
#include "efi-apps/selftest/selftest.h"

/* CRC32 of a table as the spec defines it: HeaderSize bytes with the CRC32 field taken as zero. */
static EFI_STATUS table_crc(const EFI_TABLE_HEADER *hdr, UINT32 *ret_crc)
{
	UINT8 *copy;
	EFI_STATUS status;

	status = BS->AllocatePool(EfiLoaderData, hdr->HeaderSize, (void **)&copy);
	if (EFI_ERROR(status))
		return status;
	CopyMem(copy, (void *)hdr, hdr->HeaderSize);
	((EFI_TABLE_HEADER *)copy)->CRC32 = 0;
	*ret_crc = selftest_crc32(copy, hdr->HeaderSize);
	BS->FreePool(copy);
	return EFI_SUCCESS;
}

static EFI_STATUS check_header(const EFI_TABLE_HEADER *hdr, UINT64 signature, UINT32 size,
			       const char *what)
{
	UINT32 crc = 0;

	CHECK(hdr->Signature == signature, "%a signature 0x%lx", what, hdr->Signature);
	/* gnu-efi's structs end at the last member of UEFI 2.x; a larger table is a newer one. */
	CHECK(hdr->HeaderSize >= size, "%a HeaderSize %d < %d", what, hdr->HeaderSize, size);
	CHECK(hdr->HeaderSize < 4096, "%a HeaderSize %d implausible", what, hdr->HeaderSize);
	CHECK(hdr->Revision >= (2 << 16), "%a revision 0x%x below UEFI 2.0", what, hdr->Revision);
	CHECK(hdr->Reserved == 0, "%a Reserved 0x%x", what, hdr->Reserved);
	CHECK_OK(table_crc(hdr, &crc));
	CHECK(crc == hdr->CRC32, "%a CRC32 0x%x, computed 0x%x", what, hdr->CRC32, crc);
	return EFI_SUCCESS;
}

static EFI_STATUS system_table_header(void)
{
	return check_header(&ST->Hdr, EFI_SYSTEM_TABLE_SIGNATURE, sizeof(EFI_SYSTEM_TABLE),
			    "system table");
}

static EFI_STATUS boot_services_header(void)
{
	EFI_STATUS status;

	status = check_header(&BS->Hdr, EFI_BOOT_SERVICES_SIGNATURE, sizeof(EFI_BOOT_SERVICES),
			      "boot services");
	if (EFI_ERROR(status))
		return status;
	CHECK(BS->Hdr.Revision == ST->Hdr.Revision, "revision 0x%x, system table 0x%x",
	      BS->Hdr.Revision, ST->Hdr.Revision);
	CHECK(BS == ST->BootServices, "BS differs from ST->BootServices");
	return EFI_SUCCESS;
}

static EFI_STATUS runtime_services_header(void)
{
	EFI_STATUS status;

	status = check_header(&RT->Hdr, EFI_RUNTIME_SERVICES_SIGNATURE,
			      sizeof(EFI_RUNTIME_SERVICES), "runtime services");
	if (EFI_ERROR(status))
		return status;
	CHECK(RT->Hdr.Revision == ST->Hdr.Revision, "revision 0x%x, system table 0x%x",
	      RT->Hdr.Revision, ST->Hdr.Revision);
	return EFI_SUCCESS;
}

/* Every service pointer is set: a NULL one crashes the payload that calls it. */
static EFI_STATUS services_present(void)
{
	void **bs = (void **)&BS->RaiseTPL, **bs_end = (void **)(&BS->CreateEventEx + 1);
	void **rt = (void **)&RT->GetTime, **rt_end = (void **)(&RT->QueryVariableInfo + 1);

	for (void **p = bs; p < bs_end; p++) {
		/* gnu-efi's PCHandleProtocol is the spec's Reserved slot: it may be NULL. */
		if (p == (void **)&BS->PCHandleProtocol)
			continue;
		CHECK(*p, "boot service slot %ld is NULL", (INT64)(p - bs));
	}
	for (void **p = rt; p < rt_end; p++)
		CHECK(*p, "runtime service slot %ld is NULL", (INT64)(p - rt));
	return EFI_SUCCESS;
}

static EFI_STATUS system_table_fields(void)
{
	void *iface;

	CHECK(ST->FirmwareVendor && ST->FirmwareVendor[0], "FirmwareVendor empty");
	CHECK(StrLen(ST->FirmwareVendor) < 256, "FirmwareVendor unterminated");
	CHECK(ST->RuntimeServices == RT, "RuntimeServices differs from RT");
	CHECK(ST->ConIn && ST->ConOut && ST->StdErr, "a console protocol is NULL");
	CHECK(ST->NumberOfTableEntries > 0 && ST->ConfigurationTable, "no configuration tables");
	/* The console handles carry the very protocol instances the table points to. */
	CHECK_OK(BS->HandleProtocol(ST->ConsoleOutHandle, &TextOutProtocol, &iface));
	CHECK(iface == ST->ConOut, "ConsoleOutHandle's protocol differs from ConOut");
	CHECK_OK(BS->HandleProtocol(ST->ConsoleInHandle, &TextInProtocol, &iface));
	CHECK(iface == ST->ConIn, "ConsoleInHandle's protocol differs from ConIn");
	CHECK_OK(BS->HandleProtocol(ST->StandardErrorHandle, &TextOutProtocol, &iface));
	CHECK(iface == ST->StdErr, "StandardErrorHandle's protocol differs from StdErr");
	return EFI_SUCCESS;
}

static EFI_STATUS calculate_crc32(void)
{
	static const char check[] = "123456789";
	static UINT8 odd[1031];
	UINT32 crc = 0;

	/* The standard check value of CRC-32/ISO-HDLC. */
	CHECK_OK(BS->CalculateCrc32((void *)check, 9, &crc));
	CHECK(crc == 0xcbf43926, "CRC32(\"123456789\") = 0x%x, expected 0xcbf43926", crc);
	for (UINTN i = 0; i < sizeof(odd); i++)
		odd[i] = (UINT8)(i * 7 + 1);
	CHECK_OK(BS->CalculateCrc32(odd + 1, sizeof(odd) - 1, &crc));
	CHECK(crc == selftest_crc32(odd + 1, sizeof(odd) - 1), "unaligned buffer: 0x%x", crc);
	CHECK_STATUS(BS->CalculateCrc32(odd, 0, &crc), EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->CalculateCrc32(odd, 4, NULL), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS copy_and_set_mem(void)
{
	static UINT8 buf[64];

	for (UINTN i = 0; i < sizeof(buf); i++)
		buf[i] = (UINT8)i;
	/* Overlapping copy in both directions: CopyMem is memmove (UEFI 2.10 §7.5). */
	BS->CopyMem(buf + 4, buf, 32);
	for (UINTN i = 0; i < 32; i++)
		CHECK(buf[4 + i] == i, "forward overlap: byte %ld is %d", (INT64)i, buf[4 + i]);
	BS->CopyMem(buf, buf + 4, 32);
	for (UINTN i = 0; i < 32; i++)
		CHECK(buf[i] == i, "backward overlap: byte %ld is %d", (INT64)i, buf[i]);
	BS->SetMem(buf + 3, 5, 0xa5);
	CHECK(buf[2] == 2 && buf[3] == 0xa5 && buf[7] == 0xa5 && buf[8] == 8, "SetMem range wrong");
	return EFI_SUCCESS;
}

static EFI_STATUS monotonic_count(void)
{
	UINT64 a = 0, b = 0;

	CHECK_OK(BS->GetNextMonotonicCount(&a));
	CHECK_OK(BS->GetNextMonotonicCount(&b));
	CHECK(b > a, "count went from 0x%lx to 0x%lx", a, b);
	CHECK((b & 0xffffffff) == ((a + 1) & 0xffffffff), "low half not incremented by one");
	CHECK_STATUS(BS->GetNextMonotonicCount(NULL), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS watchdog(void)
{
	static CHAR16 why[] = L"selftest";
	EFI_STATUS status;

	/* Arm with a code of our own (above the firmware's 0-0xffff) and data, then disarm. */
	status = BS->SetWatchdogTimer(600, 0x10000, sizeof(why), why);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	CHECK(status == EFI_SUCCESS, "arming for 600 s: %r", status);
	CHECK_OK(BS->SetWatchdogTimer(0, 0, 0, NULL));
	return EFI_SUCCESS;
}

SELFTEST_SUITE(system_table,
	       { "system_table.header", NULL, system_table_header, NULL },
	       { "system_table.boot_services_header", NULL, boot_services_header, NULL },
	       { "system_table.runtime_services_header", NULL, runtime_services_header, NULL },
	       { "system_table.services_present", NULL, services_present, NULL },
	       { "system_table.fields", NULL, system_table_fields, NULL },
	       { "system_table.calculate_crc32", NULL, calculate_crc32, NULL },
	       { "system_table.copy_and_set_mem", NULL, copy_and_set_mem, NULL },
	       { "system_table.monotonic_count", NULL, monotonic_count, NULL },
	       { "system_table.watchdog", NULL, watchdog, NULL });
