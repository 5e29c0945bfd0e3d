# SPDX-License-Identifier: MIT
# stage1: the UEFI environment, a PIE stage image loaded by stage0 from /STRATA/STAGE1.BIN.

# Core services, then the parts main() calls into (storage, tables, runtime glue).
STAGE1_SRCS := stage1/main.c stage1/memory.c stage1/paging.c stage1/pool.c stage1/handles.c \
	stage1/open_protocol.c stage1/events.c stage1/system_table.c stage1/console.c \
	stage1/image.c stage1/exit_boot_services.c stage1/boot_manager.c stage1/device_path.c \
	stage1/disk.c stage1/filesystem.c stage1/file_load.c stage1/acpi.c stage1/smbios.c \
	stage1/rng.c stage1/runtime.c stage1/bls.c stage1/linux_loader.c stage1/load_file2.c \
	$(LIB_PURE) $(LIB_DRIVERS)
STAGE1_OBJS := $(BUILD)/pie/stage1/cpu.o $(sort $(STAGE1_SRCS:%.c=$(BUILD)/pie/%.o))
# Budget for the stage1 image body; the build fails beyond it.
STAGE1_MAX_SIZE := 262144

ALL_TARGETS += $(BUILD)/stage1.bin

$(BUILD)/stage1.elf: $(STAGE1_OBJS) stage1/stage1.ld
	$(call quiet,LD,$@)
	$(Q)$(LD) $(FW_PIE_LDFLAGS) -T stage1/stage1.ld -o $@ $(STAGE1_OBJS)

$(BUILD)/stage1.bin: $(BUILD)/stage1.elf $(MKIMAGE)
	$(call stage_wrap,stage1,$<,$@)
	$(Q)size=$$(stat -c %s $@); if [ $$size -gt $(STAGE1_MAX_SIZE) ]; then \
		echo "stage1.bin is $$size bytes, over its $(STAGE1_MAX_SIZE)-byte budget"; \
		rm -f $@; exit 1; fi; echo "  SIZE    stage1.bin: $$size bytes"
