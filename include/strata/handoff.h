/* SPDX-License-Identifier: MIT */
/* The hand-off block stage0 passes to stage1: the only state stage1 trusts from stage0. */
#pragma once

#include "include/efi/types.h"

#define HANDOFF_MAGIC 0x46464f4841525453ull /* "STRAHOFF" read as little-endian bytes */
/*
 * 2: the boot disk may be an AHCI port; 3: on virtio-mmio (mmio_base); 4: acpi_rsdp, smbios_entry;
 * 5: pci_functions; 6: framebuffer; 7: pci_ecam_*. stage1 also takes a version 4, 5 or 6 block,
 * which ends before pci_function_count, framebuffer or pci_ecam_base: the fields after it stay
 * zero.
 */
#define HANDOFF_VERSION 7
#define HANDOFF_VERSION_MIN 4

#define HANDOFF_MAX_MEMORY 64
#define HANDOFF_MAX_RESERVED 16
#define HANDOFF_MAX_PCI_FUNCTIONS 32

/* Memory range types, as in the e820 table QEMU hands over through fw_cfg. */
enum handoff_memory_type {
	HANDOFF_MEMORY_RAM = 1,
	HANDOFF_MEMORY_RESERVED = 2,
	HANDOFF_MEMORY_ACPI = 3,
	HANDOFF_MEMORY_NVS = 4,
	HANDOFF_MEMORY_UNUSABLE = 5,
};

/* What a range stage0 allocated holds; stage1 keeps or reclaims them by this. */
enum handoff_reserved_kind {
	HANDOFF_RESERVED_STAGE1 = 1,  /* stage1 image (code, data, bss) */
	HANDOFF_RESERVED_RUNTIME = 2, /* runtime blob, already relocated to its physical address */
	HANDOFF_RESERVED_HANDOFF = 3, /* this block */
	HANDOFF_RESERVED_PAGE_TABLES =
		4,		    /* stage0's identity map, in use until stage1 replaces it */
	HANDOFF_RESERVED_STACK = 5, /* stage0's stack, which stage1 starts on */
};

/* Boot timestamps (TSC) of stage0's phases, so later stages and `make bench` see where time went. */
enum handoff_timestamp {
	HANDOFF_TS_RESET = 0,	/* first C instruction of stage0 */
	HANDOFF_TS_MEMORY,	/* memory map read */
	HANDOFF_TS_PCI,		/* PCI enumerated, BARs assigned */
	HANDOFF_TS_DISK,	/* boot disk found: GPT and ESP read */
	HANDOFF_TS_STAGE1,	/* stage1 read and verified */
	HANDOFF_TS_RUNTIME,	/* runtime blob read and verified */
	HANDOFF_TS_JUMP,	/* just before the jump to stage1 */
	HANDOFF_TS_COUNT,
};

struct handoff_memory_range {
	UINT64 base;
	UINT64 length;
	UINT32 type;	/* enum handoff_memory_type or enum handoff_reserved_kind */
	UINT32 reserved;
};

/* Which controller the boot disk hangs off; with the PCI address and port it names the disk. */
enum handoff_disk_controller {
	HANDOFF_VIRTIO_LEGACY = 1,
	HANDOFF_VIRTIO_MODERN = 2,
	HANDOFF_DISK_AHCI = 3,	/* port is the HBA port number */
	HANDOFF_DISK_NVME = 4,	/* port is the namespace ID */
	HANDOFF_DISK_VIRTIO_MMIO = 5, /* virtio-blk on the virtio-mmio transport at mmio_base */
	HANDOFF_DISK_VIRTIO_SCSI = 6,	/* port is the target, lun the LUN; PCI, or mmio_base */
	HANDOFF_DISK_IDE = 7,	/* port is channel * 2 + unit: 0 primary master .. 3 secondary slave */
};

struct handoff_boot_disk {
	UINT8 pci_bus;
	UINT8 pci_device;
	UINT8 pci_function;
	UINT8 transport;	/* enum handoff_disk_controller */
	UINT32 partition_number; /* 1-based GPT entry index, or MBR number as in HD() */
	UINT64 partition_first_lba;
	UINT64 partition_last_lba;
	EFI_GUID partition_guid; /* unique partition GUID of the ESP; zero on MBR */
	EFI_GUID disk_guid;
	UINT32 block_size;
	UINT16 port;		/* AHCI port, NVMe namespace ID, SCSI target, IDE channel * 2 + unit */
	UINT16 lun;		/* SCSI LUN; 0 for the others */
	UINT64 block_count;
	UINT64 mmio_base;	/* virtio-mmio (blk, or scsi): the transport's registers, no PCI address */
};

