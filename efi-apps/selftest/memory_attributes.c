// SPDX-License-Identifier: MIT
/* The Memory Attributes Table (UEFI 2.10 §4.6.4) and EFI_MEMORY_ATTRIBUTE_PROTOCOL (§37.7). */
#include "efi-apps/selftest/selftest.h"

#define PAGE 4096
#define MEMORY_RO 0x0000000000020000ull /* not in gnu-efi's headers */
#define ACCESS (EFI_MEMORY_RP | MEMORY_RO | EFI_MEMORY_XP)

struct mat {
	UINT32 version, count, desc_size, flags;
};

static EFI_GUID mat_guid = { 0xdcfa911d, 0x26eb, 0x469f,
			     { 0xa2, 0x20, 0x38, 0xb7, 0xdc, 0x46, 0x12, 0x20 } };

static struct mat *mat;
static EFI_MEMORY_DESCRIPTOR *map;
static UINTN map_size, desc_size;

#define MAT_ENTRY(i) ((EFI_MEMORY_DESCRIPTOR *)((UINT8 *)(mat + 1) + (i) * mat->desc_size))
#define MAP_ENTRY(i) ((EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + (i) * desc_size))

/* The table (installed at ReadyToBoot, before a boot option runs) and the memory map now. */
static EFI_STATUS mat_setup(void)
{
	UINTN key;
	UINT32 version;

	mat = NULL;
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
		if (guid_equal(&ST->ConfigurationTable[i].VendorGuid, &mat_guid))
			mat = ST->ConfigurationTable[i].VendorTable;
	CHECK(mat, "no Memory Attributes Table in the configuration table");
	map_size = 0;
	CHECK_STATUS(BS->GetMemoryMap(&map_size, NULL, &key, &desc_size, &version),
		     EFI_BUFFER_TOO_SMALL);
	map_size += 16 * desc_size;
	CHECK_OK(BS->AllocatePool(EfiLoaderData, map_size, (void **)&map));
	CHECK_OK(BS->GetMemoryMap(&map_size, map, &key, &desc_size, &version));
	return EFI_SUCCESS;
}

static void mat_teardown(void)
{
	if (map)
		BS->FreePool(map);
	map = NULL;
}

/* Version 1, or 2 with only the forward-CFI flag defined; descriptors as Linux reads them. */
static EFI_STATUS mat_header(void)
{
	CHECK(mat->version == 1 || mat->version == 2, "version %d", mat->version);
	CHECK(mat->version == 2 ? !(mat->flags & ~1u) : !mat->flags, "reserved/flags 0x%x",
	      mat->flags);
	CHECK(mat->desc_size >= sizeof(EFI_MEMORY_DESCRIPTOR) && mat->desc_size <= desc_size,
	      "descriptor size %d, memory map's %ld", mat->desc_size, (INT64)desc_size);
	CHECK(mat->count > 0 && mat->count < 4096, "%d entries", mat->count);
	return EFI_SUCCESS;
}

/* Runtime code or data only, each with EFI_MEMORY_RUNTIME, in order without overlaps. */
static EFI_STATUS mat_entries(void)
{
	for (UINT32 i = 0; i < mat->count; i++) {
		EFI_MEMORY_DESCRIPTOR *e = MAT_ENTRY(i);

		CHECK(e->Type == EfiRuntimeServicesCode || e->Type == EfiRuntimeServicesData,
		      "entry %d at 0x%lx has type %d", i, e->PhysicalStart, e->Type);
		CHECK(e->Attribute & EFI_MEMORY_RUNTIME, "entry %d at 0x%lx lacks RUNTIME", i,
		      e->PhysicalStart);
		CHECK(!(e->PhysicalStart & (PAGE - 1)) && e->NumberOfPages,
		      "entry %d at 0x%lx, %ld pages", i, e->PhysicalStart, e->NumberOfPages);
		CHECK((e->Attribute & (MEMORY_RO | EFI_MEMORY_XP)) != (MEMORY_RO | EFI_MEMORY_XP),
		      "entry %d at 0x%lx is both RO and XP", i, e->PhysicalStart);
		if (i)
			CHECK(MAT_ENTRY(i - 1)->PhysicalStart +
					      MAT_ENTRY(i - 1)->NumberOfPages * PAGE <=
				      e->PhysicalStart,
			      "entry %d at 0x%lx overlaps or precedes entry %d", i,
			      e->PhysicalStart, i - 1);
	}
	return EFI_SUCCESS;
}

