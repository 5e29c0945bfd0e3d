/* SPDX-License-Identifier: MIT */
/* The EFI memory map as a sorted array of typed ranges, and page allocation on it (UEFI 2.10 §7.2). */
#include "lib/drivers/io.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/memory.h"

#define LOG_PREFIX "memory: "
#include "lib/log.h"

#define MAX_REGIONS 512
#define FOUR_GIB 0x100000000ull
/* Capability bits every RAM range reports, as OVMF does: the OS may pick any of these caching modes. */
#define RAM_ATTRIBUTES (EFI_MEMORY_UC | EFI_MEMORY_WC | EFI_MEMORY_WT | EFI_MEMORY_WB)
/* Payloads get memory top-down below this, like OVMF, so the low 1 MiB and 16 MiB stay free longest. */
#define ALLOC_CEILING FOUR_GIB

struct region {
	UINT64 start;
	UINT64 pages;
	UINT32 type;
	BOOLEAN allocated;	/* came from AllocatePages, so FreePages may give it back */
	UINT64 attribute;
};

static struct region map[MAX_REGIONS];
static UINTN map_count;
static UINTN map_key = 1;

static UINT64 region_end(const struct region *r)
{
	return r->start + (r->pages << EFI_PAGE_SHIFT);
}

static void map_remove(UINTN i)
{
	memmove(&map[i], &map[i + 1], (map_count - i - 1) * sizeof(map[0]));
	map_count--;
}

static EFI_STATUS map_insert(UINTN i, struct region r)
{
	if (map_count == MAX_REGIONS)
		return EFI_OUT_OF_RESOURCES;
	memmove(&map[i + 1], &map[i], (map_count - i) * sizeof(map[0]));
	map[i] = r;
	map_count++;
	return EFI_SUCCESS;
}

/* Join neighbours of the same type and attributes, so the map stays short. */
static void map_merge(void)
{
	for (UINTN i = 0; i + 1 < map_count;) {
		struct region *a = &map[i], *b = &map[i + 1];

		if (a->type == b->type && a->attribute == b->attribute &&
		    a->allocated == b->allocated && region_end(a) == b->start) {
			a->pages += b->pages;
			map_remove(i + 1);
		} else {
			i++;
		}
	}
}

/* Give [start, start + pages) one type, splitting whatever it overlaps; the map stays sorted. */
static EFI_STATUS map_set(UINT64 start, UINT64 pages, UINT32 type, UINT64 attribute,
		       BOOLEAN allocated)
{
	UINT64 end = start + (pages << EFI_PAGE_SHIFT);
	UINTN i = 0;
	EFI_STATUS status;

	if (!pages)
		return EFI_SUCCESS;
	/* Two spare slots: one overlapped region may split into a head, the new range and a tail. */
	if (map_count + 2 > MAX_REGIONS)
		return log_error_status(EFI_OUT_OF_RESOURCES, "memory map full");
	while (i < map_count) {
		struct region *r = &map[i];
		UINT64 r_end = region_end(r);

		if (r_end <= start || r->start >= end) {
			i++;
			continue;
		}
		if (r->start < start && r_end > end) {
			struct region tail = *r;

			tail.start = end;
			tail.pages = (r_end - end) >> EFI_PAGE_SHIFT;
			r->pages = (start - r->start) >> EFI_PAGE_SHIFT;
			map_insert(i + 1, tail);
			i++;
		} else if (r->start < start) {
			r->pages = (start - r->start) >> EFI_PAGE_SHIFT;
			i++;
		} else if (r_end > end) {
			r->pages = (r_end - end) >> EFI_PAGE_SHIFT;
			r->start = end;
			i++;
		} else {
			map_remove(i);
		}
	}
	for (i = 0; i < map_count && map[i].start < start; i++)
		;
	status = map_insert(i, (struct region){ start, pages, type, allocated, attribute });
	if (EFI_ERROR(status))
		return status;
	map_merge();
	map_key++;
	return EFI_SUCCESS;
}

