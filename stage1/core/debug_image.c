/* SPDX-License-Identifier: MIT */
/* The debug image info table and the system table pointer, for debuggers (UEFI 2.10 §18.4). */
#include "include/efi/debug_image_info.h"
#include "lib/crc32.h"
#include "lib/string.h"
#include "stage1/core/debug_image.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"

#define LOG_PREFIX "debug: "
#include "lib/log.h"

#define FOUR_MIB 0x400000ull

static const EFI_GUID debug_table_guid = EFI_DEBUG_IMAGE_INFO_TABLE_GUID;
static EFI_DEBUG_IMAGE_INFO_TABLE_HEADER header;
/* header.EfiDebugImageInfoTable[i] points at normals[i]; both hold capacity entries. */
static EFI_DEBUG_IMAGE_INFO_NORMAL *normals;
static UINT32 capacity;

/*
 * The system table pointer on the highest free 4 MiB boundary below 4 GiB, where a debugger
 * scanning down from the top of memory meets it first.
 */
static EFI_STATUS place_system_table_pointer(void)
{
	EFI_SYSTEM_TABLE_POINTER *p;
	EFI_PHYSICAL_ADDRESS addr;

	for (addr = (1ull << 32) - FOUR_MIB; addr >= FOUR_MIB; addr -= FOUR_MIB) {
		EFI_PHYSICAL_ADDRESS at = addr;

		if (!EFI_ERROR(memory_allocate_pages(AllocateAddress, EfiBootServicesData, 1, &at)))
			break;
	}
	if (addr < FOUR_MIB)
		return log_warn_status(EFI_OUT_OF_RESOURCES, "no free page on a 4 MiB boundary");
	p = (EFI_SYSTEM_TABLE_POINTER *)(UINTN)addr;
	memset(p, 0, EFI_PAGE_SIZE);
	p->Signature = EFI_SYSTEM_TABLE_SIGNATURE;
	p->EfiSystemTableBase = (UINTN)efi_st;
	p->Crc32 = crc32(p, sizeof(*p));
	log_debug("EFI_SYSTEM_TABLE_POINTER at %llx", addr);
	return EFI_SUCCESS;
}

EFI_STATUS debug_image_init(void)
{
	EFI_STATUS status = place_system_table_pointer();

	if (EFI_ERROR(status))
		return status;
	return config_table_install(&debug_table_guid, &header);
}

static EFI_STATUS grow(void)
{
	UINT32 more = capacity ? capacity * 2 : 16;
	EFI_DEBUG_IMAGE_INFO *table = pool_alloc(EfiBootServicesData, more * sizeof(*table));
	EFI_DEBUG_IMAGE_INFO_NORMAL *n = pool_alloc(EfiBootServicesData, more * sizeof(*n));

	if (!table || !n) {
		pool_free(table);
		pool_free(n);
		return EFI_OUT_OF_RESOURCES;
	}
	memcpy(n, normals, header.TableSize * sizeof(*n));
	for (UINT32 i = 0; i < more; i++)
		table[i].NormalImage = &n[i];
	pool_free(header.EfiDebugImageInfoTable);
	pool_free(normals);
	header.EfiDebugImageInfoTable = table;
	normals = n;
	capacity = more;
	return EFI_SUCCESS;
}

void debug_image_add(EFI_LOADED_IMAGE_PROTOCOL *loaded, EFI_HANDLE handle)
{
	header.UpdateStatus |= EFI_DEBUG_IMAGE_INFO_UPDATE_IN_PROGRESS;
	if (header.TableSize < capacity || !EFI_ERROR(grow())) {
		normals[header.TableSize] = (EFI_DEBUG_IMAGE_INFO_NORMAL){
			.ImageInfoType = EFI_DEBUG_IMAGE_INFO_TYPE_NORMAL,
			.LoadedImageProtocolInstance = loaded,
			.ImageHandle = handle,
		};
		header.TableSize++;
	} else {
		log_warn("no memory to list image %p in the debug image table", handle);
	}
	header.UpdateStatus = EFI_DEBUG_IMAGE_INFO_TABLE_MODIFIED;
}

void debug_image_remove(EFI_HANDLE handle)
{
	header.UpdateStatus |= EFI_DEBUG_IMAGE_INFO_UPDATE_IN_PROGRESS;
	for (UINT32 i = 0; i < header.TableSize; i++) {
		if (normals[i].ImageHandle != handle)
			continue;
		/* Entries stay contiguous: the last one takes the freed slot. */
		normals[i] = normals[--header.TableSize];
		memset(&normals[header.TableSize], 0, sizeof(normals[0]));
		break;
	}
	header.UpdateStatus = EFI_DEBUG_IMAGE_INFO_TABLE_MODIFIED;
}