/* Each entry lies inside one runtime range of the memory map, of its own type (Linux's check). */
static EFI_STATUS mat_in_memory_map(void)
{
	BOOLEAN have_code = FALSE, have_data = FALSE;

	for (UINT32 i = 0; i < mat->count; i++) {
		EFI_MEMORY_DESCRIPTOR *e = MAT_ENTRY(i), *found = NULL;

		for (UINTN j = 0; j < map_size / desc_size && !found; j++) {
			EFI_MEMORY_DESCRIPTOR *d = MAP_ENTRY(j);

			if (d->PhysicalStart <= e->PhysicalStart &&
			    e->PhysicalStart - d->PhysicalStart < d->NumberOfPages * PAGE)
				found = d;
		}
		CHECK(found, "entry %d at 0x%lx is in no memory map range", i, e->PhysicalStart);
		CHECK(found->Attribute & EFI_MEMORY_RUNTIME, "entry %d at 0x%lx: map range not runtime",
		      i, e->PhysicalStart);
		CHECK(found->Type == e->Type, "entry %d at 0x%lx type %d, map's %d", i,
		      e->PhysicalStart, e->Type, found->Type);
		CHECK(e->PhysicalStart + e->NumberOfPages * PAGE <=
			      found->PhysicalStart + found->NumberOfPages * PAGE,
		      "entry %d at 0x%lx runs past its map range", i, e->PhysicalStart);
		have_code |= e->Type == EfiRuntimeServicesCode && (e->Attribute & MEMORY_RO);
		have_data |= e->Type == EfiRuntimeServicesData && (e->Attribute & EFI_MEMORY_XP);
	}
	CHECK(have_code && have_data, "no read-only code (%d) or no no-execute data (%d) entry",
	      have_code, have_data);
	return EFI_SUCCESS;
}

typedef struct _MEMORY_ATTRIBUTE MEMORY_ATTRIBUTE;
struct _MEMORY_ATTRIBUTE {
	EFI_STATUS(EFIAPI *GetMemoryAttributes)(MEMORY_ATTRIBUTE *This, EFI_PHYSICAL_ADDRESS Base,
						UINT64 Length, UINT64 *Attributes);
	EFI_STATUS(EFIAPI *SetMemoryAttributes)(MEMORY_ATTRIBUTE *This, EFI_PHYSICAL_ADDRESS Base,
						UINT64 Length, UINT64 Attributes);
	EFI_STATUS(EFIAPI *ClearMemoryAttributes)(MEMORY_ATTRIBUTE *This,
						  EFI_PHYSICAL_ADDRESS Base, UINT64 Length,
						  UINT64 Attributes);
};

static EFI_GUID memory_attribute_guid = { 0xf4560cf6, 0x40ec, 0x4b4a,
					  { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } };
static MEMORY_ATTRIBUTE *protocol;
static EFI_PHYSICAL_ADDRESS pages;

/*
 * OVMF 2022.11 has no such protocol (EDK2 added it in 2023): the cases then pass with a NOTE,
 * and tests/boot/test_memory_attribute.py requires that Strata prints none.
 */
static EFI_STATUS protocol_setup(void)
{
	protocol = NULL;
	pages = 0;
	if (EFI_ERROR(BS->LocateProtocol(&memory_attribute_guid, NULL, (void **)&protocol)))
		protocol = NULL;
	if (!protocol)
		return EFI_SUCCESS;
	CHECK_OK(BS->AllocatePages(AllocateAnyPages, EfiLoaderData, 2, &pages));
	return EFI_SUCCESS;
}

static void protocol_teardown(void)
{
	if (pages) {
		protocol->ClearMemoryAttributes(protocol, pages, 2 * PAGE, ACCESS);
		BS->FreePages(pages, 2);
	}
	pages = 0;
}

static BOOLEAN absent(void)
{
	if (!protocol)
		Print(L"NOTE memory attribute protocol absent\n");
	return !protocol;
}

