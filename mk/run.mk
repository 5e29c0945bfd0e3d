# SPDX-License-Identifier: MIT
# `make run`: boot $(IMAGE) (default linux-uki) under Strata with the serial console in the terminal,
# and QEMU's window too when there is a display to show it on ($DISPLAY or $WAYLAND_DISPLAY set).
#
#   make run [IMAGE=linux-uki|grub|systemd-boot|selftest|hello|...] [ACCEL=kvm|tcg] [MACHINE=q35|pc]
#            [RUN_DISPLAY=yes|no]

# ACCEL empty: dist/strata-accel boots a test ROM under KVM and says why when it picks TCG.
ACCEL ?=
MACHINE ?= q35
RUN_MEMORY ?= 1024
RUN_DISPLAY ?= $(if $(DISPLAY)$(WAYLAND_DISPLAY),yes,no)

.PHONY: run run-image
run: deps
	$(Q)$(MAKE) --no-print-directory run-image

# The users' launcher (dist/strata-run) runs it: it asks dist/strata-accel for the accelerator
# and prints the QEMU command. --snapshot: the guest's writes never reach the image file, so every
# run starts the same.
run-image: $(BUILD)/stage0.rom $(IMAGE_FILE)
	@echo "Strata: booting $(IMAGE) ($(MACHINE)); quit QEMU with Ctrl-a x"
	$(Q)$(if $(ACCEL),STRATA_ACCEL=$(ACCEL)) STRATA_ROM=$(abspath $(BUILD)/stage0.rom) \
		dist/strata-run $(IMAGE_FILE) --snapshot --machine $(MACHINE) --memory $(RUN_MEMORY) \
		$(if $(filter yes,$(RUN_DISPLAY)),--display) -- -no-reboot
