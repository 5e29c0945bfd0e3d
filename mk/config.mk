# SPDX-License-Identifier: MIT
# Toolchains, flags and the quiet-build helpers shared by every part.

BUILD ?= build
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)
STRATA_VERSION_CODE := 0x000100	# major << 16 | minor << 8 | patch

CC := gcc
LD := ld
NASM := nasm
OBJCOPY := objcopy
HOST_CC := gcc
FUZZ_CC := clang

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-7s %s\n' $(1) $(2)
endif

# Warnings are errors everywhere; the firmware and the host compile the same lib/ files.
WARN_FLAGS := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wstrict-prototypes -Wvla -Wshadow

# Firmware code: no libc, no red zone (interrupts and our own handlers may use the stack below
# rsp), no SSE (nothing saves those registers for us), no stack protector (no TLS canary exists),
# sections split so the linker drops what a stage does not call. Frame pointers kept for the
# exception report's backtrace (about 0.5 KiB of stage0's code, 2.5 KiB of stage1's).
FW_CFLAGS := -std=c11 -O2 -g $(WARN_FLAGS) -I. \
	-ffreestanding -fno-stack-protector -fno-stack-clash-protection -mno-red-zone \
	-mgeneral-regs-only -fshort-wchar -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-ffunction-sections -fdata-sections -fno-common -fno-strict-aliasing \
	-fcf-protection=none -fno-jump-tables -fno-omit-frame-pointer \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-DSTRATA_VERSION='"$(VERSION)"' -DSTRATA_VERSION_CODE=$(STRATA_VERSION_CODE)

# VERBOSE=1: firmware logs debug lines too (the level is fixed at build time).
ifeq ($(VERBOSE),1)
FW_CFLAGS += -DLOG_LEVEL=3
endif

# stage0 runs at fixed addresses below 2 GiB and is optimised for size: it must fit 64 KiB of flash
# with every disk driver, and -Os costs it no measurable boot time (its one hot loop, SHA-256 of the
# stages, is a few milliseconds either way under TCG). stage1, the runtime and the probe are PIE so any
# loader (stage0, SetVirtualAddressMap) can place them. Hidden visibility keeps every internal
# reference PC-relative: the only dynamic relocations left are R_X86_64_RELATIVE.
FW_FIXED_CFLAGS := $(FW_CFLAGS) -Os -fno-pic -mcmodel=small
FW_PIE_CFLAGS := $(FW_CFLAGS) -Os -fpie -fvisibility=hidden
# The few loops a boot spends its CPU time in keep -O2: copies and SHA-256 (stage images,
# Authenticode hashes of whole kernels).
$(BUILD)/pie/lib/string.o $(BUILD)/pie/lib/sha256.o: FW_PIE_CFLAGS += -O2
FW_PIE_LDFLAGS := -nostdlib -pie --no-warn-rwx-segments --no-dynamic-linker -z text -z noexecstack -z max-page-size=4096 \
	--gc-sections --no-undefined --build-id=none

HOST_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -O1 -g $(WARN_FLAGS) -I. -DSTRATA_HOST=1 \
	-DSTRATA_VERSION='"$(VERSION)"' -DSTRATA_VERSION_CODE=$(STRATA_VERSION_CODE)

# Object rules, one per flavour: build/fixed/ (stage0), build/pie/ (stage1, runtime, probe),
# build/host/ (unit tests, mkimage).
$(BUILD)/fixed/%.o: %.c
	$(call quiet,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_FIXED_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/pie/%.o: %.c
	$(call quiet,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_PIE_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/%.o: %.c
	$(call quiet,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fixed/%.o: %.asm
	$(call quiet,NASM,$@)
	@mkdir -p $(dir $@)
	$(Q)$(NASM) -f elf64 -Werror -MD $(@:.o=.d) -MP -o $@ $<

$(BUILD)/pie/%.o: %.asm
	$(call quiet,NASM,$@)
	@mkdir -p $(dir $@)
	$(Q)$(NASM) -f elf64 -Werror -MD $(@:.o=.d) -MP -o $@ $<
