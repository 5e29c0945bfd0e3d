/* SPDX-License-Identifier: MIT */
/* A small vsnprintf for the firmware log: %c %s %ls %d %i %u %x %X %p %%, with l/ll/z, width, 0 and -. */
#pragma once

#include "include/efi/types.h"
#include <stdarg.h>

/* Format into buf (always NUL-terminated when size > 0); returns the length the output needed. */
int vsnprintf(char *buf, __SIZE_TYPE__ size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, __SIZE_TYPE__ size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
