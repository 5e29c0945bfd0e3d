/* SPDX-License-Identifier: MIT */
/* EFI_PARTITION_INFO_PROTOCOL: the table entry a partition handle came from (UEFI 2.10 §13.18). */
#pragma once

#include "include/efi/types.h"

#define EFI_PARTITION_INFO_PROTOCOL_GUID \
	{ 0x8cf2f62c, 0xbc9b, 0x4821, { 0x80, 0x8d, 0xec, 0x9e, 0xc4, 0x21, 0xa1, 0xa0 } }
#define EFI_PARTITION_INFO_PROTOCOL_REVISION 0x0001000

#define PARTITION_TYPE_OTHER 0x00
#define PARTITION_TYPE_MBR 0x01
#define PARTITION_TYPE_GPT 0x02

/* One MBR or EBR entry as stored (UEFI 2.10 Table 5.2). */
typedef struct {
	UINT8 BootIndicator;
	UINT8 StartHead;
	UINT8 StartSector;
	UINT8 StartTrack;
	UINT8 OSIndicator;
	UINT8 EndHead;
	UINT8 EndSector;
	UINT8 EndTrack;
	UINT8 StartingLBA[4];
	UINT8 SizeInLBA[4];
} __attribute__((packed)) MBR_PARTITION_RECORD;

/* One GPT entry as stored (UEFI 2.10 Table 5.6). */
typedef struct {
	EFI_GUID PartitionTypeGUID;
	EFI_GUID UniquePartitionGUID;
	EFI_LBA StartingLBA;
	EFI_LBA EndingLBA;
	UINT64 Attributes;
	CHAR16 PartitionName[36];
} __attribute__((packed)) EFI_PARTITION_ENTRY;

typedef struct {
	UINT32 Revision;
	UINT32 Type;		/* PARTITION_TYPE_* */
	UINT8 System;		/* 1 for an EFI system partition */
	UINT8 Reserved[7];
	union {
		MBR_PARTITION_RECORD Mbr;
		EFI_PARTITION_ENTRY Gpt;
	} Info;
} __attribute__((packed)) EFI_PARTITION_INFO_PROTOCOL;

_Static_assert(sizeof(MBR_PARTITION_RECORD) == 16, "MBR_PARTITION_RECORD layout");
_Static_assert(sizeof(EFI_PARTITION_ENTRY) == 128, "EFI_PARTITION_ENTRY layout");
_Static_assert(sizeof(EFI_PARTITION_INFO_PROTOCOL) == 144, "EFI_PARTITION_INFO_PROTOCOL layout");
