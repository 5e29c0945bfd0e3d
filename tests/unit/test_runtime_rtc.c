/* SPDX-License-Identifier: MIT */
/* GetTime/SetTime of the runtime on a fake CMOS: BCD and binary, 12/24 h, UIP, validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* The module itself, compiled into the test with the fake port I/O below. */
#include "runtime/rtc.c"

static UINT8 cmos[128];
static UINT8 index_reg;
static int uip_reads;		/* status A reads that still report an update in progress */
static int status_a_reads;
static int seconds_reads;
static int tick_at_read;	/* on this read of the seconds register the clock ticks over */
static BOOLEAN wrote_time_without_set;

UINT8 inb(UINT16 port)
{
	if (port != CMOS_DATA)
		return 0xff;
	if (index_reg == RTC_STATUS_A) {
		status_a_reads++;
		return uip_reads > 0 && uip_reads-- ? STATUS_A_UIP : 0;
	}
	if (index_reg == RTC_SECONDS && ++seconds_reads == tick_at_read) {
		/* 23:59:59 becomes the next day's 00:00:00 (BCD, 24 h). */
		cmos[RTC_SECONDS] = 0;
		cmos[RTC_MINUTES] = 0;
		cmos[RTC_HOURS] = 0;
		cmos[RTC_DAY] = 0x01;
		cmos[RTC_MONTH] = 0x01;
		cmos[RTC_YEAR] = 0x25;
	}
	return cmos[index_reg];
}

void outb(UINT16 port, UINT8 value)
{
	if (port == CMOS_INDEX) {
		index_reg = value & 0x7f;
		return;
	}
	if (port != CMOS_DATA)
		return;
	if (index_reg != RTC_STATUS_B && !(cmos[RTC_STATUS_B] & STATUS_B_SET))
		wrote_time_without_set = TRUE;
	cmos[index_reg] = value;
}

UINT16 inw(UINT16 port)
{
	return 0;
}

void outw(UINT16 port, UINT16 value)
{
}

void cpu_relax(void)
{
}

void cpu_halt_forever(void)
{
	fail_msg("halted");
	for (;;)
		;
}

static void set_regs(UINT8 status_b, UINT8 century, UINT8 year, UINT8 month, UINT8 day,
		     UINT8 hour, UINT8 minute, UINT8 second)
{
	cmos[RTC_STATUS_B] = status_b;
	cmos[RTC_CENTURY] = century;
	cmos[RTC_YEAR] = year;
	cmos[RTC_MONTH] = month;
	cmos[RTC_DAY] = day;
	cmos[RTC_HOURS] = hour;
	cmos[RTC_MINUTES] = minute;
	cmos[RTC_SECONDS] = second;
}

static int reset(void **state)
{
	memset(cmos, 0, sizeof(cmos));
	uip_reads = status_a_reads = seconds_reads = tick_at_read = 0;
	wrote_time_without_set = FALSE;
	time_zone = EFI_UNSPECIFIED_TIMEZONE;
	daylight = 0;
	return 0;
}

static void assert_time(const EFI_TIME *t, UINT16 y, UINT8 mo, UINT8 d, UINT8 h, UINT8 mi, UINT8 s)
{
	assert_int_equal(t->Year, y);
	assert_int_equal(t->Month, mo);
	assert_int_equal(t->Day, d);
	assert_int_equal(t->Hour, h);
	assert_int_equal(t->Minute, mi);
	assert_int_equal(t->Second, s);
}

static void test_bcd_24h(void **state)
{
	EFI_TIME_CAPABILITIES caps;
	EFI_TIME t;

	set_regs(STATUS_B_24H, 0x20, 0x24, 0x02, 0x29, 0x23, 0x59, 0x58);
	assert_int_equal(efi_get_time(&t, &caps), EFI_SUCCESS);
	assert_time(&t, 2024, 2, 29, 23, 59, 58);
	assert_int_equal(t.Nanosecond, 0);
	assert_int_equal(t.TimeZone, EFI_UNSPECIFIED_TIMEZONE);
	assert_int_equal(t.Daylight, 0);
	assert_int_equal(caps.Resolution, 1);
	assert_int_equal(caps.Accuracy, 50000000);
	assert_int_equal(caps.SetsToZero, FALSE);
	assert_int_equal(efi_get_time(&t, NULL), EFI_SUCCESS);
	assert_int_equal(efi_get_time(NULL, &caps), EFI_INVALID_PARAMETER);
}

