# SPDX-License-Identifier: MIT
# `make debug`: boot $(IMAGE) under Strata with QEMU stopped at reset and its gdbstub listening,
# and GDB with the helper gdb/strata_gdb.py (docs/debugging.md).
#
#   make debug [IMAGE=linux-uki|...] [DEBUG_ACCEL=tcg|kvm] [DEBUG_PORT=1234]
#
# The serial console goes to $(BUILD)/debug/serial.log (`tail -f` it in another terminal); QEMU
# ends with GDB.

DEBUG_PORT ?= 1234
# TCG unless asked: its gdbstub breakpoints work on any address space, KVM's need care.
DEBUG_ACCEL ?= tcg
DEBUG_CPU := $(if $(filter kvm,$(DEBUG_ACCEL)),host,max)
DEBUG_MACHINE ?= q35
DEBUG_MEMORY ?= 1024
DEBUG_DIR := $(BUILD)/debug
GDB_HELPER := gdb/strata_gdb.py
DEBUG_ELFS := $(BUILD)/stage0.elf $(BUILD)/stage1.elf $(BUILD)/runtime.elf

DEB_PACKAGES += gdb

.PHONY: debug
debug: $(BUILD)/stage0.rom $(BUILD)/stage1.bin $(BUILD)/runtime.bin $(IMAGE_FILE)
	@mkdir -p $(DEBUG_DIR)
	@echo "Strata: $(IMAGE) stopped at reset, gdbstub on :$(DEBUG_PORT);" \
		"serial console in $(DEBUG_DIR)/serial.log"
	$(Q)qemu-system-x86_64 -machine $(DEBUG_MACHINE),accel=$(DEBUG_ACCEL) -cpu $(DEBUG_CPU) \
		-m $(DEBUG_MEMORY) \
		-bios $(BUILD)/stage0.rom -display none -no-reboot -monitor none \
		-serial file:$(DEBUG_DIR)/serial.log -gdb tcp:127.0.0.1:$(DEBUG_PORT) -S \
		-drive if=none,id=boot,format=raw,snapshot=on,file=$(IMAGE_FILE) \
		-device virtio-blk-pci,drive=boot & qemu=$$!; \
	gdb -q -ex 'set pagination off' -ex 'source $(GDB_HELPER)' -ex 'strata-symbols $(BUILD)' \
		-ex 'target remote 127.0.0.1:$(DEBUG_PORT)'; \
	kill $$qemu 2>/dev/null; wait $$qemu 2>/dev/null; true

# Installed beside the firmware for debugging an installed copy (not in the release tarball).
install: install-debug
.PHONY: install-debug
install-debug: $(DEBUG_ELFS)
	$(Q)install -d -m 0755 $(DESTDIR)$(PREFIX)/share/strata/debug
	$(Q)install -m 0644 $(GDB_HELPER) $(DEBUG_ELFS) $(DESTDIR)$(PREFIX)/share/strata/debug/
