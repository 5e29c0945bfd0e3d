/* SPDX-License-Identifier: MIT */
/* stage0's view of memory: QEMU's e820 table (or a loader's map) and a page allocator below 4 GiB. */
#include "lib/drivers/fw_cfg.h"
#include "lib/platform/pvh.h"
#include "lib/string.h"
#include "stage0/stage0.h"

#define LOG_PREFIX "memory: "
#include "lib/log.h"

#define PAGE_SIZE 4096ull
#define LEGACY_HOLE_START 0xa0000ull	/* VGA memory and option ROM space up to 1 MiB */
#define LEGACY_HOLE_END 0x100000ull
#define FOUR_GIB 0x100000000ull

struct e820_entry {
	UINT64 address;
	UINT64 length;
	UINT32 type;
} __attribute__((packed));

static UINT64 alloc_floor, alloc_top;

static void add_range(struct handoff *h, UINT64 base, UINT64 length, UINT32 type)
{
	if (!length)
		return;
	if (h->memory_count == HANDOFF_MAX_MEMORY) {
		log_warn("memory map full, dropping %llx+%llx", base, length);
		return;
	}
	h->memory[h->memory_count++] = (struct handoff_memory_range){ base, length, type };
}

/*
 * QEMU reports RAM from 0 to the top of low memory in one piece; the legacy VGA and ROM hole under
 * 1 MiB is not usable RAM, so it is cut out here.
 */
static void add_e820(struct handoff *h, UINT64 base, UINT64 length, UINT32 type)
{
	UINT64 end = base + length;

	if (type == HANDOFF_MEMORY_RAM && base < LEGACY_HOLE_END && end > LEGACY_HOLE_START) {
		add_range(h, base, (base < LEGACY_HOLE_START ? LEGACY_HOLE_START : base) - base,
			  HANDOFF_MEMORY_RAM);
		if (end > LEGACY_HOLE_END)
			add_range(h, LEGACY_HOLE_END, end - LEGACY_HOLE_END, HANDOFF_MEMORY_RAM);
	} else {
		add_range(h, base, length, type);
	}
}

/* The loader's map (SeaBIOS's e820 under QEMU, the VMM's own under Cloud Hypervisor). */
static BOOLEAN read_pvh_map(struct handoff *h, UINT32 start_info)
{
	const struct pvh_memmap_entry *map;
	struct pvh_platform_info info;

	if (!start_info ||
	    EFI_ERROR(pvh_parse_start_info((const void *)(UINTN)start_info,
					   sizeof(struct pvh_start_info), &info))) {
		if (start_info)
			log_warn("PVH start info at %x has a bad magic, using fw_cfg", start_info);
		return FALSE;
	}
	/* Cloud Hypervisor has no fw_cfg: its tables are only found through here. */
	h->acpi_rsdp = info.rsdp;
	if (!info.memmap)
		return FALSE;
	map = (const struct pvh_memmap_entry *)(UINTN)info.memmap;
	for (UINT32 i = 0; i < info.memmap_entries; i++)
		add_e820(h, map[i].addr, map[i].size, map[i].type);
	return TRUE;
}

/* coreboot's types 1..5 are e820's; its table area (16) and vendor types are reserved for the OS. */
static void read_coreboot_map(struct handoff *h, const struct coreboot_info *cb)
{
	for (UINT32 i = 0; i < cb->memory_count; i++) {
		const struct coreboot_memory_range *r = &cb->memory[i];
		UINT32 type = r->type >= COREBOOT_MEM_RAM && r->type <= COREBOOT_MEM_UNUSABLE ?
				      r->type :
				      HANDOFF_MEMORY_RESERVED;

		add_e820(h, r->base, r->length, type);
	}
}

EFI_STATUS memory_init(struct handoff *h, UINT32 pvh_start_info, const struct coreboot_info *cb)
{
	static struct e820_entry e820[HANDOFF_MAX_MEMORY];
	const char *source = "PVH start info";
	UINTN size;
	EFI_STATUS status;

	if (cb && cb->memory_count) {
		source = "coreboot tables";
		read_coreboot_map(h, cb);
	} else if (!read_pvh_map(h, pvh_start_info)) {
		source = "fw_cfg";
		status = fw_cfg_read_file("etc/e820", e820, sizeof(e820), &size);
		if (EFI_ERROR(status))
			return log_error_status(status, "fw_cfg etc/e820");
		for (UINTN i = 0; i < size / sizeof(e820[0]); i++)
			add_e820(h, e820[i].address, e820[i].length, e820[i].type);
	}

	/* Allocations come from the top of the highest RAM range above 1 MiB and below 4 GiB. */
	for (UINT32 i = 0; i < h->memory_count; i++) {
		struct handoff_memory_range *r = &h->memory[i];
		UINT64 end = r->base + r->length;

		if (r->type != HANDOFF_MEMORY_RAM || r->base < LEGACY_HOLE_END ||
		    r->base >= FOUR_GIB)
			continue;
		if (end > FOUR_GIB)
			end = FOUR_GIB;
		if (end > alloc_top) {
			alloc_top = end & ~(PAGE_SIZE - 1);
			alloc_floor = r->base;
		}
	}
	if (!alloc_top)
		return log_error_status(EFI_OUT_OF_RESOURCES, "no RAM above 1 MiB");
	log_info("%u ranges from %s, RAM below 4 GiB ends at %llx", h->memory_count, source,
		 alloc_top);
	return EFI_SUCCESS;
}

void memory_reserve(struct handoff *h, UINT64 base, UINT64 length)
{
	/* Cloud Hypervisor's map already reserves its MCFG window: no second, overlapping entry. */
	for (UINT32 i = 0; i < h->memory_count; i++)
		if (h->memory[i].type == HANDOFF_MEMORY_RESERVED && h->memory[i].base <= base &&
		    base + length <= h->memory[i].base + h->memory[i].length)
			return;
	add_range(h, base, length, HANDOFF_MEMORY_RESERVED);
}

void *memory_alloc(struct handoff *h, UINT64 size, UINT32 kind)
{
	UINT64 pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;

	if (h->reserved_count == HANDOFF_MAX_RESERVED ||
	    pages * PAGE_SIZE > alloc_top - alloc_floor)
		return NULL;
	alloc_top -= pages * PAGE_SIZE;
	h->reserved[h->reserved_count++] =
		(struct handoff_memory_range){ alloc_top, pages * PAGE_SIZE, kind };
	return (void *)(UINTN)alloc_top;
}

void memory_free_last(struct handoff *h, void *p)
{
	struct handoff_memory_range *last;

	if (!h->reserved_count)
		return;
	last = &h->reserved[h->reserved_count - 1];
	if (last->base != (UINTN)p || last->base != alloc_top)
		return;
	alloc_top += last->length;
	h->reserved_count--;
}
