# SPDX-License-Identifier: MIT
# Strata: one non-recursive Makefile; each part's sources and rules live in mk/<part>.mk.
#
#   make            build everything into build/
#   make check      build everything and run every test (unit, fuzz smoke, QEMU boot)
#   make run        build the default image and boot it under Strata on the serial console
#   make deps       install missing Debian packages (needs root; does nothing when all are present)
#   V=1             show the commands

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

include mk/config.mk
include mk/deps.mk
include mk/lib.mk
include mk/stage0.mk
include mk/mkimage.mk
include mk/probe.mk
include mk/unit.mk
include mk/boot.mk

.PHONY: all clean
all: $(ALL_TARGETS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
