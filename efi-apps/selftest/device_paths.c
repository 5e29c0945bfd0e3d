// SPDX-License-Identifier: MIT
/* Device path text both ways and the utilities: EDK2's texts for the nodes firmware builds. */
#include "efi-apps/selftest/selftest.h"

static EFI_DEVICE_PATH_TO_TEXT_PROTOCOL *to_text;
static EFI_DEVICE_PATH_FROM_TEXT_PROTOCOL *from_text;
static EFI_DEVICE_PATH_UTILITIES_PROTOCOL *utils;

/* What a case allocated, freed by teardown even when the case stopped half-way. */
#define HELD_MAX 8
static void *held[HELD_MAX];
static UINTN held_count;

static void *hold(void *p)
{
	if (p && held_count < HELD_MAX)
		held[held_count++] = p;
	return p;
}

static EFI_STATUS locate(void)
{
	EFI_STATUS status;

	held_count = 0;
	status = BS->LocateProtocol(&gEfiDevicePathToTextProtocolGuid, NULL, (void **)&to_text);
	if (!EFI_ERROR(status))
		status = BS->LocateProtocol(&gEfiDevicePathFromTextProtocolGuid, NULL,
					    (void **)&from_text);
	if (!EFI_ERROR(status))
		status = BS->LocateProtocol(&gEfiDevicePathUtilitiesProtocolGuid, NULL,
					    (void **)&utils);
	if (EFI_ERROR(status))
		return selftest_fail(__FILE__, __LINE__, L"device path protocols: %r", status);
	return EFI_SUCCESS;
}

static void free_held(void)
{
	while (held_count)
		BS->FreePool(held[--held_count]);
}

static UINTN node_length(const EFI_DEVICE_PATH *node)
{
	return node->Length[0] | (UINTN)node->Length[1] << 8;
}

/* text → binary → text gives text back, with the options given. */
static EFI_STATUS round_trip(CHAR16 *text)
{
	EFI_DEVICE_PATH *path = hold(from_text->ConvertTextToDevicePath(text));
	CHAR16 *again;

	CHECK(path, "ConvertTextToDevicePath(%s) gave NULL", text);
	again = hold(to_text->ConvertDevicePathToText(path, FALSE, FALSE));
	CHECK(again, "ConvertDevicePathToText gave NULL for %s", text);
	CHECK(!StrCmp(again, text), "%s came back as %s", text, again);
	return EFI_SUCCESS;
}

static EFI_STATUS round_trip_pci_sata(void)
{
	return round_trip(L"PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x0,0xFFFF,0x0)");
}

static EFI_STATUS round_trip_hd_file(void)
{
	return round_trip(
		L"PciRoot(0x0)/Pci(0x3,0x0)/HD(1,GPT,4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC,"
		L"0x800,0x1F800)/\\EFI\\BOOT\\BOOTX64.EFI");
}

static EFI_STATUS round_trip_nvme(void)
{
	return round_trip(L"PcieRoot(0x0)/Pci(0x2,0x0)/NVMe(0x1,00-11-22-33-44-55-66-77)");
}

static EFI_STATUS round_trip_scsi_mbr(void)
{
	return round_trip(
		L"PciRoot(0x0)/Pci(0x4,0x0)/Scsi(0x2,0x0)/HD(2,MBR,0x5354524D,0x3F,0x3E8)");
}

static EFI_STATUS round_trip_ata_cdrom(void)
{
	return round_trip(
		L"PciRoot(0x0)/Pci(0x1,0x1)/Ata(Secondary,Master,0x0)/CDROM(0x1,0x5C,0x1F0)");
}

static EFI_STATUS round_trip_vendor(void)
{
	return round_trip(L"VenHw(4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC,AB01)/"
			  L"VenMedia(1428F772-B64A-441E-B8C3-9EBDD7F893C7)");
}

static EFI_STATUS round_trip_network(void)
{
	return round_trip(L"PciRoot(0x0)/Pci(0x3,0x0)/MAC(525400123456,0x1)/"
			  L"IPv4(10.0.2.2,TCP,DHCP,10.0.2.15,10.0.2.2,255.255.255.0)");
}

