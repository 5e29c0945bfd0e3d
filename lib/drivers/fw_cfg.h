/* SPDX-License-Identifier: MIT */
/* QEMU's firmware configuration device: items and named files, read through DMA when offered. */
#pragma once

#include "include/efi/types.h"

enum fw_cfg_item {
	FW_CFG_SIGNATURE = 0x00,
	FW_CFG_ID = 0x01,
	FW_CFG_RAM_SIZE = 0x03,
	FW_CFG_NB_CPUS = 0x05,
	FW_CFG_FILE_DIR = 0x19,
};

/* Probe for the device; FALSE when this is not QEMU (no "QEMU" signature). */
BOOLEAN fw_cfg_init(void);
/* Whether the DMA interface is in use (checked by fw_cfg_init). */
BOOLEAN fw_cfg_has_dma(void);
/* Read size bytes of a numbered item from its start. */
void fw_cfg_read_item(UINT16 item, void *buf, UINTN size);
/* Find a named file: its selector and size. EFI_NOT_FOUND if absent. */
EFI_STATUS fw_cfg_find(const char *name, UINT16 *ret_select, UINT32 *ret_size);
/*
 * Read the whole named file into buf of size bytes; *ret_size gets the file's size.
 * EFI_BUFFER_TOO_SMALL (nothing read) when it does not fit, EFI_NOT_FOUND when absent.
 */
EFI_STATUS fw_cfg_read_file(const char *name, void *buf, UINTN size, UINTN *ret_size);
/*
 * The ACPI table with signature sig in QEMU's tables blob (file etc/acpi/tables, read once), as
 * QEMU wrote it: its table loader has not run, so checksums are 0 and pointers unpatched; values
 * such as the MCFG's window or the DSDT's resources are right. *ret_size: bytes from the table to
 * the end of what was read. NULL when there is no blob or no such table in it. QEMU builds its
 * tables from the chipset as it is at the first read, so read them once its registers are set.
 */
const void *fw_cfg_acpi_table(const char sig[4], UINTN *ret_size);
/* Write bytes to a named file at offset (DMA only; QEMU rejects writes to most files). */
EFI_STATUS fw_cfg_write_file(const char *name, UINT32 offset, const void *buf, UINTN size);
