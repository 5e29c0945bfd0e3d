/* SPDX-License-Identifier: MIT */
/* Device path sizes, builders, instances, file names and text forms (lib/formats/device_path.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/device_path.h"

/* PciRoot(0x0)/Pci(0x3,0x0)/HD(1,GPT,...,0x800,0x1F800)/\EFI\BOOT\BOOTX64.EFI, built by hand. */
struct __attribute__((packed)) disk_path {
	ACPI_HID_DEVICE_PATH root;
	PCI_DEVICE_PATH pci;
	HARDDRIVE_DEVICE_PATH hd;
	EFI_DEVICE_PATH_PROTOCOL end;
};

static const EFI_GUID part_guid = { 0x4e3b4a8d, 0x1c2f, 0x4b5a,
				    { 0x9e, 0x0a, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc } };

static void node(void *at, UINT8 type, UINT8 subtype, UINTN length)
{
	device_path_set_node(at, type, subtype, length);
}

static struct disk_path make_disk_path(void)
{
	struct disk_path p;

	memset(&p, 0, sizeof(p));
	node(&p.root, ACPI_DEVICE_PATH, ACPI_DP, sizeof(p.root));
	p.root.HID = EISA_PNP_ID(0x0a03);
	p.root.UID = 0;
	node(&p.pci, HARDWARE_DEVICE_PATH, HW_PCI_DP, sizeof(p.pci));
	p.pci.Device = 3;
	p.pci.Function = 0;
	node(&p.hd, MEDIA_DEVICE_PATH, MEDIA_HARDDRIVE_DP, sizeof(p.hd));
	p.hd.PartitionNumber = 1;
	p.hd.PartitionStart = 0x800;
	p.hd.PartitionSize = 0x1f800;
	memcpy(p.hd.Signature, &part_guid, sizeof(part_guid));
	p.hd.MBRType = MBR_TYPE_EFI_PARTITION_TABLE_HEADER;
	p.hd.SignatureType = SIGNATURE_TYPE_GUID;
	node(&p.end, END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, 4);
	return p;
}

/* Text of path as UTF-8 (ASCII here) for comparisons. */
static char *text_of(const EFI_DEVICE_PATH_PROTOCOL *path, BOOLEAN node_only)
{
	UINTN len = node_only ? device_path_node_to_text(path, FALSE, NULL, 0)
			      : device_path_to_text(path, FALSE, NULL, 0);
	CHAR16 *w = calloc(len + 1, sizeof(CHAR16));
	char *s = calloc(len + 1, 1);

	assert_int_equal(node_only ? device_path_node_to_text(path, FALSE, w, len + 1)
				   : device_path_to_text(path, FALSE, w, len + 1),
			 len);
	assert_int_equal(w[len], 0);
	for (UINTN i = 0; i < len; i++)
		s[i] = (char)w[i];
	free(w);
	return s;
}

static void assert_text(const EFI_DEVICE_PATH_PROTOCOL *path, const char *expected)
{
	char *s = text_of(path, FALSE);

	assert_string_equal(s, expected);
	free(s);
}

static void test_size_of_disk_path(void **state)
{
	struct disk_path p = make_disk_path();

	assert_int_equal(device_path_size(&p.root.Header), sizeof(p));
	assert_int_equal(device_path_size(NULL), 0);
	assert_int_equal(device_path_size_bounded(&p, sizeof(p)), sizeof(p));
	/* Cut off before the end node, or a node claiming more than remains: malformed. */
	assert_int_equal(device_path_size_bounded(&p, sizeof(p) - 1), 0);
	assert_int_equal(device_path_size_bounded(&p, 10), 0);
	assert_false(device_path_is_multi_instance(&p.root.Header));
}

static void test_zero_length_node_is_malformed(void **state)
{
	struct disk_path p = make_disk_path();

	node(&p.pci, HARDWARE_DEVICE_PATH, HW_PCI_DP, 0);
	assert_int_equal(device_path_size(&p.root.Header), 0);
	node(&p.pci, HARDWARE_DEVICE_PATH, HW_PCI_DP, 3);
	assert_int_equal(device_path_size(&p.root.Header), 0);
	assert_int_equal(device_path_append(&p.root.Header, NULL, NULL), 0);
	assert_int_equal(device_path_to_text(&p.root.Header, FALSE, NULL, 0), 0);
}

