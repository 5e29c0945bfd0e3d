# SPDX-License-Identifier: MIT
# efi-apps: EFI applications built with Debian's gnu-efi, so they judge our EFI ABI by its headers.

GNUEFI_INC := /usr/include/efi
GNUEFI_LIB := /usr/lib
EFI_APPS_DIR := $(BUILD)/efi-apps

# gnu-efi's own conventions, not the firmware's block in config.mk: -fpic because crt0's _relocate
# applies the image's RELATIVE relocations itself; GNU_EFI_USE_MS_ABI makes EFIAPI ms_abi so
# services are called directly with type checking (uefi_call_wrapper becomes a plain call);
# -maccumulate-outgoing-args is what gnu-efi requires next to ms_abi calls; no red zone because
# firmware interrupts run on our stack. -nostdinc keeps host libc headers out.
EFI_APP_CFLAGS := -std=gnu11 -O2 -g $(WARN_FLAGS) -I. -I$(GNUEFI_INC) -I$(GNUEFI_INC)/x86_64 \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-DGNU_EFI_USE_MS_ABI -fpic -fshort-wchar -ffreestanding -fno-stack-protector \
	-fno-stack-check -fno-strict-aliasing -mno-red-zone -maccumulate-outgoing-args \
	-fcf-protection=none
# gnu-efi's headers declare interfaces with empty parameter lists (EFI_FUNCTION_WRAPPER era).
EFI_APP_CFLAGS += -Wno-strict-prototypes

EFI_APP_LDFLAGS := -nostdlib -shared -Bsymbolic -znocombreloc -z noexecstack --no-undefined \
	--build-id=none -T $(GNUEFI_LIB)/elf_x86_64_efi.lds
EFI_APP_LIBS := $(GNUEFI_LIB)/crt0-efi-x86_64.o
EFI_APP_LIBS_TAIL := $(GNUEFI_LIB)/libefi.a $(GNUEFI_LIB)/libgnuefi.a

EFI_APP_SECTIONS := -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym -j .rel \
	-j .rela -j .rel.* -j .rela.* -j .reloc

SELFTEST_SRCS := $(addprefix efi-apps/selftest/,main.c report.c clock.c helpers.c system_table.c \
	memory.c memory_map.c events.c timers.c protocols.c open_protocol.c images.c filesystem.c \
	file_write.c \
	block_io.c runtime.c variables.c config_tables.c console.c shell_protocols.c \
	device_paths.c global_variables.c boot_services.c pci_io.c memory_attributes.c)
HELLO_SRCS := efi-apps/hello/hello.c
CHILD_SRCS := efi-apps/selftest-child/child.c
EXIT_ON_ENTRY_SRCS := efi-apps/exit-on-entry/exit_on_entry.c
GOP_PATTERN_SRCS := efi-apps/gop-pattern/gop_pattern.c

EFI_APPS := $(addprefix $(EFI_APPS_DIR)/,selftest.efi selftest-child.efi hello.efi \
	exit-on-entry.efi gop-pattern.efi varcount.efi console-text.efi keys.efi)
ALL_TARGETS += $(EFI_APPS)

$(BUILD)/efi/%.o: %.c
	$(call quiet,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(EFI_APP_CFLAGS) -MMD -MP -c $< -o $@

# One link + objcopy rule per app; $(1) is the app name, $(2) its sources, $(3) extra ld flags.
define efi_app_rules
$(EFI_APPS_DIR)/$(1).so: $(2:%.c=$(BUILD)/efi/%.o)
	$$(call quiet,LD,$$@)
	@mkdir -p $$(dir $$@)
	$(Q)$(LD) $(EFI_APP_LDFLAGS) $(3) -o $$@ $(EFI_APP_LIBS) $$^ $(EFI_APP_LIBS_TAIL)

$(EFI_APPS_DIR)/$(1).efi: $(EFI_APPS_DIR)/$(1).so
	$$(call quiet,OBJCOPY,$$@)
	$(Q)$(OBJCOPY) $(EFI_APP_SECTIONS) --target efi-app-x86_64 --subsystem=10 $$< $$@
endef

$(eval $(call efi_app_rules,selftest,$(SELFTEST_SRCS)))
$(eval $(call efi_app_rules,selftest-child,$(CHILD_SRCS)))
$(eval $(call efi_app_rules,hello,$(HELLO_SRCS)))
$(eval $(call efi_app_rules,gop-pattern,$(GOP_PATTERN_SRCS)))
$(eval $(call efi_app_rules,varcount,efi-apps/varcount/varcount.c))
$(eval $(call efi_app_rules,console-text,efi-apps/console-text/console_text.c))
$(eval $(call efi_app_rules,keys,efi-apps/keys/keys.c))
# exit-on-entry's entry point is its own, ahead of crt0's _start (see its source).
$(eval $(call efi_app_rules,exit-on-entry,$(EXIT_ON_ENTRY_SRCS),-e exit_on_entry_start))
$(eval $(call efi_app_rules,readbench,$(addprefix efi-apps/readbench/,readbench.c clock.c write.c)))
$(eval $(call efi_app_rules,varbench,efi-apps/varbench/varbench.c efi-apps/readbench/clock.c))
$(eval $(call efi_app_rules,loadbench,efi-apps/loadbench/loadbench.c efi-apps/readbench/clock.c))

PYTEST ?= /usr/bin/python3 -m pytest
PYTEST_FLAGS ?= -q -ra

.PHONY: efi-apps efi-apps-tests
efi-apps: $(EFI_APPS)

efi-apps-tests: $(EFI_APPS)
	$(call quiet,PYTEST,tests/efi-apps)
	$(Q)STRATA_BUILD=$(BUILD) $(PYTEST) $(PYTEST_FLAGS) -p no:cacheprovider tests/efi-apps
# varinfo: QueryVariableInfo around a write (tests/boot/test_variables_flash.py).
ALL_TARGETS += $(EFI_APPS_DIR)/varinfo.efi
$(eval $(call efi_app_rules,varinfo,efi-apps/varinfo/varinfo.c))
# authvars: authenticated SetVariable from .auth files (tests/boot/test_auth_variables.py).
ALL_TARGETS += $(EFI_APPS_DIR)/authvars.efi
$(eval $(call efi_app_rules,authvars,efi-apps/authvars/authvars.c))
