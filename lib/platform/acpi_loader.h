/* SPDX-License-Identifier: MIT */
/* QEMU's ACPI table loader (etc/table-loader) over in-memory blobs, and the tables it yields. */
#pragma once

#include "include/acpi/tables.h"
#include "include/efi/types.h"

/* QEMU hw/acpi/bios-linker-loader.c: fixed-size little-endian commands, fw_cfg-sized names. */
#define ACPI_LOADER_COMMAND_SIZE 128
#define ACPI_LOADER_NAME_SIZE 56
/* QEMU allocates a handful (rsdp, tables, vmgenid, nvdimm, tpm log); more means a broken stream. */
#define ACPI_LOADER_MAX_BLOBS 16
#define ACPI_LOADER_MAX_WRITES 16

enum acpi_loader_command {
	ACPI_LOADER_ALLOCATE = 1,
	ACPI_LOADER_ADD_POINTER = 2,
	ACPI_LOADER_ADD_CHECKSUM = 3,
	ACPI_LOADER_WRITE_POINTER = 4,
};

enum acpi_loader_zone {
	ACPI_LOADER_ZONE_HIGH = 1,	/* anywhere in 32-bit memory */
	ACPI_LOADER_ZONE_FSEG = 2,	/* the BIOS F segment: only the RSDP asks for it */
};

/* One ALLOCATE: acpi_loader_plan fills the request, the caller fills data, size and address. */
struct acpi_loader_blob {
	char name[ACPI_LOADER_NAME_SIZE];	/* fw_cfg file, NUL-terminated */
	UINT32 align;				/* power of two */
	UINT8 zone;
	UINT8 *data;				/* the file's bytes, where the caller loaded them */
	UINT32 size;
	UINT64 address;				/* where tables see data: what pointers get */
};

/* One WRITE_POINTER, checked and computed by acpi_loader_link, for the caller to send to fw_cfg. */
struct acpi_loader_write {
	char file[ACPI_LOADER_NAME_SIZE];
	UINT32 offset;
	UINT8 size;
	UINT64 value;				/* write the low size bytes, little-endian */
};

struct acpi_loader {
	const UINT8 *commands;
	UINT32 command_count;
	UINT32 blob_count;
	struct acpi_loader_blob blobs[ACPI_LOADER_MAX_BLOBS];
	UINT32 write_count;
	struct acpi_loader_write writes[ACPI_LOADER_MAX_WRITES];
	/* After a failure: which command and why, for the caller's log. */
	UINT32 error_command;
	const char *error;
};

/* The tables a payload and the runtime need, found by following pointers from the RSDP. */
struct acpi_tables {
	struct acpi_rsdp *rsdp;
	UINT64 rsdp_address;
	struct acpi_sdt_header *rsdt;		/* NULL when the RSDP names none */
	UINT64 rsdt_address;
	struct acpi_sdt_header *xsdt;		/* NULL when the RSDP is ACPI 1.0 or names none */
	UINT64 xsdt_address;
	struct acpi_fadt *fadt;			/* NULL if neither lists a valid FACP */
	struct acpi_sdt_header *dsdt;		/* NULL if the FADT names none */
	struct acpi_facs *facs;			/* NULL if the FADT names none */
	UINT64 facs_address;
};

/* What the runtime needs from the FADT and DSDT to reset and power off; 0 where absent. */
struct acpi_fadt_info {
	UINT16 pm1a_control_port;
	UINT16 pm_timer_port;
	UINT16 s5_sleep_type;
	UINT8 reset_space;
	UINT64 reset_address;
	UINT8 reset_value;
};

/* ACPI checksum arithmetic: the 8-bit sum of size bytes (a valid table sums to 0). */
UINT8 acpi_checksum(const void *data, UINTN size);
/*
 * Check the shape of every command (size, names, alignment, zone, pointer sizes, files allocated
 * before use) and list the blobs to load in loader->blobs. Unknown commands are skipped, as QEMU
 * asks. The commands must stay in place until acpi_loader_link.
 */
EFI_STATUS acpi_loader_plan(struct acpi_loader *loader, const void *commands, UINTN size);
/*
 * With every blob's data, size and address filled in: apply ADD_POINTER and ADD_CHECKSUM with
 * bounds checks, and list the WRITE_POINTER results in loader->writes. EFI_PROTOCOL_ERROR (blobs
 * partly patched) on the first bad command.
 */
EFI_STATUS acpi_loader_link(struct acpi_loader *loader);
/* The bytes at address if [address, address + length) lies within one blob, else NULL. */
void *acpi_loader_resolve(const struct acpi_loader *loader, UINT64 address, UINT64 length);
/* Find the RSDP in the blobs and the RSDT and XSDT it names, checking each. */
EFI_STATUS acpi_loader_find_root(const struct acpi_loader *loader, struct acpi_tables *ret);
/* The same, then the FADT, DSDT and FACS. */
EFI_STATUS acpi_loader_find_tables(const struct acpi_loader *loader, struct acpi_tables *ret);

/* The first table with signature the XSDT (else the RSDT) lists, checked as the RSDT was; or NULL. */
struct acpi_sdt_header *acpi_loader_find_sdt(const struct acpi_loader *loader,
					     const struct acpi_tables *t, const char *signature);

/* Tables the machine put in memory (coreboot's CBMEM, Cloud Hypervisor's at 0xa0000). */
#define ACPI_MEMORY_FIRST 0x1000ull		/* page 0 holds none */
#define ACPI_MEMORY_LAST 0xffffffffull		/* RSDT entries are 32-bit */
/*
 * A loader over tables already in memory (identity-mapped) from an RSDP at a physical address, for
 * the finds above to check as they check QEMU's: two blobs, the RSDP alone (so it is the one
 * found) and all of 32-bit memory above page 0 for the tables it points to. EFI_CRC_ERROR for a
 * bad RSDP, EFI_INVALID_PARAMETER for an address out of that range.
 */
EFI_STATUS acpi_loader_in_memory(struct acpi_loader *loader, UINT64 rsdp);

/* PM1a control, PM timer, reset register and \_S5 SLP_TYPa from a FADT and DSDT (or NULL). */
void acpi_fadt_parse(const struct acpi_fadt *fadt, const struct acpi_sdt_header *dsdt,
		     struct acpi_fadt_info *ret);
/* SLP_TYPa from the DSDT's Name (_S5_, Package () { a, ... }); EFI_NOT_FOUND if absent/odd. */
EFI_STATUS acpi_s5_sleep_type(const UINT8 *aml, UINTN size, UINT16 *ret_type);
/* Point the FADT's FIRMWARE_CTRL / X_FIRMWARE_CTRL at a moved FACS and fix its checksum. */
EFI_STATUS acpi_fadt_move_facs(struct acpi_fadt *fadt, UINT64 old_address, UINT64 new_address);

/* Bytes acpi_build_rsdp20 needs for an RSDP plus an XSDT mirroring rsdt. */
UINTN acpi_rsdp20_size(const struct acpi_sdt_header *rsdt);
/*
 * Build an ACPI 2.0 RSDP at buf (address: where buf sits) with an XSDT listing rsdt's entries,
 * for QEMU's x86 tables, which have an ACPI 1.0 RSDP and RSDT only.
 */
EFI_STATUS acpi_build_rsdp20(const struct acpi_tables *tables, void *buf, UINTN size,
			     UINT64 address);