static void test_text_of_disk_path(void **state)
{
	struct disk_path p = make_disk_path();

	assert_text(&p.root.Header, "PciRoot(0x0)/Pci(0x3,0x0)/"
				    "HD(1,GPT,4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC,0x800,0x1F800)");
}

static void test_text_of_display_adr(void **state)
{
	UINT8 buf[16];
	char *s;

	memset(buf, 0, sizeof(buf));
	node(buf, ACPI_DEVICE_PATH, ACPI_ADR_DP, sizeof(ACPI_ADR_DEVICE_PATH));
	((ACPI_ADR_DEVICE_PATH *)buf)->ADR = ACPI_DISPLAY_ADR_VGA;
	s = text_of((void *)buf, TRUE);
	assert_string_equal(s, "AcpiAdr(0x80010100)");
	free(s);
	/* Too short for its ADR: shown generically, never read past the node. */
	node(buf, ACPI_DEVICE_PATH, ACPI_ADR_DP, 6);
	s = text_of((void *)buf, TRUE);
	assert_null(strstr(s, "AcpiAdr("));
	free(s);
}

static void test_text_of_common_nodes(void **state)
{
	UINT8 buf[64];
	char *s;

	memset(buf, 0, sizeof(buf));
	node(buf, ACPI_DEVICE_PATH, ACPI_DP, sizeof(ACPI_HID_DEVICE_PATH));
	((ACPI_HID_DEVICE_PATH *)buf)->HID = EISA_PNP_ID(0x0a08);
	((ACPI_HID_DEVICE_PATH *)buf)->UID = 1;
	s = text_of((void *)buf, TRUE);
	assert_string_equal(s, "PcieRoot(0x1)");
	free(s);

	((ACPI_HID_DEVICE_PATH *)buf)->HID = EISA_PNP_ID(0x0b00);
	s = text_of((void *)buf, TRUE);
	assert_string_equal(s, "Acpi(PNP0B00,0x1)");
	free(s);

	memset(buf, 0, sizeof(buf));
	node(buf, HARDWARE_DEVICE_PATH, HW_VENDOR_DP, sizeof(VENDOR_DEVICE_PATH) + 2);
	memcpy(buf + 4, &part_guid, sizeof(part_guid));
	buf[20] = 0xab;
	buf[21] = 0x01;
	s = text_of((void *)buf, TRUE);
	assert_string_equal(s, "VenHw(4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC,AB01)");
	free(s);

	node(buf, MEDIA_DEVICE_PATH, MEDIA_VENDOR_DP, sizeof(VENDOR_DEVICE_PATH));
	s = text_of((void *)buf, TRUE);
	assert_string_equal(s, "VenMedia(4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC)");
	free(s);

	memset(buf, 0, sizeof(buf));
	node(buf, MEDIA_DEVICE_PATH, MEDIA_HARDDRIVE_DP, sizeof(HARDDRIVE_DEVICE_PATH));
	((HARDDRIVE_DEVICE_PATH *)buf)->PartitionNumber = 2;
	((HARDDRIVE_DEVICE_PATH *)buf)->PartitionStart = 63;
	((HARDDRIVE_DEVICE_PATH *)buf)->PartitionSize = 1000;
	((HARDDRIVE_DEVICE_PATH *)buf)->Signature[0] = 0x78;
	((HARDDRIVE_DEVICE_PATH *)buf)->Signature[1] = 0x56;
	((HARDDRIVE_DEVICE_PATH *)buf)->Signature[2] = 0x34;
	((HARDDRIVE_DEVICE_PATH *)buf)->Signature[3] = 0x12;
	((HARDDRIVE_DEVICE_PATH *)buf)->SignatureType = SIGNATURE_TYPE_MBR;
	s = text_of((void *)buf, TRUE);
	assert_string_equal(s, "HD(2,MBR,0x12345678,0x3F,0x3E8)");
	free(s);

	/* NVMe: the EUI-64 bytes as OVMF stores them, printed last first as EDK2 does. */
	memset(buf, 0, sizeof(buf));
	node(buf, MESSAGING_DEVICE_PATH, MSG_NVME_NAMESPACE_DP, sizeof(NVME_NAMESPACE_DEVICE_PATH));
	((NVME_NAMESPACE_DEVICE_PATH *)buf)->NamespaceId = 0x12;
	for (int i = 0; i < 8; i++)
		buf[8 + i] = (UINT8)(0xa0 + i);
	s = text_of((void *)buf, TRUE);
	assert_string_equal(s, "NVMe(0x12,A7-A6-A5-A4-A3-A2-A1-A0)");
	free(s);

	/* An IDE unit as OVMF's AtaAtapiPassThru names it in IDE mode. */
	memset(buf, 0, sizeof(buf));
	node(buf, MESSAGING_DEVICE_PATH, MSG_ATAPI_DP, sizeof(ATAPI_DEVICE_PATH));
	s = text_of((void *)buf, TRUE);
	assert_string_equal(s, "Ata(Primary,Master,0x0)");
	free(s);
	((ATAPI_DEVICE_PATH *)buf)->PrimarySecondary = 1;
	((ATAPI_DEVICE_PATH *)buf)->SlaveMaster = 1;
	s = text_of((void *)buf, TRUE);
	assert_string_equal(s, "Ata(Secondary,Slave,0x0)");
	free(s);

	/* An unknown messaging node: its sub-type and bytes. */
	memset(buf, 0, sizeof(buf));
	node(buf, MESSAGING_DEVICE_PATH, 0x7e, 6);
	buf[4] = 0x12;
	buf[5] = 0xef;
	s = text_of((void *)buf, TRUE);
	assert_string_equal(s, "Msg(126,12EF)");
	free(s);

	node(buf, 0x42, 0x01, 4);
	s = text_of((void *)buf, TRUE);
	assert_string_equal(s, "Path(66,1)");
	free(s);

	/* Too short for a PCI node: generic, never read past the node. */
	node(buf, HARDWARE_DEVICE_PATH, HW_PCI_DP, 5);
	buf[4] = 7;
	s = text_of((void *)buf, TRUE);
	assert_string_equal(s, "HardwarePath(1,07)");
	free(s);
}

