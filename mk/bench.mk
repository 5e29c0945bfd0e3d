# SPDX-License-Identifier: MIT
# bench: Strata against OVMF, side by side (bench/strata_bench.py; bench/README.md says what).
#
#   make bench                 every row; report in build/bench/report.{md,json}, table printed
#   make bench BENCH_RUNS=3    runs per firmware (default 5; Linux rows at most 3 under TCG)
#   make bench BENCH_IMAGES=   do not build the Linux images; rows of missing ones are skipped
#   make bench-test            the driver in quick mode under pytest (no timing assertions)
#
# Include after mk/efi-apps.mk and mk/images.mk: their variables name what bench needs.

BENCH_DIR := $(BUILD)/bench
BENCH_PYTHON ?= /usr/bin/python3
READBENCH_EFI := $(EFI_APPS_DIR)/readbench.efi
VARBENCH_EFI := $(EFI_APPS_DIR)/varbench.efi
LOADBENCH_EFI := $(EFI_APPS_DIR)/loadbench.efi
ALL_TARGETS += $(READBENCH_EFI) $(VARBENCH_EFI) $(LOADBENCH_EFI)

BENCH_FIRMWARE := $(BUILD)/stage0.rom $(BUILD)/strata-pvh.elf $(COREBOOT_ROM) $(BUILD)/stage1.bin $(BUILD)/runtime.bin \
	$(MKIMAGE)
BENCH_APPS := $(EFI_APPS_DIR)/exit-on-entry.efi $(READBENCH_EFI) $(VARBENCH_EFI) $(LOADBENCH_EFI)
# The secureboot rows sign the UKI and make .auth files with the unit tests' efitools and sbsign.
BENCH_APPS += $(SB_FIXTURES)/.done
# The variables row boots Strata from pflash with a fresh copy of the NVRAM template.
BENCH_FIRMWARE += $(BUILD)/strata-vars.fd
BENCH_IMAGES ?= $(if $(IMAGES_BUILD),$(addprefix $(IMAGES_BUILD)/, \
	linux-uki.img grub.img systemd-boot.img))
BENCH_ARGS := --out $(BENCH_DIR) $(if $(BENCH_RUNS),--runs $(BENCH_RUNS))

.PHONY: bench bench-test
efi-apps: $(READBENCH_EFI) $(VARBENCH_EFI) $(LOADBENCH_EFI)

bench: $(BENCH_FIRMWARE) $(BENCH_APPS) $(BENCH_IMAGES)
	$(call quiet,BENCH,$(BENCH_DIR)/report.md)
	$(Q)STRATA_BUILD=$(BUILD) $(BENCH_PYTHON) bench/strata_bench.py $(BENCH_ARGS)

bench-test: $(BENCH_FIRMWARE) $(EFI_APPS_DIR)/exit-on-entry.efi
	$(call quiet,PYTEST,tests/bench)
	$(Q)STRATA_BUILD=$(BUILD) $(BENCH_PYTHON) -m pytest -q -ra -p no:cacheprovider tests/bench
