/* SPDX-License-Identifier: MIT */
/* Start a Linux kernel: its EFI stub as an image, else the x86 64-bit boot protocol. */
#include "include/efi/system_table.h"
#include "lib/endian.h"
#include "lib/formats/bls.h"
#include "lib/formats/pe.h"
#include "lib/string.h"
#include "stage1/boot/boot_image.h"
#include "stage1/boot/linux_loader.h"
#include "stage1/core/cpu.h"
#include "stage1/core/image.h"
#include "stage1/core/memory.h"
#include "stage1/core/security.h"
#include "stage1/core/system_table.h"
#include "stage1/protocols/load_file2.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "boot: "
#include "lib/log.h"

/* Offsets in the bzImage and in boot_params (Linux: Documentation/arch/x86/boot.rst, zero-page). */
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES 0x1e8
#define BP_E820_TABLE 0x2d0
#define HDR_START 0x1f1		/* setup_sects: the setup header starts here, in both */
#define HDR_JUMP_LENGTH 0x201	/* the header ends at 0x202 + this byte */
#define HDR_SYSSIZE 0x1f4	/* protected-mode code, in 16-byte units (boot protocol 2.04+) */
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260
#define HDR_MIN_FILE_SIZE 0x268

#define BZIMAGE_MAGIC 0x53726448u	/* "HdrS" */
#define BOOT_PROTOCOL_MIN 0x020c	/* 2.12: xloadflags says whether a 64-bit entry exists */
#define XLF_KERNEL_64 (1u << 0)
#define E820_MAX_ENTRIES 128
#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
#define E820_NVS 4
#define E820_UNUSABLE 5
#define E820_PMEM 7
/* The 64-bit entry point sits this far into the protected-mode kernel. */
#define STARTUP_64_OFFSET 0x200
#define BELOW_4G 0xffffffffull

static const EFI_GUID acpi20_guid = EFI_ACPI_20_TABLE_GUID;

/* The options as the UCS-2 command line EFI stubs take; *ret_bytes includes the NUL. */
static CHAR16 *options_ucs2(const struct bls_entry *entry, UINTN *ret_bytes)
{
	UINTN chars = bls_entry_options_ucs2(entry, NULL, 0);
	CHAR16 *options = pool_alloc(EfiLoaderData, chars * sizeof(CHAR16));

	if (options)
		bls_entry_options_ucs2(entry, options, chars);
	*ret_bytes = chars * sizeof(CHAR16);
	return options;
}

static EFI_STATUS boot_efi_stub(const struct linux_image *li, const CHAR16 *label)
{
	EFI_STATUS status;
	CHAR16 *options;
	UINTN bytes;

	options = options_ucs2(li->entry, &bytes);
	if (!options)
		return log_warn_status(EFI_OUT_OF_RESOURCES, "%ls: command line", label);
	if (li->initrd) {
		status = linux_initrd_install(li->initrd, li->initrd_size);
		if (EFI_ERROR(status))
			goto out;
		log_info("%ls: initrd of %llu bytes through LoadFile2", label,
			 (UINT64)li->initrd_size);
	}
	/* The NUL is part of the command line: stubs read LoadOptionsSize bytes at most. */
	status = boot_image(li->path, li->kernel, li->kernel_size, label,
			    bytes > sizeof(CHAR16) ? options : NULL,
			    bytes > sizeof(CHAR16) ? bytes : 0);
	linux_initrd_uninstall();
out:
	pool_free(options);
	return status;
}

/* Pages below max for size bytes, aligned to align (a power of two, at least a page). */
static EFI_STATUS allocate_below(UINT64 max, UINT64 size, UINT64 align, EFI_MEMORY_TYPE type,
				 UINT64 *ret)
{
	EFI_PHYSICAL_ADDRESS base = max;
	EFI_STATUS status;

	status = memory_allocate_pages(AllocateMaxAddress, type,
				       EFI_SIZE_TO_PAGES(size + align - EFI_PAGE_SIZE), &base);
	if (EFI_ERROR(status))
		return status;
	*ret = (base + align - 1) & ~(align - 1);
	return EFI_SUCCESS;
}

