# SPDX-License-Identifier: MIT
# stage1: the UEFI environment, a PIE stage image loaded by stage0 from /STRATA/STAGE1.BIN.

# One list per wing: the boot-services core, protocols on handles, QEMU's platform tables, and
# the boot manager with what it starts.
STAGE1_CORE := stage1/core/memory.c stage1/core/paging.c stage1/core/pool.c \
	stage1/core/handles.c stage1/core/open_protocol.c stage1/core/events.c \
	stage1/core/system_table.c stage1/core/image.c stage1/core/exit_boot_services.c \
	stage1/core/runtime.c stage1/core/exception.c stage1/core/debug_image.c \
	stage1/core/driver_binding.c
# Secure Boot's image check (docs/secure-boot.md): lib/crypto over mbedTLS's archive (mk/mbedtls.mk).
STAGE1_CORE += stage1/core/security.c stage1/core/auth_vars.c
STAGE1_PROTOCOLS := stage1/protocols/console.c stage1/protocols/device_path.c \
	stage1/protocols/disk.c stage1/protocols/disk_controllers.c stage1/protocols/partitions.c \
	stage1/protocols/filesystem.c \
	stage1/protocols/file_write.c stage1/protocols/rng.c stage1/protocols/load_file2.c \
	stage1/protocols/file_load.c stage1/protocols/gop.c \
	stage1/protocols/text_gop.c stage1/protocols/console_splitter.c \
	stage1/protocols/hii.c stage1/protocols/unicode_collation.c \
	stage1/protocols/pci_root_bridge_io.c stage1/protocols/pci_io.c
STAGE1_PLATFORM := stage1/platform/acpi.c stage1/platform/smbios.c
STAGE1_BOOT := stage1/boot/boot_manager.c stage1/boot/boot_image.c stage1/boot/bls.c \
	stage1/boot/linux_loader.c stage1/boot/boot_menu.c
# Safe stage1 updates (docs/updating.md).
STAGE1_CORE += stage1/core/boot_status.c
STAGE1_BOOT += stage1/boot/stage1_update.c
# SetWatchdogTimer, on the timer interrupt (docs/boot-services.md).
STAGE1_CORE += stage1/core/watchdog_timer.c
# EFI drivers from PCI option ROMs (docs/uefi-shell.md).
STAGE1_PROTOCOLS += stage1/protocols/option_rom.c
# EFI_MEMORY_ATTRIBUTE_PROTOCOL and the Memory Attributes Table (docs/boot-services.md).
STAGE1_CORE += stage1/core/memory_attribute.c stage1/core/memory_attributes_table.c
STAGE1_SRCS := stage1/main.c $(STAGE1_CORE) $(STAGE1_PROTOCOLS) $(STAGE1_PLATFORM) \
	$(STAGE1_BOOT) $(LIB_PURE) $(LIB_DRIVERS) lib/drivers/cfi_flash.c lib/drivers/lapic.c \
	$(LIB_CRYPTO)
STAGE1_OBJS := $(BUILD)/pie/stage1/core/cpu.o $(sort $(STAGE1_SRCS:%.c=$(BUILD)/pie/%.o)) \
	$(FONT_OBJ)
# Budget for the stage1 image body; the build fails beyond it.
STAGE1_MAX_SIZE := 262144

ALL_TARGETS += $(BUILD)/stage1.bin

# Relative relocations packed (.relr.dyn, 88 bytes instead of 7 KiB of RELA): stage1 applies them
# itself at entry (stage1/main.c), so stage0 and the stage image format stay as they are.
STAGE1_LDFLAGS := $(FW_PIE_LDFLAGS) -z pack-relative-relocs

# Two links: the first with an empty symbol table, the second with the first's functions in it.
# The table sits after the code and data, so no function moves; the build checks that.
$(BUILD)/stage1.pass1.elf: $(STAGE1_OBJS) $(MBEDTLS_PIE_LIB) $(BUILD)/symtab/empty.o stage1/stage1.ld
	$(call quiet,LD,$@)
	$(Q)$(LD) $(STAGE1_LDFLAGS) -T stage1/stage1.ld -o $@ $(STAGE1_OBJS) $(BUILD)/symtab/empty.o \
		$(MBEDTLS_PIE_LIB)

$(BUILD)/stage1.elf: $(STAGE1_OBJS) $(MBEDTLS_PIE_LIB) $(BUILD)/symtab/stage1.o stage1/stage1.ld
	$(call quiet,LD,$@)
	$(Q)$(LD) $(STAGE1_LDFLAGS) -T stage1/stage1.ld -o $@ $(STAGE1_OBJS) $(BUILD)/symtab/stage1.o \
		$(MBEDTLS_PIE_LIB)
	$(call symtab_check,$(BUILD)/stage1.pass1.elf,$@)

$(BUILD)/stage1.bin: $(BUILD)/stage1.elf $(MKIMAGE)
	$(call stage_wrap,stage1,$<,$@)
	$(Q)size=$$(stat -c %s $@); if [ $$size -gt $(STAGE1_MAX_SIZE) ]; then \
		echo "stage1.bin is $$size bytes, over its $(STAGE1_MAX_SIZE)-byte budget"; \
		rm -f $@; exit 1; fi; echo "  SIZE    stage1.bin: $$size bytes"
