# SPDX-License-Identifier: MIT
# The runtime blob (runtime/): a PIE linked on its own, checked after link, wrapped as RUNTIME.BIN.

RUNTIME_SRCS := runtime/entry.c runtime/services.c runtime/variables.c runtime/rtc.c \
	runtime/reset.c runtime/virtual_map.c runtime/flash_store.c runtime/languages.c
# The only lib/ code runtime may link: it keeps running after ExitBootServices, when lib/'s
# boot-time drivers (log, serial, printf, fw_cfg, ...) and their state may be gone.
RUNTIME_LIB_ALLOWED := lib/string.c lib/formats/elf_reloc.c lib/crc32.c lib/storage/var_store.c lib/storage/var_append.c \
	lib/drivers/cfi_flash.c
RUNTIME_OBJS := $(RUNTIME_SRCS:%.c=$(BUILD)/pie/%.o) $(RUNTIME_LIB_ALLOWED:%.c=$(BUILD)/pie/%.o)
# Bytes of body (code, data, relocations); the 64 KiB variable store is bss and not counted.
RUNTIME_BUDGET := 32768
RUNTIME_ALLOWED_OBJS := $(BUILD)/pie/runtime/%.o $(RUNTIME_LIB_ALLOWED:%.c=$(BUILD)/pie/%.o)

ALL_TARGETS += $(BUILD)/runtime.bin

# stage1's layout (one PT_LOAD from the ELF header on, .rela.dyn inside), split at a page into
# code and data (runtime/runtime.ld); the one segment is RWX on purpose (stage1 types the two
# halves, the OS maps them itself), hence no warning for it.
# Two links, as the stages: the second carries the first one's function table (mk/symtab.mk).
RUNTIME_LD = $(LD) $(FW_PIE_LDFLAGS) --no-warn-rwx-segments -T runtime/runtime.ld --entry=runtime_entry

$(BUILD)/runtime.pass1.elf: $(RUNTIME_OBJS) $(BUILD)/symtab/empty.o runtime/runtime.ld
	$(call quiet,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(RUNTIME_LD) -o $@ $(filter %.o,$^)

$(BUILD)/runtime.elf: $(RUNTIME_OBJS) $(BUILD)/symtab/runtime.o runtime/runtime.ld
	$(call quiet,LD,$@)
	$(Q)$(RUNTIME_LD) -o $@ $(filter %.o,$^)
	$(call symtab_check,$(BUILD)/runtime.pass1.elf,$@)

# Post-link checks: only runtime/ and allow-listed lib/ objects, nothing undefined, no
# relocation but R_X86_64_RELATIVE (the only kind stage0 and SetVirtualAddressMap apply), none
# in the code half (the Memory Attributes Table tells the OS it is read-only), and the size budget.
$(BUILD)/runtime.checked: $(BUILD)/runtime.elf $(RUNTIME_OBJS)
	$(call quiet,CHECK,$<)
	$(Q)bad='$(filter-out $(RUNTIME_ALLOWED_OBJS),$(RUNTIME_OBJS))'; \
		if [ -n "$$bad" ]; then echo "runtime links non-runtime objects: $$bad"; exit 1; fi
	$(Q)for f in $$(readelf -sW $< | awk '$$4 == "FILE" { print $$8 }'); do \
		case " $(notdir $(RUNTIME_SRCS) $(RUNTIME_LIB_ALLOWED)) $(BUILD)/symtab/runtime.asm " in *" $$f "*) ;; \
		*) echo "runtime.elf holds code from $$f, not allow-listed"; exit 1;; esac; done
	$(Q)undef=$$(nm -u $<); if [ -n "$$undef" ]; then \
		echo "runtime.elf has undefined symbols:"; echo "$$undef"; exit 1; fi
	$(Q)relocs=$$(readelf -rW $< | awk '$$3 ~ /^R_X86_64_/ && $$3 != "R_X86_64_RELATIVE"'); \
		if [ -n "$$relocs" ]; then \
		echo "runtime.elf has relocations other than R_X86_64_RELATIVE:"; \
		echo "$$relocs"; exit 1; fi
	$(Q)split=$$(nm $< | awk '$$3 == "__runtime_data_start" { print $$1 }'); \
		low=$$(readelf -rW $< | awk -v s=$$split '$$3 == "R_X86_64_RELATIVE" && \
		($$1 "") < (s "") { print $$1 }'); if [ -z "$$split" ] || [ -n "$$low" ]; then \
		echo "runtime.elf: relocations below __runtime_data_start $$split: $$low"; exit 1; fi
	$(Q)body=$$(readelf -lW $< | awk '$$1 == "LOAD" { print $$5 }'); body=$$(( body )); \
		mem=$$(readelf -lW $< | awk '$$1 == "LOAD" { print $$6 }'); mem=$$(( mem )); \
		if [ $$body -gt $(RUNTIME_BUDGET) ]; then \
		echo "runtime body: $$body bytes, over its $(RUNTIME_BUDGET)"; exit 1; fi; \
		echo "  SIZE    runtime: $$body of $(RUNTIME_BUDGET) bytes of body, $$mem in memory"
	$(Q)touch $@

$(BUILD)/runtime.bin: $(BUILD)/runtime.elf $(BUILD)/runtime.checked $(MKIMAGE)
	$(call stage_wrap,runtime,$<,$@)
