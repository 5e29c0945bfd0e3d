/* SPDX-License-Identifier: MIT */
/* GetTime and SetTime on the CMOS real-time clock of the PC (MC146818 as QEMU emulates it). */
#include "runtime/port_io.h"
#include "runtime/runtime.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_CENTURY 0x32	/* the ACPI FADT's CENTURY field names this one on QEMU */

#define STATUS_A_UIP 0x80	/* update in progress: the time registers are changing */
#define STATUS_B_SET 0x80	/* updates stopped while software writes the time */
#define STATUS_B_BINARY 0x04	/* DM: binary, else BCD */
#define STATUS_B_24H 0x02
#define HOURS_PM 0x80		/* in 12-hour mode */

/*
 * UIP stays up at most 244 us + 1984 us (the update cycle itself); each port access costs
 * about a microsecond under QEMU, so this bounds the wait at well over one update without
 * hanging a caller forever on a broken clock.
 */
#define UIP_WAIT_LOOPS 100000
#define READ_ATTEMPTS 4

/* Not kept by the RTC: remembered from SetTime until the next boot, as OVMF keeps them. */
static INT16 time_zone = EFI_UNSPECIFIED_TIMEZONE;
static UINT8 daylight;

struct rtc_regs {
	UINT8 second, minute, hour, day, month, year, century;
};