static EFI_STATUS round_trip_firmware_volume(void)
{
	return round_trip(L"Fv(7CB8BDC9-F8EB-4F34-AAEA-3EE4AF6516A1)/"
			  L"FvFile(7C04A583-9E3E-4F1C-AD65-E05268D0B4D1)");
}

static EFI_STATUS round_trip_memory_offset(void)
{
	return round_trip(L"MemoryMapped(0xB,0xFFC00000,0xFFFFFFFF)/Offset(0x0,0x1FF)");
}

static EFI_STATUS round_trip_acpi(void)
{
	return round_trip(L"Acpi(PNP0B00,0x1)/Floppy(0x0)/Keyboard(0x0)/Serial(0x1)/"
			  L"ParallelPort(0x0)/AcpiAdr(0x80010100,0x80010200)");
}

/* Nodes without a text form of their own: type or sub-type in decimal, then the bytes. */
static EFI_STATUS round_trip_generic(void)
{
	return round_trip(L"Msg(126,12EF)/Path(66,1)/HardwarePath(9)/MediaPath(10,0102)");
}

static EFI_STATUS from_text_fields(void)
{
	UINT8 *pci = hold(from_text->ConvertTextToDeviceNode(L"Pci(0x1F,0x2)"));
	UINT8 *dec = hold(from_text->ConvertTextToDeviceNode(L"Pci(31,2)"));
	UINT8 *sata = hold(from_text->ConvertTextToDeviceNode(L"Sata(0x2)"));

	CHECK(pci && dec && sata, "a node gave NULL");
	CHECK(pci[0] == HARDWARE_DEVICE_PATH && pci[1] == HW_PCI_DP &&
		      node_length((void *)pci) == 6,
	      "Pci node header %d/%d/%ld", pci[0], pci[1], (INT64)node_length((void *)pci));
	/* PCI_DEVICE_PATH keeps Function before Device. */
	CHECK(pci[4] == 2 && pci[5] == 0x1f, "function %d, device %d", pci[4], pci[5]);
	CHECK(!CompareMem(pci, dec, 6), "decimal Pci(31,2) differs from Pci(0x1F,0x2)");
	/* UEFI 2.10 §10.3.4.6: no port multiplier is 0xFFFF, also when the text leaves it out. */
	CHECK(node_length((void *)sata) == 10 && sata[4] == 2 && sata[6] == 0xff && sata[7] == 0xff,
	      "Sata(0x2): length %ld, port %d, multiplier %02x%02x",
	      (INT64)node_length((void *)sata), sata[4], sata[7], sata[6]);
	return EFI_SUCCESS;
}

static EFI_STATUS from_text_empty_is_null(void)
{
	CHECK(!from_text->ConvertTextToDevicePath(L""), "an empty path text gave a path");
	CHECK(!from_text->ConvertTextToDeviceNode(L""), "an empty node text gave a node");
	CHECK(!from_text->ConvertTextToDevicePath(NULL), "a NULL path text gave a path");
	CHECK(!from_text->ConvertTextToDeviceNode(NULL), "a NULL node text gave a node");
	return EFI_SUCCESS;
}

/* EDK2 stops at an unclosed parenthesis: the nodes before it, then the end. */
static EFI_STATUS from_text_unbalanced(void)
{
	EFI_DEVICE_PATH *path = hold(from_text->ConvertTextToDevicePath(L"Pci(0x1,0x0)/Pci(0x2"));
	CHAR16 *text;

	CHECK(path, "NULL for a text with one good node");
	CHECK(utils->GetDevicePathSize(path) == 6 + 4, "size %ld, not one PCI node and the end",
	      (INT64)utils->GetDevicePathSize(path));
	text = hold(to_text->ConvertDevicePathToText(path, FALSE, FALSE));
	CHECK(text && !StrCmp(text, L"Pci(0x1,0x0)"), "text %s", text);
	return EFI_SUCCESS;
}

/* A name no node has makes a file path node of the whole text, its NUL included. */
static EFI_STATUS unknown_name_is_file_path(void)
{
	UINT8 *node = hold(from_text->ConvertTextToDeviceNode(L"Bogus(1)"));
	CHAR16 *text;

	CHECK(node, "NULL");
	CHECK(node[0] == MEDIA_DEVICE_PATH && node[1] == MEDIA_FILEPATH_DP, "type %d/%d", node[0],
	      node[1]);
	CHECK(node_length((void *)node) == 4 + 9 * 2, "length %ld",
	      (INT64)node_length((void *)node));
	text = hold(to_text->ConvertDeviceNodeToText((void *)node, FALSE, FALSE));
	CHECK(text && !StrCmp(text, L"Bogus(1)"), "text %s", text);
	return EFI_SUCCESS;
}

