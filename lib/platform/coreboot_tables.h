/* SPDX-License-Identifier: MIT */
/* coreboot tables (commonlib/coreboot_tables.h): the LBIO header a coreboot payload is handed. */
#pragma once

#include "include/efi/types.h"

#define COREBOOT_MAX_MEMORY	64
/*
 * Where coreboot's low forward entry may sit (it writes it at 0x500): libpayload scans both at
 * 16-byte steps. From 16, not 0: address 0 is the real-mode IVT and, identity-mapped, NULL.
 */
#define COREBOOT_LOW_SCAN_START 0x10u
#define COREBOOT_LOW_SCAN_END	0x1000u
#define COREBOOT_FSEG_START	0xf0000u
#define COREBOOT_FSEG_END	0x100000u

/* lb_memory_range types; the rest of coreboot's (vendor 6, MTE tags 17, ...) count as reserved. */
enum coreboot_memory_type {
	COREBOOT_MEM_RAM = 1,
	COREBOOT_MEM_RESERVED = 2,
	COREBOOT_MEM_ACPI = 3,
	COREBOOT_MEM_NVS = 4,
	COREBOOT_MEM_UNUSABLE = 5,
	COREBOOT_MEM_TABLE = 16, /* the coreboot tables and CBMEM */
};

enum coreboot_serial_type {
	COREBOOT_SERIAL_IO = 1,
	COREBOOT_SERIAL_MMIO = 2,
};

struct coreboot_memory_range {
	UINT64 base;
	UINT64 length;
	UINT32 type;
};

struct coreboot_framebuffer {
	UINT64 base; /* 0: none */
	UINT64 size; /* bytes_per_line * height */
	UINT32 width;
	UINT32 height;
	UINT32 bytes_per_line;
	UINT8 bits_per_pixel;
	UINT8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
	UINT8 reserved_pos, reserved_size;
};

/* What a payload takes from the tables: zero where a record is absent. */
struct coreboot_info {
	UINT64 header; /* the LBIO header the records came from, after any forward */
	UINT32 memory_count;
	struct coreboot_memory_range memory[COREBOOT_MAX_MEMORY];
	UINT32 serial_type; /* enum coreboot_serial_type, 0: no serial record */
	UINT32 serial_base; /* I/O port or MMIO address */
	UINT32 serial_baud;
	UINT32 serial_regwidth;
	UINT64 rsdp;   /* CB_TAG_ACPI_RSDP, else the start of CBMEM's ACPI area */
	UINT64 smbios; /* the start of CBMEM's SMBIOS area (coreboot puts the entry point there) */
	struct coreboot_framebuffer framebuffer;
};

/*
 * Reads physical memory: a pointer to the size bytes at address, or NULL where the caller cannot
 * or will not read (the host tests' fake memory; the identity map in firmware).
 */
typedef const void *(*coreboot_map_fn)(void *ctx, UINT64 address, UINTN size);

/* coreboot's IP checksum (RFC 1071) of size bytes: 0 over a block that holds its own checksum. */
UINT16 coreboot_ip_checksum(const void *data, UINTN size);
/*
 * Parses the tables whose LBIO header is at address (a payload's argument), following forward
 * records; EFI_NOT_FOUND for no header there, EFI_COMPROMISED_DATA for a bad checksum,
 * EFI_INVALID_PARAMETER for a bad record.
 */
EFI_STATUS coreboot_tables_parse(coreboot_map_fn map, void *ctx, UINT64 address,
				 struct coreboot_info *out);
/* Finds a header with good checksums in 0..4 KiB, then the F-segment, and parses from there. */
EFI_STATUS coreboot_tables_find(coreboot_map_fn map, void *ctx, struct coreboot_info *out);
