/* SPDX-License-Identifier: MIT */
/* ResetSystem of the runtime on recorded port writes: which ports, which values, in which order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* The module itself, compiled into the test with the recording port I/O below. */
#include "runtime/reset.c"

#define PM1A 0x604

struct port_write {
	UINT16 port;
	UINT16 value;
};

static struct port_write writes[16];
static int write_count;
static UINT16 pm1_cnt = 0x0001;	/* SCI_EN, as an ACPI OS leaves it */
static jmp_buf halted;

static void record(UINT16 port, UINT16 value)
{
	if (write_count < 16)
		writes[write_count++] = (struct port_write){ port, value };
}

UINT8 inb(UINT16 port)
{
	return 0;	/* keyboard controller: input buffer empty */
}

void outb(UINT16 port, UINT8 value)
{
	record(port, value);
}

UINT16 inw(UINT16 port)
{
	return port == PM1A ? pm1_cnt : 0xffff;
}

void outw(UINT16 port, UINT16 value)
{
	record(port, value);
}

void cpu_relax(void)
{
}

void cpu_halt_forever(void)
{
	longjmp(halted, 1);
}

static void reset_with(struct runtime_boot_info info, EFI_RESET_TYPE type)
{
	write_count = 0;
	reset_init(&info);
	if (!setjmp(halted))
		efi_reset_system(type, EFI_SUCCESS, 0, NULL);
}

static void assert_write(int i, UINT16 port, UINT16 value)
{
	assert_true(i < write_count);
	assert_int_equal(writes[i].port, port);
	assert_int_equal(writes[i].value, value);
}

static void test_cold(void **state)
{
	reset_with((struct runtime_boot_info){ 0 }, EfiResetCold);
	assert_int_equal(write_count, 2);
	assert_write(0, 0xcf9, 0x0e);
	assert_write(1, 0x64, 0xfe);	/* the fallback, reached only when 0xcf9 did nothing */
	reset_with((struct runtime_boot_info){ 0 }, EfiResetPlatformSpecific);
	assert_write(0, 0xcf9, 0x0e);
}

static void test_warm(void **state)
{
	struct runtime_boot_info info = { .reset_space = 1, .reset_address = 0xcf9,
					  .reset_value = 0x06 };

	reset_with((struct runtime_boot_info){ 0 }, EfiResetWarm);
	assert_int_equal(write_count, 2);
	assert_write(0, 0xcf9, 0x06);
	/* The FADT's I/O reset register goes first. */
	reset_with(info, EfiResetWarm);
	assert_int_equal(write_count, 3);
	assert_write(0, 0xcf9, 0x06);
	assert_write(1, 0xcf9, 0x06);
	/* An MMIO one cannot be reached at runtime: skipped. */
	info.reset_space = 0;
	info.reset_address = 0xfed00000;
	reset_with(info, EfiResetWarm);
	assert_int_equal(write_count, 2);
}

static void test_shutdown(void **state)
{
	struct runtime_boot_info info = { .pm1a_control_port = PM1A, .s5_sleep_type = 5 };

	pm1_cnt = 0x0001 | (3 << 10);	/* a stale SLP_TYP must not leak into the request */
	reset_with(info, EfiResetShutdown);
	assert_int_equal(write_count, 1);
	assert_write(0, PM1A, 0x0001 | 5 << 10 | 1 << 13);
	/* No PM1a port known: nothing to write, halt. */
	reset_with((struct runtime_boot_info){ 0 }, EfiResetShutdown);
	assert_int_equal(write_count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cold),
		cmocka_unit_test(test_warm),
		cmocka_unit_test(test_shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