static UINT32 e820_type(UINT32 efi_type)
{
	switch (efi_type) {
	case EfiLoaderCode:
	case EfiLoaderData:
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiConventionalMemory:
		return E820_RAM;
	case EfiACPIReclaimMemory:
		return E820_ACPI;
	case EfiACPIMemoryNVS:
		return E820_NVS;
	case EfiUnusableMemory:
		return E820_UNUSABLE;
	case EfiPersistentMemory:
		return E820_PMEM;
	default:
		return E820_RESERVED;
	}
}

/* One entry of boot_params' e820 table. */
struct e820_entry {
	UINT64 addr;
	UINT64 size;
	UINT32 type;
} __attribute__((packed));

_Static_assert(sizeof(struct e820_entry) == 20, "e820 entry layout");

/* The EFI memory map as boot_params' e820 table, neighbours of one type merged. */
static void e820_from_map(UINT8 *bp, const UINT8 *map, UINTN map_size, UINTN desc_size)
{
	struct e820_entry *table = (struct e820_entry *)(bp + BP_E820_TABLE);
	UINTN n = 0;

	for (UINTN off = 0; off + desc_size <= map_size; off += desc_size) {
		const EFI_MEMORY_DESCRIPTOR *d = (const EFI_MEMORY_DESCRIPTOR *)(map + off);
		UINT64 start = d->PhysicalStart, size = d->NumberOfPages * EFI_PAGE_SIZE;
		UINT32 type = e820_type(d->Type);

		if (n && table[n - 1].type == type &&
		    table[n - 1].addr + table[n - 1].size == start) {
			table[n - 1].size += size;
			continue;
		}
		if (n == E820_MAX_ENTRIES)
			break;
		table[n].addr = start;
		table[n].size = size;
		table[n].type = type;
		n++;
	}
	bp[BP_E820_ENTRIES] = (UINT8)n;
}

/* Leave boot services with the e820 table of the final memory map in boot_params. */
static EFI_STATUS exit_with_e820(UINT8 *bp)
{
	UINTN size, key, desc_size;
	UINT32 version;
	EFI_STATUS status = EFI_INVALID_PARAMETER;
	UINT8 *map = NULL;

	/* The map may change between the two calls (an event, our own allocation): try again. */
	for (int attempt = 0; attempt < 4 && EFI_ERROR(status); attempt++) {
		size = 0;
		efi_get_memory_map(&size, NULL, &key, &desc_size, &version);
		pool_free(map);
		size += 8 * desc_size;
		map = pool_alloc(EfiLoaderData, size);
		if (!map)
			return EFI_OUT_OF_RESOURCES;
		status = efi_get_memory_map(&size, (EFI_MEMORY_DESCRIPTOR *)map, &key, &desc_size,
					    &version);
		if (EFI_ERROR(status))
			continue;
		e820_from_map(bp, map, size, desc_size);
		status = efi_exit_boot_services(firmware_image_handle, key);
	}
	return status;
}

/* Segments the 64-bit entry requires: __BOOT_CS (0x10) 64-bit code, __BOOT_DS (0x18) data. */
static const UINT64 boot_gdt[4] __attribute__((aligned(16))) = {
	0, 0, 0x00af9a000000ffffull, 0x00cf92000000ffffull,
};

/* Enter the kernel at its 64-bit entry with boot_params in rsi, on the boot protocol's GDT. */
static __attribute__((noreturn)) void jump_to_kernel(UINT64 entry, UINT8 *bp)
{
	struct cpu_gdtr gdtr = { sizeof(boot_gdt) - 1, (UINT64)(UINTN)boot_gdt };

	cpu_enter_linux(&gdtr, entry, bp);
}

