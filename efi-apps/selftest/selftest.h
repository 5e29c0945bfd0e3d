// SPDX-License-Identifier: MIT
/* The self-test's case registry, check macros and shared helpers, all over gnu-efi's headers. */
#pragma once

#include <efi.h>
#include <efilib.h>

/*
 * One case: setup may refuse (the case then fails with setup's reason), run returns EFI_SUCCESS to
 * pass or the status of selftest_fail(), teardown always runs after a successful setup and must
 * undo whatever run left behind, even if run stopped half-way.
 */
struct selftest_case {
	const char *name; /* "area.what": the name required.txt lists */
	EFI_STATUS (*setup)(void);
	EFI_STATUS (*run)(void);
	void (*teardown)(void);
};

struct selftest_suite {
	const struct selftest_case *cases;
	UINTN count;
};

#define SELFTEST_SUITE(area, ...)                                                                  \
	static const struct selftest_case area##_cases[] = { __VA_ARGS__ };                        \
	const struct selftest_suite area##_suite = {                                               \
		area##_cases, sizeof(area##_cases) / sizeof(area##_cases[0])                       \
	}

/* Record why the running case failed (first reason wins) and return EFI_ABORTED for run(). */
EFI_STATUS selftest_fail(const char *file, int line, const CHAR16 *fmt, ...);

/* Fail the case unless cond holds; the message says what was seen. */
#define CHECK(cond, fmt, ...)                                                                      \
	do {                                                                                       \
		if (!(cond))                                                                       \
			return selftest_fail(__FILE__, __LINE__, L"" fmt, ##__VA_ARGS__);          \
	} while (0)

/* Fail the case unless the call returns exactly the expected status. */
#define CHECK_STATUS(call, expected)                                                               \
	do {                                                                                       \
		EFI_STATUS status_ = (call);                                                       \
		EFI_STATUS expected_ = (expected);                                                 \
		if (status_ != expected_)                                                          \
			return selftest_fail(__FILE__, __LINE__, L"%a: %r, expected %r", #call,    \
					     status_, expected_);                                  \
	} while (0)

#define CHECK_OK(call) CHECK_STATUS(call, EFI_SUCCESS)

#define SELFTEST_MAX_SKIP 16

/* Options from our LoadOptions and from \selftest\options.txt (words separated by blanks). */
struct selftest_options {
	const CHAR16 *only; /* only=<prefix>: run only cases whose name starts with it */
	const CHAR16 *skip[SELFTEST_MAX_SKIP]; /* skip=<name>: not run, printed as SKIP */
	UINTN skip_count;
	BOOLEAN no_shutdown; /* no-shutdown: return to the boot manager instead of ResetSystem */
	BOOLEAN inject_failure; /* inject-failure: also run a case that fails, to test reporting */
};

/* Run every case of the suites that opts selects; counts come back in the out-parameters. */
void selftest_run_suites(const struct selftest_suite *const *suites, UINTN count,
			 const struct selftest_options *opts, UINTN *ret_passed, UINTN *ret_failed);

extern EFI_HANDLE selftest_image;
extern EFI_LOADED_IMAGE *selftest_loaded_image;

/* Independent clock: the TSC, calibrated against the RTC (GetTime), else against Stall. */
EFI_STATUS clock_calibrate(void);
UINT64 clock_now(void);
UINT64 clock_us_since(UINT64 start);
const char *clock_source(void);
BOOLEAN clock_ready(void);

/* A small CRC32 (IEEE, reflected) of our own, to judge CalculateCrc32 and table headers. */
UINT32 selftest_crc32(const void *data, UINTN size);

/* Wait for ms milliseconds on a timer event of our own (so the TPL drops and notifies run). */
EFI_STATUS selftest_sleep_ms(UINTN ms);

/* Compare two GUIDs; gnu-efi's CompareGuid returns 0 when equal, this returns TRUE. */
BOOLEAN guid_equal(const EFI_GUID *a, const EFI_GUID *b);

/* The file-system fixture put on the ESP by tests/efi-apps/ovmf_boot.py (keep them in sync). */
#define FIXTURE_DIR L"\\selftest"
#define FIXTURE_CHILD L"\\selftest\\child.efi"
#define FIXTURE_LONG_NAME L"A long file name for the self-test.txt"
#define FIXTURE_LONG_TEXT "Strata self-test: long file name fixture.\n"
#define FIXTURE_SUBDIR L"subdir"
#define FIXTURE_PATTERN L"\\selftest\\subdir\\pattern.bin"
#define FIXTURE_PATTERN_SIZE 20000
#define FIXTURE_VOLUME_LABEL L"STRATA"
#define FIXTURE_OPTIONS L"\\selftest\\options.txt" /* optional */

static inline UINT8 fixture_pattern_byte(UINTN i)
{
	return (UINT8)(i * 31 + (i >> 8));
}

/* Read a whole file of the boot volume into pool memory (caller frees). */
EFI_STATUS fixture_read_file(const CHAR16 *path, void **ret_data, UINTN *ret_size);

extern const struct selftest_suite system_table_suite, memory_suite, memory_map_suite,
	events_suite, timers_suite, protocols_suite, open_protocol_suite, images_suite,
	filesystem_suite, file_write_suite, block_io_suite, runtime_suite, variables_suite,
	config_tables_suite, console_suite, shell_protocols_suite, device_paths_suite,
	global_variables_suite, boot_services_suite, pci_io_suite, memory_attributes_suite;