static void test_file_node_and_append(void **state)
{
	struct disk_path p = make_disk_path();
	UINT8 file[128], *joined;
	UINTN file_len, size;

	/* A node and an end node: as a node to append, or as a path of its own. */
	file_len = device_path_file_node(u"\\EFI\\BOOT\\BOOTX64.EFI", file) - 4;
	assert_int_equal(file_len, 4 + 22 * 2);
	assert_int_equal(device_path_size((void *)file), file_len + 4);
	assert_int_equal(device_path_append(&p.root.Header, (void *)file, NULL),
			 sizeof(p) + file_len);
	size = device_path_append_node(&p.root.Header, (void *)file, NULL);
	assert_int_equal(size, sizeof(p) + file_len);
	joined = malloc(size);
	assert_int_equal(device_path_append_node(&p.root.Header, (void *)file, joined), size);
	assert_int_equal(device_path_size((void *)joined), size);
	assert_text((void *)joined,
		    "PciRoot(0x0)/Pci(0x3,0x0)/"
		    "HD(1,GPT,4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC,0x800,0x1F800)/"
		    "\\EFI\\BOOT\\BOOTX64.EFI");

	/* The device part is a prefix of the joined path; what follows is the file node. */
	assert_ptr_equal(device_path_skip_prefix(&p.root.Header, (void *)joined),
			 joined + sizeof(p) - 4);
	assert_null(device_path_skip_prefix((void *)joined, &p.root.Header));
	free(joined);
}

static void test_append_null_and_paths(void **state)
{
	struct disk_path p = make_disk_path();
	UINT8 buf[256];

	/* Both NULL: just an end node. */
	assert_int_equal(device_path_append(NULL, NULL, buf), 4);
	assert_true(device_path_is_end((void *)buf));
	assert_int_equal(device_path_append(&p.root.Header, NULL, buf), sizeof(p));
	assert_memory_equal(buf, &p, sizeof(p));
	assert_int_equal(device_path_append(NULL, &p.root.Header, buf), sizeof(p));
	assert_memory_equal(buf, &p, sizeof(p));
	assert_int_equal(device_path_append(&p.root.Header, &p.root.Header, buf),
			 2 * sizeof(p) - 4);
	assert_int_equal(device_path_size((void *)buf), 2 * sizeof(p) - 4);
	/* A NULL node appends nothing. */
	assert_int_equal(device_path_append_node(&p.root.Header, NULL, buf), sizeof(p));
	assert_int_equal(device_path_append_node(NULL, &p.pci.Header, buf), sizeof(p.pci) + 4);
}

