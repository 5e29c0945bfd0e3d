/* SPDX-License-Identifier: MIT */
/* stage0's boot steps, in order: console, memory, chipset, PCI, boot disk, stage1, runtime, jump. */
#include "include/strata/handoff.h"
#include "lib/drivers/fw_cfg.h"
#include "lib/drivers/io.h"
#include "lib/drivers/pci.h"
#include "lib/drivers/serial.h"
#include "lib/drivers/timer.h"
#include "lib/formats/stage_image.h"
#include "lib/string.h"
#include "stage0/stage0.h"

#define LOG_PREFIX "stage0: "
#include "lib/log.h"

struct handoff stage0_handoff;
/* Set by reset.asm: the PVH loader's hvm_start_info, 0 when started at the reset vector. */
UINT32 stage0_pvh_start_info;
/* Set by reset.asm: the argument of coreboot's payload call (~0 for NULL), 0 for other entries. */
UINT32 stage0_coreboot_tables;
static struct boot_disk boot_disk;

extern UINT8 stage0_pml4[], stage0_stack[], stage0_stack_top[];

/* Where a debugger stops to load stage1's and the runtime's symbols (gdb/strata_gdb.py). */
__attribute__((noinline, used)) void strata_gdb_stages_loaded(const struct handoff *h)
{
	__asm__ volatile("" : : "r"(h) : "memory");
}

static void timestamp(struct handoff *h, enum handoff_timestamp ts)
{
	h->timestamps[ts] = rdtsc();
}

static struct loaded_stage stage1;

/* STAGE1.NEW, .BIN or .BAK by their tries (boot_count.c); an ESP with none usable is passed over. */
static EFI_STATUS load_stage1(struct handoff *h, struct fat_volume *esp)
{
	return boot_count_load_stage1(h, esp, &stage1);
}

static void load_runtime(struct handoff *h, struct fat_volume *esp)
{
	struct loaded_stage rt;
	EFI_STATUS status;

	status = boot_count_load_runtime(h, esp, &rt);
	if (EFI_ERROR(status)) {
		log_warn(
			"no usable runtime blob: EFI runtime services will report EFI_UNSUPPORTED");
		return;
	}
	h->flags |= HANDOFF_FLAG_RUNTIME_PRESENT;
	h->runtime_base = (UINTN)rt.base;
	h->runtime_memory_size = rt.header.memory_size;
	h->runtime_entry_offset = rt.header.entry_offset;
	h->runtime_rela_offset = rt.header.rela_offset;
	h->runtime_rela_size = rt.header.rela_size;
	h->runtime_version = rt.header.image_version;
	log_info("runtime %s verified", rt.header.version_string);
}

static void reserve(struct handoff *h, UINT64 base, UINT64 length, UINT32 kind)
{
	if (h->reserved_count < HANDOFF_MAX_RESERVED)
		h->reserved[h->reserved_count++] =
			(struct handoff_memory_range){ base, length, kind };
}

void stage0_main(void)
{
	struct handoff *h = &stage0_handoff, *final;
	const struct coreboot_info *cb = NULL;
	struct pci_windows windows;
	UINT32 functions;
	EFI_STATUS status;

	h->timestamps[HANDOFF_TS_RESET] = rdtsc();
	exception_init();
	if (serial_init(SERIAL_COM1))
		h->serial_port = SERIAL_COM1;
	log_init(h->serial_port);
	h->tsc_hz = platform_calibrate_tsc();
	log_set_tsc_hz(h->tsc_hz);
	timer_set_tsc_hz(h->tsc_hz);
	log_info("Strata stage0 %s", STRATA_VERSION);
	if (stage0_coreboot_tables)
		cb = coreboot_payload_init(h, stage0_coreboot_tables);

	/* Cloud Hypervisor and real coreboot hardware have none: the entry's tables stand in. */
	if (!fw_cfg_init())
		log_info("QEMU fw_cfg absent: memory map and ACPI from the entry's tables, no "
			 "bootorder");
	exception_test_trigger();
	if (fw_cfg_has_dma())
		h->flags |= HANDOFF_FLAG_FW_CFG_DMA;
	status = memory_init(h, stage0_pvh_start_info, cb);
	if (EFI_ERROR(status))
		panic("no memory map from coreboot, the PVH start info or fw_cfg");
	timestamp(h, HANDOFF_TS_MEMORY);

	platform_init(h);
	platform_pci_windows(h, &windows);
	h->pci_mmio32_base = windows.mmio_base;
	h->pci_mmio32_limit = windows.mmio_limit;
	coreboot_payload_find_display(h);
	functions = pci_setup(&windows);
	coreboot_payload_follow_display(h);
	timestamp(h, HANDOFF_TS_PCI);
	log_info("PCI: %u functions, MMIO %llx..%llx", functions, h->pci_mmio32_base,
		 windows.mmio_base);

	stage_signing_init(!stage0_pvh_start_info && !stage0_coreboot_tables);
	status = boot_disk_find(h, &boot_disk, load_stage1);
	if (EFI_ERROR(status))
		panic("no boot disk: no virtio-blk or AHCI disk has an EFI system partition "
		      "holding a usable /STRATA/STAGE1.BIN or STAGE1.BAK");

	h->stage1_base = (UINTN)stage1.base;
	h->stage1_memory_size = stage1.header.memory_size;
	h->stage1_version = stage1.header.image_version;
	timestamp(h, HANDOFF_TS_STAGE1);
	load_runtime(h, &boot_disk.esp);
	timestamp(h, HANDOFF_TS_RUNTIME);

	/* The device must stop before stage1 owns its queue memory; stage1 brings it up again. */
	boot_disk_shutdown(&boot_disk);

	final = memory_alloc(h, sizeof(*h), HANDOFF_RESERVED_HANDOFF);
	if (!final)
		panic("no memory for the hand-off block");
	reserve(h, (UINTN)stage0_pml4, 6 * 4096, HANDOFF_RESERVED_PAGE_TABLES);
	reserve(h, (UINTN)stage0_stack, stage0_stack_top - stage0_stack, HANDOFF_RESERVED_STACK);
	h->pci_function_count = pci_bar_sizes_save(h->pci_functions, HANDOFF_MAX_PCI_FUNCTIONS);
	h->pci_ecam_base = pci_ecam(&h->pci_ecam_first_bus, &h->pci_ecam_last_bus);
	h->magic = HANDOFF_MAGIC;
	h->version = HANDOFF_VERSION;
	h->size = sizeof(*h);
	timestamp(h, HANDOFF_TS_JUMP);
	memcpy(final, h, sizeof(*h));

	log_info("entering stage1 at %p", stage1.base + stage1.header.entry_offset);
	strata_gdb_stages_loaded(final);
	((handoff_entry_fn)(stage1.base + stage1.header.entry_offset))(final);
	panic("stage1 returned");
}