/* The options as the ASCII command line of boot_params, within the kernel's limit. */
static EFI_STATUS cmdline_ascii(const struct bls_entry *entry, UINT32 max, UINT64 *ret)
{
	UINTN bytes, chars, n;
	CHAR16 *wide = options_ucs2(entry, &bytes);
	char *line;
	EFI_STATUS status;

	if (!wide)
		return EFI_OUT_OF_RESOURCES;
	chars = bytes / sizeof(CHAR16);
	n = max && chars > max ? max : chars;
	status = allocate_below(BELOW_4G, n, EFI_PAGE_SIZE, EfiLoaderData, ret);
	if (!EFI_ERROR(status)) {
		line = (char *)(UINTN)*ret;
		for (UINTN i = 0; i < n; i++)
			line[i] = wide[i] < 0x80 ? (char)wide[i] : '?';
		line[n - 1] = 0;
	}
	pool_free(wide);
	return status;
}

/*
 * The x86 64-bit boot protocol for a bzImage without an EFI stub: protected-mode kernel at its
 * preferred (or an aligned) address, boot_params with the setup header, command line, initrd,
 * e820 and RSDP; ExitBootServices; jump. The kernel sees no EFI (there is no efi_info).
 */
static EFI_STATUS boot_protocol(const struct linux_image *li, const CHAR16 *label)
{
	const UINT8 *k = li->kernel;
	UINTN setup_sects, pm_offset, header_end;
	UINT64 load, pref, init_size, align, bp_addr, cmdline, initrd = 0;
	UINT16 version;
	EFI_STATUS status;
	UINT8 *bp;

	memcpy(&version, k + HDR_VERSION, sizeof(version));
	if (version < BOOT_PROTOCOL_MIN || !(k[HDR_XLOADFLAGS] & XLF_KERNEL_64))
		return log_warn_status(EFI_UNSUPPORTED,
				       "%ls: no EFI stub, and boot protocol %u.%02u "
				       "without a 64-bit entry",
				       label, version >> 8, version & 0xff);
	setup_sects = k[HDR_START] ? k[HDR_START] : 4;
	pm_offset = (setup_sects + 1) * 512;
	header_end = 0x202 + k[HDR_JUMP_LENGTH];
	if (pm_offset >= li->kernel_size || header_end > pm_offset || header_end > EFI_PAGE_SIZE)
		return log_warn_status(EFI_LOAD_ERROR, "%ls: truncated bzImage", label);
	memcpy(&pref, k + HDR_PREF_ADDRESS, sizeof(pref));
	init_size = get_le32(k + HDR_INIT_SIZE);
	if (init_size < li->kernel_size - pm_offset)
		init_size = li->kernel_size - pm_offset;
	align = get_le32(k + HDR_KERNEL_ALIGNMENT);
	if (align < EFI_PAGE_SIZE || (align & (align - 1)))
		align = EFI_PAGE_SIZE;

	load = pref;
	status = memory_allocate_pages(AllocateAddress, EfiLoaderCode, EFI_SIZE_TO_PAGES(init_size),
				       &load);
	if (EFI_ERROR(status) && k[HDR_RELOCATABLE])
		status = allocate_below(BELOW_4G, init_size, align, EfiLoaderCode, &load);
	if (EFI_ERROR(status))
		return log_warn_status(status, "%ls: %llu bytes for the kernel", label, init_size);
	status = allocate_below(BELOW_4G, EFI_PAGE_SIZE, EFI_PAGE_SIZE, EfiLoaderData, &bp_addr);
	if (!EFI_ERROR(status))
		status = cmdline_ascii(li->entry, get_le32(k + HDR_CMDLINE_SIZE) + 1, &cmdline);
	if (!EFI_ERROR(status) && li->initrd) {
		UINT64 max = get_le32(k + HDR_INITRD_ADDR_MAX);

		status = allocate_below(max ? max : BELOW_4G, li->initrd_size, EFI_PAGE_SIZE,
					EfiLoaderData, &initrd);
		if (!EFI_ERROR(status))
			memcpy((void *)(UINTN)initrd, li->initrd, li->initrd_size);
	}
	/* Nothing to undo on failure: the pages are the payload's, about to be reclaimed anyway. */
	if (EFI_ERROR(status))
		return log_warn_status(status, "%ls: boot_params, command line and initrd", label);

	memcpy((void *)(UINTN)load, k + pm_offset, li->kernel_size - pm_offset);
	bp = (UINT8 *)(UINTN)bp_addr;
	memset(bp, 0, EFI_PAGE_SIZE);
	memcpy(bp + HDR_START, k + HDR_START, header_end - HDR_START);
	bp[HDR_TYPE_OF_LOADER] = 0xff;	/* "undefined" loader */
	put_le32(bp + HDR_CMD_LINE_PTR, (UINT32)cmdline);
	put_le32(bp + BP_EXT_CMD_LINE_PTR, (UINT32)(cmdline >> 32));
	put_le32(bp + HDR_RAMDISK_IMAGE, (UINT32)initrd);
	put_le32(bp + BP_EXT_RAMDISK_IMAGE, (UINT32)(initrd >> 32));
	put_le32(bp + HDR_RAMDISK_SIZE, (UINT32)li->initrd_size);
	put_le32(bp + BP_EXT_RAMDISK_SIZE, (UINT32)((UINT64)li->initrd_size >> 32));
	/* Without efi_info the kernel finds no RSDP by itself: ours is above the BIOS areas. */
	for (UINTN i = 0; i < efi_st->NumberOfTableEntries; i++)
		if (!memcmp(&efi_st->ConfigurationTable[i].VendorGuid, &acpi20_guid,
			    sizeof(acpi20_guid)))
			memcpy(bp + BP_ACPI_RSDP_ADDR, &efi_st->ConfigurationTable[i].VendorTable,
			       8);

	log_info("starting %ls through the x86 boot protocol %u.%02u at %llx", label,
		 version >> 8, version & 0xff, load);
	status = exit_with_e820(bp);
	if (EFI_ERROR(status))
		return log_warn_status(status, "%ls: ExitBootServices", label);
	jump_to_kernel(load + STARTUP_64_OFFSET, bp);
}

