/* SPDX-License-Identifier: MIT */
/* SMBIOS tables from QEMU's fw_cfg, installed with 3.0 and 2.1 entry points. */
#include "include/efi/system_table.h"
#include "lib/fw_cfg.h"
#include "lib/smbios.h"
#include "lib/string.h"
#include "stage1/memory.h"
#include "stage1/stage1.h"
#include "stage1/system_table.h"

#define LOG_PREFIX "smbios: "
#include "lib/log.h"

#define ANCHOR_FILE "etc/smbios/smbios-anchor"
#define TABLES_FILE "etc/smbios/smbios-tables"
/* QEMU's default table is a few hundred bytes; -smbios file= can add more, not megabytes. */
#define MAX_TABLES_SIZE (1u << 20)
/* The 2.1 entry point holds a 32-bit address; keep both below 4 GiB so either can be built. */
#define BELOW_4G 0xffffffffull
/* One allocation: the 3.0 entry point, the 2.1 one (paragraph aligned), then the table. */
#define EP30_OFFSET 0
#define EP21_OFFSET 32
#define TABLE_OFFSET 64

static const EFI_GUID smbios3_guid = SMBIOS3_TABLE_GUID;
static const EFI_GUID smbios_guid = SMBIOS_TABLE_GUID;

/*
 * QEMU gives a 2.1 (-machine smbios-entry-point-type=32, the 7.2 default) or a 3.0 (=64) anchor
 * with the version its structures follow. We publish a 3.0 entry point always and a 2.1 one
 * when the table fits its 16-bit fields, as OVMF does: Linux prefers SMBIOS3, older tools want
 * the 2.1 GUID. UEFI 2.10 §4.6 wants the tables in EfiRuntimeServicesData.
 */
EFI_STATUS smbios_init(void)
{
	struct smbios_info info;
	EFI_PHYSICAL_ADDRESS base = BELOW_4G;
	UINT8 anchor[64];
	UINTN anchor_size, pages;
	EFI_STATUS status;
	BOOLEAN have_ep21;
	UINT16 select;
	UINT32 size;
	UINT8 *p;

	status = fw_cfg_read_file(ANCHOR_FILE, anchor, sizeof(anchor), &anchor_size);
	if (status == EFI_NOT_FOUND) {
		log_info("QEMU offers no %s", ANCHOR_FILE);
		return status;
	}
	if (EFI_ERROR(status))
		return log_error_status(status, "%s: %llu bytes", ANCHOR_FILE, (UINT64)anchor_size);
	status = smbios_parse_anchor(anchor, anchor_size, &info);
	if (EFI_ERROR(status))
		return log_error_status(status, "%s: not an SMBIOS 2.1 or 3.0 entry point",
					ANCHOR_FILE);
	status = fw_cfg_find(TABLES_FILE, &select, &size);
	if (EFI_ERROR(status))
		return log_error_status(status, "%s", TABLES_FILE);
	if (size == 0 || size > MAX_TABLES_SIZE)
		return log_error_status(EFI_BAD_BUFFER_SIZE, "%s is %u bytes", TABLES_FILE, size);

	pages = (TABLE_OFFSET + size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
	status = memory_allocate_pages(AllocateMaxAddress, EfiRuntimeServicesData, pages, &base);
	if (EFI_ERROR(status))
		return log_error_status(status, "%llu pages for the tables", (UINT64)pages);
	p = (UINT8 *)(UINTN)base;
	memset(p, 0, pages * EFI_PAGE_SIZE);
	fw_cfg_read_item(select, p + TABLE_OFFSET, size);
	status = smbios_check_tables(p + TABLE_OFFSET, size, &info);
	if (EFI_ERROR(status)) {
		log_error_status(status, "%s: a structure runs past the end", TABLES_FILE);
		goto err_free;
	}

	smbios_build_ep30((struct smbios30_entry_point *)(p + EP30_OFFSET), &info,
			  base + TABLE_OFFSET);
	have_ep21 = !EFI_ERROR(smbios_build_ep21((struct smbios21_entry_point *)(p + EP21_OFFSET),
						 &info, base + TABLE_OFFSET));
	status = config_table_install(&smbios3_guid, p + EP30_OFFSET);
	if (EFI_ERROR(status)) {
		log_error_status(status, "installing the SMBIOS 3.0 table");
		goto err_free;
	}
	if (have_ep21) {
		status = config_table_install(&smbios_guid, p + EP21_OFFSET);
		if (EFI_ERROR(status))
			log_warn_status(status, "installing the SMBIOS 2.1 table");
	}
	log_info("SMBIOS %u.%u (QEMU's %s entry point): %u structures, %u bytes at 0x%llx%s",
		 info.major_version, info.minor_version, info.anchor_version == 3 ? "3.0" : "2.1",
		 info.structure_count, info.table_length, base + TABLE_OFFSET,
		 have_ep21 ? "" : ", no 2.1 entry point");
	return EFI_SUCCESS;

err_free:
	memory_free_pages(base, pages);
	return status;
}
