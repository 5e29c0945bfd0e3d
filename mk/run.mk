# SPDX-License-Identifier: MIT
# `make run`: boot $(IMAGE) (default linux-uki) under Strata with the serial console in the terminal,
# and QEMU's window too when there is a display to show it on ($DISPLAY or $WAYLAND_DISPLAY set).
#
#   make run [IMAGE=linux-uki|grub|systemd-boot|selftest|hello|...] [ACCEL=kvm|tcg] [MACHINE=q35|pc]
#            [RUN_DISPLAY=yes|no] [SECURE_BOOT=1]
#
# SECURE_BOOT=1: a fresh copy of build/strata-vars-secure-boot.fd (the default keys, enrolled:
# docs/secure-boot.md) on pflash unit 1, so only images signed for Microsoft's or Debian's CA run.

# ACCEL empty: dist/strata-accel boots a test ROM under KVM and says why when it picks TCG.
ACCEL ?=
MACHINE ?= q35
RUN_MEMORY ?= 1024
RUN_DISPLAY ?= $(if $(DISPLAY)$(WAYLAND_DISPLAY),yes,no)
SECURE_BOOT ?=
RUN_VARS := $(if $(filter 1,$(SECURE_BOOT)),$(BUILD)/run-vars-secure-boot.fd)

.PHONY: run run-image
run: deps
	$(Q)$(MAKE) --no-print-directory run-image

# The users' launcher (dist/strata-run) runs it: it asks dist/strata-accel for the accelerator
# and prints the QEMU command. --snapshot: the guest's writes never reach the image file, so every
# run starts the same.
run-image: $(BUILD)/stage0.rom $(IMAGE_FILE) $(if $(RUN_VARS),$(SB_VARS))
	@echo "Strata: booting $(IMAGE) ($(MACHINE)); quit QEMU with Ctrl-a x"
	$(if $(RUN_VARS),$(Q)cp $(SB_VARS) $(RUN_VARS))
	$(Q)$(if $(ACCEL),STRATA_ACCEL=$(ACCEL)) STRATA_ROM=$(abspath $(BUILD)/stage0.rom) \
		dist/strata-run $(IMAGE_FILE) --snapshot --machine $(MACHINE) --memory $(RUN_MEMORY) \
		$(if $(filter yes,$(RUN_DISPLAY)),--display) $(if $(RUN_VARS),--vars $(RUN_VARS)) \
		-- -no-reboot
