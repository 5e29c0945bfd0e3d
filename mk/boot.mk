# SPDX-License-Identifier: MIT
# QEMU boot tests (pytest driving QEMU; KVM when dist/strata-accel finds it runs firmware, else TCG).

# Debian's pytest lives with Debian's python3; a python3 earlier on PATH may not have it.
PYTEST := /usr/bin/python3 -m pytest
PYTEST_FLAGS ?= -q -ra

# Boot tests are independent QEMU runs (each in its own tmp_path, ports picked free), so pytest-xdist
# runs one per core: TCG keeps a core busy per VM, and the suite is most of make check's time.
# BOOT_TEST_JOBS=1 runs them one at a time (clearer output when chasing a failure).
BOOT_TEST_JOBS ?= $(shell nproc)
BOOT_TEST_XDIST := $(if $(filter-out 0 1,$(BOOT_TEST_JOBS)),-n $(BOOT_TEST_JOBS))

BOOT_TEST_INPUTS := $(BUILD)/stage0.rom $(BUILD)/stage1.bin $(BUILD)/runtime.bin $(EFI_APPS) $(BUILD)/tests/handoff_probe.bin \
	$(BUILD)/tests/handoff_probe_runtime.bin $(MKIMAGE) $(IMAGES_FILES)
# The coreboot payload's tests (tests/boot/test_coreboot.py): the stand-in ROM and cbfstool.
BOOT_TEST_INPUTS += $(BUILD)/strata-pvh.elf $(COREBOOT_ROM) $(CBFSTOOL)
# Secure Boot's tests: the default key set's store, Debian's signed binaries, efitools, sbsigntool.
BOOT_TEST_INPUTS += $(SB_VARS) $(SB_FIXTURES)/.done

.PHONY: boot-tests
boot-tests: $(BOOT_TEST_INPUTS)
	$(call quiet,PYTEST,tests/boot)
	$(Q)STRATA_BUILD=$(BUILD) $(PYTEST) $(PYTEST_FLAGS) $(BOOT_TEST_XDIST) -p no:cacheprovider tests/boot
