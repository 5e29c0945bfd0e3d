/* SPDX-License-Identifier: MIT */
/* PVH boot: the RSDP and memory map location from a loader's hvm_start_info. */
#include "lib/platform/pvh.h"

#include <stddef.h>

EFI_STATUS pvh_parse_start_info(const void *info, UINTN size, struct pvh_platform_info *out)
{
	const struct pvh_start_info *si = info;

	if (info == NULL || out == NULL || size < offsetof(struct pvh_start_info, memmap_paddr))
		return EFI_INVALID_PARAMETER;
	if (si->magic != PVH_START_MAGIC)
		return EFI_INVALID_PARAMETER;
	out->rsdp = si->rsdp_paddr;
	out->memmap = 0;
	out->memmap_entries = 0;
	/* A version 0 loader has no memory map; fw_cfg or E820 must supply it then. */
	if (si->version >= PVH_MEMMAP_VERSION && size >= sizeof(*si) && si->memmap_entries != 0 &&
	    si->memmap_paddr != 0) {
		out->memmap = si->memmap_paddr;
		out->memmap_entries = si->memmap_entries;
	}
	return EFI_SUCCESS;
}
