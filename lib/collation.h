/* SPDX-License-Identifier: MIT */
/* Case-insensitive comparison and matching of UCS-2 strings, as UnicodeCollation offers them. */
#pragma once

#include "include/efi/types.h"

/* The upper-case form of c: ASCII and Latin-1 letters; every other character is its own. */
CHAR16 collation_upper(CHAR16 c);
/* The lower-case form of c, the inverse of collation_upper. */
CHAR16 collation_lower(CHAR16 c);
/* <0, 0, >0 as a sorts before, with or after b ignoring case. */
INTN collation_stricoll(const CHAR16 *a, const CHAR16 *b);
/* Whether string matches pattern: * any run, ? one character, [abc] [a-z] one of a set. */
BOOLEAN collation_metai_match(const CHAR16 *string, const CHAR16 *pattern);
/* An 8.3 name's characters (fat_size bytes at most, NUL ends early) as a UCS-2 string. */
void collation_fat_to_str(UINTN fat_size, const CHAR8 *fat, CHAR16 *string);
/* string as upper-case FAT characters ('.' and ' ' left out); TRUE if any became '_'. */
BOOLEAN collation_str_to_fat(const CHAR16 *string, UINTN fat_size, CHAR8 *fat);
