/* SPDX-License-Identifier: MIT */
/* ACPI tables from the entry (coreboot, PVH) or QEMU's table loader, as configuration tables. */
#include "include/efi/system_table.h"
#include "lib/drivers/fw_cfg.h"
#include "lib/platform/acpi_loader.h"
#include "lib/string.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "acpi: "
#include "lib/log.h"

#define TABLE_LOADER_FILE "etc/table-loader"
/* QEMU's script is a few dozen commands and its tables a few hundred KiB; far more is an error. */
#define MAX_LOADER_SIZE (64u * 1024)
#define MAX_BLOB_SIZE (16u << 20)
/* The loader patches 32-bit pointers (RSDT entries, FADT DSDT, FIRMWARE_CTRL): stay below 4 GiB. */
#define BELOW_4G 0xffffffffull

static const EFI_GUID acpi20_guid = EFI_ACPI_20_TABLE_GUID;
static const EFI_GUID acpi10_guid = ACPI_TABLE_GUID;

static struct acpi_platform platform;
static struct acpi_loader loader;

const struct acpi_platform *acpi_platform_info(void)
{
	return &platform;
}

static UINTN pages_for(UINT64 size)
{
	return size ? (UINTN)((size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE) : 1;
}

/* Zeroed pages of type below 4 GiB, so what follows a blob in its last page is not stale memory. */
static EFI_STATUS alloc_low(EFI_MEMORY_TYPE type, UINT64 size, void **ret)
{
	EFI_PHYSICAL_ADDRESS address = BELOW_4G;
	EFI_STATUS status;

	status = memory_allocate_pages(AllocateMaxAddress, type, pages_for(size), &address);
	if (EFI_ERROR(status))
		return log_error_status(status, "%llu bytes of memory type %d below 4 GiB",
					(UINT64)size, type);
	memset((void *)(UINTN)address, 0, pages_for(size) * EFI_PAGE_SIZE);
	*ret = (void *)(UINTN)address;
	return EFI_SUCCESS;
}

static void free_low(void *buffer, UINT64 size)
{
	memory_free_pages((UINTN)buffer, pages_for(size));
}

static void free_blobs(UINT32 count)
{
	for (UINT32 i = 0; i < count; i++)
		free_low(loader.blobs[i].data, loader.blobs[i].size);
}

/*
 * Every blob goes into its own EfiACPIReclaimMemory pages below 4 GiB. Page alignment covers
 * what QEMU asks (64 bytes for tables, 16 for the RSDP). The FSEG zone only matters to a BIOS,
 * where legacy OSes scan 0xE0000-0xFFFFF for the RSDP; under UEFI the configuration table finds
 * it, so OVMF keeps it in ACPI memory too.
 */
static EFI_STATUS load_blobs(void)
{
	EFI_STATUS status = EFI_SUCCESS;
	UINT32 i;

	for (i = 0; i < loader.blob_count; i++) {
		struct acpi_loader_blob *b = &loader.blobs[i];
		UINT16 select;
		UINT32 size;
		void *data;

		status = fw_cfg_find(b->name, &select, &size);
		if (EFI_ERROR(status)) {
			log_error_status(status, "%s names fw_cfg file %s", TABLE_LOADER_FILE,
					 b->name);
			break;
		}
		if (size > MAX_BLOB_SIZE || b->align > EFI_PAGE_SIZE) {
			status = log_error_status(EFI_UNSUPPORTED, "%s: %u bytes, alignment %u",
						  b->name, size, b->align);
			break;
		}
		status = alloc_low(EfiACPIReclaimMemory, size, &data);
		if (EFI_ERROR(status))
			break;
		fw_cfg_read_item(select, data, size);
		b->data = data;
		b->size = size;
		b->address = (UINTN)data;
	}
	if (EFI_ERROR(status))
		free_blobs(i);
	return status;
}

/*
 * QEMU's x86 tables carry an ACPI 1.0 RSDP and an RSDT only; payloads expect the ACPI 2.0
 * configuration table to hold a revision 2 RSDP with an XSDT, as OVMF builds. Reuse QEMU's when
 * it already is one.
 */
static EFI_STATUS make_rsdp20(const struct acpi_tables *t, void **ret_rsdp, UINTN *ret_size)
{
	EFI_STATUS status;
	UINTN size;
	void *buf;

	*ret_size = 0;
	if (t->rsdp->revision >= ACPI_RSDP_REVISION_2 && t->xsdt) {
		*ret_rsdp = t->rsdp;
		return EFI_SUCCESS;
	}
	size = acpi_rsdp20_size(t->rsdt);
	status = alloc_low(EfiACPIReclaimMemory, size, &buf);
	if (EFI_ERROR(status))
		return status;
	status = acpi_build_rsdp20(t, buf, pages_for(size) * EFI_PAGE_SIZE, (UINTN)buf);
	if (EFI_ERROR(status)) {
		free_low(buf, size);
		return log_error_status(status, "building the ACPI 2.0 RSDP");
	}
	*ret_rsdp = buf;
	*ret_size = size;
	return EFI_SUCCESS;
}

/*
 * The OS keeps its waking vector and global lock in the FACS across sleep, so ACPI 6.5 §16.3.2
 * wants it in NVS memory, which the OS must preserve, not in Reclaim memory it may reuse.
 * QEMU puts it inside its tables blob; copy it out, as OVMF does, and repoint the FADT.
 */
static void move_facs_to_nvs(struct acpi_tables *t)
{
	EFI_STATUS status;
	void *nvs;

	if (!t->facs || !t->fadt)
		return;
	if (EFI_ERROR(alloc_low(EfiACPIMemoryNVS, t->facs->length, &nvs)))
		return;
	memcpy(nvs, t->facs, t->facs->length);
	status = acpi_fadt_move_facs(t->fadt, t->facs_address, (UINTN)nvs);
	if (EFI_ERROR(status)) {
		log_warn_status(status, "FACS stays in ACPI reclaim memory");
		free_low(nvs, t->facs->length);
		return;
	}
	t->facs = nvs;
	t->facs_address = (UINTN)nvs;
}

/* WRITE_POINTER values go to QEMU last, when nothing can fail and leave it stale addresses. */
static void write_pointers(void)
{
	for (UINT32 i = 0; i < loader.write_count; i++) {
		const struct acpi_loader_write *w = &loader.writes[i];
		UINT8 bytes[8];
		EFI_STATUS status;

		for (UINT8 j = 0; j < w->size; j++)
			bytes[j] = (UINT8)(w->value >> (8 * j));
		status = fw_cfg_write_file(w->file, w->offset, bytes, w->size);
		/* Only the device behind the file (vmgenid) loses out: no reason to drop ACPI. */
		if (EFI_ERROR(status))
			log_warn_status(status, "WRITE_POINTER to %s at %u", w->file, w->offset);
	}
}

static void learn_platform(const struct acpi_tables *t)
{
	struct acpi_fadt_info info;

	acpi_fadt_parse(t->fadt, t->dsdt, &info);
	platform.pm1a_control_port = info.pm1a_control_port;
	platform.pm_timer_port = info.pm_timer_port;
	platform.s5_sleep_type = info.s5_sleep_type;
	platform.reset_space = info.reset_space;
	platform.reset_address = info.reset_address;
	platform.reset_value = info.reset_value;
	log_debug("PM1a_CNT 0x%x, PM_TMR 0x%x, SLP_TYPa(S5) %u, reset %u:0x%llx=0x%x",
		  platform.pm1a_control_port, platform.pm_timer_port, platform.s5_sleep_type,
		  platform.reset_space, platform.reset_address, platform.reset_value);
}

/* A revision 2 RSDP under both GUIDs; *ret_rsdp is what got installed. */
static EFI_STATUS install_tables(const struct acpi_tables *t, void **ret_rsdp)
{
	EFI_STATUS status;
	UINTN rsdp_size;

	status = make_rsdp20(t, ret_rsdp, &rsdp_size);
	if (EFI_ERROR(status))
		return status;
	status = config_table_install(&acpi20_guid, *ret_rsdp);
	if (EFI_ERROR(status)) {
		if (rsdp_size)
			free_low(*ret_rsdp, rsdp_size);
		return log_error_status(status, "installing the ACPI 2.0 table");
	}
	/* OVMF installs both GUIDs; a revision 2 RSDP's first 20 bytes are a valid 1.0 one. */
	status = config_table_install(&acpi10_guid, *ret_rsdp);
	if (EFI_ERROR(status))
		log_warn_status(status, "installing the ACPI 1.0 table");
	return EFI_SUCCESS;
}

/* coreboot's or the PVH loader's tables, used as they are: no FACS move, nothing to write back. */
static EFI_STATUS install_entry_tables(const struct handoff *h)
{
	const char *source =
		h->flags & HANDOFF_FLAG_COREBOOT ? "coreboot's tables" : "the PVH start info";
	struct acpi_tables tables;
	EFI_STATUS status;
	void *rsdp;

	status = acpi_loader_in_memory(&loader, h->acpi_rsdp);
	if (!EFI_ERROR(status))
		status = acpi_loader_find_tables(&loader, &tables);
	if (EFI_ERROR(status))
		return log_warn_status(status, "no valid RSDP with an RSDT or XSDT at 0x%llx from %s",
				       h->acpi_rsdp, source);
	status = install_tables(&tables, &rsdp);
	if (EFI_ERROR(status))
		return status;
	learn_platform(&tables);
	log_info("RSDP at 0x%llx from %s (revision %u at 0x%llx), %s FADT", (UINT64)(UINTN)rsdp,
		 source, tables.rsdp->revision, h->acpi_rsdp, tables.fadt ? "with" : "no");
	return EFI_SUCCESS;
}

EFI_STATUS acpi_init(const struct handoff *h)
{
	struct acpi_tables tables;
	EFI_STATUS status;
	UINT16 select;
	UINT32 size;
	UINT8 *commands;
	void *rsdp = NULL;

	memset(&platform, 0, sizeof(platform));
	if (h->acpi_rsdp && !EFI_ERROR(install_entry_tables(h)))
		return EFI_SUCCESS;
	/*
	 * stage1 keeps nothing of stage0's fw_cfg state: probe again, which also turns on DMA (for
	 * speed and for WRITE_POINTER) and keeps us off the ports of a machine that is not QEMU.
	 */
	if (!fw_cfg_init()) {
		log_warn("no ACPI tables: none from the entry and no QEMU fw_cfg device; the OS gets "
			 "no ACPI");
		return EFI_UNSUPPORTED;
	}
	status = fw_cfg_find(TABLE_LOADER_FILE, &select, &size);
	if (EFI_ERROR(status)) {
		log_info("QEMU offers no %s (-no-acpi, or -machine acpi=off)", TABLE_LOADER_FILE);
		return status;
	}
	if (size == 0 || size > MAX_LOADER_SIZE)
		return log_error_status(EFI_PROTOCOL_ERROR, "%s is %u bytes", TABLE_LOADER_FILE,
					size);
	commands = pool_alloc(EfiBootServicesData, size);
	if (!commands)
		return log_error_status(EFI_OUT_OF_RESOURCES, "%s: %u bytes", TABLE_LOADER_FILE,
					size);
	fw_cfg_read_item(select, commands, size);

	status = acpi_loader_plan(&loader, commands, size);
	if (EFI_ERROR(status)) {
		log_error_status(status, "%s command %u: %s; no ACPI tables", TABLE_LOADER_FILE,
				 loader.error_command, loader.error);
		goto err_free_commands;
	}
	status = load_blobs();
	if (EFI_ERROR(status))
		goto err_free_commands;
	status = acpi_loader_link(&loader);
	if (EFI_ERROR(status)) {
		log_error_status(status, "%s command %u: %s; no ACPI tables", TABLE_LOADER_FILE,
				 loader.error_command, loader.error);
		goto err_free_blobs;
	}
	status = acpi_loader_find_tables(&loader, &tables);
	if (EFI_ERROR(status)) {
		log_error_status(status, "no valid RSDP with an RSDT or XSDT in QEMU's tables");
		goto err_free_blobs;
	}
	status = install_tables(&tables, &rsdp);
	if (EFI_ERROR(status))
		goto err_free_blobs;

	move_facs_to_nvs(&tables);
	write_pointers();
	learn_platform(&tables);
	pool_free(commands);
	log_info("RSDP at 0x%llx (from QEMU's revision %u), %s FADT, %u files, %u write-backs",
		 (UINT64)(UINTN)rsdp, tables.rsdp->revision, tables.fadt ? "with" : "no",
		 loader.blob_count, loader.write_count);
	return EFI_SUCCESS;

err_free_blobs:
	free_blobs(loader.blob_count);
err_free_commands:
	pool_free(commands);
	return status;
}
