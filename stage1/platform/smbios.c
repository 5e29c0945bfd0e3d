/* SPDX-License-Identifier: MIT */
/* SMBIOS from the entry's entry points, else QEMU's fw_cfg with the entry point kind QEMU chose. */
#include "include/efi/system_table.h"
#include "lib/drivers/fw_cfg.h"
#include "lib/platform/smbios.h"
#include "lib/string.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "smbios: "
#include "lib/log.h"

#define ANCHOR_FILE "etc/smbios/smbios-anchor"
#define TABLES_FILE "etc/smbios/smbios-tables"
/* QEMU's default table is a few hundred bytes; -smbios file= can add more, not megabytes. */
#define MAX_TABLES_SIZE (1u << 20)
/* The 2.1 entry point holds a 32-bit address; keep the table below 4 GiB for either kind. */
#define BELOW_4G 0xffffffffull
/* One allocation: the entry point (paragraph aligned, as 2.1 wants), then the table. */
#define TABLE_OFFSET 64
/* Where the entry's entry points may be: coreboot puts 2.1 at its area's start, 3.0 at 0x20. */
#define ENTRY_AREA_SIZE 64
/* QEMU reads its table in after room for a type 0 of ours. */
#define QEMU_OFFSET (TABLE_OFFSET + SMBIOS_TYPE0_MAX_SIZE)
/* Type 0 wants mm/dd/yyyy; the build may pass the commit date so the bytes stay reproducible. */
#ifndef STRATA_RELEASE_DATE
#define STRATA_RELEASE_DATE "01/01/2026"
#endif

static const EFI_GUID smbios3_guid = SMBIOS3_TABLE_GUID;
static const EFI_GUID smbios_guid = SMBIOS_TABLE_GUID;

/*
 * QEMU gives a 2.1 anchor (-machine smbios-entry-point-type=32, the 7.2 default) or a 3.0 one
 * (=64) with the version its structures follow. We publish the same kind, as OVMF does:
 * QEMU pairs 3.0 with version 3.0 and 2.1 with 2.8, and readers (our self-test among them)
 * refuse a 2.x version under the 3.0 GUID. UEFI 2.10 §4.6 wants the tables in
 * EfiRuntimeServicesData.
 */
/*
 * QEMU leaves type 0 (BIOS Information) out unless -smbios type=0 asks for it, but Linux prints
 * it in every oops ("BIOS ..."), tools read the firmware version from it, and OVMF adds its own.
 * So does Strata: in front of QEMU's structures, with a handle they do not use.
 */
static EFI_STATUS add_bios_information(UINT8 *table, const UINT8 *qemu, UINT32 qemu_length,
				       struct smbios_info *info)
{
	UINTN n = 0;
	EFI_STATUS status;

	if (!smbios_has_type(qemu, qemu_length, SMBIOS_TYPE_BIOS_INFORMATION)) {
		status = smbios_build_type0(table, SMBIOS_TYPE0_MAX_SIZE,
					    smbios_free_handle(qemu, qemu_length), "Strata",
					    STRATA_VERSION, STRATA_RELEASE_DATE,
					    (UINT8)(STRATA_VERSION_CODE >> 16),
					    (UINT8)(STRATA_VERSION_CODE >> 8), &n);
		if (EFI_ERROR(status))
			return log_error_status(status, "building type 0");
	}
	memmove(table + n, qemu, qemu_length);
	return smbios_check_tables(table, n + qemu_length, info);
}

/* SMBIOS 3.7 §5.2: without EFI the entry points are at 16-byte steps of 0xf0000..0xfffff. */
#define FSEG_BASE 0xf0000
#define FSEG_SIZE 0x10000

