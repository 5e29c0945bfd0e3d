/* SPDX-License-Identifier: MIT */
/* EFI drivers from PCI expansion ROMs, loaded and connected as OVMF's PCI bus driver does. */
#pragma once

#include "include/strata/handoff.h"

/* Load, start and connect the EFI driver of every PCI function's ROM; a bad ROM only warns. */
EFI_STATUS option_rom_init(const struct handoff *h);