/* Set RO and XP on a page, read them back, a write still lands once cleared again. */
static EFI_STATUS protocol_set_get_clear(void)
{
	UINT64 a, b;

	if (absent())
		return EFI_SUCCESS;
	CHECK_OK(protocol->GetMemoryAttributes(protocol, pages, PAGE, &a));
	CHECK(!(a & ~ACCESS), "attributes 0x%lx beyond RP/RO/XP", a);
	CHECK(!(a & (EFI_MEMORY_RP | MEMORY_RO)), "fresh LoaderData page is 0x%lx", a);
	CHECK_OK(protocol->SetMemoryAttributes(protocol, pages, PAGE, MEMORY_RO));
	CHECK_OK(protocol->GetMemoryAttributes(protocol, pages, PAGE, &b));
	CHECK(b == (a | MEMORY_RO), "after Set RO: 0x%lx, was 0x%lx", b, a);
	CHECK_OK(protocol->SetMemoryAttributes(protocol, pages, PAGE, EFI_MEMORY_XP));
	CHECK_OK(protocol->GetMemoryAttributes(protocol, pages, PAGE, &b));
	CHECK(b == (a | MEMORY_RO | EFI_MEMORY_XP), "after Set XP: 0x%lx", b);
	CHECK_OK(protocol->ClearMemoryAttributes(protocol, pages, PAGE, MEMORY_RO | EFI_MEMORY_XP));
	CHECK_OK(protocol->GetMemoryAttributes(protocol, pages, PAGE, &b));
	CHECK(b == (a & ~(MEMORY_RO | EFI_MEMORY_XP)), "after Clear: 0x%lx", b);
	*(volatile UINT64 *)(UINTN)pages = 0x5a5a;
	CHECK(*(volatile UINT64 *)(UINTN)pages == 0x5a5a, "write after Clear RO lost");
	return EFI_SUCCESS;
}

/* Two pages that differ have no one answer; a page made not present reads back RP. */
static EFI_STATUS protocol_mixed_range(void)
{
	UINT64 a;

	if (absent())
		return EFI_SUCCESS;
	CHECK_OK(protocol->SetMemoryAttributes(protocol, pages + PAGE, PAGE, MEMORY_RO));
	CHECK_STATUS(protocol->GetMemoryAttributes(protocol, pages, 2 * PAGE, &a), EFI_NO_MAPPING);
	CHECK_OK(protocol->SetMemoryAttributes(protocol, pages + PAGE, PAGE, EFI_MEMORY_RP));
	CHECK_OK(protocol->GetMemoryAttributes(protocol, pages + PAGE, PAGE, &a));
	CHECK(a & EFI_MEMORY_RP, "after Set RP: 0x%lx", a);
	CHECK_OK(protocol->ClearMemoryAttributes(protocol, pages + PAGE, PAGE, ACCESS));
	CHECK_OK(protocol->GetMemoryAttributes(protocol, pages + PAGE, PAGE, &a));
	CHECK(!(a & (EFI_MEMORY_RP | MEMORY_RO)), "after Clear all: 0x%lx", a);
	return EFI_SUCCESS;
}

static EFI_STATUS protocol_invalid_parameters(void)
{
	UINT64 a;

	if (absent())
		return EFI_SUCCESS;
	CHECK_STATUS(protocol->GetMemoryAttributes(protocol, pages, 0, &a), EFI_INVALID_PARAMETER);
	CHECK_STATUS(protocol->GetMemoryAttributes(protocol, pages + 1, PAGE, &a),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(protocol->GetMemoryAttributes(protocol, pages, PAGE - 1, &a),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(protocol->GetMemoryAttributes(protocol, pages, PAGE, NULL),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(protocol->SetMemoryAttributes(protocol, pages, PAGE, 0),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(protocol->SetMemoryAttributes(protocol, pages, PAGE, EFI_MEMORY_WB),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(protocol->ClearMemoryAttributes(protocol, pages, 0, MEMORY_RO),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(protocol->ClearMemoryAttributes(protocol, pages, PAGE, EFI_MEMORY_UC),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(protocol->SetMemoryAttributes(protocol, pages + PAGE / 2, PAGE, MEMORY_RO),
		     EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(memory_attributes,
	       { "memory_attributes_table.header", mat_setup, mat_header, mat_teardown },
	       { "memory_attributes_table.entries", mat_setup, mat_entries, mat_teardown },
	       { "memory_attributes_table.in_memory_map", mat_setup, mat_in_memory_map,
		 mat_teardown },
	       { "memory_attribute_protocol.set_get_clear", protocol_setup,
		 protocol_set_get_clear, protocol_teardown },
	       { "memory_attribute_protocol.mixed_range", protocol_setup, protocol_mixed_range,
		 protocol_teardown },
	       { "memory_attribute_protocol.invalid_parameters", protocol_setup,
		 protocol_invalid_parameters, protocol_teardown });
