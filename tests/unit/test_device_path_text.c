/* SPDX-License-Identifier: MIT */
/* Device path text both ways (lib/formats/device_path_text.c, _from_text.c): EDK2's texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/device_path.h"

static CHAR16 *wide(const char *s)
{
	size_t n = strlen(s);
	CHAR16 *w = calloc(n + 1, sizeof(CHAR16));

	for (size_t i = 0; i < n; i++)
		w[i] = (unsigned char)s[i];
	return w;
}

/* The binary form of text in a fresh buffer of exactly its size; *ret_size: its bytes. */
static UINT8 *parse(const char *text, BOOLEAN node_only, UINTN *ret_size)
{
	CHAR16 *w = wide(text);
	UINTN size = device_path_from_text(w, node_only, NULL, 0);
	UINT8 *buf = malloc(size ? size : 1);

	assert_int_equal(device_path_from_text(w, node_only, buf, size), size);
	free(w);
	*ret_size = size;
	return buf;
}

static char *to_text(const void *path, UINT8 flags, BOOLEAN node_only)
{
	UINTN len = node_only ? device_path_node_to_text(path, flags, NULL, 0)
			      : device_path_to_text(path, flags, NULL, 0);
	CHAR16 *w = calloc(len + 1, sizeof(CHAR16));
	char *s = calloc(len + 1, 1);

	if (node_only)
		device_path_node_to_text(path, flags, w, len + 1);
	else
		device_path_to_text(path, flags, w, len + 1);
	for (UINTN i = 0; i < len; i++)
		s[i] = (char)w[i];
	free(w);
	return s;
}

/* text parses to a well-formed path whose text is text again. */
static void round_trip(const char *text)
{
	UINTN size;
	UINT8 *path = parse(text, FALSE, &size);
	char *again;

	assert_int_equal(device_path_size_bounded(path, size), size);
	again = to_text(path, 0, FALSE);
	assert_string_equal(again, text);
	free(again);
	free(path);
}

