/* SPDX-License-Identifier: MIT */
/* EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL on QEMU's one PCI root bridge. */
#pragma once

#include "include/efi/protocol/pci_root_bridge_io.h"
#include "include/efi/types.h"
#include "include/strata/handoff.h"

/* Install the protocol and PciRoot(0x0) on a handle of their own, with stage0's windows. */
EFI_STATUS pci_root_bridge_io_init(const struct handoff *h);

/* The one root bridge's protocol, which each function's PCI I/O goes through. */
extern EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL pci_root_bridge_io;