static UINT8 cmos_read(UINT8 reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static void cmos_write(UINT8 reg, UINT8 value)
{
	outb(CMOS_INDEX, reg);
	outb(CMOS_DATA, value);
}

static UINT8 from_bcd(UINT8 v)
{
	return (UINT8)((v >> 4) * 10 + (v & 0xf));
}

static UINT8 to_bcd(UINT8 v)
{
	return (UINT8)((v / 10) << 4 | v % 10);
}

static BOOLEAN leap_year(UINT16 y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static UINT8 days_in_month(UINT16 year, UINT8 month)
{
	static const UINT8 days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return month == 2 && leap_year(year) ? 29 : days[month - 1];
}

BOOLEAN rtc_time_valid(const EFI_TIME *t)
{
	if (t->Year < 1900 || t->Year > 9999 || t->Month < 1 || t->Month > 12 || t->Day < 1 ||
	    t->Day > days_in_month(t->Year, t->Month) || t->Hour > 23 || t->Minute > 59 ||
	    t->Second > 59 || t->Nanosecond > 999999999)
		return FALSE;
	if (t->TimeZone != EFI_UNSPECIFIED_TIMEZONE && (t->TimeZone < -1440 || t->TimeZone > 1440))
		return FALSE;
	return !(t->Daylight & ~(EFI_TIME_ADJUST_DAYLIGHT | EFI_TIME_IN_DAYLIGHT));
}

static BOOLEAN wait_update_done(void)
{
	for (UINT32 i = 0; i < UIP_WAIT_LOOPS; i++) {
		if (!(cmos_read(RTC_STATUS_A) & STATUS_A_UIP))
			return TRUE;
		cpu_relax();
	}
	return FALSE;
}

static void read_regs(struct rtc_regs *r)
{
	r->second = cmos_read(RTC_SECONDS);
	r->minute = cmos_read(RTC_MINUTES);
	r->hour = cmos_read(RTC_HOURS);
	r->day = cmos_read(RTC_DAY);
	r->month = cmos_read(RTC_MONTH);
	r->year = cmos_read(RTC_YEAR);
	r->century = cmos_read(RTC_CENTURY);
}

static BOOLEAN regs_equal(const struct rtc_regs *a, const struct rtc_regs *b)
{
	return a->second == b->second && a->minute == b->minute && a->hour == b->hour &&
	       a->day == b->day && a->month == b->month && a->year == b->year &&
	       a->century == b->century;
}

/* Two equal reads after UIP has dropped: the registers did not change under us. */
static EFI_STATUS read_stable(struct rtc_regs *r)
{
	struct rtc_regs again;

	for (int i = 0; i < READ_ATTEMPTS; i++) {
		if (!wait_update_done())
			return EFI_DEVICE_ERROR;
		read_regs(r);
		if (!wait_update_done())
			return EFI_DEVICE_ERROR;
		read_regs(&again);
		if (regs_equal(r, &again))
			return EFI_SUCCESS;
	}
	return EFI_DEVICE_ERROR;
}

static void decode(const struct rtc_regs *r, UINT8 status_b, EFI_TIME *t)
{
	BOOLEAN bcd = !(status_b & STATUS_B_BINARY);
	UINT8 hour = r->hour & (UINT8)~HOURS_PM;
	UINT8 century = bcd ? from_bcd(r->century) : r->century;
	UINT8 year = bcd ? from_bcd(r->year) : r->year;

	if (bcd)
		hour = from_bcd(hour);
	/* 12-hour mode counts 12, 1, ..., 11 with the PM bit; 12 AM is midnight. */
	if (!(status_b & STATUS_B_24H))
		hour = (UINT8)(hour % 12 + (r->hour & HOURS_PM ? 12 : 0));
	/* An unset century register: guess the window a 2-digit year most likely means. */
	if (century < 19 || century > 99)
		century = year < 70 ? 20 : 19;

	*t = (EFI_TIME){
		.Year = (UINT16)(century * 100 + year),
		.Month = bcd ? from_bcd(r->month) : r->month,
		.Day = bcd ? from_bcd(r->day) : r->day,
		.Hour = hour,
		.Minute = bcd ? from_bcd(r->minute) : r->minute,
		.Second = bcd ? from_bcd(r->second) : r->second,
		.TimeZone = time_zone,
		.Daylight = daylight,
	};
}

EFI_STATUS EFIAPI efi_get_time(EFI_TIME *Time, EFI_TIME_CAPABILITIES *Capabilities)
{
	struct rtc_regs regs;
	EFI_STATUS status;
	EFI_TIME t;

	if (!Time)
		return EFI_INVALID_PARAMETER;
	status = read_stable(&regs);
	if (EFI_ERROR(status))
		return status;
	decode(&regs, cmos_read(RTC_STATUS_B), &t);
	/* Garbage in the CMOS is a device error, not a time to hand to the OS. */
	if (!rtc_time_valid(&t))
		return EFI_DEVICE_ERROR;
	*Time = t;
	if (Capabilities) {
		/* One tick a second; 50 ppm, the crystal's usual tolerance, in units of 1e-12. */
		Capabilities->Resolution = 1;
		Capabilities->Accuracy = 50000000;
		Capabilities->SetsToZero = FALSE;
	}
	return EFI_SUCCESS;
}

/* 1 = Sunday, as the CMOS counts (Sakamoto's method). */
static UINT8 day_of_week(UINT16 y, UINT8 m, UINT8 d)
{
	static const UINT8 offsets[12] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };

	if (m < 3)
		y--;
	return (UINT8)((y + y / 4 - y / 100 + y / 400 + offsets[m - 1] + d) % 7 + 1);
}

EFI_STATUS EFIAPI efi_set_time(EFI_TIME *Time)
{
	UINT8 status_b, hour, v[8];
	BOOLEAN bcd;

	if (!Time || !rtc_time_valid(Time))
		return EFI_INVALID_PARAMETER;
	if (!wait_update_done())
		return EFI_DEVICE_ERROR;

	status_b = cmos_read(RTC_STATUS_B);
	bcd = !(status_b & STATUS_B_BINARY);
	hour = Time->Hour;
	if (!(status_b & STATUS_B_24H))
		hour = (UINT8)(Time->Hour % 12 == 0 ? 12 : Time->Hour % 12);
	v[0] = Time->Second;
	v[1] = Time->Minute;
	v[2] = hour;
	v[3] = day_of_week(Time->Year, Time->Month, Time->Day);
	v[4] = Time->Day;
	v[5] = Time->Month;
	v[6] = (UINT8)(Time->Year % 100);
	v[7] = (UINT8)(Time->Year / 100);
	if (bcd)
		for (int i = 0; i < 8; i++)
			v[i] = to_bcd(v[i]);
	if (!(status_b & STATUS_B_24H) && Time->Hour >= 12)
		v[2] |= HOURS_PM;

	/* SET holds the update cycle so no register rolls over between our writes. */
	cmos_write(RTC_STATUS_B, status_b | STATUS_B_SET);
	cmos_write(RTC_SECONDS, v[0]);
	cmos_write(RTC_MINUTES, v[1]);
	cmos_write(RTC_HOURS, v[2]);
	cmos_write(RTC_DAY_OF_WEEK, v[3]);
	cmos_write(RTC_DAY, v[4]);
	cmos_write(RTC_MONTH, v[5]);
	cmos_write(RTC_YEAR, v[6]);
	cmos_write(RTC_CENTURY, v[7]);
	cmos_write(RTC_STATUS_B, status_b & (UINT8)~STATUS_B_SET);

	time_zone = Time->TimeZone;
	daylight = Time->Daylight;
	return EFI_SUCCESS;
}
