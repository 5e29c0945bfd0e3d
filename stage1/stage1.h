/* SPDX-License-Identifier: MIT */
/* The steps stage1's main() runs, each owned by one file in a wing of stage1/. */
#pragma once

#include "include/efi/boot_services.h"
#include "include/efi/device_path.h"
#include "include/efi/types.h"
#include "include/strata/handoff.h"

/* protocols/disk.c: BlockIo/DiskIo for every virtio-blk disk and partition, SimpleFileSystem on FAT. */
EFI_STATUS disk_init(const struct handoff *h);
/* The ESP partition handle of the disk stage0 booted from (from the hand-off block); NULL if none. */
EFI_HANDLE disk_boot_partition(void);

/* platform/acpi.c: facts from QEMU's FADT that the runtime needs to reset and power off. */
struct acpi_platform {
	UINT16 pm1a_control_port;	/* PM1a_CNT_BLK, 0 if unknown */
	UINT16 pm_timer_port;		/* PM_TMR_BLK, 0 if unknown */
	UINT16 s5_sleep_type;		/* SLP_TYPa of \_S5 */
	UINT8 reset_space;		/* FADT RESET_REG address space (1 = I/O), 0 if none */
	UINT64 reset_address;
	UINT8 reset_value;
};
/* Install the entry's ACPI tables, else QEMU's table loader's, as the ACPI 2.0 configuration table. */
EFI_STATUS acpi_init(const struct handoff *h);
/* What acpi_init learned; zeroed fields when there were no tables. */
const struct acpi_platform *acpi_platform_info(void);

/* platform/smbios.c: the entry's SMBIOS entry points, else fw_cfg's tables (etc/smbios/smbios-*). */
EFI_STATUS smbios_init(const struct handoff *h);

/* core/memory_attribute.c: EFI_MEMORY_ATTRIBUTE_PROTOCOL over stage1's page tables. */
EFI_STATUS memory_attribute_init(void);
/* core/memory_attributes_table.c: install the Memory Attributes Table at each ReadyToBoot. */
EFI_STATUS memory_attributes_table_init(void);

/* protocols/rng.c: EFI_RNG_PROTOCOL backed by RDRAND where the CPU has it. */
EFI_STATUS rng_init(void);

/*
 * core/runtime.c: install the runtime blob stage0 verified as the runtime services table, with
 * acpi's reset and power-off facts (NULL: none).
 */
EFI_STATUS runtime_install(const struct handoff *h, const struct acpi_platform *acpi);
/* Whether pflash unit 1 was handed to the runtime as its variable store. */
BOOLEAN runtime_has_flash_store(void);
/* GetNextMonotonicCount from the blob, whose high half GetNextHighMonotonicCount advances. */
EFI_STATUS runtime_next_monotonic_count(UINT64 *count);
/* The runtime blob's function table (lib/formats/exception.h), or NULL. */
const void *runtime_symbols(void);
/* Tell the runtime blob boot services are over (variable visibility, SetVirtualAddressMap). */
void runtime_notify_exit_boot_services(void);
/*
 * Until ExitBootServices ResetSystem calls notify first (the file systems write what they hold
 * back); the table gets the blob's own ResetSystem back at ExitBootServices.
 */
void runtime_set_reset_notify(void (*notify)(void));
/* Have the blob call notify(event, context) during SetVirtualAddressMap. */
EFI_STATUS runtime_register_va_event(EFI_EVENT event, EFI_EVENT_NOTIFY notify, VOID *context);
/* Forget a registration when its event is closed. */
EFI_STATUS runtime_unregister_va_event(EFI_EVENT event);
