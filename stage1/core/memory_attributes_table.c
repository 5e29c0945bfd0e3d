/* SPDX-License-Identifier: MIT */
/* The Memory Attributes Table: runtime code read-only, runtime data no-execute, for the OS. */
#include "include/efi/memory.h"
#include "include/efi/memory_attributes_table.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "memattr: "
#include "lib/log.h"

static const EFI_GUID table_guid = EFI_MEMORY_ATTRIBUTES_TABLE_GUID;
static const EFI_GUID ready_to_boot = EFI_EVENT_GROUP_READY_TO_BOOT;

static EFI_MEMORY_ATTRIBUTES_TABLE *installed;

static BOOLEAN is_runtime(const EFI_MEMORY_DESCRIPTOR *d)
{
	return (d->Attribute & EFI_MEMORY_RUNTIME) &&
	       (d->Type == EfiRuntimeServicesCode || d->Type == EfiRuntimeServicesData);
}

/*
 * One entry per runtime descriptor of the memory map (sorted, so the table is): the map already
 * has the blob's code and data apart. MMIO the runtime touches is not listed, as under EDK2.
 */
static EFI_STATUS build(void)
{
	UINTN size = 0, key, desc_size, count = 0;
	UINT32 version;
	EFI_MEMORY_DESCRIPTOR *map = NULL;
	EFI_MEMORY_ATTRIBUTES_TABLE *table;
	UINT8 *entry;
	EFI_STATUS status;

	/* Room for a few more descriptors than asked: the pool allocation may split a range. */
	do {
		pool_free(map);
		status = efi_get_memory_map(&size, NULL, &key, &desc_size, &version);
		if (status != EFI_BUFFER_TOO_SMALL)
			return status;
		size += 4 * desc_size;
		map = pool_alloc(EfiBootServicesData, size);
		if (!map)
			return EFI_OUT_OF_RESOURCES;
		status = efi_get_memory_map(&size, map, &key, &desc_size, &version);
	} while (status == EFI_BUFFER_TOO_SMALL);
	if (EFI_ERROR(status))
		goto err_map;
	for (UINTN i = 0; i < size / desc_size; i++)
		count += is_runtime((EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * desc_size));
	/* Boot-services data, as EDK2's: Linux reserves the table before it frees such memory. */
	table = pool_alloc(EfiBootServicesData, sizeof(*table) + count * desc_size);
	status = EFI_OUT_OF_RESOURCES;
	if (!table)
		goto err_map;
	*table = (EFI_MEMORY_ATTRIBUTES_TABLE){ EFI_MEMORY_ATTRIBUTES_TABLE_VERSION, (UINT32)count,
						(UINT32)desc_size, 0 };
	entry = (UINT8 *)(table + 1);
	for (UINTN i = 0; i < size / desc_size; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * desc_size);

		if (!is_runtime(d))
			continue;
		memset(entry, 0, desc_size);
		memcpy(entry, d, sizeof(*d));
		d = (EFI_MEMORY_DESCRIPTOR *)entry;
		d->VirtualStart = 0;
		d->Attribute = EFI_MEMORY_RUNTIME |
			       (d->Type == EfiRuntimeServicesCode ? EFI_MEMORY_RO : EFI_MEMORY_XP);
		entry += desc_size;
	}
	status = config_table_install(&table_guid, table);
	if (EFI_ERROR(status)) {
		pool_free(table);
		goto err_map;
	}
	pool_free(installed);
	installed = table;
	log_debug("%u runtime ranges", (UINT32)count);
err_map:
	pool_free(map);
	return status;
}

/* Before each boot option, as EDK2 at ReadyToBoot: what runtime memory exists by then. */
static VOID EFIAPI on_ready_to_boot(EFI_EVENT event, VOID *context)
{
	EFI_STATUS status = build();

	if (EFI_ERROR(status))
		log_warn_status(status, "Memory Attributes Table not installed");
}

EFI_STATUS memory_attributes_table_init(void)
{
	EFI_EVENT event;

	return event_create(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, on_ready_to_boot, NULL, &ready_to_boot,
			    &event);
}
