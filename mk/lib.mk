# SPDX-License-Identifier: MIT
# lib/: shared drivers and formats. Each part lists the modules it links; the host build (unit
# tests, fuzzers, mkimage) compiles the pure ones from the very same files.

# Formats and algorithms with no hardware access: safe on the host and in every firmware part.
LIB_PURE := lib/crc32.c lib/sha256.c lib/block.c lib/gpt.c lib/fat.c lib/stage_image.c \
	lib/elf_reloc.c lib/fat_dir.c lib/pe.c lib/device_path.c lib/acpi_loader.c lib/smbios.c \
	lib/load_option.c lib/bls.c

# Console and hardware drivers (firmware only).
LIB_DRIVERS := lib/string.c lib/printf.c lib/log.c lib/serial.c lib/fw_cfg.c lib/pci.c \
	lib/virtio_pci.c lib/virtio_blk.c

LIB_HOST_OBJS := $(LIB_PURE:%.c=$(BUILD)/host/%.o)
