# SPDX-License-Identifier: MIT
# stage0: the flash image. NASM entry + C, linked at fixed addresses, 64 KiB exactly.

# stage0 takes only the lib/ modules its steps use; the flash is 64 KiB.
STAGE0_SRCS := stage0/main.c stage0/memory.c stage0/coreboot_payload.c stage0/platform.c stage0/boot_disk.c \
	stage0/stage1_loader.c stage0/exception.c lib/crc32.c lib/sha256.c \
	lib/storage/block.c lib/storage/gpt.c lib/storage/mbr.c lib/storage/eltorito.c lib/storage/fat.c lib/storage/fat_dir.c \
	lib/storage/ata.c lib/storage/ide_cmd.c lib/storage/nvme_cmd.c lib/storage/scsi.c lib/storage/scsi_disk.c \
	lib/platform/bootorder.c lib/platform/pvh.c lib/platform/coreboot_tables.c lib/platform/virtio_mmio_acpi.c \
	lib/platform/acpi_loader.c lib/platform/mcfg.c lib/formats/stage_image.c lib/crypto/rsa_verify.c lib/formats/elf_reloc.c \
	lib/formats/exception.c lib/drivers/retry.c $(LIB_DRIVERS)
STAGE0_SRCS += stage0/boot_count.c lib/formats/boot_record.c
# The durable copy of the boot count: the variable store's append path on pflash unit 1.
STAGE0_SRCS += stage0/boot_store.c lib/storage/var_append.c lib/storage/var_store.c lib/drivers/cfi_flash.c
STAGE0_OBJS := $(BUILD)/fixed/stage0/reset.o $(STAGE0_SRCS:%.c=$(BUILD)/fixed/%.o)
STAGE0_ROM_SIZE := 65536

ALL_TARGETS += $(BUILD)/stage0.rom $(BUILD)/strata-pvh.elf

# One RWX segment: the image is copied to RAM as a whole and runs there, GDT (written by ltr)
# beside the code; stage0's page tables map it all read-write anyway.
STAGE0_LDFLAGS := -nostdlib -static -no-pie --gc-sections --no-undefined -z noexecstack \
	--no-warn-rwx-segments --build-id=none -T stage0/stage0.ld

# Two links, as stage1's: an empty symbol table, then the first link's functions (mk/symtab.mk).
$(BUILD)/stage0.pass1.elf: $(STAGE0_OBJS) $(BUILD)/symtab/empty.o stage0/stage0.ld
	$(call quiet,LD,$@)
	$(Q)$(LD) $(STAGE0_LDFLAGS) -o $@ $(STAGE0_OBJS) $(BUILD)/symtab/empty.o

$(BUILD)/stage0.elf: $(STAGE0_OBJS) $(BUILD)/symtab/stage0.o stage0/stage0.ld
	$(call quiet,LD,$@)
	$(Q)$(LD) $(STAGE0_LDFLAGS) -o $@ $(STAGE0_OBJS) $(BUILD)/symtab/stage0.o
	$(call symtab_check,$(BUILD)/stage0.pass1.elf,$@)

# The flash image: the C part LZ4-packed at its start, the start code in its last KiB
# (stage0.ld) and the key slot; mk/lz4pack.py checks that the packed part decodes to
# itself and fits.
STAGE0_TAIL_SIZE := 1024
# The stage signing key's slot in the tail, after the start code, erased here
# (include/strata/stage_image.h); `make STAGE0_SIGNING_KEY=key.pem` writes that key's public
# half into it (docs/secure-boot.md).
STAGE0_KEY_SLOT := 0xfe00 0x1f0
$(BUILD)/stage0.rom: $(BUILD)/stage0.elf mk/lz4pack.py
	$(call quiet,PACK,$@)
	$(Q)$(OBJCOPY) -O binary -j .text -j .rodata -j .data -j .strata_symbols $< $@.body
	$(Q)$(OBJCOPY) -O binary -j .rom16 -j .resetvector --gap-fill 0xff $< $@.tail
	$(Q)python3 mk/lz4pack.py $@ $@.body $@.tail $(STAGE0_ROM_SIZE) $(STAGE0_TAIL_SIZE) \
		$(STAGE0_KEY_SLOT) || \
		{ rm -f $@; exit 1; }
	$(Q)size=$$(stat -c %s $@); if [ $$size -ne $(STAGE0_ROM_SIZE) ]; then \
		echo "stage0.rom is $$size bytes, must be $(STAGE0_ROM_SIZE)"; rm -f $@; exit 1; fi
ifneq ($(STAGE0_SIGNING_KEY),)
	$(call quiet,KEY,$@)
	$(Q)$(MKIMAGE) rom --key $(STAGE0_SIGNING_KEY) $@ $@ >/dev/null || { rm -f $@; exit 1; }
endif

# The PVH entry (docs/pvh.md): a third link of the same objects and symbol table, loaded at 1 MiB
# with a XEN_ELFNOTE_PHYS32_ENTRY note, for QEMU -kernel and Cloud Hypervisor --kernel. Its C part
# must sit where the ROM link's does (the symbol table is that link's); the entry code differs.
$(BUILD)/strata-pvh.elf: $(STAGE0_OBJS) $(BUILD)/symtab/stage0.o stage0/stage0_pvh.ld
	$(call quiet,LD,$@)
	$(Q)$(LD) $(subst stage0/stage0.ld,stage0/stage0_pvh.ld,$(STAGE0_LDFLAGS)) -o $@ \
		$(STAGE0_OBJS) $(BUILD)/symtab/stage0.o
	$(Q)nm -n --defined-only $(BUILD)/stage0.pass1.elf | awk '/ [tTwW] / && $$1 < "0000000000100000"' \
		> $@.pass1.syms
	$(Q)nm -n --defined-only $@ | awk '/ [tTwW] / && $$1 < "0000000000100000"' > $@.syms
	$(Q)cmp -s $@.pass1.syms $@.syms || { echo "$@: C functions differ from the ROM link"; \
		diff $@.pass1.syms $@.syms | head; rm -f $@; exit 1; }
