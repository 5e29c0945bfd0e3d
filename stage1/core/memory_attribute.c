/* SPDX-License-Identifier: MIT */
/* EFI_MEMORY_ATTRIBUTE_PROTOCOL over stage1's page tables: RP, RO and XP of page ranges. */
#include "include/efi/memory.h"
#include "include/efi/protocol/memory_attribute.h"
#include "stage1/core/handles.h"
#include "stage1/core/paging.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "memattr: "
#include "lib/log.h"

#define ACCESS_ATTRIBUTES (EFI_MEMORY_RP | EFI_MEMORY_RO | EFI_MEMORY_XP)

static const EFI_GUID memory_attribute_guid = EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID;

static UINT64 to_efi(UINT32 paging)
{
	return (paging & PAGING_NOT_PRESENT ? EFI_MEMORY_RP : 0) |
	       (paging & PAGING_READ_ONLY ? EFI_MEMORY_RO : 0) |
	       (paging & PAGING_NO_EXECUTE ? EFI_MEMORY_XP : 0);
}

static UINT32 to_paging(UINT64 efi)
{
	return (efi & EFI_MEMORY_RP ? PAGING_NOT_PRESENT : 0) |
	       (efi & EFI_MEMORY_RO ? PAGING_READ_ONLY : 0) |
	       (efi & EFI_MEMORY_XP ? PAGING_NO_EXECUTE : 0);
}

static BOOLEAN range_valid(EFI_PHYSICAL_ADDRESS base, UINT64 length)
{
	return length && !((base | length) & (EFI_PAGE_SIZE - 1)) && base + length > base;
}

/*
 * The attributes every page of the range shares: EFI_UNSUPPORTED when a page is outside our
 * identity map, EFI_NO_MAPPING when two pages differ (as EDK2's CpuDxe answers).
 */
static EFI_STATUS range_attributes(EFI_PHYSICAL_ADDRESS base, UINT64 length, UINT64 *ret)
{
	UINT32 first = 0, page;

	for (UINT64 offset = 0; offset < length; offset += EFI_PAGE_SIZE) {
		if (EFI_ERROR(paging_get_attributes(base + offset, &page)))
			return EFI_UNSUPPORTED;
		if (!offset)
			first = page;
		else if (page != first && ret)
			return EFI_NO_MAPPING;
	}
	if (ret)
		*ret = to_efi(first);
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI efi_get_memory_attributes(EFI_MEMORY_ATTRIBUTE_PROTOCOL *This,
						   EFI_PHYSICAL_ADDRESS BaseAddress,
						   UINT64 Length, UINT64 *Attributes)
{
	if (!Attributes || !range_valid(BaseAddress, Length))
		return EFI_INVALID_PARAMETER;
	return range_attributes(BaseAddress, Length, Attributes);
}

static EFI_STATUS change(EFI_PHYSICAL_ADDRESS base, UINT64 length, UINT64 attributes, BOOLEAN set)
{
	EFI_STATUS status;

	if (!range_valid(base, length) || !attributes || (attributes & ~ACCESS_ATTRIBUTES))
		return EFI_INVALID_PARAMETER;
	/* Nothing changes unless every page is ours to change. */
	status = range_attributes(base, length, NULL);
	if (EFI_ERROR(status))
		return status;
	return set ? paging_change_attributes(base, length, to_paging(attributes), 0)
		   : paging_change_attributes(base, length, 0, to_paging(attributes));
}

static EFI_STATUS EFIAPI efi_set_memory_attributes(EFI_MEMORY_ATTRIBUTE_PROTOCOL *This,
						   EFI_PHYSICAL_ADDRESS BaseAddress,
						   UINT64 Length, UINT64 Attributes)
{
	return change(BaseAddress, Length, Attributes, TRUE);
}

static EFI_STATUS EFIAPI efi_clear_memory_attributes(EFI_MEMORY_ATTRIBUTE_PROTOCOL *This,
						     EFI_PHYSICAL_ADDRESS BaseAddress,
						     UINT64 Length, UINT64 Attributes)
{
	return change(BaseAddress, Length, Attributes, FALSE);
}

static EFI_MEMORY_ATTRIBUTE_PROTOCOL memory_attribute_protocol = {
	.GetMemoryAttributes = efi_get_memory_attributes,
	.SetMemoryAttributes = efi_set_memory_attributes,
	.ClearMemoryAttributes = efi_clear_memory_attributes,
};

EFI_STATUS memory_attribute_init(void)
{
	EFI_HANDLE handle = NULL;
	EFI_STATUS status;

	/* A handle of its own, as CpuDxe installs it on a new handle. */
	status = handle_install(&handle, &memory_attribute_guid, &memory_attribute_protocol);
	if (EFI_ERROR(status))
		return log_error_status(status, "installing EFI_MEMORY_ATTRIBUTE_PROTOCOL");
	return EFI_SUCCESS;
}
