/* SPDX-License-Identifier: MIT */
/* PCI configuration space through an ECAM window: here plain memory standing in for the MMIO. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* The driver as the firmware builds it; with a window set it never reaches the ports. */
#include "lib/drivers/pci.c"

#define BUS_SIZE (1u << 20)
#define FUNCTION_SIZE 4096u

/* Buses 0 and 1 of a window; each test starts from all ones (no device anywhere). */
static UINT8 *ecam;

static int setup(void **state)
{
	(void)state;
	ecam = malloc(2 * BUS_SIZE);
	if (!ecam)
		return -1;
	memset(ecam, 0xff, 2 * BUS_SIZE);
	pci_use_ecam((UINTN)ecam, 0, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pci_use_ecam(0, 0, 0);
	free(ecam);
	return 0;
}

static UINT8 *config(UINT8 bus, UINT8 device, UINT8 function)
{
	return ecam + bus * BUS_SIZE + (device * 8u + function) * FUNCTION_SIZE;
}

/* A function with vendor:device ids and a header type (bit 7: more functions follow). */
static void add_function(UINT8 bus, UINT8 device, UINT8 function, UINT16 vendor, UINT16 id,
			 UINT8 header_type)
{
	UINT8 *c = config(bus, device, function);

	memset(c, 0, FUNCTION_SIZE);
	memcpy(c, &vendor, 2);
	memcpy(c + 2, &id, 2);
	c[PCI_HEADER_TYPE] = header_type;
}

static void test_registers_are_where_ecam_puts_them(void **state)
{
	struct pci_address a = { 1, 0x1d, 6 };
	UINT8 *c = config(1, 0x1d, 6);

	(void)state;
	add_function(1, 0x1d, 6, 0x1af4, 0x1042, 0);
	assert_int_equal(pci_read16(a, PCI_VENDOR_ID), 0x1af4);
	assert_int_equal(pci_read16(a, PCI_DEVICE_ID), 0x1042);
	assert_int_equal(pci_read32(a, PCI_VENDOR_ID), 0x10421af4);
	assert_int_equal(pci_read8(a, PCI_DEVICE_ID + 1), 0x10);
	pci_write32(a, PCI_BAR0 + 4, 0xc0001000);
	pci_write16(a, PCI_COMMAND, 0x0006);
	pci_write8(a, 0x3c, 0x0b);
	assert_int_equal(c[0x14], 0x00);
	assert_int_equal(c[0x15], 0x10);
	assert_int_equal(c[0x17], 0xc0);
	assert_int_equal(c[PCI_COMMAND], 0x06);
	assert_int_equal(c[0x3c], 0x0b);
	/* The neighbours in the window are untouched. */
	assert_int_equal(config(1, 0x1d, 5)[FUNCTION_SIZE - 1], 0xff);
	assert_int_equal(config(1, 0x1d, 7)[0], 0xff);
	/* An offset not aligned to its size goes to the aligned register, as the ports do. */
	assert_int_equal(pci_read16(a, PCI_VENDOR_ID + 1), 0x1af4);
	assert_int_equal(pci_read32(a, PCI_DEVICE_ID), 0x10421af4);
}

static void test_buses_outside_the_window_read_as_absent(void **state)
{
	struct pci_address a = { 0, 3, 0 }, outside = { 2, 3, 0 };

	(void)state;
	add_function(0, 3, 0, 0x8086, 0x29c0, 0);
	/* Buses 1 and 2 of a window starting at bus 1: bus 1 is where bus 0's registers are. */
	pci_use_ecam((UINTN)ecam - BUS_SIZE, 1, 2);
	assert_int_equal(pci_read16(a, PCI_VENDOR_ID), 0xffff);
	assert_int_equal(pci_read32(a, PCI_VENDOR_ID), 0xffffffff);
	assert_int_equal(pci_read8(a, PCI_HEADER_TYPE), 0xff);
	pci_write32(a, PCI_VENDOR_ID, 0);
	assert_int_equal(pci_read16((struct pci_address){ 1, 3, 0 }, PCI_VENDOR_ID), 0x8086);
	pci_use_ecam((UINTN)ecam, 0, 0);
	assert_int_equal(pci_read16(a, PCI_VENDOR_ID), 0x8086);
	pci_write16((struct pci_address){ 1, 3, 0 }, PCI_COMMAND, 0);
	assert_int_equal(config(1, 3, 0)[PCI_COMMAND], 0xff);
	assert_int_equal(pci_read16(outside, PCI_VENDOR_ID), 0xffff);
}

static void test_enumeration_and_capabilities_over_ecam(void **state)
{
	struct pci_address a, expected[] = { { 0, 0, 0 }, { 0, 2, 0 }, { 0, 2, 3 }, { 0, 31, 0 } };
	UINT32 cursor = 0, n = 0;
	UINT8 *c;

	(void)state;
	add_function(0, 0, 0, 0x8086, 0x29c0, 0);
	add_function(0, 2, 0, 0x1af4, 0x1001, 0x80);
	add_function(0, 2, 3, 0x1af4, 0x1004, 0);
	add_function(0, 5, 1, 0x1af4, 0x1005, 0); /* function 1 of an absent device: not listed */
	add_function(0, 31, 0, 0x8086, 0x2918, 0);
	pci_scan_buses();
	while (pci_next_function(&cursor, &a)) {
		assert_true(n < sizeof(expected) / sizeof(expected[0]));
		assert_int_equal(a.bus, expected[n].bus);
		assert_int_equal(a.device, expected[n].device);
		assert_int_equal(a.function, expected[n].function);
		n++;
	}
	assert_int_equal(n, 4);

	/* Two vendor capabilities behind a power-management one. */
	c = config(0, 2, 3);
	c[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	c[PCI_CAPABILITY_LIST] = 0x40;
	c[0x40] = 0x01;
	c[0x41] = 0x50;
	c[0x50] = PCI_CAP_ID_VENDOR;
	c[0x51] = 0x60;
	c[0x60] = PCI_CAP_ID_VENDOR;
	c[0x61] = 0;
	a = (struct pci_address){ 0, 2, 3 };
	assert_int_equal(pci_find_capability(a, PCI_CAP_ID_VENDOR, 0), 0x50);
	assert_int_equal(pci_find_capability(a, PCI_CAP_ID_VENDOR, 0x50), 0x60);
	assert_int_equal(pci_find_capability(a, PCI_CAP_ID_VENDOR, 0x60), 0);
}

static void test_the_window_in_use_is_reported(void **state)
{
	UINT8 first, last;

	(void)state;
	assert_int_equal(pci_ecam(&first, &last), (UINTN)ecam);
	assert_int_equal(first, 0);
	assert_int_equal(last, 1);
	/* The base alone, for callers that need no buses. */
	assert_int_equal(pci_ecam(NULL, NULL), (UINTN)ecam);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_registers_are_where_ecam_puts_them, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_buses_outside_the_window_read_as_absent, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_enumeration_and_capabilities_over_ecam, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_the_window_in_use_is_reported, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
