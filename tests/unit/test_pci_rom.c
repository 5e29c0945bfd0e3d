/* SPDX-License-Identifier: MIT */
/*
 * PCI expansion ROM walk: ROMs built here (a legacy image, then EFI images of each kind), the
 * filters on code type, machine and subsystem, the last-image indicator, and bad offsets; and
 * Debian's efi-virtio.rom when ipxe-qemu is installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/pci_rom.h"

static UINT8 rom[8 * 512];

static void put16(UINT8 *p, UINT16 v)
{
	p[0] = (UINT8)v;
	p[1] = (UINT8)(v >> 8);
}

/* An image of blocks 512-byte units at offset: code type, EFI fields, PCIR at 0x1c. */
static void image(UINT32 offset, UINT16 blocks, UINT8 type, UINT16 subsystem, UINT16 machine,
		  BOOLEAN last)
{
	UINT8 *h = rom + offset, *pcir = h + 0x1c;

	put16(h, 0xaa55);
	put16(h + 0x02, blocks); /* InitializationSize */
	put16(h + 0x04, type == 3 ? 0x0ef1 : 0);
	put16(h + 0x08, subsystem);
	put16(h + 0x0a, machine);
	put16(h + 0x0c, 0);
	put16(h + 0x16, 0x40); /* EfiImageHeaderOffset */
	put16(h + 0x18, 0x1c);
	memcpy(pcir, "PCIR", 4);
	put16(pcir + 4, 0x1af4);
	put16(pcir + 6, 0x1041);
	put16(pcir + 0x10, blocks);
	pcir[0x14] = type;
	pcir[0x15] = last ? 0x80 : 0;
}

static void test_walk_finds_x64_drivers(void **state)
{
	struct pci_rom_image img;
	UINT32 cursor = 0;

	(void)state;
	memset(rom, 0, sizeof(rom));
	image(0, 1, 0, 0, 0, FALSE);		/* legacy BIOS code */
	image(512, 2, 3, 11, 0x8664, FALSE);	/* x64 boot service driver */
	image(1536, 1, 3, 10, 0x8664, FALSE);	/* an application: skipped */
	image(2048, 1, 3, 11, 0x014c, FALSE);	/* IA32: skipped */
	image(2560, 1, 3, 12, 0x8664, TRUE);	/* x64 runtime driver, the last */
	image(3072, 1, 3, 11, 0x8664, TRUE);	/* after the last: never seen */
	assert_int_equal(pci_rom_next_efi(rom, sizeof(rom), &cursor, &img), EFI_SUCCESS);
	assert_int_equal(img.start, 512);
	assert_int_equal(img.end, 512 + 1024 - 1);
	assert_int_equal(img.efi_offset, 512 + 0x40);
	assert_int_equal(img.efi_size, 1024 - 0x40);
	assert_int_equal(img.vendor, 0x1af4);
	assert_int_equal(img.device, 0x1041);
	assert_int_equal(img.subsystem, 11);
	assert_int_equal(img.compression, PCI_ROM_COMPRESSION_NONE);
	assert_int_equal(pci_rom_next_efi(rom, sizeof(rom), &cursor, &img), EFI_SUCCESS);
	assert_int_equal(img.start, 2560);
	assert_int_equal(img.subsystem, 12);
	assert_int_equal(pci_rom_next_efi(rom, sizeof(rom), &cursor, &img), EFI_NOT_FOUND);
	/* An empty ROM BAR reads as zeros: no image. */
	memset(rom, 0, sizeof(rom));
	cursor = 0;
	assert_int_equal(pci_rom_next_efi(rom, sizeof(rom), &cursor, &img), EFI_NOT_FOUND);
}

static void test_bad_offsets(void **state)
{
	struct pci_rom_image img;
	UINT32 cursor;

	(void)state;
	memset(rom, 0, sizeof(rom));
	image(0, 2, 3, 11, 0x8664, TRUE);
	put16(rom + 0x18, sizeof(rom) - 8); /* PCIR past the end */
	cursor = 0;
	assert_int_equal(pci_rom_next_efi(rom, sizeof(rom), &cursor, &img), EFI_VOLUME_CORRUPTED);
	image(0, 9, 3, 11, 0x8664, TRUE); /* longer than the ROM */
	cursor = 0;
	assert_int_equal(pci_rom_next_efi(rom, sizeof(rom), &cursor, &img), EFI_VOLUME_CORRUPTED);
	image(0, 2, 3, 11, 0x8664, TRUE);
	put16(rom + 0x16, 1024); /* the PE starts past InitializationSize */
	cursor = 0;
	assert_int_equal(pci_rom_next_efi(rom, sizeof(rom), &cursor, &img), EFI_VOLUME_CORRUPTED);
	image(0, 2, 3, 11, 0x8664, TRUE);
	memcpy(rom + 0x1c, "PCIX", 4);
	cursor = 0;
	assert_int_equal(pci_rom_next_efi(rom, sizeof(rom), &cursor, &img), EFI_VOLUME_CORRUPTED);
	cursor = 0;
	assert_int_equal(pci_rom_next_efi(rom, 20, &cursor, &img), EFI_NOT_FOUND);
}

/* The real ROM QEMU gives virtio-net-pci: its EFI image is a PE ("MZ") of the stated size. */
static void test_debian_ipxe_rom(void **state)
{
	static UINT8 big[512 * 1024];
	struct pci_rom_image img;
	FILE *f = fopen("/usr/lib/ipxe/qemu/efi-virtio.rom", "rb");
	UINT32 cursor = 0;
	size_t size;

	(void)state;
	if (!f)
		skip();
	size = fread(big, 1, sizeof(big), f);
	fclose(f);
	assert_int_equal(pci_rom_next_efi(big, size, &cursor, &img), EFI_SUCCESS);
	assert_true(img.start > 0); /* after the legacy PXE image */
	assert_int_equal(img.vendor, 0x1af4);
	assert_true(img.end < size);
	assert_memory_equal(big + img.efi_offset, "MZ", 2);
	assert_int_equal(pci_rom_next_efi(big, size, &cursor, &img), EFI_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_finds_x64_drivers),
		cmocka_unit_test(test_bad_offsets),
		cmocka_unit_test(test_debian_ipxe_rom),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