/* Per BAR of a handoff_pci_function, 4 bits from bit 4 * index. */
enum handoff_bar_flags {
	HANDOFF_BAR_IO = 1,
	HANDOFF_BAR_64 = 2,
	HANDOFF_BAR_PREFETCHABLE = 4,
};

/*
 * The BAR sizes stage0 found while it assigned them, with decoding off. Sizing again in stage1
 * would turn decoding off and on, and the hypervisor rebuilds its memory map each time.
 */
struct handoff_pci_function {
	UINT8 bus;
	UINT8 device;
	UINT8 function;
	UINT8 reserved;
	UINT32 bar_flags;	/* enum handoff_bar_flags, 4 bits per BAR */
	UINT64 bar_size[6];	/* 0: unimplemented; a 64-bit BAR's upper half is 0 too */
};

enum handoff_flags {
	HANDOFF_FLAG_STAGE1_BACKUP = 1u << 0,	/* stage1 came from STAGE1.BAK */
	HANDOFF_FLAG_RUNTIME_PRESENT = 1u << 1,	/* runtime_* fields describe a verified blob */
	HANDOFF_FLAG_FW_CFG_DMA = 1u << 2,	/* QEMU's fw_cfg offers the DMA interface */
	HANDOFF_FLAG_MACHINE_Q35 = 1u << 3,	/* host bridge is Q35/ICH9 (else i440FX/PIIX) */
	/* No PCI on ports CF8/CFC (microvm): virtio-mmio transports, PCI only through pci_ecam_base. */
	HANDOFF_FLAG_MICROVM = 1u << 4,
	HANDOFF_FLAG_COREBOOT = 1u << 5,	/* started as a coreboot payload */
};

/*
 * A linear frame buffer the firmware before us set up (coreboot's LB_TAG_FRAMEBUFFER), in one
 * fixed mode; base 0: none. Masks as coreboot's: a position and a size in bits per colour.
 */
struct handoff_framebuffer {
	UINT64 base;		/* where it is after stage0's PCI setup (the BAR may have moved) */
	UINT32 width, height;
	UINT32 bytes_per_line;
	UINT8 bits_per_pixel;
	UINT8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
	UINT8 reserved_pos, reserved_size;
	UINT8 pci_bus, pci_device, pci_function; /* the display whose BAR holds it, if on_pci */
	UINT8 on_pci;
	UINT8 reserved0[2];
};

struct handoff {
	UINT64 magic;		/* HANDOFF_MAGIC */
	UINT32 version;		/* HANDOFF_VERSION */
	UINT32 size;		/* sizeof(struct handoff) of the writer */
	UINT32 flags;		/* enum handoff_flags */
	UINT16 serial_port;	/* I/O port of the console UART, 0 if none */
	UINT16 reserved0;

	UINT32 memory_count;
	UINT32 reserved_count;
	struct handoff_memory_range memory[HANDOFF_MAX_MEMORY];	/* firmware view: e820 */
	struct handoff_memory_range reserved[HANDOFF_MAX_RESERVED]; /* what stage0 left in use */

	struct handoff_boot_disk boot_disk;

	UINT64 stage1_base;	/* load address of stage1's body */
	UINT64 stage1_memory_size;
	UINT32 stage1_version;
	UINT32 runtime_version;
	UINT64 runtime_base;	/* load address of the runtime blob, relocated there */
	UINT64 runtime_memory_size;
	UINT64 runtime_entry_offset;
	UINT64 runtime_rela_offset;
	UINT64 runtime_rela_size;

	UINT64 pci_mmio32_base;	/* the 32-bit window stage0 assigned BARs from */
	UINT64 pci_mmio32_limit;
	UINT64 tsc_hz;		/* TSC frequency measured by stage0, 0 if unknown */
	UINT64 timestamps[HANDOFF_TS_COUNT];
	/* Tables the entry found (coreboot tables, PVH start info): used before fw_cfg's; 0 if none. */
	UINT64 acpi_rsdp;
	UINT64 smbios_entry;	/* an SMBIOS 2.1 or 3.0 entry point, or an area starting with them */
	/* Version 5: functions stage0 assigned BARs to; none when coreboot had assigned them. */
	UINT32 pci_function_count;
	UINT32 reserved1;
	struct handoff_pci_function pci_functions[HANDOFF_MAX_PCI_FUNCTIONS];
	/* Version 6: a frame buffer the firmware before us set up (coreboot's); base 0 if none. */
	struct handoff_framebuffer framebuffer;
	/* Version 7: segment 0's ECAM window stage0 reached PCI through; 0: ports CF8/CFC. */
	UINT64 pci_ecam_base;
	UINT8 pci_ecam_first_bus;
	UINT8 pci_ecam_last_bus;
	UINT8 reserved2[6];
};

/* stage1's entry point: System V ABI, never returns. */
typedef void (*handoff_entry_fn)(struct handoff *handoff);