static EFI_STATUS display_only(void)
{
	EFI_DEVICE_PATH *path = hold(from_text->ConvertTextToDevicePath(
		L"PciRoot(0x0)/Pci(0x1,0x1)/Ata(Primary,Slave,0x0)/CDROM(0x0,0x1,0x2)"));
	CHAR16 *text;

	CHECK(path, "NULL");
	text = hold(to_text->ConvertDevicePathToText(path, TRUE, FALSE));
	CHECK(text && !StrCmp(text, L"PciRoot(0x0)/Pci(0x1,0x1)/Ata(0x0)/CDROM(0x0)"),
	      "DisplayOnly text %s", text);
	return EFI_SUCCESS;
}

/* The PC-ANSI terminal node is named only when shortcuts are allowed. */
static EFI_STATUS shortcuts(void)
{
	EFI_DEVICE_PATH *node = hold(from_text->ConvertTextToDeviceNode(L"VenPcAnsi()"));
	CHAR16 *with, *without;

	CHECK(node && node_length(node) == 20, "VenPcAnsi() node");
	with = hold(to_text->ConvertDeviceNodeToText(node, FALSE, TRUE));
	without = hold(to_text->ConvertDeviceNodeToText(node, FALSE, FALSE));
	CHECK(with && !StrCmp(with, L"VenPcAnsi()"), "with shortcuts: %s", with);
	CHECK(without && !StrCmp(without, L"VenMsg(E0C14753-F9BE-11D2-9A0C-0090273FC14D)"),
	      "without shortcuts: %s", without);
	return EFI_SUCCESS;
}

/* Instances: ',' in the text; EDK2 writes a '/' after it too, and reads both forms. */
static EFI_STATUS multi_instance(void)
{
	EFI_DEVICE_PATH *path = hold(from_text->ConvertTextToDevicePath(
		L"PciRoot(0x0)/Pci(0x1,0x0),PciRoot(0x0)/Pci(0x2,0x0)"));
	EFI_DEVICE_PATH *again;
	CHAR16 *text;

	CHECK(path, "NULL");
	CHECK(utils->IsDevicePathMultiInstance(path), "not multi-instance");
	CHECK(utils->GetDevicePathSize(path) == 2 * (12 + 6 + 4), "size %ld",
	      (INT64)utils->GetDevicePathSize(path));
	text = hold(to_text->ConvertDevicePathToText(path, FALSE, FALSE));
	CHECK(text && !StrCmp(text, L"PciRoot(0x0)/Pci(0x1,0x0),/PciRoot(0x0)/Pci(0x2,0x0)"),
	      "text %s", text);
	again = hold(from_text->ConvertTextToDevicePath(text));
	CHECK(again && !CompareMem(again, path, utils->GetDevicePathSize(path)),
	      "its own text parses to another path");
	return EFI_SUCCESS;
}

/* The path the firmware gave our own volume: its text parses back to the very same bytes. */
static EFI_STATUS boot_volume_round_trip(void)
{
	EFI_DEVICE_PATH *path = NULL, *again;
	CHAR16 *text, *first;
	UINTN size, len;

	CHECK_OK(BS->HandleProtocol(selftest_loaded_image->DeviceHandle,
				    &gEfiDevicePathProtocolGuid, (void **)&path));
	size = utils->GetDevicePathSize(path);
	text = hold(to_text->ConvertDevicePathToText(path, FALSE, FALSE));
	CHECK(text && size > 4, "text of the boot volume's path");
	again = hold(from_text->ConvertTextToDevicePath(text));
	CHECK(again && utils->GetDevicePathSize(again) == size && !CompareMem(again, path, size),
	      "%s parses to other bytes", text);
	/* The first node's own text starts the path's. */
	first = hold(to_text->ConvertDeviceNodeToText(path, FALSE, FALSE));
	CHECK(first, "node text NULL");
	len = StrLen(first);
	CHECK(!StrnCmp(text, first, len) && (text[len] == '/' || !text[len]),
	      "node %s does not start %s", first, text);
	return EFI_SUCCESS;
}

