/* SPDX-License-Identifier: MIT */
/* stage1's boot steps: take over from stage0, build the UEFI environment, run the boot manager. */
#include "include/strata/handoff.h"
#include "lib/drivers/io.h"
#include "lib/formats/elf_reloc.h"
#include "lib/string.h"
#include "stage1/boot/boot_manager.h"
#include "stage1/boot/stage1_update.h"
#include "stage1/core/cpu.h"
#include "stage1/core/boot_status.h"
#include "stage1/core/debug_image.h"
#include "stage1/core/events.h"
#include "stage1/core/exception.h"
#include "stage1/core/image.h"
#include "stage1/core/memory.h"
#include "stage1/core/paging.h"
#include "stage1/core/security.h"
#include "stage1/core/system_table.h"
#include "stage1/protocols/console.h"
#include "stage1/protocols/console_splitter.h"
#include "stage1/protocols/device_path.h"
#include "stage1/protocols/gop.h"
#include "stage1/protocols/hii.h"
#include "stage1/protocols/option_rom.h"
#include "stage1/protocols/pci_io.h"
#include "stage1/protocols/pci_root_bridge_io.h"
#include "stage1/protocols/unicode_collation.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "stage1: "
#include "lib/log.h"

/* Deep enough for GRUB and the kernel's EFI stub, which run on the firmware's stack. */
#define STACK_PAGES 64

static struct handoff handoff;

/* A step that must work: without it there is no UEFI environment to offer. */
static void require(EFI_STATUS status, const char *what)
{
	if (EFI_ERROR(status))
		panic("%s failed: %s", what, efi_status_name(status));
}

/* A step the boot can go on without, with less to offer the payload. */
static void optional(EFI_STATUS status, const char *what)
{
	if (EFI_ERROR(status))
		log_warn("%s unavailable: %s", what, efi_status_name(status));
}

static __attribute__((noreturn)) void stage1_main(void *arg)
{
	const struct handoff *h = arg;
	EFI_STATUS status;
	const char *stage1_update = "none", *runtime_update = "none";
	struct boot_record *record;

	require(system_table_init(), "system table");
	require(image_init_firmware(h), "firmware image handle");
	optional(debug_image_init(), "debug image table");
	require(console_init(h->serial_port), "console");
	exception_test_trigger();
	status = gop_init(h);
	optional(status, "graphics output");
	if (!EFI_ERROR(status))
		optional(console_splitter_add_screen(), "text console on the screen");
	require(device_path_init(), "device path protocols");
	optional(unicode_collation_init(), "UnicodeCollation");
	optional(hii_init(), "HII database");
	optional(pci_root_bridge_io_init(h), "PCI root bridge I/O");
	require(disk_init(h), "storage");
	optional(pci_io_init(), "PCI I/O");
	optional(acpi_init(h), "ACPI tables");
	optional(smbios_init(h), "SMBIOS tables");
	optional(rng_init(), "RNG protocol");
	optional(memory_attribute_init(), "memory attribute protocol");
	optional(memory_attributes_table_init(), "Memory Attributes Table");
	optional(security_init(), "security protocols");
	optional(runtime_install(h, acpi_platform_info()), "runtime services");
	/* After the runtime: Secure Boot checks a ROM's driver against db from the variables. */
	optional(option_rom_init(h), "option ROMs");
	console_publish_variables();
	log_info("UEFI environment ready, %llu MiB free",
		 memory_pages_of_type(EfiConventionalMemory) >> 8);
	exception_test_late(h);
	record = boot_status_ready();
	if (record)
		stage1_update_apply(record, &stage1_update, &runtime_update);
	boot_status_publish(stage1_update, runtime_update);
	events_start_tick();
	boot_manager_run();
}

/* From stage1/stage1.ld: the image's first byte (link address 0), its RELR table, its end. */
extern const UINT8 __ehdr_start[], __relr_start[], __relr_end[], __stage_end[];

/*
 * stage1 links its relative relocations packed (mk/stage1.mk: 7 KiB less than RELA), which
 * stage0 does not read: the stage image's RELA table is empty and stage1 applies these itself,
 * first thing. Until then no pointer in its data is right, so this follows none: the symbols are
 * reached PC-relative and elf_relr_apply works on its arguments only.
 */
static EFI_STATUS relocate_self(void)
{
	UINTN base = (UINTN)__ehdr_start;

	return elf_relr_apply((void *)base, (UINTN)__stage_end - base,
			      (UINTN)__relr_start - base, (UINTN)(__relr_end - __relr_start), base);
}

/* The size of a block of a version stage1 takes; an older stage0 stops at an earlier field. */
static UINT32 handoff_size(UINT32 version)
{
	if (version < 5)
		return __builtin_offsetof(struct handoff, pci_function_count);
	if (version < 6)
		return __builtin_offsetof(struct handoff, framebuffer);
	return version < 7 ? __builtin_offsetof(struct handoff, pci_ecam_base) : sizeof(struct handoff);
}

__attribute__((section(".text.entry"), noreturn)) void stage_entry(struct handoff *h)
{
	EFI_STATUS relocated = relocate_self();
	EFI_PHYSICAL_ADDRESS stack;

	log_init(h ? h->serial_port : 0);
	if (EFI_ERROR(relocated))
		panic("stage1: its own relocation table is malformed: %s",
		      efi_status_name(relocated));
	console_splitter_keep_log();
	if (!h || h->magic != HANDOFF_MAGIC || h->version < HANDOFF_VERSION_MIN ||
	    h->version > HANDOFF_VERSION || h->size != handoff_size(h->version))
		panic("stage1: bad hand-off block at %p (stage0 and stage1 versions differ?)", h);
	/* Trust nothing else stage0 left behind: keep our own copy of the block. */
	memcpy(&handoff, h, h->size);
	pci_use_ecam(handoff.pci_ecam_base, handoff.pci_ecam_first_bus, handoff.pci_ecam_last_bus);
	pci_bar_sizes_load(handoff.pci_functions, handoff.pci_function_count);
	exception_init(&handoff);
	log_set_tsc_hz(handoff.tsc_hz);
	log_set_epoch(handoff.timestamps[HANDOFF_TS_RESET]);
	log_info("Strata stage1 %s%s", STRATA_VERSION,
		 handoff.flags & HANDOFF_FLAG_STAGE1_BACKUP ? " (backup copy)" : "");
	boot_status_init();
	events_init(handoff.tsc_hz);
	require(memory_init(&handoff), "memory map");
	require(paging_init(&handoff), "page tables");
	/* One more page below the stack, left unmapped: an overflow faults instead of spilling. */
	require(memory_allocate_pages(AllocateAnyPages, EfiBootServicesData, STACK_PAGES + 1,
				      &stack),
		"stack");
	optional(paging_set_attributes(stack, EFI_PAGE_SIZE, PAGING_NOT_PRESENT), "stack guard page");
	/* As EDK2's PcdNullPointerDetectionPropertyMask BIT0: NULL faults; mapped again at EBS. */
	optional(paging_set_attributes(0, EFI_PAGE_SIZE, PAGING_NOT_PRESENT), "null page");
	optional(paging_protect_tables(), "read-only page tables");
	exception_set_stack(stack, stack + EFI_PAGE_SIZE, stack + (STACK_PAGES + 1) * EFI_PAGE_SIZE);
	cpu_switch_stack((void *)(UINTN)(stack + (STACK_PAGES + 1) * EFI_PAGE_SIZE), stage1_main,
			 &handoff);
}
