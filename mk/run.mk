# SPDX-License-Identifier: MIT
# `make run`: boot $(IMAGE) (default linux-uki) under Strata with the serial console in the terminal.
#
#   make run [IMAGE=linux-uki|grub|systemd-boot|selftest|hello|...] [ACCEL=kvm|tcg] [MACHINE=q35|pc]

ACCEL ?= $(shell [ -r /dev/kvm ] && [ -w /dev/kvm ] && echo kvm || echo tcg)
MACHINE ?= q35
RUN_MEMORY ?= 1024
# KVM passes the host CPU through; under TCG "max" still offers RDRAND for EFI_RNG_PROTOCOL.
RUN_CPU := $(if $(filter kvm,$(ACCEL)),host,max)

.PHONY: run run-image
run: deps
	$(Q)$(MAKE) --no-print-directory run-image

# snapshot=on: the guest's writes never reach the image file, so every run starts the same.
run-image: $(BUILD)/stage0.rom $(IMAGE_FILE)
	@echo "Strata: booting $(IMAGE) ($(MACHINE), $(ACCEL)); quit QEMU with Ctrl-a x"
	$(Q)qemu-system-x86_64 -machine $(MACHINE),accel=$(ACCEL) -cpu $(RUN_CPU) -m $(RUN_MEMORY) \
		-bios $(BUILD)/stage0.rom -nographic -no-reboot \
		-drive if=none,id=boot,format=raw,snapshot=on,file=$(IMAGE_FILE) \
		-device virtio-blk-pci,drive=boot
