/* SPDX-License-Identifier: MIT */
/* vsnprintf for the firmware: enough for logs, no floating point. */
#include "lib/printf.h"

struct out {
	char *buf;
	__SIZE_TYPE__ size;
	__SIZE_TYPE__ len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct out *o, const char *s, __SIZE_TYPE__ n, int width, int left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left)
		while (fill-- > 0)
			put(o, pad);
	while (n--)
		put(o, *s++);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

static void put_number(struct out *o, UINT64 v, int base, int upper, int negative, int width,
		       int left, char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = digits[v % base];
		v /= base;
	} while (v);
	if (negative) {
		if (pad == '0') {
			put(o, '-');
			width--;
		} else {
			tmp[sizeof(tmp) - 1 - n++] = '-';
		}
	}
	put_padded(o, tmp + sizeof(tmp) - n, n, width, left, pad);
}

int vsnprintf(char *buf, __SIZE_TYPE__ size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int width = 0, left = 0, longs = 0;
		char pad = ' ';

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			longs++;

		switch (*fmt) {
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			if (longs) {
				/* %ls: UCS-2, printed as ASCII with '?' for the rest. */
				const CHAR16 *w = va_arg(ap, const CHAR16 *);

				for (w = w ? w : u"(null)"; *w; w++)
					put(&o, *w < 0x80 ? (char)*w : '?');
				break;
			}
			const char *s = va_arg(ap, const char *);
			__SIZE_TYPE__ n = 0;

			s = s ? s : "(null)";
			while (s[n])
				n++;
			put_padded(&o, s, n, width, left, ' ');
			break;
		}
		case 'd':
		case 'i': {
			INT64 v = longs ? va_arg(ap, INT64) : va_arg(ap, int);

			put_number(&o, v < 0 ? -(UINT64)v : (UINT64)v, 10, 0, v < 0, width, left,
				   pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			UINT64 v = longs ? va_arg(ap, UINT64) : va_arg(ap, unsigned int);

			put_number(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0, width, left, pad);
			break;
		}
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_number(&o, (UINTN)va_arg(ap, void *), 16, 0, 0, width, left, pad);
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, __SIZE_TYPE__ size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
