/* SPDX-License-Identifier: MIT */
/* Pool allocation: power-of-two size classes carved from 64 KiB arenas, one set per memory type. */
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/memory.h"

#define LOG_PREFIX "pool: "
#include "lib/log.h"

#define POOL_MAGIC 0x4c4f4f50u /* "POOL" */
#define POOL_FREED 0x45455246u /* "FREE": a freed block, to catch double frees */
#define MIN_SHIFT 5		/* 32-byte blocks */
#define MAX_SHIFT 14		/* 16 KiB blocks; larger requests get pages of their own */
#define CLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define ARENA_PAGES 16
#define LARGE_CLASS 0xff

/* Types that get arenas; other types are rare, so each of their allocations takes whole pages. */
static const EFI_MEMORY_TYPE pooled_types[] = {
	EfiBootServicesData, EfiLoaderData, EfiRuntimeServicesData, EfiACPIReclaimMemory,
};
#define POOLED_TYPES (sizeof(pooled_types) / sizeof(pooled_types[0]))

/* 16 bytes, so every block stays 16-byte aligned (the spec asks for 8). */
struct pool_header {
	UINT32 magic;
	UINT8 class;	/* size class index, or LARGE_CLASS */
	UINT8 type_index;
	UINT16 reserved;
	union {
		UINT64 pages;			/* large blocks: pages allocated */
		struct pool_header *next;	/* free blocks: the free list */
	};
};

static struct pool_header *free_lists[POOLED_TYPES][CLASSES];

static int type_index(EFI_MEMORY_TYPE type)
{
	for (UINTN i = 0; i < POOLED_TYPES; i++)
		if (pooled_types[i] == type)
			return (int)i;
	return -1;
}

static void *pool_alloc_large(EFI_MEMORY_TYPE type, UINTN size)
{
	UINT64 pages = EFI_SIZE_TO_PAGES(size + sizeof(struct pool_header));
	EFI_PHYSICAL_ADDRESS addr;
	struct pool_header *h;

	if (size > ~0ull - sizeof(struct pool_header) - EFI_PAGE_SIZE)
		return NULL;
	if (EFI_ERROR(memory_allocate_pages(AllocateAnyPages, type, pages, &addr)))
		return NULL;
	h = (struct pool_header *)(UINTN)addr;
	*h = (struct pool_header){ POOL_MAGIC, LARGE_CLASS, 0, 0, { .pages = pages } };
	return h + 1;
}

/* Cut a new arena of one type into blocks of one class and put them on the free list. */
static BOOLEAN pool_refill(int t, unsigned class)
{
	UINTN block = (UINTN)1 << (class + MIN_SHIFT);
	EFI_PHYSICAL_ADDRESS addr;

	if (EFI_ERROR(memory_allocate_pages(AllocateAnyPages, pooled_types[t], ARENA_PAGES, &addr)))
		return FALSE;
	for (UINTN off = 0; off + block <= ARENA_PAGES * EFI_PAGE_SIZE; off += block) {
		struct pool_header *b = (struct pool_header *)(UINTN)(addr + off);

		*b = (struct pool_header){ POOL_FREED, (UINT8)class, (UINT8)t, 0,
					   { .next = free_lists[t][class] } };
		free_lists[t][class] = b;
	}
	return TRUE;
}

static void *pool_take(EFI_MEMORY_TYPE type, UINTN size)
{
	int t = type_index(type);
	unsigned class = 0;
	struct pool_header *h;

	if (t < 0 || size + sizeof(struct pool_header) > ((UINTN)1 << MAX_SHIFT) ||
	    size > ((UINTN)1 << MAX_SHIFT))
		return pool_alloc_large(type, size);
	while (((UINTN)1 << (class + MIN_SHIFT)) < size + sizeof(struct pool_header))
		class++;
	if (!free_lists[t][class] && !pool_refill(t, class))
		return NULL;
	h = free_lists[t][class];
	free_lists[t][class] = h->next;
	*h = (struct pool_header){ POOL_MAGIC, (UINT8)class, (UINT8)t, 0, { 0 } };
	return h + 1;
}

/* At TPL_NOTIFY: a timer notification may allocate too, and the free lists are one. */
void *pool_alloc(EFI_MEMORY_TYPE type, UINTN size)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	void *p = pool_take(type, size);

	efi_restore_tpl(old);
	return p;
}

void *pool_zalloc(UINTN size)
{
	void *p = pool_alloc(EfiBootServicesData, size);

	if (p)
		memset(p, 0, size);
	return p;
}

static EFI_STATUS pool_put(void *buffer)
{
	struct pool_header *h;

	if (!buffer || ((UINTN)buffer & 15))
		return EFI_INVALID_PARAMETER;
	h = (struct pool_header *)buffer - 1;
	if (h->magic != POOL_MAGIC)
		return log_error_status(EFI_INVALID_PARAMETER, "free of %p: not pool memory%s",
					buffer, h->magic == POOL_FREED ? " (double free)" : "");
	if (h->class == LARGE_CLASS) {
		h->magic = POOL_FREED;
		return memory_free_pages((UINTN)h, h->pages);
	}
	if (h->class >= CLASSES || h->type_index >= POOLED_TYPES)
		return EFI_INVALID_PARAMETER;
	h->magic = POOL_FREED;
	h->next = free_lists[h->type_index][h->class];
	free_lists[h->type_index][h->class] = h;
	return EFI_SUCCESS;
}

static EFI_STATUS pool_release(void *buffer)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status = pool_put(buffer);

	efi_restore_tpl(old);
	return status;
}

void pool_free(void *buffer)
{
	if (buffer)
		pool_release(buffer);
}

EFI_STATUS EFIAPI efi_allocate_pool(EFI_MEMORY_TYPE PoolType, UINTN Size, VOID **Buffer)
{
	if (!Buffer || (UINT32)PoolType == EfiConventionalMemory ||
	    PoolType == EfiPersistentMemory ||
	    ((UINT32)PoolType >= EfiMaxMemoryType && (UINT32)PoolType < 0x70000000u))
		return EFI_INVALID_PARAMETER;
	*Buffer = pool_alloc(PoolType, Size);
	return *Buffer ? EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
}

EFI_STATUS EFIAPI efi_free_pool(VOID *Buffer)
{
	return pool_release(Buffer);
}
