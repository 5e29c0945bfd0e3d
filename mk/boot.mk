# SPDX-License-Identifier: MIT
# QEMU boot tests (pytest driving QEMU; KVM when dist/strata-accel finds it runs firmware, else TCG).

# Debian's pytest lives with Debian's python3; a python3 earlier on PATH may not have it.
PYTEST := /usr/bin/python3 -m pytest
PYTEST_FLAGS ?= -q -ra

BOOT_TEST_INPUTS := $(BUILD)/stage0.rom $(BUILD)/stage1.bin $(BUILD)/runtime.bin $(EFI_APPS) $(BUILD)/tests/handoff_probe.bin \
	$(BUILD)/tests/handoff_probe_runtime.bin $(MKIMAGE) $(IMAGES_FILES)

.PHONY: boot-tests
boot-tests: $(BOOT_TEST_INPUTS)
	$(call quiet,PYTEST,tests/boot)
	$(Q)STRATA_BUILD=$(BUILD) $(PYTEST) $(PYTEST_FLAGS) -p no:cacheprovider tests/boot
