// SPDX-License-Identifier: MIT
/* Runs the registered cases, prints PASS/FAIL lines with reasons and the final tally. */
#include "efi-apps/selftest/selftest.h"

static CHAR16 fail_reason[256];
static BOOLEAN failed;

EFI_STATUS selftest_fail(const char *file, int line, const CHAR16 *fmt, ...)
{
	va_list args;
	const char *base = file;

	/* Keep the first reason: later failures are usually consequences of it. */
	if (failed)
		return EFI_ABORTED;
	failed = TRUE;
	for (const char *p = file; *p; p++)
		if (*p == '/')
			base = p + 1;
	va_start(args, fmt);
	UnicodeVSPrint(fail_reason, sizeof(fail_reason), fmt, args);
	va_end(args);
	UINTN len = StrLen(fail_reason);
	UnicodeSPrint(fail_reason + len, sizeof(fail_reason) - len * sizeof(CHAR16), L" (%a:%d)",
		      base, line);
	return EFI_ABORTED;
}

/* TRUE if name starts with prefix (whole: prefix ends where name does). */
static BOOLEAN name_matches(const char *name, const CHAR16 *prefix, BOOLEAN whole)
{
	for (; *prefix; prefix++, name++)
		if (*name != *prefix)
			return FALSE;
	return !whole || !*name;
}

static BOOLEAN skipped(const char *name, const struct selftest_options *opts)
{
	for (UINTN i = 0; i < opts->skip_count; i++)
		if (name_matches(name, opts->skip[i], TRUE))
			return TRUE;
	return FALSE;
}

/* One case: the TPL must be back at TPL_APPLICATION afterwards or later cases would lie. */
static BOOLEAN run_case(const struct selftest_case *c)
{
	EFI_STATUS status = EFI_SUCCESS;
	EFI_TPL tpl;

	failed = FALSE;
	fail_reason[0] = 0;
	if (c->setup) {
		status = c->setup();
		if (EFI_ERROR(status) && !failed)
			selftest_fail("setup", 0, L"setup: %r", status);
	}
	if (!EFI_ERROR(status)) {
		status = c->run();
		if (EFI_ERROR(status) && !failed)
			selftest_fail("run", 0, L"returned %r", status);
		if (c->teardown)
			c->teardown();
	}
	tpl = BS->RaiseTPL(TPL_HIGH_LEVEL);
	BS->RestoreTPL(tpl);
	if (tpl != TPL_APPLICATION && !failed)
		selftest_fail(__FILE__, __LINE__, L"left the TPL at %d", (int)tpl);
	if (tpl > TPL_APPLICATION)
		BS->RestoreTPL(TPL_APPLICATION);
	if (failed)
		Print(L"FAIL %a: %s\n", c->name, fail_reason);
	else
		Print(L"PASS %a\n", c->name);
	return !failed;
}

/* The harness's own check: a case that always fails, so tests can see FAIL lines and counts. */
static EFI_STATUS injected_failure(void)
{
	CHECK(FALSE, "injected by the inject-failure option");
	return EFI_SUCCESS;
}

SELFTEST_SUITE(injected, { "selftest.injected_failure", NULL, injected_failure, NULL });

void selftest_run_suites(const struct selftest_suite *const *suites, UINTN count,
			 const struct selftest_options *opts, UINTN *ret_passed, UINTN *ret_failed)
{
	UINTN passed = 0, nfailed = 0;

	for (UINTN s = 0; s <= count; s++) {
		const struct selftest_suite *suite = s < count ? suites[s] : &injected_suite;

		if (suite == &injected_suite && !opts->inject_failure)
			break;
		for (UINTN i = 0; i < suite->count; i++) {
			const struct selftest_case *c = &suite->cases[i];

			if (opts->only && !name_matches(c->name, opts->only, FALSE))
				continue;
			/* A case that takes the firmware down would hide every later result. */
			if (skipped(c->name, opts)) {
				Print(L"SKIP %a\n", c->name);
				continue;
			}
			if (run_case(c))
				passed++;
			else
				nfailed++;
		}
	}
	*ret_passed = passed;
	*ret_failed = nfailed;
}
