/* SPDX-License-Identifier: MIT */
/* virtio-mmio in a DSDT: LNRO0005 devices with a Memory32Fixed, ones without, the table in a blob. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/platform/virtio_mmio_acpi.h"

static UINT8 blob[512];
static size_t used;

static void put(const void *p, size_t n)
{
	memcpy(blob + used, p, n);
	used += n;
}

static void put32(UINT32 v)
{
	UINT8 b[4] = { (UINT8)v, (UINT8)(v >> 8), (UINT8)(v >> 16), (UINT8)(v >> 24) };

	put(b, 4);
}

/* Name(_HID, "LNRO0005"), Name(_UID, uid), then _CRS with Memory32Fixed(ReadWrite, base, 0x200). */
static void device(UINT32 base, int with_memory)
{
	static const UINT8 hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0d, 'L', 'N', 'R', 'O',
				     '0', '0', '0', '5', 0 };
	static const UINT8 crs[] = { 0x08, '_', 'C', 'R', 'S', 0x11, 0x14, 0x0a, 0x11 };
	static const UINT8 other[] = { 0x89, 0x06, 0x00, 0x01, 0x01, 0x10, 0x00, 0x00, 0x00 };

	put(hid, sizeof(hid));
	put(crs, sizeof(crs));
	if (with_memory) {
		static const UINT8 mem[] = { 0x86, 0x09, 0x00, 0x01 };

		put(mem, sizeof(mem));
		put32(base);
		put32(0x200);
	}
	put(other, sizeof(other));	/* an Extended Interrupt descriptor */
}

/* A FACS, then a DSDT of the given devices (0 base: a device without memory). */
static const UINT8 *build(const UINT32 *bases, size_t n, size_t *ret_dsdt_size)
{
	size_t start;

	memset(blob, 0, sizeof(blob));
	used = 0;
	put("FACS", 4);
	put32(64);
	used = 64;
	start = used;
	put("DSDT", 4);
	put32(0);	/* length, below */
	used = start + 36;
	for (size_t i = 0; i < n; i++)
		device(bases[i], bases[i] != 0);
	blob[start + 4] = (UINT8)(used - start);
	*ret_dsdt_size = used - start;
	return blob + start;
}

static void test_devices_found_in_order(void **state)
{
	const UINT32 bases[] = { 0xfeb00000, 0, 0xfeb02e00 };
	UINT64 found[4] = { 0 };
	size_t size;
	const UINT8 *dsdt = build(bases, 3, &size);

	(void)state;
	assert_ptr_equal(acpi_blob_find_table(blob, used, "DSDT"), dsdt);
	assert_int_equal(acpi_virtio_mmio_bases(dsdt, size, found, 4), 2);
	assert_int_equal(found[0], 0xfeb00000ull);
	assert_int_equal(found[1], 0xfeb02e00ull);
	/* At most max. */
	assert_int_equal(acpi_virtio_mmio_bases(dsdt, size, found, 1), 1);
}

static void test_bad_tables(void **state)
{
	const UINT32 bases[] = { 0xfeb00000 };
	UINT64 found[2];
	size_t size;
	const UINT8 *dsdt = build(bases, 1, &size);

	(void)state;
	assert_null(acpi_blob_find_table(blob, used, "APIC"));
	/* A length beyond the blob: not the table. */
	assert_null(acpi_blob_find_table(blob, 64 + size - 1, "DSDT"));
	assert_int_equal(acpi_virtio_mmio_bases(dsdt, size - 1, found, 2), 0);
	assert_int_equal(acpi_virtio_mmio_bases(blob, used, found, 2), 0);	/* the FACS */
	assert_int_equal(acpi_virtio_mmio_bases(NULL, 100, found, 2), 0);
	/* A descriptor cut by the table's end is not read. */
	blob[64 + 4] = (UINT8)(size - 12);
	assert_int_equal(acpi_virtio_mmio_bases(dsdt, size, found, 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devices_found_in_order),
		cmocka_unit_test(test_bad_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
