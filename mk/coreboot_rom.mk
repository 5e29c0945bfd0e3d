# SPDX-License-Identifier: MIT
# The coreboot-shaped test ROM (tests/coreboot_rom, docs/coreboot.md): 64 KiB for QEMU's -bios that
# writes coreboot tables and starts build/strata-pvh.elf as coreboot starts a payload. 32-bit code.

COREBOOT_ROM := $(BUILD)/tests/coreboot_rom.bin
COREBOOT_ROM_OBJS := $(BUILD)/tests/coreboot_rom/entry.o $(BUILD)/tests/coreboot_rom/coreboot_rom.o
COREBOOT_ROM_CFLAGS := -std=c11 -m32 -march=i686 -Os -Wall -Wextra -Werror -ffreestanding \
	-fno-pic -fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fcf-protection=none -nostdinc -isystem $(shell $(CC) -print-file-name=include)

ALL_TARGETS += $(COREBOOT_ROM)

$(BUILD)/tests/coreboot_rom/coreboot_rom.o: tests/coreboot_rom/coreboot_rom.c
	$(call quiet,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(COREBOOT_ROM_CFLAGS) -c -o $@ $<

$(BUILD)/tests/coreboot_rom/entry.o: tests/coreboot_rom/entry.asm
	$(call quiet,NASM,$@)
	@mkdir -p $(dir $@)
	$(Q)$(NASM) -f elf32 -Werror -o $@ $<

$(COREBOOT_ROM): $(COREBOOT_ROM_OBJS) tests/coreboot_rom/coreboot_rom.ld
	$(call quiet,LD,$@)
	$(Q)$(LD) -m elf_i386 -nostdlib -static --no-warn-rwx-segments --build-id=none \
		-T tests/coreboot_rom/coreboot_rom.ld -o $(@:.bin=.elf) $(COREBOOT_ROM_OBJS)
	$(Q)$(OBJCOPY) -O binary --gap-fill 0xff $(@:.bin=.elf) $@
	$(Q)size=$$(stat -c %s $@); if [ $$size -ne 65536 ]; then \
		echo "$@ is $$size bytes, must be 65536"; rm -f $@; exit 1; fi