/* coreboot's SMBT area (or the F-segment): its entry points as they are, each under its GUID. */
static EFI_STATUS install_entry_tables(UINT64 area, UINTN size, const char *from)
{
	const struct smbios21_entry_point *ep21 = NULL;
	const struct smbios30_entry_point *ep30 = NULL;
	EFI_STATUS status = EFI_NOT_FOUND;

	if (area >= EFI_PAGE_SIZE && area < BELOW_4G - size)
		smbios_find_entry_points((const void *)(UINTN)area, size, &ep21, &ep30);
	if (ep30)
		status = config_table_install(&smbios3_guid, (void *)ep30);
	if (ep21 && !EFI_ERROR(config_table_install(&smbios_guid, (void *)ep21)))
		status = EFI_SUCCESS;
	if (EFI_ERROR(status))
		return log_warn_status(status, "no valid entry point at 0x%llx from %s", area, from);
	log_info("SMBIOS entry points from %s at 0x%llx:%s%s", from, area, ep21 ? " 2.1" : "",
		 ep30 ? " 3.0" : "");
	return EFI_SUCCESS;
}

EFI_STATUS smbios_init(const struct handoff *h)
{
	struct smbios_info info;
	EFI_PHYSICAL_ADDRESS base = BELOW_4G;
	UINT8 anchor[64];
	UINTN anchor_size, pages;
	EFI_STATUS status;
	UINT16 select;
	UINT32 size;
	UINT8 *p;

	if (h->smbios_entry &&
	    !EFI_ERROR(install_entry_tables(h->smbios_entry, ENTRY_AREA_SIZE, "the entry")))
		return EFI_SUCCESS;
	/* As acpi_init: fw_cfg_init again, harmless twice, turns DMA on and checks this is QEMU. */
	if (!fw_cfg_init()) {
		/* Cloud Hypervisor writes a 3.0 entry point at 0xf0000 its start info does not name. */
		if (!EFI_ERROR(install_entry_tables(FSEG_BASE, FSEG_SIZE, "the F-segment")))
			return EFI_SUCCESS;
		log_warn("no SMBIOS tables: none from the entry or the F-segment, no QEMU fw_cfg device");
		return EFI_UNSUPPORTED;
	}
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

	pages = (QEMU_OFFSET + size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
	status = memory_allocate_pages(AllocateMaxAddress, EfiRuntimeServicesData, pages, &base);
	if (EFI_ERROR(status))
		return log_error_status(status, "%llu pages for the tables", (UINT64)pages);
	p = (UINT8 *)(UINTN)base;
	memset(p, 0, pages * EFI_PAGE_SIZE);
	fw_cfg_read_item(select, p + QEMU_OFFSET, size);
	status = smbios_check_tables(p + QEMU_OFFSET, size, &info);
	if (EFI_ERROR(status)) {
		log_error_status(status, "%s: a structure runs past the end", TABLES_FILE);
		goto err_free;
	}
	status = add_bios_information(p + TABLE_OFFSET, p + QEMU_OFFSET, info.table_length, &info);
	if (EFI_ERROR(status))
		goto err_free;

	if (info.anchor_version == 3) {
		smbios_build_ep30((struct smbios30_entry_point *)p, &info, base + TABLE_OFFSET);
		status = config_table_install(&smbios3_guid, p);
	} else {
		status = smbios_build_ep21((struct smbios21_entry_point *)p, &info,
					   base + TABLE_OFFSET);
		if (EFI_ERROR(status)) {
			log_error_status(status, "%u bytes, %u structures: too big for SMBIOS 2.1",
					 info.table_length, info.structure_count);
			goto err_free;
		}
		status = config_table_install(&smbios_guid, p);
	}
	if (EFI_ERROR(status)) {
		log_error_status(status, "installing the SMBIOS configuration table");
		goto err_free;
	}
	log_info("SMBIOS %u.%u, %s entry point: %u structures, %u bytes at 0x%llx",
		 info.major_version, info.minor_version, info.anchor_version == 3 ? "3.0" : "2.1",
		 info.structure_count, info.table_length, base + TABLE_OFFSET);
	return EFI_SUCCESS;

err_free:
	memory_free_pages(base, pages);
	return status;
}
