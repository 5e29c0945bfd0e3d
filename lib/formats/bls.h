/* SPDX-License-Identifier: MIT */
/* Boot Loader Specification Type #1 entries and loader.conf, parsed in place, host-testable. */
#pragma once

#include "include/efi/types.h"

/* More initrd or options lines than this in one entry are refused, not silently dropped. */
#define BLS_MAX_INITRDS 8
#define BLS_MAX_OPTIONS 8

/* One entry file; every string points into the parsed text, NULL when the key is absent. */
struct bls_entry {
	const char *id;		/* file name without ".conf", set by the caller (sort tie-break) */
	const char *title;
	const char *version;
	const char *machine_id;
	const char *sort_key;
	const char *kernel; /* the `linux` key (not a field named linux: GNU C defines it) */
	const char *efi;
	const char *architecture;
	const char *initrd[BLS_MAX_INITRDS];
	UINTN initrd_count;
	const char *options[BLS_MAX_OPTIONS];
	UINTN options_count;
};

/*
 * Parse the size bytes of text (modified: lines are cut with NULs; a NUL in the text ends it).
 * EFI_INVALID_PARAMETER when there is neither linux nor efi, or too many initrd/options lines.
 */
EFI_STATUS bls_entry_parse(char *text, UINTN size, struct bls_entry *ret);
/* The value of `default` in loader.conf text (modified like an entry), NULL if none. */
const char *bls_loader_conf_default(char *text, UINTN size);
/* Compare versions as systemd's strverscmp_improved: <0 when a is older than b. */
int bls_version_compare(const char *a, const char *b);
/* <0 when a comes before b in the order of the specification (the newest first). */
int bls_entry_compare(const struct bls_entry *a, const struct bls_entry *b);
/* Whether name matches the glob pattern (`*`, `?`, `[...]`), ignoring ASCII case. */
BOOLEAN bls_pattern_match(const char *pattern, const char *name);
/*
 * The options lines, joined by spaces, as UCS-2 with a NUL into buf (buf_chars CHAR16s; NULL
 * only counts); returns the CHAR16s needed, NUL included.
 */
UINTN bls_entry_options_ucs2(const struct bls_entry *entry, CHAR16 *buf, UINTN buf_chars);
/* An entry path ("/linux/vmlinuz") as a UEFI file name ("\linux\vmlinuz"); same contract. */
UINTN bls_path_ucs2(const char *path, CHAR16 *buf, UINTN buf_chars);
