// SPDX-License-Identifier: MIT
/* Page and pool allocation: every allocation type and memory type, alignment, refused frees. */
#include "efi-apps/selftest/selftest.h"

#define PAGE 4096
/* gnu-efi predates UEFI 2.5: its EfiMaxMemoryType (14) is the spec's EfiPersistentMemory. */
#define SPEC_PERSISTENT_MEMORY ((EFI_MEMORY_TYPE)14)

/* Pages a case still owns, freed by teardown whatever happened in run. */
static struct {
	EFI_PHYSICAL_ADDRESS addr;
	UINTN pages;
} held[16];

static EFI_STATUS hold(EFI_PHYSICAL_ADDRESS addr, UINTN pages)
{
	for (UINTN i = 0; i < sizeof(held) / sizeof(held[0]); i++) {
		if (!held[i].pages) {
			held[i].addr = addr;
			held[i].pages = pages;
			return EFI_SUCCESS;
		}
	}
	return EFI_OUT_OF_RESOURCES;
}

static void release(EFI_PHYSICAL_ADDRESS addr)
{
	for (UINTN i = 0; i < sizeof(held) / sizeof(held[0]); i++)
		if (held[i].pages && held[i].addr == addr)
			held[i].pages = 0;
}

static void free_held(void)
{
	for (UINTN i = 0; i < sizeof(held) / sizeof(held[0]); i++) {
		if (held[i].pages)
			BS->FreePages(held[i].addr, held[i].pages);
		held[i].pages = 0;
	}
}

/* Writes and reads back every page: an allocation that is not RAM shows up here. */
static BOOLEAN pages_usable(EFI_PHYSICAL_ADDRESS addr, UINTN pages)
{
	volatile UINT64 *p = (volatile UINT64 *)(UINTN)addr;

	for (UINTN i = 0; i < pages; i++)
		p[i * PAGE / 8] = addr + i * PAGE;
	for (UINTN i = 0; i < pages; i++)
		if (p[i * PAGE / 8] != addr + i * PAGE)
			return FALSE;
	return TRUE;
}

static EFI_STATUS allocate_any_pages(void)
{
	EFI_PHYSICAL_ADDRESS addr = 0;

	CHECK_OK(BS->AllocatePages(AllocateAnyPages, EfiLoaderData, 3, &addr));
	CHECK_OK(hold(addr, 3));
	CHECK(addr && !(addr & (PAGE - 1)), "address 0x%lx not page-aligned", addr);
	CHECK(pages_usable(addr, 3), "pages at 0x%lx do not hold data", addr);
	CHECK_OK(BS->FreePages(addr, 3));
	release(addr);
	return EFI_SUCCESS;
}

static EFI_STATUS allocate_max_address(void)
{
	EFI_PHYSICAL_ADDRESS max = 0xffffffff, addr = max;
	EFI_STATUS status;

	CHECK_OK(BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, 16, &addr));
	CHECK_OK(hold(addr, 16));
	CHECK(addr + 16 * PAGE - 1 <= max, "16 pages at 0x%lx end above 0x%lx", addr, max);
	CHECK(pages_usable(addr, 16), "pages at 0x%lx do not hold data", addr);
	/* Nothing fits below the first page: the limit must be honoured, not rounded up. */
	addr = PAGE - 1;
	status = BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, 2, &addr);
	/* The spec allows either answer: not found (no range) or out of resources (EDK2). */
	CHECK(status == EFI_NOT_FOUND || status == EFI_OUT_OF_RESOURCES,
	      "2 pages below 0x%lx: %r", (UINT64)PAGE - 1, status);
	return EFI_SUCCESS;
}