static EFI_STATUS utilities_nodes(void)
{
	UINT8 *node = hold(utils->CreateDeviceNode(HARDWARE_DEVICE_PATH, HW_PCI_DP, 6));
	EFI_DEVICE_PATH *path, *two, *copy;

	CHECK(node && node[0] == 1 && node[1] == 1 && node_length((void *)node) == 6 &&
		      node[4] == 0 && node[5] == 0,
	      "CreateDeviceNode");
	CHECK(!utils->CreateDeviceNode(HARDWARE_DEVICE_PATH, HW_PCI_DP, 3),
	      "a node shorter than its header was created");
	node[5] = 7;
	path = hold(utils->AppendDeviceNode(NULL, (void *)node));
	CHECK(path && utils->GetDevicePathSize(path) == 10, "AppendDeviceNode(NULL, node)");
	two = hold(utils->AppendDevicePath(path, path));
	CHECK(two && utils->GetDevicePathSize(two) == 16, "AppendDevicePath size %ld",
	      (INT64)(two ? utils->GetDevicePathSize(two) : 0));
	copy = hold(utils->DuplicateDevicePath(two));
	CHECK(copy && copy != two && !CompareMem(copy, two, 16), "DuplicateDevicePath");
	CHECK(!utils->IsDevicePathMultiInstance(two), "one instance reported as several");
	CHECK(utils->GetDevicePathSize(NULL) == 0, "size of NULL");
	return EFI_SUCCESS;
}

static EFI_STATUS utilities_instances(void)
{
	EFI_DEVICE_PATH *a = hold(from_text->ConvertTextToDevicePath(L"Pci(0x1,0x0)"));
	EFI_DEVICE_PATH *b = hold(from_text->ConvertTextToDevicePath(L"Pci(0x2,0x0)/Pci(0x0,0x0)"));
	EFI_DEVICE_PATH *multi, *cursor, *inst;
	UINTN size = 0;

	CHECK(a && b, "paths");
	multi = hold(utils->AppendDevicePathInstance(a, b));
	CHECK(multi && utils->IsDevicePathMultiInstance(multi), "AppendDevicePathInstance");
	CHECK(utils->GetDevicePathSize(multi) == 10 + 16, "size %ld",
	      (INT64)utils->GetDevicePathSize(multi));
	cursor = multi;
	inst = hold(utils->GetNextDevicePathInstance(&cursor, &size));
	CHECK(inst && size == 10 && !CompareMem(inst, a, 6), "first instance, size %ld",
	      (INT64)size);
	inst = hold(utils->GetNextDevicePathInstance(&cursor, &size));
	CHECK(inst && size == 16 && !CompareMem(inst, b, 16), "second instance, size %ld",
	      (INT64)size);
	CHECK(cursor == NULL, "more instances after the last");
	return EFI_SUCCESS;
}

static EFI_STATUS round_trip_usb(void)
{
	return round_trip(L"PciRoot(0x0)/Pci(0x1,0x2)/USB(0x1,0x0)");
}

/* A node's text ends at its first ')': the rest of a path is not part of it. */
static EFI_STATUS from_text_node_ignores_rest(void)
{
	EFI_DEVICE_PATH *node =
		hold(from_text->ConvertTextToDeviceNode(L"Pci(0x1,0x0)/Pci(0x2,0x0)"));
	UINT8 *b = (UINT8 *)node;

	CHECK(node && node_length(node) == 6 && b[5] == 1 && b[4] == 0, "node %p", node);
	return EFI_SUCCESS;
}

/* MBR partitions: type 1, the signature's four bytes little-endian, the rest zero. */
static EFI_STATUS from_text_hd_mbr(void)
{
	UINT8 *hd = hold(from_text->ConvertTextToDeviceNode(L"HD(2,MBR,0x5354524D,0x3F,0x3E8)"));
	static const UINT8 sig[16] = { 0x4d, 0x52, 0x54, 0x53 };

	CHECK(hd && node_length((void *)hd) == 42, "HD node");
	CHECK(hd[4] == 2 && hd[8] == 0x3f && hd[16] == 0xe8 && hd[17] == 3, "number or range");
	CHECK(!CompareMem(hd + 24, (void *)sig, 16), "signature bytes");
	CHECK(hd[40] == 1 && hd[41] == 1, "MBRType %d, SignatureType %d", hd[40], hd[41]);
	return EFI_SUCCESS;
}

