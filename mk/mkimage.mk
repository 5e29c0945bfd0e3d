# SPDX-License-Identifier: MIT
# mkimage: the host tool that wraps stages (the one writer of the stage image format) and builds,
# updates and inspects disk images. It reuses lib/ compiled for the host.

MKIMAGE := $(BUILD)/mkimage
MKIMAGE_SRCS := mkimage/main.c mkimage/util.c mkimage/elf_image.c mkimage/wrap.c \
	mkimage/create.c mkimage/update.c mkimage/disk.c mkimage/esp.c mkimage/iso.c \
	mkimage/payload.c mkimage/install.c mkimage/vars.c mkimage/ovmf_vars.c mkimage/sign.c
# The lib/ modules mkimage calls, a subset of $(LIB_HOST_OBJS) so it links before every lib/ part
# of the tree exists.
MKIMAGE_LIB_OBJS := $(addprefix $(BUILD)/host/lib/,crc32.o sha256.o storage/block.o storage/gpt.o \
	storage/var_store.o storage/var_append.o formats/stage_image.o formats/boot_record.o \
	crypto/rsa_verify.o crypto/signature_list.o)
MKIMAGE_OBJS := $(MKIMAGE_SRCS:%.c=$(BUILD)/host/%.o) $(MKIMAGE_LIB_OBJS)

ALL_TARGETS += $(MKIMAGE)

# The NVRAM template: an empty variable store for pflash unit 1, which libvirt copies per VM.
VARS_TEMPLATE := $(BUILD)/strata-vars.fd
ALL_TARGETS += $(VARS_TEMPLATE)

$(VARS_TEMPLATE): $(MKIMAGE)
	$(call quiet,VARS,$@)
	$(Q)$(MKIMAGE) vars create $@ --size 1M

$(MKIMAGE): $(MKIMAGE_OBJS)
	$(call quiet,HOSTLD,$@)
	$(Q)$(HOST_CC) -o $@ $^

# mk/stage1.mk is included before this file, so $(MKIMAGE) was still empty when its rule listed it
# as a prerequisite; name the wrapped stages here too, or a parallel build may wrap before linking
# mkimage.
$(BUILD)/stage1.bin $(BUILD)/runtime.bin: $(MKIMAGE)
# Signed stages (docs/secure-boot.md): `make STAGE_SIGNING_KEY=key.pem` signs both stage images,
# `STAGE0_SIGNING_KEY=key.pem` (the same key, or its public half) puts the key into stage0.rom.
$(if $(STAGE0_SIGNING_KEY),$(BUILD)/stage0.rom: $(MKIMAGE))

# Stage images carry at most 31 bytes of version string; git describe --dirty can exceed that.
STAGE_VERSION_STRING := $(shell printf '%.31s' '$(VERSION)')

# $(call stage_wrap,KIND,IN.elf,OUT.bin): recipe lines that wrap a linked PIE stage (KIND is
# stage1 or runtime). The rule using it must list $(MKIMAGE) as a prerequisite, e.g.
#   $(BUILD)/stage1.bin: $(BUILD)/stage1.elf $(MKIMAGE)
#   	$(call stage_wrap,stage1,$<,$@)
define stage_wrap
$(call quiet,WRAP,$(3))
$(Q)$(MKIMAGE) wrap --kind $(1) --version-code $(strip $(STRATA_VERSION_CODE)) \
	--version-string '$(STAGE_VERSION_STRING)' $(if $(STAGE_SIGNING_KEY),--sign $(STAGE_SIGNING_KEY)) \
	$(2) $(3)
endef

# End-to-end tests of mkimage (pytest from Debian's python3-pytest, hence /usr/bin/python3): they
# build their own tiny PIE stages and PE payloads, so they need only mkimage and the disk tools.
PYTEST := /usr/bin/python3 -m pytest

.PHONY: mkimage-tests
mkimage-tests: $(MKIMAGE)
	$(call quiet,PYTEST,tests/mkimage)
	$(Q)MKIMAGE=$(abspath $(MKIMAGE)) \
		$(PYTEST) -q $(if $(filter 1,$(V)),-v) -p no:cacheprovider tests/mkimage