static void test_binary_12h(void **state)
{
	EFI_TIME t;

	set_regs(STATUS_B_BINARY, 20, 25, 7, 4, 12, 30, 0);	/* 12 AM: midnight */
	assert_int_equal(efi_get_time(&t, NULL), EFI_SUCCESS);
	assert_time(&t, 2025, 7, 4, 0, 30, 0);
	cmos[RTC_HOURS] = 12 | HOURS_PM;			/* 12 PM: noon */
	assert_int_equal(efi_get_time(&t, NULL), EFI_SUCCESS);
	assert_int_equal(t.Hour, 12);
	cmos[RTC_HOURS] = 11 | HOURS_PM;
	assert_int_equal(efi_get_time(&t, NULL), EFI_SUCCESS);
	assert_int_equal(t.Hour, 23);
	/* BCD 12 h: 0x81 is 1 PM. */
	set_regs(0, 0x19, 0x99, 0x12, 0x31, 0x81, 0x00, 0x00);
	assert_int_equal(efi_get_time(&t, NULL), EFI_SUCCESS);
	assert_time(&t, 1999, 12, 31, 13, 0, 0);
}

static void test_century_unset(void **state)
{
	EFI_TIME t;

	set_regs(STATUS_B_24H, 0x00, 0x25, 0x01, 0x01, 0, 0, 0);
	assert_int_equal(efi_get_time(&t, NULL), EFI_SUCCESS);
	assert_int_equal(t.Year, 2025);
	cmos[RTC_YEAR] = 0x85;
	assert_int_equal(efi_get_time(&t, NULL), EFI_SUCCESS);
	assert_int_equal(t.Year, 1985);
}

static void test_update_in_progress(void **state)
{
	EFI_TIME t;

	set_regs(STATUS_B_24H, 0x20, 0x24, 0x12, 0x31, 0x23, 0x59, 0x59);
	uip_reads = 50;
	assert_int_equal(efi_get_time(&t, NULL), EFI_SUCCESS);
	assert_time(&t, 2024, 12, 31, 23, 59, 59);
	/* A clock that never finishes its update: an error, after a bounded wait. */
	uip_reads = 1 << 30;
	status_a_reads = 0;
	assert_int_equal(efi_get_time(&t, NULL), EFI_DEVICE_ERROR);
	assert_true(status_a_reads <= UIP_WAIT_LOOPS);
	assert_int_equal(efi_set_time(&t), EFI_DEVICE_ERROR);
}

static void test_tick_between_reads(void **state)
{
	EFI_TIME t;

	/* The first read sees 2024-12-31 23:59:59, the check read the new year: read again. */
	set_regs(STATUS_B_24H, 0x20, 0x24, 0x12, 0x31, 0x23, 0x59, 0x59);
	tick_at_read = 2;
	assert_int_equal(efi_get_time(&t, NULL), EFI_SUCCESS);
	assert_time(&t, 2025, 1, 1, 0, 0, 0);
	assert_true(seconds_reads >= 3);
}

static void test_garbage_is_device_error(void **state)
{
	EFI_TIME t;

	set_regs(STATUS_B_24H, 0x20, 0x24, 0x13, 0x01, 0, 0, 0);	/* month 13 */
	assert_int_equal(efi_get_time(&t, NULL), EFI_DEVICE_ERROR);
	set_regs(STATUS_B_24H, 0x20, 0x23, 0x02, 0x29, 0, 0, 0);	/* 2023-02-29 */
	assert_int_equal(efi_get_time(&t, NULL), EFI_DEVICE_ERROR);
}

static EFI_TIME good_time(void)
{
	return (EFI_TIME){ .Year = 2024, .Month = 2, .Day = 29, .Hour = 13, .Minute = 5,
			   .Second = 9, .TimeZone = 60, .Daylight = EFI_TIME_ADJUST_DAYLIGHT };
}

