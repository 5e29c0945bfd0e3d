/* SPDX-License-Identifier: MIT */
/* SMBIOS entry points (DMTF DSP0134 3.7 §5.2) and checks of the structure table QEMU gives. */
#pragma once

#include "include/efi/types.h"

#define SMBIOS21_ANCHOR "_SM_"
#define SMBIOS21_INTERMEDIATE_ANCHOR "_DMI_"
#define SMBIOS30_ANCHOR "_SM3_"
#define SMBIOS_TYPE_BIOS_INFORMATION 0
#define SMBIOS_TYPE_END_OF_TABLE 127
/* Room smbios_build_type0 may need: 24 bytes formatted, three strings of up to 63, a NUL. */
#define SMBIOS_TYPE0_MAX_SIZE (24 + 3 * 64 + 1)

/* §5.2.1: 32-bit entry point, paragraph aligned. */
struct smbios21_entry_point {
	char anchor[4];
	UINT8 checksum;
	UINT8 length;
	UINT8 major_version;
	UINT8 minor_version;
	UINT16 max_structure_size;
	UINT8 entry_point_revision;
	UINT8 formatted_area[5];
	char intermediate_anchor[5];
	UINT8 intermediate_checksum;
	UINT16 table_length;
	UINT32 table_address;
	UINT16 structure_count;
	UINT8 bcd_revision;
} __attribute__((packed));

/* §5.2.2: 64-bit entry point. */
struct smbios30_entry_point {
	char anchor[5];
	UINT8 checksum;
	UINT8 length;
	UINT8 major_version;
	UINT8 minor_version;
	UINT8 docrev;
	UINT8 entry_point_revision;
	UINT8 reserved;
	UINT32 table_max_size;
	UINT64 table_address;
} __attribute__((packed));

_Static_assert(sizeof(struct smbios21_entry_point) == 31, "SMBIOS 2.1 entry point layout");
_Static_assert(sizeof(struct smbios30_entry_point) == 24, "SMBIOS 3.0 entry point layout");

/* What the entry points need to say about a table. */
struct smbios_info {
	UINT8 anchor_version;		/* 2 or 3: the entry point QEMU gave */
	UINT8 major_version;		/* SMBIOS version the structures follow */
	UINT8 minor_version;
	UINT8 docrev;
	UINT32 table_length;		/* bytes up to and including the end-of-table structure */
	UINT32 structure_count;
	UINT32 max_structure_size;	/* formatted area plus strings, of the largest */
};

/* Version from QEMU's etc/smbios/smbios-anchor (2.1 or 3.0 shape; checksums and address unset). */
EFI_STATUS smbios_parse_anchor(const void *anchor, UINTN size, struct smbios_info *ret);
/* Walk the structures of a table: every one in bounds, strings terminated; fills the counts. */
EFI_STATUS smbios_check_tables(const void *tables, UINTN size, struct smbios_info *info);
/* Checksummed 2.1 and 3.0 entry points at 16-byte steps of an area (coreboot's SMBT); NULL if none. */
void smbios_find_entry_points(const void *area, UINTN size,
			      const struct smbios21_entry_point **ret_ep21,
			      const struct smbios30_entry_point **ret_ep30);
/* A 3.0 entry point for the table at table_address, checksummed. */
void smbios_build_ep30(struct smbios30_entry_point *ep, const struct smbios_info *info,
		       UINT64 table_address);
/* A 2.1 entry point; EFI_UNSUPPORTED when the table is too big or too high for its fields. */
EFI_STATUS smbios_build_ep21(struct smbios21_entry_point *ep, const struct smbios_info *info,
			     UINT64 table_address);
/* Whether a table smbios_check_tables accepted holds a structure of type. */
BOOLEAN smbios_has_type(const void *tables, UINTN length, UINT8 type);
/* The lowest handle no structure of a checked table uses (0xfffe and up are reserved). */
UINT16 smbios_free_handle(const void *tables, UINTN length);
/*
 * A type 0 (BIOS Information, §7.1) for firmware that is UEFI in a virtual machine, into buf;
 * strings of 1..63 characters. *ret_size gets its size, at most SMBIOS_TYPE0_MAX_SIZE.
 */
EFI_STATUS smbios_build_type0(void *buf, UINTN size, UINT16 handle, const char *vendor,
			      const char *version, const char *date, UINT8 major, UINT8 minor,
			      UINTN *ret_size);