static void test_round_trips_of_every_node_kind(void **state)
{
	static const char *const texts[] = {
		"PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x0,0xFFFF,0x0)",
		"PciRoot(0x0)/Pci(0x3,0x0)/"
		"HD(1,GPT,4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC,0x800,0x1F800)"
		"/\\EFI\\BOOT\\BOOTX64.EFI",
		"PcieRoot(0x1)/Pci(0x0,0x0)/NVMe(0x1,00-11-22-33-44-55-66-77)",
		"PciRoot(0x0)/Pci(0x1,0x1)/Ata(Secondary,Master,0x0)/CDROM(0x1,0x5C,0x1F0)",
		"PciRoot(0x0)/Pci(0x4,0x0)/Scsi(0x2,0x0)/HD(2,MBR,0x5354524D,0x3F,0x3E8)",
		"PciRoot(0x0)/Pci(0x2,0x0)/AcpiAdr(0x80010100)",
		"PciRoot(0x0)/Pci(0x2,0x0)/AcpiAdr(0x80010100,0x80010200)",
		"Acpi(PNP0B00,0x1)/Floppy(0x0)/Keyboard(0x0)/Serial(0x1)/ParallelPort(0x0)",
		"VenHw(4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC,AB01)",
		"VenMsg(4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC)/"
		"VenMedia(4E3B4A8D-1C2F-4B5A-9E0A-1234567"
		"89ABC,00FF)",
		"PciRoot(0x0)/Pci(0x3,0x0)/MAC(525400123456,0x1)/"
		"IPv4(10.0.2.2,TCP,DHCP,10.0.2.15,10.0"
		".2.2,255.255.255.0)",
		"MAC(000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F,0x6)",
		"IPv4(192.168.1.1,UDP,Static,192.168.1.2,0.0.0.0,0.0.0.0)",
		"IPv4(1.2.3.4,0x2F,Static,5.6.7.8,0.0.0.0,0.0.0.0)",
		"MemoryMapped(0xB,0xFFC00000,0xFFFFFFFF)",
		"Fv(7CB8BDC9-F8EB-4F34-AAEA-3EE4AF6516A1)/"
		"FvFile(7C04A583-9E3E-4F1C-AD65-E05268D0B4D1)",
		"Offset(0x0,0x1FF)",
		"USB(0x1,0x0)",
		"Msg(126,12EF)/Path(66,1)/HardwarePath(9)/MediaPath(10,0102)/BbsPath(1,FF)",
		"PciRoot(0x0)/Pci(0x1,0x0),/PciRoot(0x0)/Pci(0x2,0x0)",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		round_trip(texts[i]);
}

static void test_binary_fields_as_edk2_fills_them(void **state)
{
	UINTN size;
	UINT8 *p = parse("Sata(0x2)/HD(1,GPT,4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC,0x800,0x1000)",
			 FALSE, &size);
	const SATA_DEVICE_PATH *sata = (const void *)p;
	const HARDDRIVE_DEVICE_PATH *hd = (const void *)(p + sizeof(*sata));
	static const UINT8 guid_bytes[16] = { 0x8d, 0x4a, 0x3b, 0x4e, 0x2f, 0x1c, 0x5a, 0x4b,
					      0x9e, 0x0a, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };

	assert_int_equal(size, sizeof(*sata) + sizeof(*hd) + END_DEVICE_PATH_LENGTH);
	/* A port multiplier left out is 0xFFFF (UEFI 2.10 §10.3.4.6). */
	assert_int_equal(sata->HBAPortNumber, 2);
	assert_int_equal(sata->PortMultiplierPortNumber, 0xffff);
	assert_int_equal(hd->MBRType, MBR_TYPE_EFI_PARTITION_TABLE_HEADER);
	assert_int_equal(hd->SignatureType, SIGNATURE_TYPE_GUID);
	assert_memory_equal(hd->Signature, guid_bytes, 16);
	assert_int_equal(hd->PartitionStart, 0x800);
	free(p);

	/* Decimal without "0x", hexadecimal with it, also after leading zeros. */
	p = parse("Pci(31,00x2)", TRUE, &size);
	assert_int_equal(size, sizeof(PCI_DEVICE_PATH));
	assert_int_equal(((PCI_DEVICE_PATH *)p)->Device, 31);
	assert_int_equal(((PCI_DEVICE_PATH *)p)->Function, 2);
	free(p);

	/* The NVMe EUI-64 is stored last byte first. */
	p = parse("NVMe(0x1,00-11-22-33-44-55-66-77)", TRUE, &size);
	assert_int_equal(((NVME_NAMESPACE_DEVICE_PATH *)p)->NamespaceUuid, 0x0011223344556677ull);
	free(p);
}

static void test_unknown_names_are_file_paths(void **state)
{
	UINTN size;
	UINT8 *p = parse("\\EFI\\BOOT/Pcx(1)", FALSE, &size);
	char *s;

	assert_int_equal(p[0], MEDIA_DEVICE_PATH);
	assert_int_equal(p[1], MEDIA_FILEPATH_DP);
	/* Name and NUL: EDK2 sizes file nodes with their terminator. */
	assert_int_equal(device_path_node_length((void *)p), 4 + 10 * 2);
	s = to_text(p, 0, FALSE);
	assert_string_equal(s, "\\EFI\\BOOT/Pcx(1)");
	free(s);
	free(p);
}

static void test_bad_and_empty_texts(void **state)
{
	UINTN size;
	UINT8 *p;

	/* Nothing to convert: NULL from the protocol. */
	assert_int_equal(device_path_from_text(NULL, FALSE, NULL, 0), 0);
	assert_int_equal(device_path_from_text((CHAR16[]){ 0 }, TRUE, NULL, 0), 0);

	/* Unbalanced parentheses stop the conversion, as in EDK2: the nodes before, the end. */
	p = parse("Pci(0x1,0x0)/Pci(0x2", FALSE, &size);
	assert_int_equal(size, sizeof(PCI_DEVICE_PATH) + END_DEVICE_PATH_LENGTH);
	free(p);
	p = parse("Pci(0x1))/Pci(0x2)", FALSE, &size);
	assert_int_equal(size, END_DEVICE_PATH_LENGTH);
	free(p);

	/* A malformed GUID is zero, vendor data of odd length zero bytes, both still sized. */
	p = parse("VenHw(not-a-guid,ABC)", TRUE, &size);
	assert_int_equal(size, sizeof(VENDOR_DEVICE_PATH) + 2);
	for (UINTN i = 4; i < size; i++)
		assert_int_equal(p[i], 0);
	free(p);

	/* A bad address leaves zeros; numbers past 64 bits saturate. */
	p = parse("IPv4(1.2.3)", TRUE, &size);
	assert_int_equal(size, sizeof(IPv4_DEVICE_PATH));
	assert_int_equal(((IPv4_DEVICE_PATH *)p)->RemoteIpAddress[0], 0);
	free(p);
	p = parse("Offset(0x123456789ABCDEF01,99999999999999999999999)", TRUE, &size);
	assert_true(((MEDIA_RELATIVE_OFFSET_RANGE_DEVICE_PATH *)p)->StartingOffset == ~0ull);
	assert_true(((MEDIA_RELATIVE_OFFSET_RANGE_DEVICE_PATH *)p)->EndingOffset == ~0ull);
	free(p);
}

static void test_buffer_too_small_is_not_overrun(void **state)
{
	CHAR16 *w = wide("PciRoot(0x0)/Pci(0x1,0x0)");
	UINT8 buf[32];

	memset(buf, 0xcc, sizeof(buf));
	assert_int_equal(device_path_from_text(w, FALSE, buf, 10), 12 + 6 + 4);
	for (UINTN i = 10; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xcc);
	free(w);
}

static void test_shortcuts_and_display_only(void **state)
{
	UINTN size;
	UINT8 *p = parse("VenPcAnsi()/VenVt100()/VenVt100Plus()/VenUtf8()", FALSE, &size);
	char *s;

	assert_int_equal(size, 4 * sizeof(VENDOR_DEVICE_PATH) + END_DEVICE_PATH_LENGTH);
	s = to_text(p, DEVICE_PATH_TEXT_SHORTCUTS, FALSE);
	assert_string_equal(s, "VenPcAnsi()/VenVt100()/VenVt100Plus()/VenUtf8()");
	free(s);
	/* Without AllowShortcuts EDK2 prints the GUID. */
	s = to_text(p, 0, TRUE);
	assert_string_equal(s, "VenMsg(E0C14753-F9BE-11D2-9A0C-0090273FC14D)");
	free(s);
	free(p);

	p = parse("IPv4(10.0.2.2,TCP,DHCP,10.0.2.15)/Ata(Primary,Slave,0x0)/CDROM(0x0,0x1,0x2)",
		  FALSE, &size);
	/* Without gateway and mask: still the full 27-byte node, printed with zeros. */
	assert_int_equal(device_path_node_length((void *)p), sizeof(IPv4_DEVICE_PATH));
	s = to_text(p, DEVICE_PATH_TEXT_DISPLAY_ONLY, FALSE);
	assert_string_equal(s, "IPv4(10.0.2.2)/Ata(0x0)/CDROM(0x0)");
	free(s);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips_of_every_node_kind),
		cmocka_unit_test(test_binary_fields_as_edk2_fills_them),
		cmocka_unit_test(test_unknown_names_are_file_paths),
		cmocka_unit_test(test_bad_and_empty_texts),
		cmocka_unit_test(test_buffer_too_small_is_not_overrun),
		cmocka_unit_test(test_shortcuts_and_display_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
