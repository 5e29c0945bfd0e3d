// SPDX-License-Identifier: MIT
/* Variable services: set/get/enumerate/delete, error codes, sizes, append, QueryVariableInfo. */
#include "efi-apps/selftest/selftest.h"

#define BS_RT (EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)
#define NV_BS_RT (EFI_VARIABLE_NON_VOLATILE | BS_RT)

/* Our own vendor GUID: nothing else owns variables under it. */
static EFI_GUID vendor = { 0x5d7ac2e1, 0x0b4f, 0x4e3a, { 0x8c, 0x55, 0x21, 0x9f, 0x60, 0x1b, 0xd3,
							  0x44 } };
static CHAR16 *const names[] = { L"StrataSelftestVolatile", L"StrataSelftestNv",
				 L"StrataSelftestAppend" };

/* Deletes whatever a case may have left, so reruns and later cases start clean. */
static void delete_ours(void)
{
	for (UINTN i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		RT->SetVariable(names[i], &vendor, 0, 0, NULL);
}

static EFI_STATUS clean(void)
{
	delete_ours();
	return EFI_SUCCESS;
}

static EFI_STATUS set_get_delete(void)
{
	static const UINT8 data[] = { 1, 2, 3, 4, 5, 6, 7 };
	UINT8 got[32];
	UINT32 attr = 0;
	UINTN size;

	CHECK_OK(RT->SetVariable(names[0], &vendor, BS_RT, sizeof(data), (void *)data));
	size = sizeof(got);
	CHECK_OK(RT->GetVariable(names[0], &vendor, &attr, &size, got));
	CHECK(size == sizeof(data) && !CompareMem(got, (void *)data, size), "read back %ld bytes",
	      (INT64)size);
	CHECK(attr == BS_RT, "attributes 0x%x, set 0x%x", attr, BS_RT);
	/* Too small: the needed size comes back; Attributes is optional. */
	size = 3;
	CHECK_STATUS(RT->GetVariable(names[0], &vendor, NULL, &size, got), EFI_BUFFER_TOO_SMALL);
	CHECK(size == sizeof(data), "needed size %ld", (INT64)size);
	/* Overwrite with another size, then delete with DataSize 0. */
	CHECK_OK(RT->SetVariable(names[0], &vendor, BS_RT, 3, (void *)data));
	size = sizeof(got);
	CHECK_OK(RT->GetVariable(names[0], &vendor, NULL, &size, got));
	CHECK(size == 3, "after overwrite %ld bytes", (INT64)size);
	CHECK_OK(RT->SetVariable(names[0], &vendor, BS_RT, 0, NULL));
	size = sizeof(got);
	CHECK_STATUS(RT->GetVariable(names[0], &vendor, NULL, &size, got), EFI_NOT_FOUND);
	CHECK_STATUS(RT->SetVariable(names[0], &vendor, BS_RT, 0, NULL), EFI_NOT_FOUND);
	return EFI_SUCCESS;
}

static EFI_STATUS non_volatile(void)
{
	static const CHAR8 data[] = "non-volatile self-test value";
	CHAR8 got[64];
	UINT32 attr = 0;
	UINTN size = sizeof(got);

	CHECK_OK(RT->SetVariable(names[1], &vendor, NV_BS_RT, sizeof(data), (void *)data));
	CHECK_OK(RT->GetVariable(names[1], &vendor, &attr, &size, got));
	CHECK(size == sizeof(data) && !CompareMem(got, (void *)data, size), "read back %ld bytes",
	      (INT64)size);
	CHECK(attr == NV_BS_RT, "attributes 0x%x", attr);
	/* Rewriting with other attributes is refused and leaves the variable (UEFI 2.10 §8.2). */
	CHECK_STATUS(RT->SetVariable(names[1], &vendor, BS_RT, 4, (void *)data),
		     EFI_INVALID_PARAMETER);
	size = sizeof(got);
	CHECK_OK(RT->GetVariable(names[1], &vendor, &attr, &size, got));
	CHECK(attr == NV_BS_RT && size == sizeof(data), "changed by a refused write");
	CHECK_OK(RT->SetVariable(names[1], &vendor, NV_BS_RT, 0, NULL));
	return EFI_SUCCESS;
}

static EFI_STATUS append_write(void)
{
	UINT8 got[16];
	UINTN size = sizeof(got);

	CHECK_OK(RT->SetVariable(names[2], &vendor, BS_RT, 2, "ab"));
	CHECK_OK(RT->SetVariable(names[2], &vendor, BS_RT | EFI_VARIABLE_APPEND_WRITE, 3, "cde"));
	CHECK_OK(RT->GetVariable(names[2], &vendor, NULL, &size, got));
	CHECK(size == 5 && !CompareMem(got, "abcde", 5), "after append %ld bytes", (INT64)size);
	return EFI_SUCCESS;
}

static EFI_STATUS set_refused(void)
{
	UINT8 d = 1;

	/* Runtime access needs boot-service access too. */
	CHECK_STATUS(RT->SetVariable(names[0], &vendor, EFI_VARIABLE_RUNTIME_ACCESS, 1, &d),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(RT->SetVariable(L"", &vendor, BS_RT, 1, &d), EFI_INVALID_PARAMETER);
	CHECK_STATUS(RT->SetVariable(NULL, &vendor, BS_RT, 1, &d), EFI_INVALID_PARAMETER);
	CHECK_STATUS(RT->SetVariable(names[0], NULL, BS_RT, 1, &d), EFI_INVALID_PARAMETER);
	CHECK_STATUS(RT->SetVariable(names[0], &vendor, BS_RT, 1, NULL), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS get_refused(void)
{
	UINT8 buf[4];
	UINTN size = sizeof(buf);

	CHECK_STATUS(RT->GetVariable(NULL, &vendor, NULL, &size, buf), EFI_INVALID_PARAMETER);
	CHECK_STATUS(RT->GetVariable(names[0], NULL, NULL, &size, buf), EFI_INVALID_PARAMETER);
	CHECK_STATUS(RT->GetVariable(names[0], &vendor, NULL, NULL, buf), EFI_INVALID_PARAMETER);
	CHECK_STATUS(RT->GetVariable(L"StrataSelftestAbsent", &vendor, NULL, &size, buf),
		     EFI_NOT_FOUND);
	return EFI_SUCCESS;
}

static EFI_STATUS enumerate(void)
{
	CHAR16 *name;
	EFI_GUID guid;
	UINTN size, cap = 8, found = 0, total = 0;
	EFI_STATUS status;
	UINT8 d = 9;

	CHECK_OK(RT->SetVariable(names[0], &vendor, BS_RT, 1, &d));
	CHECK_OK(RT->SetVariable(names[2], &vendor, BS_RT, 1, &d));
	CHECK_OK(BS->AllocatePool(EfiLoaderData, 1024, (void **)&name));
	name[0] = 0;
	for (;;) {
		size = cap;
		status = RT->GetNextVariableName(&size, name, &guid);
		if (status == EFI_BUFFER_TOO_SMALL) {
			/* The two-call protocol: grow to the size asked for, name unchanged. */
			if (size > 1024 || size <= cap) {
				BS->FreePool(name);
				return selftest_fail(__FILE__, __LINE__,
						     L"needs %ld bytes, had %ld", (INT64)size,
						     (INT64)cap);
			}
			cap = size;
			continue;
		}
		if (status != EFI_SUCCESS)
			break;
		cap = 1024;
		total++;
		if (guid_equal(&guid, &vendor) &&
		    (!StrCmp(name, names[0]) || !StrCmp(name, names[2])))
			found++;
		if (total > 10000)
			break;
	}
	BS->FreePool(name);
	CHECK(status == EFI_NOT_FOUND, "enumeration ended with %r after %ld names", status,
	      (INT64)total);
	CHECK(found == 2, "found %ld of our 2 variables among %ld", (INT64)found, (INT64)total);
	return EFI_SUCCESS;
}

static EFI_STATUS query_variable_info(void)
{
	UINT64 max_storage = 0, remaining = 0, max_size = 0;

	CHECK(RT->Hdr.Revision >= (2 << 16), "runtime services older than UEFI 2.0");
	CHECK_OK(RT->QueryVariableInfo(NV_BS_RT, &max_storage, &remaining, &max_size));
	CHECK(max_storage > 0 && remaining <= max_storage, "storage %ld, remaining %ld",
	      max_storage, remaining);
	CHECK(max_size > 0 && max_size <= max_storage, "max variable size %ld", max_size);
	CHECK_OK(RT->QueryVariableInfo(BS_RT, &max_storage, &remaining, &max_size));
	CHECK(max_size > 0, "volatile max variable size 0");
	CHECK_STATUS(RT->QueryVariableInfo(0, &max_storage, &remaining, &max_size),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(RT->QueryVariableInfo(NV_BS_RT, NULL, &remaining, &max_size),
		     EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS too_large_refused(void)
{
	UINT64 max_storage, remaining, max_size;
	UINT8 *big;
	EFI_STATUS status;

	CHECK_OK(RT->QueryVariableInfo(BS_RT, &max_storage, &remaining, &max_size));
	CHECK(max_size < 16 << 20, "max variable size %ld", max_size);
	CHECK_OK(BS->AllocatePool(EfiLoaderData, max_size + 4096, (void **)&big));
	SetMem(big, max_size + 4096, 0x42);
	/* A variable larger than the limit the firmware reported cannot be stored. */
	status = RT->SetVariable(names[0], &vendor, BS_RT, max_size + 4096, big);
	BS->FreePool(big);
	CHECK(status == EFI_OUT_OF_RESOURCES || status == EFI_INVALID_PARAMETER,
	      "%ld bytes over a limit of %ld: %r", (INT64)(max_size + 4096), max_size, status);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(variables,
	       { "variables.set_get_delete", clean, set_get_delete, delete_ours },
	       { "variables.non_volatile", clean, non_volatile, delete_ours },
	       { "variables.append_write", clean, append_write, delete_ours },
	       { "variables.set_refused", clean, set_refused, delete_ours },
	       { "variables.get_refused", clean, get_refused, delete_ours },
	       { "variables.enumerate", clean, enumerate, delete_ours },
	       { "variables.query_variable_info", clean, query_variable_info, delete_ours },
	       { "variables.too_large_refused", clean, too_large_refused, delete_ours });