/* Vendor data of an odd number of digits is sized up and left zero, as EDK2 does. */
static EFI_STATUS vendor_odd_data_zero(void)
{
	UINT8 *v = hold(from_text->ConvertTextToDeviceNode(
		L"VenHw(4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC,ABC)"));

	CHECK(v && node_length((void *)v) == 22, "length %ld",
	      (INT64)(v ? node_length((void *)v) : 0));
	CHECK(v[20] == 0 && v[21] == 0, "data %02x%02x", v[20], v[21]);
	return EFI_SUCCESS;
}

static EFI_STATUS terminal_shortcuts(void)
{
	EFI_DEVICE_PATH *path =
		hold(from_text->ConvertTextToDevicePath(L"VenVt100()/VenVt100Plus()/VenUtf8()"));
	CHAR16 *text;

	CHECK(path && utils->GetDevicePathSize(path) == 3 * 20 + 4, "path");
	text = hold(to_text->ConvertDevicePathToText(path, FALSE, TRUE));
	CHECK(text && !StrCmp(text, L"VenVt100()/VenVt100Plus()/VenUtf8()"), "text %s", text);
	return EFI_SUCCESS;
}

/* Gateway and mask left out: the node still has them, zero. */
static EFI_STATUS ipv4_short_form(void)
{
	EFI_DEVICE_PATH *node =
		hold(from_text->ConvertTextToDeviceNode(L"IPv4(10.0.2.2,UDP,Static,10.0.2.15)"));
	CHAR16 *text;

	CHECK(node && node_length(node) == 27, "IPv4 node");
	text = hold(to_text->ConvertDeviceNodeToText(node, FALSE, FALSE));
	CHECK(text && !StrCmp(text, L"IPv4(10.0.2.2,UDP,Static,10.0.2.15,0.0.0.0,0.0.0.0)"),
	      "text %s", text);
	text = hold(to_text->ConvertDeviceNodeToText(node, TRUE, FALSE));
	CHECK(text && !StrCmp(text, L"IPv4(10.0.2.2)"), "DisplayOnly text %s", text);
	return EFI_SUCCESS;
}

static EFI_STATUS to_text_null(void)
{
	CHECK(!to_text->ConvertDevicePathToText(NULL, FALSE, FALSE), "text of a NULL path");
	CHECK(!to_text->ConvertDeviceNodeToText(NULL, FALSE, FALSE), "text of a NULL node");
	return EFI_SUCCESS;
}

/* We were started through the removable media path: our FilePath is that file. */
static EFI_STATUS own_file_path(void)
{
	CHAR16 *text = hold(
		to_text->ConvertDevicePathToText(selftest_loaded_image->FilePath, FALSE, FALSE));

	CHECK(text && !StrCmp(text, L"\\EFI\\BOOT\\BOOTX64.EFI"), "our FilePath is %s", text);
	return EFI_SUCCESS;
}

/* A path made from text finds the volume it names, the file node left over. */
static EFI_STATUS locate_device_path_from_text(void)
{
	EFI_DEVICE_PATH *volume = NULL, *path, *rest;
	EFI_HANDLE found = NULL;
	CHAR16 *text, *full;
	UINTN len;

	CHECK_OK(BS->HandleProtocol(selftest_loaded_image->DeviceHandle,
				    &gEfiDevicePathProtocolGuid, (void **)&volume));
	text = hold(to_text->ConvertDevicePathToText(volume, FALSE, FALSE));
	CHECK(text, "text of our volume");
	len = StrLen(text);
	full = hold(AllocatePool((len + 32) * sizeof(CHAR16)));
	CHECK(full, "pool");
	CopyMem(full, text, len * sizeof(CHAR16));
	CopyMem(full + len, L"/\\EFI\\BOOT\\BOOTX64.EFI", 23 * sizeof(CHAR16));
	path = hold(from_text->ConvertTextToDevicePath(full));
	CHECK(path, "path of %s", full);
	rest = path;
	CHECK_OK(BS->LocateDevicePath(&gEfiSimpleFileSystemProtocolGuid, &rest, &found));
	CHECK(found == selftest_loaded_image->DeviceHandle, "another handle found");
	CHECK(rest->Type == MEDIA_DEVICE_PATH && rest->SubType == MEDIA_FILEPATH_DP,
	      "left over: node %d/%d", rest->Type, rest->SubType);
	return EFI_SUCCESS;
}

