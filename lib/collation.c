/* SPDX-License-Identifier: MIT */
/* Case folding and wildcard matching of UCS-2 strings for the English UnicodeCollation. */
#include "lib/collation.h"

/* Latin-1's letters fold by 0x20 as ASCII's do, except × (0xd7) and ÷ (0xf7), and ß/ÿ. */
static BOOLEAN latin1_lower_letter(CHAR16 c)
{
	return (c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7);
}

CHAR16 collation_upper(CHAR16 c)
{
	return latin1_lower_letter(c) ? c - 0x20 : c;
}

CHAR16 collation_lower(CHAR16 c)
{
	return latin1_lower_letter((CHAR16)(c + 0x20)) && c < 0xe0 ? c + 0x20 : c;
}

INTN collation_stricoll(const CHAR16 *a, const CHAR16 *b)
{
	for (; *a && collation_upper(*a) == collation_upper(*b); a++, b++)
		;
	return (INTN)collation_upper(*a) - (INTN)collation_upper(*b);
}

/* One character against a [set] that starts after '['; *end is set past the closing ']'. */
static BOOLEAN in_set(CHAR16 c, const CHAR16 *set, const CHAR16 **end)
{
	BOOLEAN hit = FALSE;
	CHAR16 prev = 0;

	c = collation_upper(c);
	for (; *set && *set != ']'; set++) {
		if (*set == '-' && prev && set[1] && set[1] != ']') {
			hit |= c >= collation_upper(prev) && c <= collation_upper(set[1]);
			prev = 0;
			set++;
			continue;
		}
		hit |= c == collation_upper(*set);
		prev = *set;
	}
	if (!*set)
		return FALSE; /* an unclosed set matches nothing */
	*end = set + 1;
	return hit;
}

BOOLEAN collation_metai_match(const CHAR16 *string, const CHAR16 *pattern)
{
	/* Iterative with one backtrack point: the last '*' seen and where it resumed. */
	const CHAR16 *star = NULL, *resume = NULL;

	for (;;) {
		const CHAR16 *next = pattern + 1;
		BOOLEAN ok;

		if (*pattern == '*') {
			star = ++pattern;
			resume = string;
			continue;
		}
		if (!*string) {
			while (*pattern == '*')
				pattern++;
			return !*pattern;
		}
		if (*pattern == '?')
			ok = TRUE;
		else if (*pattern == '[')
			ok = in_set(*string, pattern + 1, &next);
		else
			ok = *pattern && collation_upper(*pattern) == collation_upper(*string);
		if (ok) {
			pattern = next;
			string++;
			continue;
		}
		if (!star)
			return FALSE;
		pattern = star;
		string = ++resume;
	}
}

void collation_fat_to_str(UINTN fat_size, const CHAR8 *fat, CHAR16 *string)
{
	for (; fat_size && *fat; fat_size--)
		*string++ = (UINT8)*fat++;
	*string = 0;
}

/* Microsoft's FAT specification §6.1: the characters a short name may hold besides letters. */
static BOOLEAN fat_valid(CHAR16 c)
{
	static const char others[] = "$%'-_@~`!(){}^#&";

	if ((c >= '0' && c <= '9') || collation_upper(c) != collation_lower(c))
		return TRUE;
	for (const char *p = others; *p; p++)
		if (c == (UINT8)*p)
			return TRUE;
	return FALSE;
}

BOOLEAN collation_str_to_fat(const CHAR16 *string, UINTN fat_size, CHAR8 *fat)
{
	BOOLEAN lossy = FALSE;

	for (; *string && fat_size; string++) {
		if (*string == '.' || *string == ' ')
			continue;
		if (fat_valid(*string)) {
			*fat++ = (CHAR8)collation_upper(*string);
		} else {
			*fat++ = '_';
			lossy = TRUE;
		}
		fat_size--;
	}
	return lossy;
}
