/* SPDX-License-Identifier: MIT */
/* retry_bounded against fake devices: one that never completes, one that completes late. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/drivers/retry.h"

/*
 * A fake device: each try fails until `good_from` (never with UINT32_MAX), a recovery clears the
 * command in flight. A try issued while one is still in flight is the bug the helper prevents:
 * the old command's late completion would be taken as the new one's.
 */
struct fake_device {
	UINT32 good_from;
	UINT32 tries, recoveries;
	BOOLEAN in_flight;
	BOOLEAN overlapped;	/* a try was issued over a command still in flight */
	BOOLEAN recover_fails;
	EFI_STATUS failure;
};

static EFI_STATUS fake_try(void *ctx, UINT32 attempt)
{
	struct fake_device *d = ctx;

	assert_int_equal(attempt, d->tries);
	if (d->in_flight)
		d->overlapped = TRUE;
	d->tries++;
	if (attempt >= d->good_from)
		return EFI_SUCCESS;
	d->in_flight = TRUE;	/* timed out or failed: the command is still in the device */
	return d->failure;
}

static EFI_STATUS fake_recover(void *ctx)
{
	struct fake_device *d = ctx;

	d->recoveries++;
	if (d->recover_fails)
		return EFI_DEVICE_ERROR;
	d->in_flight = FALSE;
	return EFI_SUCCESS;
}

static void test_hung_device_is_tried_a_bounded_number_of_times(void **state)
{
	struct fake_device d = { .good_from = UINT32_MAX, .failure = EFI_TIMEOUT };

	assert_int_equal(retry_bounded(2, fake_try, fake_recover, &d), EFI_TIMEOUT);
	assert_int_equal(d.tries, 3);
	/* Recovered after the last try too: nothing is left in flight for the next request. */
	assert_int_equal(d.recoveries, 3);
	assert_false(d.in_flight);
	assert_false(d.overlapped);
}

static void test_late_completion_is_never_overlapped(void **state)
{
	struct fake_device d = { .good_from = 2, .failure = EFI_TIMEOUT };

	assert_int_equal(retry_bounded(2, fake_try, fake_recover, &d), EFI_SUCCESS);
	assert_int_equal(d.tries, 3);
	assert_int_equal(d.recoveries, 2);
	assert_false(d.overlapped);
}

static void test_first_try_success_needs_no_recovery(void **state)
{
	struct fake_device d = { .good_from = 0 };

	assert_int_equal(retry_bounded(2, fake_try, fake_recover, &d), EFI_SUCCESS);
	assert_int_equal(d.tries, 1);
	assert_int_equal(d.recoveries, 0);
}

static void test_failed_recovery_ends_the_retries(void **state)
{
	struct fake_device d = { .good_from = 1, .failure = EFI_DEVICE_ERROR, .recover_fails = TRUE };

	assert_int_equal(retry_bounded(5, fake_try, fake_recover, &d), EFI_DEVICE_ERROR);
	assert_int_equal(d.tries, 1);
	assert_int_equal(d.recoveries, 1);
	assert_false(d.overlapped);
}

static void test_no_retries_is_one_try(void **state)
{
	struct fake_device d = { .good_from = UINT32_MAX, .failure = EFI_DEVICE_ERROR };

	assert_int_equal(retry_bounded(0, fake_try, fake_recover, &d), EFI_DEVICE_ERROR);
	assert_int_equal(d.tries, 1);
	assert_int_equal(d.recoveries, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hung_device_is_tried_a_bounded_number_of_times),
		cmocka_unit_test(test_late_completion_is_never_overlapped),
		cmocka_unit_test(test_first_try_success_needs_no_recovery),
		cmocka_unit_test(test_failed_recovery_ends_the_retries),
		cmocka_unit_test(test_no_retries_is_one_try),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