/* The display's GOP handle has OVMF's path shape: a PCI function, then AcpiAdr. */
static EFI_STATUS gop_path_text(void)
{
	EFI_HANDLE *handles = NULL;
	EFI_DEVICE_PATH *path = NULL;
	UINTN count = 0, len;
	CHAR16 *text;
	static CHAR16 tail[] = L"/AcpiAdr(0x80010100)";

	CHECK_OK(BS->LocateHandleBuffer(ByProtocol, &gEfiGraphicsOutputProtocolGuid, NULL, &count,
					&handles));
	hold(handles);
	for (UINTN i = 0; i < count && !path; i++)
		BS->HandleProtocol(handles[i], &gEfiDevicePathProtocolGuid, (void **)&path);
	CHECK(path, "no GOP handle with a device path");
	text = hold(to_text->ConvertDevicePathToText(path, FALSE, FALSE));
	CHECK(text, "NULL text");
	len = StrLen(text);
	CHECK(!StrnCmp(text, L"PciRoot(0x0)/Pci(", 17) && len > StrLen(tail) &&
		      !StrCmp(text + len - StrLen(tail), tail),
	      "GOP path %s", text);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(
	device_paths, { "device_path.round_trip_pci_sata", locate, round_trip_pci_sata, free_held },
	{ "device_path.round_trip_hd_file", locate, round_trip_hd_file, free_held },
	{ "device_path.round_trip_nvme", locate, round_trip_nvme, free_held },
	{ "device_path.round_trip_scsi_mbr", locate, round_trip_scsi_mbr, free_held },
	{ "device_path.round_trip_ata_cdrom", locate, round_trip_ata_cdrom, free_held },
	{ "device_path.round_trip_vendor", locate, round_trip_vendor, free_held },
	{ "device_path.round_trip_network", locate, round_trip_network, free_held },
	{ "device_path.round_trip_firmware_volume", locate, round_trip_firmware_volume, free_held },
	{ "device_path.round_trip_memory_offset", locate, round_trip_memory_offset, free_held },
	{ "device_path.round_trip_acpi", locate, round_trip_acpi, free_held },
	{ "device_path.round_trip_generic", locate, round_trip_generic, free_held },
	{ "device_path.from_text_fields", locate, from_text_fields, free_held },
	{ "device_path.from_text_empty_is_null", locate, from_text_empty_is_null, free_held },
	{ "device_path.from_text_unbalanced", locate, from_text_unbalanced, free_held },
	{ "device_path.unknown_name_is_file_path", locate, unknown_name_is_file_path, free_held },
	{ "device_path.display_only", locate, display_only, free_held },
	{ "device_path.shortcuts", locate, shortcuts, free_held },
	{ "device_path.multi_instance", locate, multi_instance, free_held },
	{ "device_path.boot_volume_round_trip", locate, boot_volume_round_trip, free_held },
	{ "device_path.utilities_nodes", locate, utilities_nodes, free_held },
	{ "device_path.utilities_instances", locate, utilities_instances, free_held },
	{ "device_path.round_trip_usb", locate, round_trip_usb, free_held },
	{ "device_path.from_text_node_ignores_rest", locate, from_text_node_ignores_rest,
	  free_held },
	{ "device_path.from_text_hd_mbr", locate, from_text_hd_mbr, free_held },
	{ "device_path.vendor_odd_data_zero", locate, vendor_odd_data_zero, free_held },
	{ "device_path.terminal_shortcuts", locate, terminal_shortcuts, free_held },
	{ "device_path.ipv4_short_form", locate, ipv4_short_form, free_held },
	{ "device_path.to_text_null", locate, to_text_null, free_held },
	{ "device_path.own_file_path", locate, own_file_path, free_held },
	{ "device_path.locate_device_path_from_text", locate, locate_device_path_from_text,
	  free_held },
	{ "device_path.gop_path_text", locate, gop_path_text, free_held });