static void test_set_time_validation(void **state)
{
	EFI_TIME t;

	cmos[RTC_STATUS_B] = STATUS_B_24H;
	assert_int_equal(efi_set_time(NULL), EFI_INVALID_PARAMETER);
#define BAD(field, v)                                                                             \
	do {                                                                                      \
		t = good_time();                                                                  \
		t.field = v;                                                                      \
		assert_int_equal(efi_set_time(&t), EFI_INVALID_PARAMETER);                        \
	} while (0)
	BAD(Year, 1899);
	BAD(Year, 10000);
	BAD(Month, 0);
	BAD(Month, 13);
	BAD(Day, 0);
	BAD(Day, 30);		/* February 2024 has 29 */
	BAD(Hour, 24);
	BAD(Minute, 60);
	BAD(Second, 60);
	BAD(Nanosecond, 1000000000);
	BAD(TimeZone, 1441);
	BAD(TimeZone, -1441);
	BAD(Daylight, 4);
#undef BAD
	t = good_time();
	t.Year = 2023;
	t.Day = 29;
	assert_int_equal(efi_set_time(&t), EFI_INVALID_PARAMETER);
	t = good_time();
	t.Year = 2000;		/* divisible by 400: leap */
	assert_int_equal(efi_set_time(&t), EFI_SUCCESS);
	t.TimeZone = EFI_UNSPECIFIED_TIMEZONE;
	assert_int_equal(efi_set_time(&t), EFI_SUCCESS);
	t.TimeZone = -1440;
	assert_int_equal(efi_set_time(&t), EFI_SUCCESS);
	assert_false(wrote_time_without_set);
}

static void test_set_time_bcd_12h(void **state)
{
	EFI_TIME t = good_time(), back;

	cmos[RTC_STATUS_B] = 0;		/* BCD, 12 h */
	assert_int_equal(efi_set_time(&t), EFI_SUCCESS);
	assert_false(wrote_time_without_set);
	assert_int_equal(cmos[RTC_STATUS_B], 0);	/* SET cleared again, mode kept */
	assert_int_equal(cmos[RTC_HOURS], 0x81);	/* 1 PM */
	assert_int_equal(cmos[RTC_YEAR], 0x24);
	assert_int_equal(cmos[RTC_CENTURY], 0x20);
	assert_int_equal(cmos[RTC_DAY_OF_WEEK], 5);	/* 2024-02-29 was a Thursday */
	assert_int_equal(efi_get_time(&back, NULL), EFI_SUCCESS);
	assert_time(&back, 2024, 2, 29, 13, 5, 9);
	assert_int_equal(back.TimeZone, 60);
	assert_int_equal(back.Daylight, EFI_TIME_ADJUST_DAYLIGHT);
	t.Hour = 0;
	assert_int_equal(efi_set_time(&t), EFI_SUCCESS);
	assert_int_equal(cmos[RTC_HOURS], 0x12);	/* 12 AM */
}

static void test_set_time_binary_24h(void **state)
{
	EFI_TIME t = good_time(), back;

	cmos[RTC_STATUS_B] = STATUS_B_BINARY | STATUS_B_24H;
	t.Year = 2107;
	t.Month = 12;
	t.Day = 31;
	t.Hour = 23;
	assert_int_equal(efi_set_time(&t), EFI_SUCCESS);
	assert_int_equal(cmos[RTC_HOURS], 23);
	assert_int_equal(cmos[RTC_YEAR], 7);
	assert_int_equal(cmos[RTC_CENTURY], 21);
	assert_int_equal(efi_get_time(&back, NULL), EFI_SUCCESS);
	assert_time(&back, 2107, 12, 31, 23, 5, 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bcd_24h, reset),
		cmocka_unit_test_setup(test_binary_12h, reset),
		cmocka_unit_test_setup(test_century_unset, reset),
		cmocka_unit_test_setup(test_update_in_progress, reset),
		cmocka_unit_test_setup(test_tick_between_reads, reset),
		cmocka_unit_test_setup(test_garbage_is_device_error, reset),
		cmocka_unit_test_setup(test_set_time_validation, reset),
		cmocka_unit_test_setup(test_set_time_bcd_12h, reset),
		cmocka_unit_test_setup(test_set_time_binary_24h, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
