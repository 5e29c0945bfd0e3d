/* SPDX-License-Identifier: MIT */
/* virtio-mmio transports as an ACPI DSDT describes them: LNRO0005 devices and their _CRS. */
#pragma once

#include "include/efi/types.h"

/*
 * The table with signature sig in a blob of concatenated ACPI tables (QEMU's etc/acpi/tables),
 * whose length fits the blob; NULL if none.
 */
const void *acpi_blob_find_table(const void *blob, UINTN size, const char sig[4]);
/*
 * The register bases of the LNRO0005 (virtio-mmio) devices of a DSDT, each its _CRS's first
 * Memory32Fixed, at most max into ret_bases; returns how many. 0 for a table that is no DSDT.
 */
UINT32 acpi_virtio_mmio_bases(const void *dsdt, UINTN size, UINT64 *ret_bases, UINT32 max);
