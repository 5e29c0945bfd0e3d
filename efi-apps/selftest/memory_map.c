// SPDX-License-Identifier: MIT
/* GetMemoryMap: the buffer-too-small protocol, descriptor format, ordering, overlaps, map keys. */
#include "efi-apps/selftest/selftest.h"

#define PAGE 4096

static EFI_MEMORY_DESCRIPTOR *map;
static UINTN map_size, map_capacity, map_key, desc_size;
static UINT32 desc_version;
static EFI_PHYSICAL_ADDRESS extra_pages;

#define DESC(i) ((EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + (i) * desc_size))

/* The spec's two-call protocol, done by hand rather than through libefi's LibMemoryMap. */
static EFI_STATUS get_map(void)
{
	UINTN size = 0;
	EFI_STATUS status;

	status = BS->GetMemoryMap(&size, NULL, &map_key, &desc_size, &desc_version);
	CHECK(status == EFI_BUFFER_TOO_SMALL, "size 0: %r, expected Buffer Too Small", status);
	CHECK(size > 0, "size 0: no required size returned");
	CHECK(desc_size >= sizeof(EFI_MEMORY_DESCRIPTOR), "DescriptorSize %ld", (INT64)desc_size);
	CHECK(size % desc_size == 0, "required size %ld not a multiple of %ld", (INT64)size,
	      (INT64)desc_size);
	/*
	 * Our own allocation may split a free range, and EDK2 asks for slack of its own: room for
	 * plenty more descriptors.
	 */
	size += 16 * desc_size;
	CHECK_OK(BS->AllocatePool(EfiLoaderData, size, (void **)&map));
	map_capacity = map_size = size;
	status = BS->GetMemoryMap(&map_size, map, &map_key, &desc_size, &desc_version);
	CHECK(status == EFI_SUCCESS, "second call: %r", status);
	CHECK(map_size <= size && map_size % desc_size == 0, "returned size %ld", (INT64)map_size);
	return EFI_SUCCESS;
}

static void free_map(void)
{
	if (map)
		BS->FreePool(map);
	map = NULL;
	if (extra_pages)
		BS->FreePages(extra_pages, 1);
	extra_pages = 0;
}

static EFI_STATUS too_small_protocol(void)
{
	UINTN size, key, dsize;
	UINT32 dver;
	EFI_STATUS status;

	CHECK_OK(get_map());
	CHECK(desc_version == EFI_MEMORY_DESCRIPTOR_VERSION, "DescriptorVersion %d", desc_version);
	/* One descriptor short: still too small, and the answer names the full size. */
	size = map_size - desc_size;
	status = BS->GetMemoryMap(&size, map, &key, &dsize, &dver);
	CHECK(status == EFI_BUFFER_TOO_SMALL, "short buffer: %r", status);
	CHECK(size >= map_size, "short buffer: required size %ld < %ld", (INT64)size,
	      (INT64)map_size);
	size = map_capacity;
	CHECK_STATUS(BS->GetMemoryMap(&size, NULL, &key, &dsize, &dver), EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->GetMemoryMap(NULL, map, &key, &dsize, &dver), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS descriptors_sane(void)
{
	UINTN n, conventional = 0;
	BOOLEAN have_loader_code = FALSE;
	EFI_PHYSICAL_ADDRESS image = (EFI_PHYSICAL_ADDRESS)(UINTN)selftest_loaded_image->ImageBase;

	CHECK_OK(get_map());
	n = map_size / desc_size;
	CHECK(n >= 4, "only %ld descriptors", (INT64)n);
	for (UINTN i = 0; i < n; i++) {
		EFI_MEMORY_DESCRIPTOR *d = DESC(i);

		CHECK(!(d->PhysicalStart & (PAGE - 1)), "descriptor %ld start 0x%lx unaligned",
		      (INT64)i, d->PhysicalStart);
		CHECK(d->NumberOfPages > 0, "descriptor %ld has no pages", (INT64)i);
		CHECK(d->Type < EfiMaxMemoryType + 2 || d->Type >= 0x70000000,
		      "descriptor %ld type %d", (INT64)i, d->Type);
		/* UEFI 2.10 §7.2: runtime code and data must be mapped at runtime. */
		if (d->Type == EfiRuntimeServicesCode || d->Type == EfiRuntimeServicesData)
			CHECK(d->Attribute & EFI_MEMORY_RUNTIME,
			      "runtime descriptor at 0x%lx lacks EFI_MEMORY_RUNTIME",
			      d->PhysicalStart);
		if (d->Type == EfiConventionalMemory)
			conventional += d->NumberOfPages;
		if (d->Type == EfiLoaderCode && d->PhysicalStart <= image &&
		    image < d->PhysicalStart + d->NumberOfPages * PAGE)
			have_loader_code = TRUE;
	}
	CHECK(conventional * PAGE >= 16 << 20, "only %ld KiB conventional memory",
	      (INT64)(conventional * 4));
	CHECK(have_loader_code, "our image at 0x%lx is not in a LoaderCode range", image);
	return EFI_SUCCESS;
}

static EFI_STATUS sorted_no_overlap(void)
{
	UINTN n;

	CHECK_OK(get_map());
	n = map_size / desc_size;
	for (UINTN i = 1; i < n; i++) {
		EFI_MEMORY_DESCRIPTOR *a = DESC(i - 1), *b = DESC(i);

		CHECK(a->PhysicalStart < b->PhysicalStart, "descriptor %ld (0x%lx) after 0x%lx",
		      (INT64)i, b->PhysicalStart, a->PhysicalStart);
		CHECK(a->PhysicalStart + a->NumberOfPages * PAGE <= b->PhysicalStart,
		      "0x%lx+%ld pages overlaps 0x%lx", a->PhysicalStart, a->NumberOfPages,
		      b->PhysicalStart);
	}
	return EFI_SUCCESS;
}

static EFI_STATUS map_key_changes(void)
{
	UINTN key1, size;
	EFI_MEMORY_TYPE seen = (EFI_MEMORY_TYPE)0x7fffffff;

	CHECK_OK(get_map());
	key1 = map_key;
	/* Same map twice in a row: the key must not move without a change. */
	size = map_capacity;
	CHECK_OK(BS->GetMemoryMap(&size, map, &map_key, &desc_size, &desc_version));
	CHECK(map_key == key1, "key moved from 0x%lx to 0x%lx with no allocation", (UINT64)key1,
	      (UINT64)map_key);
	CHECK_OK(BS->AllocatePages(AllocateAnyPages, EfiACPIReclaimMemory, 1, &extra_pages));
	size = map_capacity;
	CHECK_OK(BS->GetMemoryMap(&size, map, &map_key, &desc_size, &desc_version));
	CHECK(map_key != key1, "key 0x%lx unchanged after AllocatePages", (UINT64)key1);
	for (UINTN i = 0; i < size / desc_size; i++) {
		EFI_MEMORY_DESCRIPTOR *d = DESC(i);

		if (d->PhysicalStart <= extra_pages &&
		    extra_pages < d->PhysicalStart + d->NumberOfPages * PAGE)
			seen = d->Type;
	}
	CHECK(seen == EfiACPIReclaimMemory, "new page at 0x%lx shows as type %d", extra_pages,
	      seen);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(memory_map,
	       { "memory_map.too_small_protocol", NULL, too_small_protocol, free_map },
	       { "memory_map.descriptors_sane", NULL, descriptors_sane, free_map },
	       { "memory_map.sorted_no_overlap", NULL, sorted_no_overlap, free_map },
	       { "memory_map.key_changes", NULL, map_key_changes, free_map });
