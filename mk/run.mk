# SPDX-License-Identifier: MIT
# `make run`: boot $(IMAGE) (default linux-uki) under Strata with the serial console in the terminal.
#
#   make run [IMAGE=linux-uki|grub|systemd-boot|selftest|hello|...] [ACCEL=kvm|tcg] [MACHINE=q35|pc]

# ACCEL empty: dist/strata-accel boots a test ROM under KVM and says why when it picks TCG.
ACCEL ?=
MACHINE ?= q35
RUN_MEMORY ?= 1024

.PHONY: run run-image
run: deps
	$(Q)$(MAKE) --no-print-directory run-image

# snapshot=on: the guest's writes never reach the image file, so every run starts the same.
# KVM passes the host CPU through; under TCG "max" still offers RDRAND for EFI_RNG_PROTOCOL.
run-image: $(BUILD)/stage0.rom $(IMAGE_FILE)
	$(Q)accel=$(or $(ACCEL),$$(dist/strata-accel)) && cpu=max && \
		if [ "$$accel" = kvm ]; then cpu=host; fi && \
		echo "Strata: booting $(IMAGE) ($(MACHINE), $$accel); quit QEMU with Ctrl-a x" && \
		qemu-system-x86_64 -machine $(MACHINE),accel=$$accel -cpu $$cpu -m $(RUN_MEMORY) \
		-bios $(BUILD)/stage0.rom -nographic -no-reboot \
		-drive if=none,id=boot,format=raw,snapshot=on,file=$(IMAGE_FILE) \
		-device virtio-blk-pci,drive=boot
