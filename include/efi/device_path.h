/* SPDX-License-Identifier: MIT */
/* Device path nodes (UEFI 2.10 §10.2-10.3): the generic header and the node types Strata builds. */
#pragma once

#include "include/efi/types.h"

#define EFI_DEVICE_PATH_PROTOCOL_GUID \
	{ 0x09576e91, 0x6d3f, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }

typedef struct {
	UINT8 Type;
	UINT8 SubType;
	UINT8 Length[2];
} EFI_DEVICE_PATH_PROTOCOL;

/* Types */
#define HARDWARE_DEVICE_PATH 0x01
#define ACPI_DEVICE_PATH 0x02
#define MESSAGING_DEVICE_PATH 0x03
#define MEDIA_DEVICE_PATH 0x04
#define BBS_DEVICE_PATH 0x05
#define END_DEVICE_PATH_TYPE 0x7f

/* Sub-types */
#define HW_PCI_DP 0x01
#define HW_MEMMAP_DP 0x03
#define HW_VENDOR_DP 0x04
#define ACPI_DP 0x01
#define ACPI_ADR_DP 0x03
#define MSG_ATAPI_DP 0x01
#define MSG_SCSI_DP 0x02
#define MSG_USB_DP 0x05
#define MSG_VENDOR_DP 0x0a
#define MSG_MAC_ADDR_DP 0x0b
#define MSG_IPv4_DP 0x0c
#define MSG_SATA_DP 0x12
#define MSG_NVME_NAMESPACE_DP 0x17
#define MEDIA_HARDDRIVE_DP 0x01
#define MEDIA_CDROM_DP 0x02
#define MEDIA_VENDOR_DP 0x03
#define MEDIA_FILEPATH_DP 0x04
#define MEDIA_PROTOCOL_DP 0x05
#define MEDIA_PIWG_FW_FILE_DP 0x06
#define MEDIA_PIWG_FW_VOL_DP 0x07
#define MEDIA_RELATIVE_OFFSET_RANGE_DP 0x08
#define END_ENTIRE_DEVICE_PATH_SUBTYPE 0xff
#define END_INSTANCE_DEVICE_PATH_SUBTYPE 0x01

typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT32 HID;
	UINT32 UID;
} __attribute__((packed)) ACPI_HID_DEVICE_PATH;

/* _ADR of a display output (UEFI 2.10 §10.3.3, ACPI 6.5 Table B.2). */
typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT32 ADR;
} __attribute__((packed)) ACPI_ADR_DEVICE_PATH;

/* ACPI 6.5 §B.4.1 _DOD: device id scheme, VGA output type, as OVMF names its one display. */
#define ACPI_DISPLAY_ADR_VGA 0x80010100u

/* EISA ID of PNP0A03 (PCI root bridge) and PNP0A08 (PCI Express root bridge). */
#define EISA_PNP_ID(id) ((UINT32)(((id) << 16) | 0x41d0))
/* An HID in the compressed EISA form with the "PNP" vendor, and its product number. */
#define EISA_ID_IS_PNP(hid) (((hid) & 0xffff) == 0x41d0)
#define EISA_ID_TO_NUM(hid) ((hid) >> 16)

/* The length of every node, also of the end nodes that close a path or an instance. */
#define END_DEVICE_PATH_LENGTH 4

typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT8 Function;
	UINT8 Device;
} __attribute__((packed)) PCI_DEVICE_PATH;

typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT32 MemoryType;
	EFI_PHYSICAL_ADDRESS StartingAddress;
	EFI_PHYSICAL_ADDRESS EndingAddress;
} __attribute__((packed)) MEMMAP_DEVICE_PATH;

/* Vendor nodes (hardware, messaging, media): the GUID, then vendor data up to the node length. */
typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	EFI_GUID Guid;
} __attribute__((packed)) VENDOR_DEVICE_PATH;

typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT16 Pun;
	UINT16 Lun;
} __attribute__((packed)) SCSI_DEVICE_PATH;

typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT8 ParentPortNumber;
	UINT8 InterfaceNumber;
} __attribute__((packed)) USB_DEVICE_PATH;

/* UEFI 2.10 §10.3.4.10: a network interface; IfType 0 or 1 (Ethernet) uses 6 of the 32 bytes. */
typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT8 MacAddress[32];
	UINT8 IfType;
} __attribute__((packed)) MAC_ADDR_DEVICE_PATH;

/* UEFI 2.10 §10.3.4.12; the gateway and mask exist only in nodes of the full 27 bytes. */
typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT8 LocalIpAddress[4];
	UINT8 RemoteIpAddress[4];
	UINT16 LocalPort;
	UINT16 RemotePort;
	UINT16 Protocol;
	UINT8 StaticIpAddress;
	UINT8 GatewayIpAddress[4];
	UINT8 SubnetMask[4];
} __attribute__((packed)) IPv4_DEVICE_PATH;