/* Whether every page of [start, end) lies in regions of this type. */
static BOOLEAN map_all_of_type(UINT64 start, UINT64 end, UINT32 type)
{
	UINT64 covered = start;

	for (UINTN i = 0; i < map_count && covered < end; i++) {
		if (region_end(&map[i]) <= covered)
			continue;
		if (map[i].start > covered || map[i].type != type)
			return FALSE;
		covered = region_end(&map[i]);
	}
	return covered >= end;
}

static UINT32 handoff_type_to_efi(UINT32 type)
{
	switch (type) {
	case HANDOFF_MEMORY_RAM:
		return EfiConventionalMemory;
	case HANDOFF_MEMORY_ACPI:
		return EfiACPIReclaimMemory;
	case HANDOFF_MEMORY_NVS:
		return EfiACPIMemoryNVS;
	case HANDOFF_MEMORY_UNUSABLE:
		return EfiUnusableMemory;
	default:
		return EfiReservedMemoryType;
	}
}

static UINT32 reserved_kind_to_efi(UINT32 kind)
{
	switch (kind) {
	case HANDOFF_RESERVED_STAGE1:
		return EfiBootServicesCode;
	case HANDOFF_RESERVED_RUNTIME:
		return EfiRuntimeServicesCode;
	default:
		return EfiBootServicesData;
	}
}

EFI_STATUS memory_init(const struct handoff *h)
{
	EFI_STATUS status;

	for (UINT32 i = 0; i < h->memory_count; i++) {
		const struct handoff_memory_range *m = &h->memory[i];
		UINT32 type = handoff_type_to_efi(m->type);
		UINT64 start = m->base, end = m->base + m->length;

		/* RAM shrinks to whole pages; anything else grows to cover its partial pages. */
		if (type == EfiConventionalMemory) {
			start = (start + EFI_PAGE_SIZE - 1) & ~(UINT64)(EFI_PAGE_SIZE - 1);
			end &= ~(UINT64)(EFI_PAGE_SIZE - 1);
		} else {
			start &= ~(UINT64)(EFI_PAGE_SIZE - 1);
			end = (end + EFI_PAGE_SIZE - 1) & ~(UINT64)(EFI_PAGE_SIZE - 1);
		}
		if (end <= start)
			continue;
		status = map_set(start, (end - start) >> EFI_PAGE_SHIFT, type,
				 type == EfiConventionalMemory ? RAM_ATTRIBUTES : 0, FALSE);
		if (EFI_ERROR(status))
			return status;
	}
	/* Page 0 stays out of the allocator: a NULL pointer must never be valid memory. */
	map_set(0, 1, EfiBootServicesData, RAM_ATTRIBUTES, FALSE);
	for (UINT32 i = 0; i < h->reserved_count; i++) {
		const struct handoff_memory_range *r = &h->reserved[i];
		UINT32 type = reserved_kind_to_efi(r->type);
		UINT64 start = r->base & ~(UINT64)(EFI_PAGE_SIZE - 1);
		UINT64 end =
			(r->base + r->length + EFI_PAGE_SIZE - 1) & ~(UINT64)(EFI_PAGE_SIZE - 1);

		status = map_set(start, (end - start) >> EFI_PAGE_SHIFT, type,
				 RAM_ATTRIBUTES |
					 (type == EfiRuntimeServicesCode ? EFI_MEMORY_RUNTIME : 0),
				 FALSE);
		if (EFI_ERROR(status))
			return status;
	}
	log_info("%llu MiB usable, %u map entries",
		 memory_pages_of_type(EfiConventionalMemory) >> 8, (UINT32)map_count);
	return EFI_SUCCESS;
}

static BOOLEAN memory_type_allocatable(EFI_MEMORY_TYPE type)
{
	if ((UINT32)type >= 0x70000000u)
		return TRUE; /* OEM and OS-loader ranges */
	return type < EfiMaxMemoryType && type != EfiConventionalMemory &&
	       type != EfiPersistentMemory && type != EfiUnacceptedMemoryType;
}

