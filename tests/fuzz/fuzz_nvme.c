/* SPDX-License-Identifier: MIT */
/* libFuzzer target: NVMe IDENTIFY controller/namespace data, active lists and PRP building. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/storage/nvme_cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static UINT64 list[NVME_PRP_LIST_ENTRIES];
	UINT8 page[NVME_IDENTIFY_SIZE] = { 0 };
	struct nvme_controller_identity ctrl;
	struct nvme_namespace_identity ns;
	UINT64 buf = 0, prp1, prp2;
	UINT32 bytes = 0, nsid;

	memcpy(page, data, size < sizeof(page) ? size : sizeof(page));
	if (nvme_identify_controller_parse(page, NVME_PAGE_SIZE, &ctrl) == EFI_SUCCESS &&
	    (!ctrl.namespaces || strlen(ctrl.model) > NVME_MODEL_LENGTH ||
	     strlen(ctrl.serial) > NVME_SERIAL_LENGTH))
		abort();
	if (nvme_identify_namespace_parse(page, &ns) == EFI_SUCCESS &&
	    (!ns.blocks || ns.block_size < 512 || ns.block_size > 4096 ||
	     (ns.block_size & (ns.block_size - 1))))
		abort();
	/* The active list never goes backwards and always ends. */
	for (UINT32 after = 0, n = 0; (nsid = nvme_active_list_next(page, after)); after = nsid)
		if (nsid <= after || ++n > NVME_IDENTIFY_SIZE / 4)
			abort();

	/* A buffer and a length from the input: every list entry is a page after PRP1's. */
	if (size >= 12) {
		memcpy(&buf, data, 8);
		memcpy(&bytes, data + 8, 4);
		buf &= 0xffffffffffull;
		bytes &= 0x3fffff;
	}
	if (nvme_prp_build(buf, bytes, list, 0x5000, &prp1, &prp2) == EFI_SUCCESS) {
		UINT32 first = NVME_PAGE_SIZE - (UINT32)(buf % NVME_PAGE_SIZE);

		if (prp1 != buf || bytes > nvme_prp_max_bytes(buf) || (bytes <= first && prp2))
			abort();
		if (bytes > first + NVME_PAGE_SIZE) {
			UINT32 pages = (bytes - first + NVME_PAGE_SIZE - 1) / NVME_PAGE_SIZE;

			if (prp2 != 0x5000 || pages > NVME_PRP_LIST_ENTRIES)
				abort();
			for (UINT32 i = 0; i < pages; i++)
				if (list[i] % NVME_PAGE_SIZE || list[i] != buf - buf % NVME_PAGE_SIZE +
								   (UINT64)(i + 1) * NVME_PAGE_SIZE)
					abort();
		}
	}
	return 0;
}