/*
 * A bzImage (with an EFI stub or not) shorter than its setup header says: a truncated copy, which
 * would crash once started. EFI_SUCCESS for anything else.
 */
static EFI_STATUS check_bzimage_size(const struct linux_image *li, const CHAR16 *label)
{
	const UINT8 *k = li->kernel;
	UINT64 setup_sects, expected;
	UINT16 version;

	if (li->kernel_size < HDR_MIN_FILE_SIZE || get_le32(k + HDR_MAGIC) != BZIMAGE_MAGIC)
		return EFI_SUCCESS;
	memcpy(&version, k + HDR_VERSION, sizeof(version));
	if (version < 0x204)
		return EFI_SUCCESS;
	setup_sects = k[HDR_START] ? k[HDR_START] : 4;
	expected = (setup_sects + 1) * 512 + (UINT64)get_le32(k + HDR_SYSSIZE) * 16;
	if (li->kernel_size >= expected)
		return EFI_SUCCESS;
	return log_warn_status(EFI_LOAD_ERROR,
			       "%ls: truncated bzImage: the file has %llu bytes, its setup header "
			       "says %llu; not started",
			       label, (UINT64)li->kernel_size, expected);
}

EFI_STATUS linux_boot(const struct linux_image *li, const CHAR16 *label)
{
	struct pe_image_info info;
	EFI_STATUS status;

	status = check_bzimage_size(li, label);
	if (EFI_ERROR(status))
		return status;

	/* A bzImage that is no PE image was built without CONFIG_EFI_STUB. */
	if (EFI_ERROR(pe_parse(li->kernel, li->kernel_size, &info)) &&
	    li->kernel_size >= HDR_MIN_FILE_SIZE &&
	    get_le32((const UINT8 *)li->kernel + HDR_MAGIC) == BZIMAGE_MAGIC) {
		/* Only a PE kernel carries a signature LoadImage can check (docs/secure-boot.md). */
		if (security_enforced())
			return log_error_status(EFI_ACCESS_DENIED,
						"%ls: a kernel that is no PE image has no signature to check under Secure Boot; not started",
						label);
		return boot_protocol(li, label);
	}
	return boot_efi_stub(li, label);
}
