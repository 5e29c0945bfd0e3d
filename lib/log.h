/* SPDX-License-Identifier: MIT */
/* Leveled log to the serial console, with a per-file prefix and a boot-relative timestamp. */
#pragma once

#include "include/efi/types.h"

enum log_level { LOG_LEVEL_ERROR = 0, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Fixed at build time: VERBOSE=1 builds log debug lines too. */
#ifndef LOG_LEVEL
#define LOG_LEVEL LOG_LEVEL_INFO
#endif

#ifndef LOG_PREFIX
#define LOG_PREFIX ""
#endif

/* Send log output to the UART at port (0: nowhere). */
void log_init(UINT16 port);
/* Also hand every log line (with its newline) to fn, e.g. the screen's console; NULL stops it. */
void log_set_mirror(void (*fn)(const char *line, UINTN length));
/* Tell the log the TSC frequency so it prints milliseconds since the first log_init. */
void log_set_tsc_hz(UINT64 hz);
/* Count time from this TSC value (stage0's reset), so every stage logs on one clock. */
void log_set_epoch(UINT64 tsc);
/* Milliseconds since log_init, or 0 before the TSC is calibrated. */
UINT64 log_uptime_ms(void);
void log_printf(enum log_level level, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Log and hand the status back, so a failure is logged once where it is found. */
EFI_STATUS log_status(enum log_level level, EFI_STATUS status, const char *prefix, const char *fmt,
		      ...) __attribute__((format(printf, 4, 5)));
/* Print the message and stop the machine; never returns. */
__attribute__((noreturn, format(printf, 2, 3))) void log_panic(const char *prefix, const char *fmt,
							       ...);
/* Called by log_panic before it halts (stage1: reset when a not-yet-good stage1 is on trial). */
extern void (*log_panic_hook)(void);
/* Short name of an EFI status ("EFI_NOT_FOUND"), or "EFI_STATUS(n)" style hex. */
const char *efi_status_name(EFI_STATUS status);

#define LOG_AT(level, ...)                                                                       \
	do {                                                                                      \
		if ((level) <= LOG_LEVEL)                                                         \
			log_printf((level), LOG_PREFIX, __VA_ARGS__);                             \
	} while (0)
#define log_error(...) LOG_AT(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) LOG_AT(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) LOG_AT(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) LOG_AT(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_error_status(status, ...) log_status(LOG_LEVEL_ERROR, (status), LOG_PREFIX, __VA_ARGS__)
#define log_warn_status(status, ...) log_status(LOG_LEVEL_WARN, (status), LOG_PREFIX, __VA_ARGS__)
#define panic(...) log_panic(LOG_PREFIX, __VA_ARGS__)