/* UEFI 2.10 §10.3.4.1: an IDE channel's unit; OVMF's AtaAtapiPassThru sets Lun 0. */
typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT8 PrimarySecondary;	/* 0 primary, 1 secondary */
	UINT8 SlaveMaster;	/* 0 master, 1 slave */
	UINT16 Lun;
} __attribute__((packed)) ATAPI_DEVICE_PATH;

typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT16 HBAPortNumber;
	UINT16 PortMultiplierPortNumber;
	UINT16 Lun;
} __attribute__((packed)) SATA_DEVICE_PATH;

/* UEFI 2.10 §10.3.4.22; OVMF puts the namespace's IEEE EUI-64 bytes in NamespaceUuid as read. */
typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT32 NamespaceId;
	UINT64 NamespaceUuid;
} __attribute__((packed)) NVME_NAMESPACE_DEVICE_PATH;

#define MBR_TYPE_PCAT 0x01
#define MBR_TYPE_EFI_PARTITION_TABLE_HEADER 0x02
#define NO_DISK_SIGNATURE 0x00
#define SIGNATURE_TYPE_MBR 0x01
#define SIGNATURE_TYPE_GUID 0x02

typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT32 PartitionNumber;
	UINT64 PartitionStart;
	UINT64 PartitionSize;
	UINT8 Signature[16];
	UINT8 MBRType;
	UINT8 SignatureType;
} __attribute__((packed)) HARDDRIVE_DEVICE_PATH;

typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	CHAR16 PathName[];
} __attribute__((packed)) FILEPATH_DEVICE_PATH;

/* El Torito boot entry of a CD-ROM, start and size in the medium's blocks (UEFI 2.10 §10.3.5.2). */
typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT32 BootEntry;
	UINT64 PartitionStart;
	UINT64 PartitionSize;
} __attribute__((packed)) CDROM_DEVICE_PATH;

/* PIWG firmware file and firmware volume nodes: the file's or volume's name GUID. */
typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	EFI_GUID FvFileName;
} __attribute__((packed)) MEDIA_FW_VOL_FILEPATH_DEVICE_PATH;

typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	EFI_GUID FvName;
} __attribute__((packed)) MEDIA_FW_VOL_DEVICE_PATH;

typedef struct {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT32 Reserved;
	UINT64 StartingOffset;
	UINT64 EndingOffset;
} __attribute__((packed)) MEDIA_RELATIVE_OFFSET_RANGE_DEVICE_PATH;

_Static_assert(sizeof(EFI_DEVICE_PATH_PROTOCOL) == 4, "device path node header");
_Static_assert(sizeof(HARDDRIVE_DEVICE_PATH) == 42, "HARDDRIVE_DEVICE_PATH layout");
_Static_assert(sizeof(PCI_DEVICE_PATH) == 6, "PCI_DEVICE_PATH layout");
_Static_assert(sizeof(ACPI_HID_DEVICE_PATH) == 12, "ACPI_HID_DEVICE_PATH layout");
_Static_assert(sizeof(ACPI_ADR_DEVICE_PATH) == 8, "ACPI_ADR_DEVICE_PATH layout");
_Static_assert(sizeof(MEMMAP_DEVICE_PATH) == 24, "MEMMAP_DEVICE_PATH layout");
_Static_assert(sizeof(VENDOR_DEVICE_PATH) == 20, "VENDOR_DEVICE_PATH layout");
_Static_assert(sizeof(SCSI_DEVICE_PATH) == 8, "SCSI_DEVICE_PATH layout");
_Static_assert(sizeof(USB_DEVICE_PATH) == 6, "USB_DEVICE_PATH layout");
_Static_assert(sizeof(ATAPI_DEVICE_PATH) == 8, "ATAPI_DEVICE_PATH layout");
_Static_assert(sizeof(SATA_DEVICE_PATH) == 10, "SATA_DEVICE_PATH layout");
_Static_assert(sizeof(MAC_ADDR_DEVICE_PATH) == 37, "MAC_ADDR_DEVICE_PATH layout");
_Static_assert(sizeof(IPv4_DEVICE_PATH) == 27, "IPv4_DEVICE_PATH layout");
_Static_assert(sizeof(NVME_NAMESPACE_DEVICE_PATH) == 16, "NVME_NAMESPACE_DEVICE_PATH layout");
_Static_assert(sizeof(FILEPATH_DEVICE_PATH) == 4, "FILEPATH_DEVICE_PATH header");
_Static_assert(sizeof(CDROM_DEVICE_PATH) == 24, "CDROM_DEVICE_PATH layout");
_Static_assert(sizeof(MEDIA_FW_VOL_FILEPATH_DEVICE_PATH) == 20, "PIWG firmware file layout");
_Static_assert(sizeof(MEDIA_RELATIVE_OFFSET_RANGE_DEVICE_PATH) == 24, "offset range layout");
