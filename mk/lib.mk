# SPDX-License-Identifier: MIT
# lib/: shared drivers and formats. Each part lists the modules it links; the host build (unit
# tests, fuzzers, mkimage) compiles the pure ones from the very same files.

# Formats and algorithms with no hardware access: safe on the host and in every firmware part.
LIB_PURE := lib/crc32.c lib/sha256.c lib/storage/var_store.c lib/storage/var_append.c \
	lib/platform/pvh.c lib/platform/coreboot_tables.c lib/platform/mcfg.c lib/platform/virtio_mmio_acpi.c \
	lib/storage/block.c lib/storage/gpt.c lib/storage/mbr.c lib/storage/eltorito.c \
	lib/storage/fat.c lib/storage/fat_dir.c \
	lib/storage/fat_alloc.c lib/storage/fat_dirent.c lib/storage/fat_write.c lib/storage/ata.c \
	lib/storage/ide_cmd.c lib/storage/nvme_cmd.c lib/formats/stage_image.c lib/formats/elf_reloc.c lib/formats/pe.c lib/formats/device_path.c \
	lib/formats/load_option.c lib/formats/bls.c lib/formats/exception.c \
	lib/formats/font.c lib/formats/ps2_keymap.c lib/formats/edid.c lib/formats/hii_package.c \
	lib/collation.c \
	lib/platform/acpi_loader.c lib/platform/smbios.c lib/platform/bootorder.c \
	lib/drivers/retry.c lib/drivers/simple_fb.c
# Device path text both ways (EFI_DEVICE_PATH_TO_TEXT/FROM_TEXT), over one node table.
LIB_PURE += lib/formats/device_path_text.c lib/formats/device_path_from_text.c

# Console and hardware drivers (firmware only).
LIB_DRIVERS := lib/string.c lib/printf.c lib/log.c \
	lib/drivers/serial.c lib/drivers/fw_cfg.c lib/drivers/pci.c lib/drivers/virtio.c \
	lib/drivers/virtio_pci.c lib/drivers/virtio_mmio.c lib/drivers/virtio_blk.c \
	lib/drivers/timer.c lib/drivers/ahci.c lib/drivers/bochs_vbe.c \
	lib/drivers/ps2.c lib/drivers/nvme.c lib/drivers/virtio_gpu.c lib/drivers/ramfb.c \
	lib/drivers/ide.c
# Safe stage1 updates (docs/updating.md): the CMOS boot-count record, reset, the watchdog.
LIB_PURE += lib/formats/boot_record.c
# The packed symbol tables of stage1 and the runtime (mk/symtab_pack.py).
LIB_PURE += lib/lz4.c lib/formats/symtab_packed.c
LIB_DRIVERS += lib/drivers/cmos.c lib/drivers/reset.c lib/drivers/watchdog.c
# SCSI (docs/storage.md): the command layer, scsi_disk on any transport, virtio-scsi.
LIB_PURE += lib/storage/scsi.c lib/storage/scsi_disk.c
# Signed stages: the RSA check stage0 runs (lib/crypto/rsa_verify.c: no mbedTLS).
LIB_PURE += lib/crypto/rsa_verify.c
LIB_DRIVERS += lib/drivers/virtio_scsi.c
# PCI option ROMs: the image walk, and UEFI decompression of their drivers.
LIB_PURE += lib/formats/pci_rom.c lib/formats/uefi_decompress.c

LIB_HOST_OBJS := $(LIB_PURE:%.c=$(BUILD)/host/%.o)