static void test_instances(void **state)
{
	struct disk_path p = make_disk_path();
	UINT8 multi[256], first[128];
	const EFI_DEVICE_PATH_PROTOCOL *next;
	UINTN size;

	assert_int_equal(device_path_append_instance(&p.root.Header, NULL, multi), 0);
	size = device_path_append_instance(&p.root.Header, &p.pci.Header, multi);
	assert_int_equal(size, sizeof(p) + sizeof(p) - sizeof(p.root));
	assert_int_equal(device_path_size((void *)multi), size);
	assert_true(device_path_is_multi_instance((void *)multi));
	assert_text((void *)multi,
		    "PciRoot(0x0)/Pci(0x3,0x0)/"
		    "HD(1,GPT,4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC,0x800,0x1F800),"
		    "/Pci(0x3,0x0)/HD(1,GPT,4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC,0x800,0x1F800)");

	assert_int_equal(device_path_next_instance((void *)multi, first, &next), sizeof(p));
	assert_memory_equal(first, &p, sizeof(p));
	assert_ptr_equal(next, multi + sizeof(p));
	assert_int_equal(device_path_next_instance(next, first, &next), sizeof(p) - sizeof(p.root));
	assert_null(next);
	assert_false(device_path_is_multi_instance((void *)first));

	/* A NULL path: the instance alone. */
	assert_int_equal(device_path_append_instance(NULL, &p.root.Header, multi), sizeof(p));
}

static void file_name_of(const void *path, const char *expected)
{
	CHAR16 w[128];
	char s[128];
	UINTN chars = 0;

	assert_int_equal(device_path_file_name(path, w, 128, &chars), EFI_SUCCESS);
	assert_int_equal(chars, strlen(expected) + 1);
	for (UINTN i = 0; i < chars; i++)
		s[i] = (char)w[i];
	assert_string_equal(s, expected);
}

static void test_file_name_joins_nodes(void **state)
{
	UINT8 path[256];
	UINTN n = 0;
	CHAR16 small[4];
	UINTN chars;

	/* Each node's end node is overwritten by the next node. */
	n += device_path_file_node(u"\\EFI", path + n) - 4;
	n += device_path_file_node(u"BOOT\\", path + n) - 4;
	n += device_path_file_node(u"\\BOOTX64.EFI", path + n) - 4;
	file_name_of(path, "\\EFI\\BOOT\\BOOTX64.EFI");

	assert_int_equal(device_path_file_name((void *)path, small, 4, &chars),
			 EFI_BUFFER_TOO_SMALL);
	assert_int_equal(chars, 22);

	device_path_file_node(u"grubx64.efi", path);
	file_name_of(path, "grubx64.efi");
}

static void test_file_name_refuses_other_nodes(void **state)
{
	struct disk_path p = make_disk_path();
	CHAR16 w[64];
	UINTN chars;

	assert_int_equal(device_path_file_name(&p.root.Header, w, 64, &chars), EFI_NOT_FOUND);
	/* Just an end node: the empty name. */
	assert_int_equal(device_path_file_name(&p.end, w, 64, &chars), EFI_SUCCESS);
	assert_int_equal(chars, 1);
	assert_int_equal(w[0], 0);
}

static void test_text_truncates_like_snprintf(void **state)
{
	struct disk_path p = make_disk_path();
	CHAR16 w[8];
	UINTN len = device_path_to_text(&p.root.Header, FALSE, w, 8);

	assert_true(len > 8);
	assert_int_equal(w[7], 0);
	assert_int_equal(w[0], 'P');
	assert_int_equal(w[6], 't');
}

static void test_file_node_too_long(void **state)
{
	CHAR16 *name = malloc(40000 * sizeof(CHAR16));

	for (int i = 0; i < 39999; i++)
		name[i] = 'a';
	name[39999] = 0;
	assert_int_equal(device_path_file_node(name, NULL), 0);
	free(name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_of_disk_path),
		cmocka_unit_test(test_zero_length_node_is_malformed),
		cmocka_unit_test(test_text_of_disk_path),
		cmocka_unit_test(test_text_of_common_nodes),
		cmocka_unit_test(test_text_of_display_adr),
		cmocka_unit_test(test_file_node_and_append),
		cmocka_unit_test(test_append_null_and_paths),
		cmocka_unit_test(test_instances),
		cmocka_unit_test(test_file_name_joins_nodes),
		cmocka_unit_test(test_file_name_refuses_other_nodes),
		cmocka_unit_test(test_text_truncates_like_snprintf),
		cmocka_unit_test(test_file_node_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