/* Highest page-aligned fit of pages below limit (exclusive) in conventional memory; 0 if none. */
static UINT64 find_free_top_down(UINT64 pages, UINT64 limit)
{
	UINT64 size = pages << EFI_PAGE_SHIFT;

	for (UINTN i = map_count; i-- > 0;) {
		struct region *r = &map[i];
		UINT64 end = region_end(r);

		if (r->type != EfiConventionalMemory)
			continue;
		if (end > limit)
			end = limit & ~(UINT64)(EFI_PAGE_SIZE - 1);
		if (end <= r->start || end - r->start < size)
			continue;
		return end - size;
	}
	return 0;
}

static EFI_STATUS allocate_pages(EFI_ALLOCATE_TYPE type, EFI_MEMORY_TYPE memory_type, UINTN pages,
				 EFI_PHYSICAL_ADDRESS *memory)
{
	UINT64 attribute = RAM_ATTRIBUTES;
	UINT64 start;

	if (!memory || !memory_type_allocatable(memory_type) || (UINT32)type >= MaxAllocateType)
		return EFI_INVALID_PARAMETER;
	if (pages == 0 || pages > (~0ull >> EFI_PAGE_SHIFT))
		return pages ? EFI_OUT_OF_RESOURCES : EFI_SUCCESS;
	if (memory_type == EfiRuntimeServicesCode || memory_type == EfiRuntimeServicesData)
		attribute |= EFI_MEMORY_RUNTIME;

	switch (type) {
	case AllocateAnyPages:
		start = find_free_top_down(pages, ALLOC_CEILING);
		if (!start)
			start = find_free_top_down(pages, ~0ull);
		break;
	case AllocateMaxAddress:
		if (*memory < EFI_PAGE_SIZE - 1)
			return EFI_NOT_FOUND;
		start = find_free_top_down(pages, *memory == ~0ull ? ~0ull : *memory + 1);
		break;
	default:
		start = *memory;
		if (start & (EFI_PAGE_SIZE - 1))
			return EFI_INVALID_PARAMETER;
		if (start + (pages << EFI_PAGE_SHIFT) < start ||
		    !map_all_of_type(start, start + (pages << EFI_PAGE_SHIFT),
				     EfiConventionalMemory))
			return EFI_NOT_FOUND;
		break;
	}
	if (!start)
		return type == AllocateAddress ? EFI_NOT_FOUND : EFI_OUT_OF_RESOURCES;
	if (EFI_ERROR(map_set(start, pages, memory_type, attribute, TRUE)))
		return EFI_OUT_OF_RESOURCES;
	*memory = start;
	return EFI_SUCCESS;
}

static EFI_STATUS free_pages(EFI_PHYSICAL_ADDRESS memory, UINTN pages)
{
	UINT64 end = memory + ((UINT64)pages << EFI_PAGE_SHIFT);
	UINT64 covered = memory;

	if (memory & (EFI_PAGE_SIZE - 1))
		return EFI_INVALID_PARAMETER;
	if (!pages || end < memory)
		return EFI_INVALID_PARAMETER;
	/* Every page must come from AllocatePages: not free RAM, a hole, or the platform's own. */
	for (UINTN i = 0; i < map_count && covered < end; i++) {
		if (region_end(&map[i]) <= covered)
			continue;
		if (map[i].start > covered || !map[i].allocated)
			return EFI_NOT_FOUND;
		covered = region_end(&map[i]);
	}
	if (covered < end)
		return EFI_NOT_FOUND;
	return map_set(memory, pages, EfiConventionalMemory, RAM_ATTRIBUTES, FALSE);
}

/* The map changes at TPL_NOTIFY: a timer notification may allocate, or read the map, too. */
EFI_STATUS memory_allocate_pages(EFI_ALLOCATE_TYPE type, EFI_MEMORY_TYPE memory_type, UINTN pages,
				 EFI_PHYSICAL_ADDRESS *memory)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status = allocate_pages(type, memory_type, pages, memory);

	efi_restore_tpl(old);
	return status;
}

EFI_STATUS memory_free_pages(EFI_PHYSICAL_ADDRESS memory, UINTN pages)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status = free_pages(memory, pages);

	efi_restore_tpl(old);
	return status;
}

