/* SPDX-License-Identifier: MIT */
/*
 * The hand-off probe: a test stand-in for stage1, built and wrapped like stage1, that checks and
 * prints the hand-off block stage0 passes and then powers QEMU off. It proves the jump works
 * (and relocation, verification and fallback with it) before and apart from the real stage1.
 */
#include "include/strata/handoff.h"
#include "lib/drivers/io.h"
#include "lib/drivers/serial.h"

#define LOG_PREFIX "probe: "
#include "lib/log.h"

/* QEMU's isa-debug-exit device, present in the boot tests: QEMU exits with (value << 1) | 1. */
#define DEBUG_EXIT_PORT 0xf4

/* Pointers in data: right only if stage0 applied our R_X86_64_RELATIVE relocations. */
static const char *const kind_names[] = {
	[HANDOFF_RESERVED_STAGE1] = "stage1", [HANDOFF_RESERVED_RUNTIME] = "runtime",
	[HANDOFF_RESERVED_HANDOFF] = "handoff", [HANDOFF_RESERVED_PAGE_TABLES] = "page-tables",
	[HANDOFF_RESERVED_STACK] = "stack",
};
static const char probe_marker[] = "relocated";
static const char *probe_marker_ptr = probe_marker;

static __attribute__((noreturn)) void probe_exit(UINT8 code)
{
	outb(DEBUG_EXIT_PORT, code);
	cpu_halt_forever();
}

static void print_handoff(const struct handoff *h)
{
	static const char *const ts_names[HANDOFF_TS_COUNT] = {
		"reset", "memory", "pci", "disk", "stage1", "runtime", "jump",
	};

	log_info("handoff magic ok, version %u, size %u, flags %x", h->version, h->size, h->flags);
	for (UINT32 i = 0; i < h->memory_count; i++)
		log_info("memory %016llx-%016llx type %u", h->memory[i].base,
			 h->memory[i].base + h->memory[i].length - 1, h->memory[i].type);
	for (UINT32 i = 0; i < h->reserved_count; i++) {
		UINT32 kind = h->reserved[i].type;

		log_info("reserved %016llx-%016llx %s", h->reserved[i].base,
			 h->reserved[i].base + h->reserved[i].length - 1,
			 kind < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[kind] ?
				 kind_names[kind] : "?");
	}
	if (h->boot_disk.transport == HANDOFF_DISK_VIRTIO_MMIO)
		log_info("boot disk virtio-mmio %llx, ESP partition %u lba %llu-%llu, no pci: %s",
			 h->boot_disk.mmio_base, h->boot_disk.partition_number,
			 h->boot_disk.partition_first_lba, h->boot_disk.partition_last_lba,
			 h->flags & HANDOFF_FLAG_MICROVM ? "yes" : "no");
	else
		log_info("boot disk pci %02x:%02x.%x %s, ESP partition %u lba %llu-%llu",
			 h->boot_disk.pci_bus, h->boot_disk.pci_device, h->boot_disk.pci_function,
			 h->boot_disk.transport == HANDOFF_DISK_AHCI	  ? "ahci"
			 : h->boot_disk.transport == HANDOFF_DISK_NVME	  ? "nvme"
			 : h->boot_disk.transport == HANDOFF_DISK_IDE	  ? "ide"
			 : h->boot_disk.transport == HANDOFF_DISK_VIRTIO_SCSI ? "virtio-scsi"
			 : h->boot_disk.transport == HANDOFF_VIRTIO_MODERN ? "modern"
									   : "legacy",
			 h->boot_disk.partition_number, h->boot_disk.partition_first_lba,
			 h->boot_disk.partition_last_lba);
	log_info("stage1 at %llx version %x from %s", h->stage1_base, h->stage1_version,
		 h->flags & HANDOFF_FLAG_STAGE1_BACKUP ? "STAGE1.BAK" : "STAGE1.BIN");
	if (h->flags & HANDOFF_FLAG_RUNTIME_PRESENT)
		log_info("runtime at %llx, %llu bytes", h->runtime_base, h->runtime_memory_size);
	else
		log_info("runtime absent");
	log_info("entry tables: ACPI RSDP %llx, SMBIOS %llx", h->acpi_rsdp, h->smbios_entry);
	log_info("pci: BAR sizes of %u functions", h->pci_function_count);
	for (UINT32 i = 0; i < h->pci_function_count && i < HANDOFF_MAX_PCI_FUNCTIONS; i++) {
		const struct handoff_pci_function *f = &h->pci_functions[i];

		log_info("pci %02x:%02x.%x flags %x sizes %llx %llx %llx %llx %llx %llx", f->bus,
			 f->device, f->function, f->bar_flags, f->bar_size[0], f->bar_size[1],
			 f->bar_size[2], f->bar_size[3], f->bar_size[4], f->bar_size[5]);
	}
	log_info("pci ecam %llx buses %u-%u", h->pci_ecam_base, h->pci_ecam_first_bus,
		 h->pci_ecam_last_bus);
	log_info("machine %s, tsc %llu Hz", h->flags & HANDOFF_FLAG_MACHINE_Q35 ? "q35" : "pc",
		 h->tsc_hz);
	for (int i = 1; i < HANDOFF_TS_COUNT; i++)
		log_info("timestamp %s +%llu us", ts_names[i],
			 h->tsc_hz ? (h->timestamps[i] - h->timestamps[0]) / (h->tsc_hz / 1000000)
				   : 0);
}

__attribute__((section(".text.entry"), noreturn)) void stage_entry(struct handoff *h)
{
	log_init(h && h->serial_port ? h->serial_port : SERIAL_COM1);
	if (!h || h->magic != HANDOFF_MAGIC || h->version != HANDOFF_VERSION ||
	    h->size != sizeof(*h)) {
		log_error("bad hand-off block at %p", h);
		probe_exit(3);
	}
	log_set_tsc_hz(h->tsc_hz);
	/* Read through volatile so the compiler cannot fold the comparison at build time. */
	if (*(const char *volatile *)&probe_marker_ptr != probe_marker) {
		log_error("relocations were not applied");
		probe_exit(3);
	}
	log_info("running at %p, %s", (void *)stage_entry, probe_marker_ptr);
	print_handoff(h);
	log_info("HANDOFF-PROBE-OK");
	probe_exit(0);
}