static EFI_STATUS allocate_address(void)
{
	EFI_PHYSICAL_ADDRESS addr = 0, want;

	/* Find a free spot by allocating it, give it back, then ask for exactly that spot. */
	CHECK_OK(BS->AllocatePages(AllocateAnyPages, EfiLoaderData, 4, &addr));
	CHECK_OK(BS->FreePages(addr, 4));
	want = addr;
	CHECK_OK(BS->AllocatePages(AllocateAddress, EfiLoaderData, 4, &addr));
	CHECK_OK(hold(addr, 4));
	CHECK(addr == want, "AllocateAddress 0x%lx returned 0x%lx", want, addr);
	/* The same spot again is taken now; so is our own image. */
	CHECK_STATUS(BS->AllocatePages(AllocateAddress, EfiLoaderData, 1, &addr), EFI_NOT_FOUND);
	addr = (EFI_PHYSICAL_ADDRESS)(UINTN)selftest_loaded_image->ImageBase;
	CHECK_STATUS(BS->AllocatePages(AllocateAddress, EfiLoaderData, 1, &addr), EFI_NOT_FOUND);
	return EFI_SUCCESS;
}

/* Memory types a payload may allocate (UEFI 2.10 §7.2), each must come back as its type. */
static const EFI_MEMORY_TYPE alloc_types[] = {
	EfiLoaderCode, EfiLoaderData, EfiBootServicesCode, EfiBootServicesData,
	EfiRuntimeServicesCode, EfiRuntimeServicesData, EfiACPIReclaimMemory, EfiACPIMemoryNVS,
	EfiReservedMemoryType,
};

static EFI_STATUS type_in_map(EFI_PHYSICAL_ADDRESS addr, UINTN pages, EFI_MEMORY_TYPE *ret_type)
{
	UINTN entries, key, desc_size;
	UINT32 version;
	EFI_MEMORY_DESCRIPTOR *map, *d;
	EFI_STATUS status = EFI_NOT_FOUND;

	map = LibMemoryMap(&entries, &key, &desc_size, &version);
	if (!map)
		return EFI_OUT_OF_RESOURCES;
	for (UINTN i = 0; i < entries; i++) {
		d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * desc_size);
		if (d->PhysicalStart <= addr &&
		    addr + pages * PAGE <= d->PhysicalStart + d->NumberOfPages * PAGE) {
			*ret_type = d->Type;
			status = EFI_SUCCESS;
			break;
		}
	}
	FreePool(map);
	return status;
}

static EFI_STATUS allocate_each_type(void)
{
	for (UINTN i = 0; i < sizeof(alloc_types) / sizeof(alloc_types[0]); i++) {
		EFI_PHYSICAL_ADDRESS addr = 0;
		EFI_MEMORY_TYPE seen = (EFI_MEMORY_TYPE)0x7fffffff;

		CHECK_OK(BS->AllocatePages(AllocateAnyPages, alloc_types[i], 2, &addr));
		CHECK_OK(hold(addr, 2));
		CHECK(pages_usable(addr, 2), "type %d pages do not hold data", alloc_types[i]);
		CHECK_OK(type_in_map(addr, 2, &seen));
		CHECK(seen == alloc_types[i], "type %d allocation is type %d in the memory map",
		      alloc_types[i], seen);
		CHECK_OK(BS->FreePages(addr, 2));
		release(addr);
	}
	return EFI_SUCCESS;
}

