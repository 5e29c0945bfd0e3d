// SPDX-License-Identifier: MIT
/* Runtime services other than variables: GetTime, SetTime refusals, monotonic count, capsules. */
#include "efi-apps/selftest/selftest.h"

static EFI_STATUS time_valid(const EFI_TIME *t)
{
	/* UEFI 2.10 §8.3 EFI_TIME ranges. */
	CHECK(t->Year >= 2000 && t->Year <= 2099, "Year %d", t->Year);
	CHECK(t->Month >= 1 && t->Month <= 12, "Month %d", t->Month);
	CHECK(t->Day >= 1 && t->Day <= 31, "Day %d", t->Day);
	CHECK(t->Hour <= 23 && t->Minute <= 59 && t->Second <= 59, "time %d:%d:%d", t->Hour,
	      t->Minute, t->Second);
	CHECK(t->Nanosecond <= 999999999, "Nanosecond %d", t->Nanosecond);
	CHECK(t->TimeZone == EFI_UNSPECIFIED_TIMEZONE ||
		      (t->TimeZone >= -1440 && t->TimeZone <= 1440),
	      "TimeZone %d", t->TimeZone);
	CHECK(!(t->Daylight & ~(EFI_TIME_ADJUST_DAYLIGHT | EFI_TIME_IN_DAYLIGHT)), "Daylight 0x%x",
	      t->Daylight);
	return EFI_SUCCESS;
}

static UINT64 seconds_of_day(const EFI_TIME *t)
{
	return t->Hour * 3600 + t->Minute * 60 + t->Second;
}

static EFI_STATUS get_time(void)
{
	EFI_TIME a, b;
	EFI_TIME_CAPABILITIES cap;
	UINT64 sa, sb;

	CHECK_OK(RT->GetTime(&a, &cap));
	CHECK_OK(time_valid(&a));
	CHECK(cap.Resolution >= 1, "Resolution %d", cap.Resolution);
	CHECK_STATUS(RT->GetTime(NULL, NULL), EFI_INVALID_PARAMETER);
	/* The RTC moves: 1.5 s of Stall shows 1 or 2 seconds later (3 if the host lags). */
	BS->Stall(1500000);
	CHECK_OK(RT->GetTime(&b, NULL));
	CHECK_OK(time_valid(&b));
	sa = seconds_of_day(&a);
	sb = seconds_of_day(&b);
	if (sb < sa)
		sb += 86400;
	CHECK(sb - sa >= 1 && sb - sa <= 4, "RTC moved %ld s in 1.5 s", sb - sa);
	return EFI_SUCCESS;
}

static EFI_STATUS set_time_refused(void)
{
	EFI_TIME t;

	CHECK_OK(RT->GetTime(&t, NULL));
	/* Invalid fields are refused before anything is written to the RTC. */
	t.Month = 13;
	CHECK_STATUS(RT->SetTime(&t), EFI_INVALID_PARAMETER);
	t.Month = 1;
	t.Hour = 24;
	CHECK_STATUS(RT->SetTime(&t), EFI_INVALID_PARAMETER);
	CHECK_STATUS(RT->SetTime(NULL), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS high_monotonic_count(void)
{
	UINT32 a = 0, b = 0;
	UINT64 low1 = 0, low2 = 0;

	CHECK_OK(RT->GetNextHighMonotonicCount(&a));
	CHECK_OK(RT->GetNextHighMonotonicCount(&b));
	CHECK(b == a + 1, "high count went from %d to %d", a, b);
	/* The boot-services count carries the high half in its top 32 bits. */
	CHECK_OK(BS->GetNextMonotonicCount(&low1));
	CHECK((UINT32)(low1 >> 32) == b + 1 || (UINT32)(low1 >> 32) == b,
	      "GetNextMonotonicCount high half %d, runtime high count %d", (UINT32)(low1 >> 32),
	      b);
	CHECK_OK(BS->GetNextMonotonicCount(&low2));
	CHECK(low2 > low1, "monotonic count went back");
	CHECK_STATUS(RT->GetNextHighMonotonicCount(NULL), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS wakeup_time(void)
{
	BOOLEAN enabled, pending;
	EFI_TIME t;
	EFI_STATUS status;

	/* Optional service: either it works or it says EFI_UNSUPPORTED, nothing else. */
	status = RT->GetWakeupTime(&enabled, &pending, &t);
	CHECK(status == EFI_SUCCESS || status == EFI_UNSUPPORTED || status == EFI_DEVICE_ERROR,
	      "GetWakeupTime: %r", status);
	if (status == EFI_SUCCESS)
		CHECK_STATUS(RT->GetWakeupTime(NULL, &pending, &t), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(runtime,
	       { "runtime.get_time", NULL, get_time, NULL },
	       { "runtime.set_time_refused", NULL, set_time_refused, NULL },
	       { "runtime.high_monotonic_count", NULL, high_monotonic_count, NULL },
	       { "runtime.wakeup_time", NULL, wakeup_time, NULL });
