/* SPDX-License-Identifier: MIT */
/* The few C library string functions the firmware uses (and GCC may emit calls to). */
#pragma once

/*
 * Same names and prototypes as the C library: host builds (unit tests, mkimage) take libc's
 * definitions and do not compile lib/string.c; firmware builds take ours.
 */
void *memcpy(void *dst, const void *src, __SIZE_TYPE__ size);
void *memmove(void *dst, const void *src, __SIZE_TYPE__ size);
void *memset(void *dst, int c, __SIZE_TYPE__ size);
int memcmp(const void *a, const void *b, __SIZE_TYPE__ size);
void *memchr(const void *s, int c, __SIZE_TYPE__ size);
__SIZE_TYPE__ strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, __SIZE_TYPE__ size);
char *strchr(const char *s, int c);
