/* SPDX-License-Identifier: MIT */
/* EFI_PCI_IO_PROTOCOL on every PCI function. */
#pragma once

#include "include/efi/types.h"

/* Install PCI I/O on each function's handle (the disk's if it has one, else a new one). */
EFI_STATUS pci_io_init(void);
