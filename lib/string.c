/* SPDX-License-Identifier: MIT */
/* Freestanding implementations of the C library string functions in lib/string.h. */
#include "lib/string.h"

/*
 * Copies and fills move whole 8-byte words where they can. Under TCG every guest load and store
 * costs about the same whatever its width, so a word loop moves eight times the bytes of a byte
 * loop: frame buffer clears, file reads and stage images are the boot's large copies. x86 allows
 * unaligned words; the typedef tells GCC so (and that a word may alias any object).
 */
typedef unsigned long long __attribute__((aligned(1), may_alias)) word_t;

#define WORD sizeof(word_t)

void *memcpy(void *dst, const void *src, __SIZE_TYPE__ size)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (; size >= 4 * WORD; size -= 4 * WORD, d += 4 * WORD, s += 4 * WORD) {
		word_t w0 = ((const word_t *)s)[0], w1 = ((const word_t *)s)[1];
		word_t w2 = ((const word_t *)s)[2], w3 = ((const word_t *)s)[3];

		((word_t *)d)[0] = w0;
		((word_t *)d)[1] = w1;
		((word_t *)d)[2] = w2;
		((word_t *)d)[3] = w3;
	}
	for (; size >= WORD; size -= WORD, d += WORD, s += WORD)
		*(word_t *)d = *(const word_t *)s;
	while (size--)
		*d++ = *s++;
	return dst;
}

/* Overlapping moves: forwards when dst is below src, else backwards from the end, words first. */
void *memmove(void *dst, const void *src, __SIZE_TYPE__ size)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || size == 0)
		return dst;
	if (d < s || d >= s + size) {
		/* Each word is read before the one it may overlap is written. */
		for (; size >= WORD; size -= WORD, d += WORD, s += WORD)
			*(word_t *)d = *(const word_t *)s;
		while (size--)
			*d++ = *s++;
		return dst;
	}
	for (; size >= WORD; size -= WORD)
		*(word_t *)(d + size - WORD) = *(const word_t *)(s + size - WORD);
	while (size--)
		d[size] = s[size];
	return dst;
}

void *memset(void *dst, int c, __SIZE_TYPE__ size)
{
	unsigned char *d = dst;
	word_t w = 0x0101010101010101ull * (unsigned char)c;

	for (; size >= 4 * WORD; size -= 4 * WORD, d += 4 * WORD) {
		((word_t *)d)[0] = w;
		((word_t *)d)[1] = w;
		((word_t *)d)[2] = w;
		((word_t *)d)[3] = w;
	}
	for (; size >= WORD; size -= WORD, d += WORD)
		*(word_t *)d = w;
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
