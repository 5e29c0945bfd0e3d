/* SPDX-License-Identifier: MIT */
/* virtio over MMIO (virtio 1.1 §4.2): version 1 (legacy) and 2, as QEMU's microvm provides them. */
#pragma once

#include "include/efi/types.h"
#include "lib/drivers/virtio.h"

#define VIRTIO_MMIO_DEVICE_BLOCK 2
/* QEMU's microvm (hw/i386/microvm.h): transports from 0xfeb00000, 512 bytes apart. */
#define VIRTIO_MMIO_MICROVM_BASE 0xfeb00000ull
#define VIRTIO_MMIO_MICROVM_STRIDE 0x200u
/* 8 transports, 24 with microvm's second I/O APIC (the default). */
#define VIRTIO_MMIO_MICROVM_SLOTS 24u

struct virtio_mmio {
	struct virtio_transport transport;	/* first: the ops virtio drivers call */
	UINT64 base;
	UINT32 version;
};

/*
 * microvm's transports: the LNRO0005 devices of the DSDT in QEMU's fw_cfg ACPI tables, else its
 * fixed slots; at most max bases into ret_bases, *ret_from_dsdt says which. Returns how many.
 */
UINT32 virtio_mmio_microvm_transports(UINT64 *ret_bases, UINT32 max, BOOLEAN *ret_from_dsdt);
/* The device ID of the transport at base: 0 for an empty slot or no transport at all. */
UINT32 virtio_mmio_device_id(UINT64 base);
/* Check the transport at base, reset the device, set ACKNOWLEDGE | DRIVER; fills dev->transport. */
EFI_STATUS virtio_mmio_init(struct virtio_mmio *dev, UINT64 base);
