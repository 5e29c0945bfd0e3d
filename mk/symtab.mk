# SPDX-License-Identifier: MIT
# The symbol tables stage0 and stage1 carry for their exception reports (lib/formats/exception.h).
# A stage links twice: with build/symtab/empty.o, then with build/symtab/<stage>.o generated from
# the first link's functions (mk/gen-symtab.sh); symtab_check makes sure no function moved.
# stage1 and the runtime carry theirs packed (mk/symtab_pack.py, lib/formats/symtab_packed.h):
# about a third of the bytes; stage0's stays plain, its flash packs it with the rest of its C part.

SYMTAB_GEN := mk/gen-symtab.sh
SYMTAB_PACK := mk/symtab_pack.py
SYMTAB_UNPACKED_MAX := $(shell awk '/^\#define SYMTAB_UNPACKED_MAX/ { print $$3 }' \
	lib/formats/symtab_packed.h)

$(BUILD)/symtab/empty.asm: $(SYMTAB_GEN)
	$(call quiet,GEN,$@)
	@mkdir -p $(dir $@)
	$(Q)$(SYMTAB_GEN) $@

$(BUILD)/symtab/%.asm: $(BUILD)/%.pass1.elf $(SYMTAB_GEN)
	$(call quiet,GEN,$@)
	@mkdir -p $(dir $@)
	$(Q)$(SYMTAB_GEN) $@ $<

$(BUILD)/symtab/stage1.asm $(BUILD)/symtab/runtime.asm: $(BUILD)/symtab/%.asm: $(BUILD)/%.pass1.elf \
		$(SYMTAB_PACK) mk/lz4pack.py lib/formats/symtab_packed.h
	$(call quiet,GEN,$@)
	@mkdir -p $(dir $@)
	$(Q)$(SYMTAB_PACK) $@ $< $(SYMTAB_UNPACKED_MAX)

$(BUILD)/symtab/%.o: $(BUILD)/symtab/%.asm
	$(call quiet,NASM,$@)
	$(Q)$(NASM) -f elf64 -Werror -o $@ $<

# $(call symtab_check,FIRST_ELF,SECOND_ELF): the same functions at the same addresses in both.
define symtab_check
	$(Q)nm -n --defined-only $(1) | grep -i ' [tw] ' > $(2).pass1.syms
	$(Q)nm -n --defined-only $(2) | grep -i ' [tw] ' > $(2).syms
	$(Q)cmp -s $(2).pass1.syms $(2).syms || { echo "$(2): functions moved between links"; \
		diff $(2).pass1.syms $(2).syms | head; rm -f $(2); exit 1; }
endef

# Kept for reading: which functions a stage's table holds.
.SECONDARY: $(BUILD)/symtab/empty.asm $(BUILD)/symtab/stage0.asm $(BUILD)/symtab/stage1.asm \
	$(BUILD)/symtab/runtime.asm