EFI_STATUS memory_add_range(UINT64 base, UINT64 size, EFI_MEMORY_TYPE type, UINT64 attributes)
{
	UINT64 start = base & ~(UINT64)(EFI_PAGE_SIZE - 1);
	UINT64 end = (base + size + EFI_PAGE_SIZE - 1) & ~(UINT64)(EFI_PAGE_SIZE - 1);

	return map_set(start, (end - start) >> EFI_PAGE_SHIFT, type, attributes, FALSE);
}

EFI_STATUS memory_retype_runtime(UINT64 base, UINT64 size, EFI_MEMORY_TYPE type)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status = EFI_INVALID_PARAMETER;

	if (!((base | size) & (EFI_PAGE_SIZE - 1)) &&
	    (map_all_of_type(base, base + size, EfiRuntimeServicesCode) ||
	     map_all_of_type(base, base + size, EfiRuntimeServicesData)))
		status = map_set(base, size >> EFI_PAGE_SHIFT, type,
				 RAM_ATTRIBUTES | EFI_MEMORY_RUNTIME, FALSE);
	efi_restore_tpl(old);
	return status;
}

UINTN memory_map_key(void)
{
	return map_key;
}

UINT64 memory_pages_of_type(EFI_MEMORY_TYPE type)
{
	UINT64 pages = 0;

	for (UINTN i = 0; i < map_count; i++)
		if (map[i].type == (UINT32)type)
			pages += map[i].pages;
	return pages;
}

/* OVMF's descriptor size too: 8 bytes more than the struct, so callers must honour DescriptorSize. */
#define DESCRIPTOR_SIZE (sizeof(EFI_MEMORY_DESCRIPTOR) + 8)

static EFI_STATUS get_memory_map(UINTN *MemoryMapSize, EFI_MEMORY_DESCRIPTOR *MemoryMap,
				 UINTN *MapKey, UINTN *DescriptorSize, UINT32 *DescriptorVersion)
{
	UINTN needed;

	if (!MemoryMapSize)
		return EFI_INVALID_PARAMETER;
	if (DescriptorSize)
		*DescriptorSize = DESCRIPTOR_SIZE;
	if (DescriptorVersion)
		*DescriptorVersion = EFI_MEMORY_DESCRIPTOR_VERSION;
	needed = map_count * DESCRIPTOR_SIZE;
	if (*MemoryMapSize < needed) {
		*MemoryMapSize = needed;
		return EFI_BUFFER_TOO_SMALL;
	}
	if (!MemoryMap)
		return EFI_INVALID_PARAMETER;
	for (UINTN i = 0; i < map_count; i++) {
		EFI_MEMORY_DESCRIPTOR *d =
			(EFI_MEMORY_DESCRIPTOR *)((UINT8 *)MemoryMap + i * DESCRIPTOR_SIZE);

		memset(d, 0, DESCRIPTOR_SIZE);
		d->Type = map[i].type;
		d->PhysicalStart = map[i].start;
		d->VirtualStart = 0;
		d->NumberOfPages = map[i].pages;
		d->Attribute = map[i].attribute;
	}
	*MemoryMapSize = needed;
	if (MapKey)
		*MapKey = map_key;
	return EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_get_memory_map(UINTN *MemoryMapSize, EFI_MEMORY_DESCRIPTOR *MemoryMap,
				     UINTN *MapKey, UINTN *DescriptorSize,
				     UINT32 *DescriptorVersion)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status =
		get_memory_map(MemoryMapSize, MemoryMap, MapKey, DescriptorSize, DescriptorVersion);

	efi_restore_tpl(old);
	return status;
}

EFI_STATUS EFIAPI efi_allocate_pages(EFI_ALLOCATE_TYPE Type, EFI_MEMORY_TYPE MemoryType,
				     UINTN Pages, EFI_PHYSICAL_ADDRESS *Memory)
{
	return memory_allocate_pages(Type, MemoryType, Pages, Memory);
}

EFI_STATUS EFIAPI efi_free_pages(EFI_PHYSICAL_ADDRESS Memory, UINTN Pages)
{
	return memory_free_pages(Memory, Pages);
}
