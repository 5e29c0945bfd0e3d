/* SPDX-License-Identifier: MIT */
/* The firmware log: formats one line at a time and writes it to the serial console. */
#include "lib/drivers/io.h"
#include "lib/drivers/serial.h"
#include "lib/log.h"
#include "lib/printf.h"

static UINT16 log_port;
static UINT64 log_tsc_start;
static UINT64 log_tsc_hz;
static void (*log_mirror)(const char *line, UINTN length);

void log_init(UINT16 port)
{
	log_port = port;
	if (!log_tsc_start)
		log_tsc_start = rdtsc();
}

void log_set_mirror(void (*fn)(const char *line, UINTN length))
{
	log_mirror = fn;
}

void log_set_tsc_hz(UINT64 hz)
{
	log_tsc_hz = hz;
}

void log_set_epoch(UINT64 tsc)
{
	log_tsc_start = tsc;
}

UINT64 log_uptime_ms(void)
{
	return log_tsc_hz ? (rdtsc() - log_tsc_start) / (log_tsc_hz / 1000) : 0;
}

static void log_vprintf(enum log_level level, const char *prefix, const char *fmt, va_list ap)
{
	static const char *const tags[] = { "ERROR: ", "warning: ", "", "" };
	char line[256];
	int n;

	if (!log_port && !log_mirror)
		return;
	if (log_tsc_hz) {
		UINT64 ms = log_uptime_ms();

		n = snprintf(line, sizeof(line), "[%4llu.%03llu] %s%s", ms / 1000, ms % 1000,
			     prefix, tags[level]);
	} else {
		n = snprintf(line, sizeof(line), "[    ?    ] %s%s", prefix, tags[level]);
	}
	if (n < (int)sizeof(line))
		n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n >= (int)sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (log_port)
		serial_write(log_port, line, n);
	if (log_mirror)
		log_mirror(line, n);
}

void log_printf(enum log_level level, const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, prefix, fmt, ap);
	va_end(ap);
}

EFI_STATUS log_status(enum log_level level, EFI_STATUS status, const char *prefix, const char *fmt,
		      ...)
{
	char msg[192];
	va_list ap;

	if (level > LOG_LEVEL)
		return status;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_printf(level, prefix, "%s: %s", msg, efi_status_name(status));
	return status;
}

void (*log_panic_hook)(void);

void log_panic(const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(LOG_LEVEL_ERROR, prefix, fmt, ap);
	va_end(ap);
	if (log_panic_hook)
		log_panic_hook();
	log_printf(LOG_LEVEL_ERROR, prefix, "system halted");
	cpu_halt_forever();
}

const char *efi_status_name(EFI_STATUS status)
{
	static const char *const errors[] = {
		[1] = "EFI_LOAD_ERROR",
		[2] = "EFI_INVALID_PARAMETER",
		[3] = "EFI_UNSUPPORTED",
		[4] = "EFI_BAD_BUFFER_SIZE",
		[5] = "EFI_BUFFER_TOO_SMALL",
		[6] = "EFI_NOT_READY",
		[7] = "EFI_DEVICE_ERROR",
		[8] = "EFI_WRITE_PROTECTED",
		[9] = "EFI_OUT_OF_RESOURCES",
		[10] = "EFI_VOLUME_CORRUPTED",
		[11] = "EFI_VOLUME_FULL",
		[12] = "EFI_NO_MEDIA",
		[13] = "EFI_MEDIA_CHANGED",
		[14] = "EFI_NOT_FOUND",
		[15] = "EFI_ACCESS_DENIED",
		[16] = "EFI_NO_RESPONSE",
		[17] = "EFI_NO_MAPPING",
		[18] = "EFI_TIMEOUT",
		[19] = "EFI_NOT_STARTED",
		[20] = "EFI_ALREADY_STARTED",
		[21] = "EFI_ABORTED",
		[24] = "EFI_PROTOCOL_ERROR",
		[25] = "EFI_INCOMPATIBLE_VERSION",
		[26] = "EFI_SECURITY_VIOLATION",
		[27] = "EFI_CRC_ERROR",
		[28] = "EFI_END_OF_MEDIA",
		[31] = "EFI_END_OF_FILE",
		[32] = "EFI_INVALID_LANGUAGE",
		[33] = "EFI_COMPROMISED_DATA",
	};
	UINTN code = status & ~EFI_ERROR_BIT;

	if (status == EFI_SUCCESS)
		return "EFI_SUCCESS";
	if (EFI_ERROR(status) && code < sizeof(errors) / sizeof(errors[0]) && errors[code])
		return errors[code];
	return EFI_ERROR(status) ? "EFI error" : "EFI warning";
}
