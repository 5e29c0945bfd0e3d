/* SPDX-License-Identifier: MIT */
/* Freestanding implementations of the C library string functions in lib/string.h. */
#include "lib/string.h"

void *memcpy(void *dst, const void *src, __SIZE_TYPE__ size)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (size--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, __SIZE_TYPE__ size)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || size == 0)
		return dst;
	if (d < s)
		return memcpy(dst, src, size);
	while (size--)
		d[size] = s[size];
	return dst;
}

void *memset(void *dst, int c, __SIZE_TYPE__ size)
{
	unsigned char *d = dst;

	while (size--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, __SIZE_TYPE__ size)
{
	const unsigned char *x = a, *y = b;

	for (; size; size--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, __SIZE_TYPE__ size)
{
	const unsigned char *p = s;

	for (; size; p++, size--)
		if (*p == (unsigned char)c)
			return (void *)p;
	return (void *)0;
}

__SIZE_TYPE__ strlen(const char *s)
{
	__SIZE_TYPE__ n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, __SIZE_TYPE__ size)
{
	for (; size && *a && *a == *b; size--, a++, b++)
		;
	return size ? (unsigned char)*a - (unsigned char)*b : 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return (char *)0;
	}
}
