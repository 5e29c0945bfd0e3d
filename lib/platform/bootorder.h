/* SPDX-License-Identifier: MIT */
/* QEMU's fw_cfg "bootorder" file: Open Firmware paths of the devices given a bootindex, in order. */
#pragma once

#include "include/efi/types.h"

#define BOOTORDER_MAX_DEPTH 8

/* A disk as the paths name it: PCI device/function from the root bus down, then a port. */
struct bootorder_device {
	UINT32 depth;				/* PCI levels in pci[] */
	struct {
		UINT8 device;
		UINT8 function;
	} pci[BOOTORDER_MAX_DEPTH];
	INT32 drive;				/* AHCI port or IDE channel (drive@N); -1 for none */
	BOOLEAN scsi;				/* a SCSI unit: .../channel@0/disk@target,lun */
	UINT16 target;
	UINT16 lun;
	UINT32 disk;				/* the unit after drive@N (disk@N): 0 but an IDE slave */
};

/*
 * The 0-based line of text (size bytes, lines like "/pci@i0cf8/pci8086,2922@1f,2/drive@0/disk@0")
 * that names dev; -1 if none does.
 */
INT32 bootorder_rank(const char *text, UINTN size, const struct bootorder_device *dev);
