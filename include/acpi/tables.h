/* SPDX-License-Identifier: MIT */
/* Layouts of the ACPI tables the firmware reads or writes: RSDP, SDT header, FADT, FACS. */
#pragma once

#include "include/efi/types.h"

#define ACPI_RSDP_SIGNATURE "RSD PTR "
#define ACPI_RSDT_SIGNATURE "RSDT"
#define ACPI_XSDT_SIGNATURE "XSDT"
#define ACPI_FADT_SIGNATURE "FACP"
#define ACPI_DSDT_SIGNATURE "DSDT"
#define ACPI_FACS_SIGNATURE "FACS"

/* ACPI 6.5 §5.2.5.3; revision 0 (ACPI 1.0) ends after rsdt_address; its checksum covers 20. */
struct acpi_rsdp {
	char signature[8];
	UINT8 checksum;
	char oem_id[6];
	UINT8 revision;
	UINT32 rsdt_address;
	UINT32 length;
	UINT64 xsdt_address;
	UINT8 extended_checksum;
	UINT8 reserved[3];
} __attribute__((packed));

#define ACPI_RSDP_V1_SIZE 20
#define ACPI_RSDP_REVISION_2 2

/* §5.2.6: every table but the RSDP and FACS starts with this. */
struct acpi_sdt_header {
	char signature[4];
	UINT32 length;
	UINT8 revision;
	UINT8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	UINT32 oem_revision;
	UINT32 creator_id;
	UINT32 creator_revision;
} __attribute__((packed));

/* §5.2.3.2 Generic Address Structure. */
struct acpi_gas {
	UINT8 space_id;
	UINT8 bit_width;
	UINT8 bit_offset;
	UINT8 access_size;
	UINT64 address;
} __attribute__((packed));

#define ACPI_GAS_SYSTEM_MEMORY 0
#define ACPI_GAS_SYSTEM_IO 1

/*
 * §5.2.9 Table 5.9. Older revisions are shorter: a field exists only when header.length covers
 * it (revision 1 ends at reset_reg, revision 3 at x_gpe1_blk).
 */
struct acpi_fadt {
	struct acpi_sdt_header header;
	UINT32 firmware_ctrl;
	UINT32 dsdt;
	UINT8 reserved0;
	UINT8 preferred_pm_profile;
	UINT16 sci_int;
	UINT32 smi_cmd;
	UINT8 acpi_enable;
	UINT8 acpi_disable;
	UINT8 s4bios_req;
	UINT8 pstate_cnt;
	UINT32 pm1a_evt_blk;
	UINT32 pm1b_evt_blk;
	UINT32 pm1a_cnt_blk;
	UINT32 pm1b_cnt_blk;
	UINT32 pm2_cnt_blk;
	UINT32 pm_tmr_blk;
	UINT32 gpe0_blk;
	UINT32 gpe1_blk;
	UINT8 pm1_evt_len;
	UINT8 pm1_cnt_len;
	UINT8 pm2_cnt_len;
	UINT8 pm_tmr_len;
	UINT8 gpe0_blk_len;
	UINT8 gpe1_blk_len;
	UINT8 gpe1_base;
	UINT8 cst_cnt;
	UINT16 p_lvl2_lat;
	UINT16 p_lvl3_lat;
	UINT16 flush_size;
	UINT16 flush_stride;
	UINT8 duty_offset;
	UINT8 duty_width;
	UINT8 day_alrm;
	UINT8 mon_alrm;
	UINT8 century;
	UINT16 iapc_boot_arch;
	UINT8 reserved1;
	UINT32 flags;
	struct acpi_gas reset_reg;
	UINT8 reset_value;
	UINT16 arm_boot_arch;
	UINT8 minor_version;
	UINT64 x_firmware_ctrl;
	UINT64 x_dsdt;
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk;
	struct acpi_gas x_gpe1_blk;
	struct acpi_gas sleep_control_reg;
	struct acpi_gas sleep_status_reg;
	UINT64 hypervisor_vendor_id;
} __attribute__((packed));

#define ACPI_FADT_RESET_REG_SUP (1u << 10)

/* Whether a FADT of length bytes holds the field. */
#define ACPI_FADT_HAS(length, field)                                        \
	((length) >= __builtin_offsetof(struct acpi_fadt, field) +          \
			     sizeof(((struct acpi_fadt *)0)->field))

/* §5.2.10: no checksum; 64-byte aligned; FIRMWARE_CTRL points here. */
struct acpi_facs {
	char signature[4];
	UINT32 length;
	UINT32 hardware_signature;
	UINT32 firmware_waking_vector;
	UINT32 global_lock;
	UINT32 flags;
	UINT64 x_firmware_waking_vector;
	UINT8 version;
	UINT8 reserved0[3];
	UINT32 ospm_flags;
	UINT8 reserved1[24];
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header layout");
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS layout");
_Static_assert(__builtin_offsetof(struct acpi_fadt, pm1a_cnt_blk) == 64, "FADT PM1a_CNT_BLK");
_Static_assert(__builtin_offsetof(struct acpi_fadt, pm_tmr_blk) == 76, "FADT PM_TMR_BLK");
_Static_assert(__builtin_offsetof(struct acpi_fadt, flags) == 112, "FADT Flags");
_Static_assert(__builtin_offsetof(struct acpi_fadt, reset_reg) == 116, "FADT RESET_REG");
_Static_assert(__builtin_offsetof(struct acpi_fadt, reset_value) == 128, "FADT RESET_VALUE");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_firmware_ctrl) == 132, "X_FIRMWARE_CTRL");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_pm1a_cnt_blk) == 172, "FADT X_PM1a_CNT_BLK");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208, "FADT X_PM_TMR_BLK");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT layout (ACPI 6.5)");
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS layout");
