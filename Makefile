# SPDX-License-Identifier: MIT
# Strata: one non-recursive Makefile; each part's sources and rules live in mk/<part>.mk.
#
#   make            build everything into build/
#   make check      build everything and run every test (unit, fuzz smoke, QEMU boot)
#   make run        build the default image and boot it under Strata on the serial console
#   make deps       install missing Debian packages (needs root; does nothing when all are present)
#   make dist       release tarball; make install PREFIX=... DESTDIR=... installs the same files
#   V=1             show the commands

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

include mk/config.mk
include mk/deps.mk
include mk/mbedtls.mk
include mk/lib.mk
include mk/mkimage.mk
include mk/runtime.mk
include mk/symtab.mk
include mk/stage0.mk
include mk/font.mk
include mk/stage1.mk
include mk/probe.mk
include mk/coreboot_rom.mk
include mk/efi-apps.mk
include mk/images.mk
include mk/secure_boot_keys.mk
include mk/bench.mk
include mk/run.mk
include mk/unit.mk
include mk/unit-runtime.mk
include mk/boot.mk
include mk/dist.mk
include mk/debug.mk
include mk/layout.mk

.PHONY: all clean check check-all
all: $(ALL_TARGETS)

# Every test, after the Debian packages are in place. deps runs alone first so no rule of the
# test run starts before the tools it needs exist. The KVM probe (dist/strata-accel) runs once
# here; every QEMU test of the run then takes its answer from STRATA_ACCEL.
CHECK_TARGETS := layout-check accel-tests unit-tests mkimage-tests fuzz-smoke efi-apps-tests boot-tests images-tests \
	dist-tests bench-test
check: deps
	$(Q)accel=$(or $(ACCEL),$$(dist/strata-accel)) && echo "  ACCEL   $$accel for QEMU tests" && \
		STRATA_ACCEL=$$accel $(MAKE) --no-print-directory check-all

check-all: all $(CHECK_TARGETS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -type f -name '*.d' -not -path '$(BUILD)/images/*' 2>/dev/null)
