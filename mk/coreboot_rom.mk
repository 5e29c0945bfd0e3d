# SPDX-License-Identifier: MIT
# The coreboot-shaped test ROM (tests/coreboot_rom, docs/coreboot.md): 64 KiB for QEMU's -bios that
# writes coreboot tables and starts build/strata-pvh.elf as coreboot starts a payload. 32-bit code.

COREBOOT_ROM := $(BUILD)/tests/coreboot_rom.bin
COREBOOT_ROM_OBJS := $(BUILD)/tests/coreboot_rom/entry.o $(BUILD)/tests/coreboot_rom/coreboot_rom.o
COREBOOT_ROM_CFLAGS := -std=c11 -m32 -march=i686 -Os -Wall -Wextra -Werror -ffreestanding \
	-fno-pic -fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fcf-protection=none --param=min-pagesize=0 -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include)

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

# Debian's cbfstool (coreboot-utils), for the test that adds the payload to a CBFS as a coreboot
# build does: apt-get download into a cache, version and SHA-256 checked, unpacked, never installed.
CBFSTOOL_DEB_NAME := coreboot-utils
CBFSTOOL_DEB_VERSION := 4.15~dfsg-3
CBFSTOOL_DEB_SHA256 := a3f6698363128f91d8613242b31499bb597560e3db8f5f56642ae6a55b0d8a5e
CBFSTOOL_DIR := $(BUILD)/cbfstool
CBFSTOOL_DEB := $(CBFSTOOL_DIR)/$(CBFSTOOL_DEB_NAME).deb
CBFSTOOL := $(CBFSTOOL_DIR)/cbfstool

$(CBFSTOOL_DEB):
	$(call quiet,FETCH,$@)
	@mkdir -p $(CBFSTOOL_DIR)
	$(Q)cd $(CBFSTOOL_DIR) && rm -f $(CBFSTOOL_DEB_NAME)_*.deb && \
	{ apt-get download -q $(CBFSTOOL_DEB_NAME)=$(CBFSTOOL_DEB_VERSION) >.apt.log 2>&1 || \
	  { apt-get update -q >>.apt.log 2>&1 && \
	    apt-get download -q $(CBFSTOOL_DEB_NAME)=$(CBFSTOOL_DEB_VERSION) >>.apt.log 2>&1; } || \
	  { cat .apt.log; echo "cbfstool: apt-get download $(CBFSTOOL_DEB_NAME) failed"; exit 1; }; } && \
	mv $(CBFSTOOL_DEB_NAME)_*.deb $(notdir $@)
	$(Q)echo "$(CBFSTOOL_DEB_SHA256)  $@" | sha256sum -c --quiet - || \
		{ echo "cbfstool: $@ is not the checked $(CBFSTOOL_DEB_NAME) $(CBFSTOOL_DEB_VERSION)"; \
		  rm -f $@; exit 1; }

$(CBFSTOOL): $(CBFSTOOL_DEB)
	$(call quiet,UNPACK,$@)
	$(Q)dpkg-deb --fsys-tarfile $< | tar -xO ./usr/sbin/cbfstool >$@.tmp && chmod +x $@.tmp && \
		mv $@.tmp $@

# stage0 and stage1 as on a machine without fw_cfg (Cloud Hypervisor, coreboot on hardware): the
# same objects but fw_cfg's, built with its ports where QEMU decodes nothing. Only for the tests
# (tests/boot/test_coreboot.py, test_pvh.py), which put that stage1 on a copy of a disk image.
NO_FW_CFG_PVH := $(BUILD)/tests/strata-pvh-no-fw-cfg.elf
NO_FW_CFG_OBJ := $(BUILD)/tests/no_fw_cfg/fw_cfg.o
NO_FW_CFG_OBJS := $(patsubst $(BUILD)/fixed/lib/drivers/fw_cfg.o,$(NO_FW_CFG_OBJ),$(STAGE0_OBJS))

ALL_TARGETS += $(NO_FW_CFG_PVH)

$(NO_FW_CFG_OBJ): lib/drivers/fw_cfg.c
	$(call quiet,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_FIXED_CFLAGS) -DFW_CFG_PORT_BASE=0x5f0 -c $< -o $@

$(NO_FW_CFG_PVH): $(NO_FW_CFG_OBJS) $(BUILD)/symtab/stage0.o stage0/stage0_pvh.ld
	$(call quiet,LD,$@)
	$(Q)$(LD) $(subst stage0/stage0.ld,stage0/stage0_pvh.ld,$(STAGE0_LDFLAGS)) -o $@ \
		$(NO_FW_CFG_OBJS) $(BUILD)/symtab/stage0.o

NO_FW_CFG_STAGE1 := $(BUILD)/tests/stage1-no-fw-cfg.bin
NO_FW_CFG_PIE_OBJ := $(BUILD)/tests/no_fw_cfg/fw_cfg.pie.o
NO_FW_CFG_STAGE1_OBJS := $(patsubst $(BUILD)/pie/lib/drivers/fw_cfg.o,$(NO_FW_CFG_PIE_OBJ),\
	$(STAGE1_OBJS))

ALL_TARGETS += $(NO_FW_CFG_STAGE1)

$(NO_FW_CFG_PIE_OBJ): lib/drivers/fw_cfg.c
	$(call quiet,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_PIE_CFLAGS) -DFW_CFG_PORT_BASE=0x5f0 -c $< -o $@

$(NO_FW_CFG_STAGE1:.bin=.elf): $(NO_FW_CFG_STAGE1_OBJS) $(MBEDTLS_PIE_LIB) $(BUILD)/symtab/stage1.o \
		stage1/stage1.ld
	$(call quiet,LD,$@)
	$(Q)$(LD) $(STAGE1_LDFLAGS) -T stage1/stage1.ld -o $@ $(NO_FW_CFG_STAGE1_OBJS) \
		$(BUILD)/symtab/stage1.o $(MBEDTLS_PIE_LIB)

$(NO_FW_CFG_STAGE1): $(NO_FW_CFG_STAGE1:.bin=.elf) $(MKIMAGE)
	$(call stage_wrap,stage1,$<,$@)