/* OEM (0x70000000+) and OS (0x80000000+) types are allowed; the gap below them is not. */
static EFI_STATUS allocate_vendor_types(void)
{
	EFI_PHYSICAL_ADDRESS addr = 0;
	EFI_MEMORY_TYPE seen = 0;

	CHECK_OK(BS->AllocatePages(AllocateAnyPages, (EFI_MEMORY_TYPE)0x80000001, 1, &addr));
	CHECK_OK(hold(addr, 1));
	CHECK_OK(type_in_map(addr, 1, &seen));
	CHECK(seen == (EFI_MEMORY_TYPE)0x80000001, "OS type shows as 0x%x", seen);
	CHECK_OK(BS->FreePages(addr, 1));
	release(addr);
	CHECK_STATUS(BS->AllocatePages(AllocateAnyPages, (EFI_MEMORY_TYPE)0x100, 1, &addr),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->AllocatePages(AllocateAnyPages, EfiConventionalMemory, 1, &addr),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->AllocatePages(AllocateAnyPages, SPEC_PERSISTENT_MEMORY, 1, &addr),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->AllocatePages(MaxAllocateType, EfiLoaderData, 1, &addr),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->AllocatePages(AllocateAnyPages, EfiLoaderData, 1, NULL),
		     EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS free_pages_refused(void)
{
	EFI_PHYSICAL_ADDRESS addr = 0;

	CHECK_OK(BS->AllocatePages(AllocateAnyPages, EfiLoaderData, 2, &addr));
	CHECK_OK(hold(addr, 2));
	CHECK_STATUS(BS->FreePages(addr + 1, 1), EFI_INVALID_PARAMETER);
	CHECK_OK(BS->FreePages(addr, 2));
	release(addr);
	/* Freed once already: a second free must be caught, not corrupt the map. */
	CHECK_STATUS(BS->FreePages(addr, 2), EFI_NOT_FOUND);
	return EFI_SUCCESS;
}

static EFI_STATUS pool_odd_sizes(void)
{
	static const UINTN sizes[] = { 1, 3, 7, 17, 63, 4095, 4096, 4097, 65537, 1048583 };
	UINT8 *bufs[sizeof(sizes) / sizeof(sizes[0])] = { 0 };
	EFI_STATUS status = EFI_SUCCESS;
	UINTN n;

	for (n = 0; n < sizeof(sizes) / sizeof(sizes[0]); n++) {
		status = BS->AllocatePool(EfiLoaderData, sizes[n], (void **)&bufs[n]);
		if (EFI_ERROR(status)) {
			selftest_fail(__FILE__, __LINE__, L"AllocatePool(%ld): %r", (INT64)sizes[n],
				      status);
			goto out;
		}
		/* UEFI 2.10 §7.2: pool memory is 8-byte aligned. */
		if ((UINTN)bufs[n] & 7) {
			status = selftest_fail(__FILE__, __LINE__, L"pool %p not 8-byte aligned",
					       bufs[n]);
			goto out_n;
		}
		for (UINTN i = 0; i < sizes[n]; i++)
			bufs[n][i] = (UINT8)(n + i);
	}
	/* Fill them all before checking any, so overlapping blocks show. */
	for (UINTN k = 0; k < n; k++) {
		for (UINTN i = 0; i < sizes[k]; i++) {
			if (bufs[k][i] != (UINT8)(k + i)) {
				status = selftest_fail(__FILE__, __LINE__,
						       L"pool block %ld overwritten at %ld",
						       (INT64)k, (INT64)i);
				goto out;
			}
		}
	}
	goto out;
out_n:
	n++;
out:
	while (n--)
		if (bufs[n] && EFI_ERROR(BS->FreePool(bufs[n])) && !EFI_ERROR(status))
			status = selftest_fail(__FILE__, __LINE__, L"FreePool of block %ld failed",
					       (INT64)n);
	return status;
}

static EFI_STATUS pool_refused(void)
{
	void *p = NULL;

	CHECK_STATUS(BS->AllocatePool((EFI_MEMORY_TYPE)0x100, 16, &p), EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->AllocatePool(EfiLoaderData, 16, NULL), EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->AllocatePool(EfiLoaderData, (UINTN)1 << 52, &p), EFI_OUT_OF_RESOURCES);
	CHECK_STATUS(BS->FreePool(NULL), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(memory,
	       { "memory.allocate_any_pages", NULL, allocate_any_pages, free_held },
	       { "memory.allocate_max_address", NULL, allocate_max_address, free_held },
	       { "memory.allocate_address", NULL, allocate_address, free_held },
	       { "memory.allocate_each_type", NULL, allocate_each_type, free_held },
	       { "memory.allocate_vendor_types", NULL, allocate_vendor_types, free_held },
	       { "memory.free_pages_refused", NULL, free_pages_refused, free_held },
	       { "memory.pool_odd_sizes", NULL, pool_odd_sizes, NULL },
	       { "memory.pool_refused", NULL, pool_refused, NULL });
