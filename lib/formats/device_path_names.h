/* SPDX-License-Identifier: MIT */
/* The node names both text directions share: one table says how each node's text maps to bytes. */
#pragma once

#include "include/efi/types.h"

/* Fields a table entry fills from its parameters: offset in the node, size 1 << low bits. */
#define DP_FIELD(offset, size) \
	((offset) << 2 | ((size) == 8 ? 3 : (size) == 4 ? 2 : (size) == 2 ? 1 : 0))

/* What a node needs beyond its numeric fields. */
enum device_path_special {
	DP_NONE,
	DP_GENERIC,  /* Path(type,subtype,hex) or <Type>Path(subtype,hex): type 0 for Path */
	DP_VENDOR,   /* GUID, then hex data */
	DP_TERMINAL, /* VenPcAnsi() and kin: arg = index in device_path_terminals */
	DP_ACPI,     /* Acpi(HID,UID): the HID as EISA text */
	DP_ACPI_PNP, /* PciRoot(uid) and kin: arg = PNP number */
	DP_ACPI_ADR,
	DP_ATA,
	DP_SATA,
	DP_NVME,
	DP_MAC,
	DP_IPV4,
	DP_HD,
	DP_GUID, /* Fv(), FvFile(): the GUID after the header */
};

/*
 * One node name and how its node is made: header, then the numbers of parameters 0-4 into
 * field[] (0: not a number), then the special part. No pointers, so no relocations in stage1.
 */
struct device_path_node_name {
	char name[13];
	UINT8 type, subtype, length, special;
	UINT8 field[5];
	UINT16 arg;
};

#define DEVICE_PATH_NODE_NAMES 35
extern const struct device_path_node_name device_path_node_names[DEVICE_PATH_NODE_NAMES];

/* The console terminal vendor GUIDs, in the order of the DP_TERMINAL entries' arg. */
#define DEVICE_PATH_TERMINAL_COUNT 4
extern const EFI_GUID device_path_terminal_guids[DEVICE_PATH_TERMINAL_COUNT];
