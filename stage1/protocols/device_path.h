/* SPDX-License-Identifier: MIT */
/* Device paths in pool memory, and the DevicePathToText, FromText and Utilities protocols. */
#pragma once

#include "include/efi/device_path.h"
#include "include/efi/types.h"
#include "lib/drivers/pci.h"

/* Install the DevicePathToText, FromText and Utilities protocols on a handle of their own. */
EFI_STATUS device_path_init(void);
/* A pool copy of path; NULL if malformed or out of memory. */
EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_duplicate(const EFI_DEVICE_PATH_PROTOCOL *path);
/* A pool copy of path with node appended (NULL path: just the node). */
EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_append_node(const EFI_DEVICE_PATH_PROTOCOL *path,
							const EFI_DEVICE_PATH_PROTOCOL *node);
/* A pool copy of device (NULL: none) followed by a file path node for name. */
EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_file(const EFI_DEVICE_PATH_PROTOCOL *device,
						 const CHAR16 *name);
/* The text form of path in pool memory (for logs: print with %ls); NULL if out of memory. */
CHAR16 *device_path_alloc_text(const EFI_DEVICE_PATH_PROTOCOL *path);
/* PciRoot(0x0)/Pci(bridge)/.../Pci(dev,fn) of a PCI function, as OVMF writes it; NULL if none. */
EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_pci(struct pci_address a);
/* PciRoot(0x0) alone: the root bridge's own handle. */
EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_pci_root(void);
/* The PCI function's path followed by node (a disk port, a display output); NULL if none. */
EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_pci_child(struct pci_address a,
						      const EFI_DEVICE_PATH_PROTOCOL *node);
/* VenHw(virtio-mmio transport GUID, base): a virtio-mmio transport, as OVMF's microvm names it. */
EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_virtio_mmio(UINT64 base);
/* The virtio-mmio transport's path followed by node (a SCSI unit, a display); NULL if none. */
EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_virtio_mmio_child(UINT64 base,
							      const EFI_DEVICE_PATH_PROTOCOL *node);
