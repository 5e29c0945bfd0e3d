# SPDX-License-Identifier: MIT
# The hand-off probe: a test stand-in for stage1 (tests/handoff_probe), linked and wrapped as stage1 is.

PROBE_SRCS := tests/handoff_probe/probe.c lib/log.c lib/printf.c lib/drivers/serial.c lib/string.c
PROBE_OBJS := $(PROBE_SRCS:%.c=$(BUILD)/pie/%.o)

ALL_TARGETS += $(BUILD)/tests/handoff_probe.bin

$(BUILD)/tests/handoff_probe.elf: $(PROBE_OBJS) stage1/stage1.ld
	$(call quiet,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(LD) $(FW_PIE_LDFLAGS) -T stage1/stage1.ld -o $@ $(PROBE_OBJS)

$(BUILD)/tests/handoff_probe.bin: $(BUILD)/tests/handoff_probe.elf $(MKIMAGE)
	$(call stage_wrap,stage1,$<,$@)

# The same probe wrapped as a runtime-kind image, so boot tests exercise the runtime loader.
ALL_TARGETS += $(BUILD)/tests/handoff_probe_runtime.bin
$(BUILD)/tests/handoff_probe_runtime.bin: $(BUILD)/tests/handoff_probe.elf $(MKIMAGE)
	$(call stage_wrap,runtime,$<,$@)
