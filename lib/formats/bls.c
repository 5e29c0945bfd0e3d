/* SPDX-License-Identifier: MIT */
/* Boot Loader Specification Type #1 entries: parsing, the specification's order, glob patterns. */
#include "lib/formats/bls.h"
#include "lib/string.h"

static BOOLEAN is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static BOOLEAN is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static BOOLEAN is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

typedef void (*line_fn)(const char *key, const char *value, void *ctx);

/* Call fn for every "key value" line of text (NUL at text[size]); '#' starts a comment line. */
static void for_each_line(char *text, UINTN size, line_fn fn, void *ctx)
{
	UINTN i = 0;

	while (i < size && text[i]) {
		UINTN start = i, end, k;
		char *key, *value;

		while (i < size && text[i] && text[i] != '\n')
			i++;
		end = i;
		if (i < size && text[i] == '\n')
			i++;
		text[end] = 0;
		while (start < end && is_space(text[start]))
			start++;
		while (end > start && is_space(text[end - 1]))
			text[--end] = 0;
		if (start == end || text[start] == '#')
			continue;
		key = text + start;
		for (k = start; k < end && !is_space(text[k]); k++)
			;
		value = text + end;	/* the NUL: a key alone has an empty value */
		if (k < end) {
			text[k++] = 0;
			while (k < end && is_space(text[k]))
				k++;
			value = text + k;
		}
		fn(key, value, ctx);
	}
}

struct entry_ctx {
	struct bls_entry *entry;
	BOOLEAN too_many;
};

static void entry_line(const char *key, const char *value, void *ctx)
{
	struct entry_ctx *c = ctx;
	struct bls_entry *e = c->entry;

	if (!strcmp(key, "title"))
		e->title = value;
	else if (!strcmp(key, "version"))
		e->version = value;
	else if (!strcmp(key, "machine-id"))
		e->machine_id = value;
	else if (!strcmp(key, "sort-key"))
		e->sort_key = value;
	else if (!strcmp(key, "linux"))
		e->kernel = value;
	else if (!strcmp(key, "efi"))
		e->efi = value;
	else if (!strcmp(key, "architecture"))
		e->architecture = value;
	else if (!strcmp(key, "initrd") && e->initrd_count < BLS_MAX_INITRDS)
		e->initrd[e->initrd_count++] = value;
	else if (!strcmp(key, "options") && e->options_count < BLS_MAX_OPTIONS)
		e->options[e->options_count++] = value;
	else if (!strcmp(key, "initrd") || !strcmp(key, "options"))
		c->too_many = TRUE;
	/* Other keys (devicetree, devicetree-overlay, ...) do not concern an x86 loader. */
}

EFI_STATUS bls_entry_parse(char *text, UINTN size, struct bls_entry *ret)
{
	struct entry_ctx ctx = { ret, FALSE };

	if (!text || !ret)
		return EFI_INVALID_PARAMETER;
	memset(ret, 0, sizeof(*ret));
	for_each_line(text, size, entry_line, &ctx);
	if (ctx.too_many || (!(ret->kernel && *ret->kernel) && !(ret->efi && *ret->efi)))
		return EFI_INVALID_PARAMETER;
	return EFI_SUCCESS;
}

static void conf_line(const char *key, const char *value, void *ctx)
{
	if (!strcmp(key, "default") && *value)
		*(const char **)ctx = value;
}

const char *bls_loader_conf_default(char *text, UINTN size)
{
	const char *pattern = NULL;

	if (text)
		for_each_line(text, size, conf_line, &pattern);
	return pattern;
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* strcmp with NULL before every string. */
static int compare_or_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return sign(strcmp(a, b));
}

static BOOLEAN is_version_char(char c)
{
	return is_digit(c) || is_alpha(c) || c == '~' || c == '-' || c == '^' || c == '.';
}

/*
 * A separator ('~', '-', '^', '.') that only one side has here decides: that side is older
 * (123-1 < 123^1 < 123.1 < 123a). When both have it, step over it.
 */
static int separator(const char **a, const char **b, char sep)
{
	BOOLEAN in_a = **a == sep, in_b = **b == sep;

	if (in_a != in_b)
		return in_a ? -1 : 1;
	if (in_a) {
		(*a)++;
		(*b)++;
	}
	return 0;
}

int bls_version_compare(const char *a, const char *b)
{
	if (!a || !*a || !b || !*b)
		return compare_or_null(a, b);
	for (;;) {
		const char *ea, *eb;
		int r;

		while (*a && !is_version_char(*a))
			a++;
		while (*b && !is_version_char(*b))
			b++;
		/* '~' marks a pre-release: older than anything, even the end of the string. */
		r = separator(&a, &b, '~');
		if (r)
			return r;
		/* Otherwise the string with more segments is newer. */
		if (!*a || !*b)
			return (*a != 0) - (*b != 0);
		/* '-' separates version from release, '^' marks a patch, '.' a point release. */
		r = separator(&a, &b, '-');
		if (!r)
			r = separator(&a, &b, '^');
		if (!r)
			r = separator(&a, &b, '.');
		if (r)
			return r;
		if (is_digit(*a) || is_digit(*b)) {
			for (ea = a; is_digit(*ea); ea++)
				;
			for (eb = b; is_digit(*eb); eb++)
				;
			/* A number is newer than no number (an alphabetic segment). */
			r = (a != ea) - (b != eb);
			if (r)
				return r;
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			/* Without leading zeros, the longer number is the larger one. */
			if (ea - a != eb - b)
				return ea - a > eb - b ? 1 : -1;
			r = ea > a ? sign(strncmp(a, b, (UINTN)(ea - a))) : 0;
		} else {
			UINTN la, lb;

			for (ea = a; is_alpha(*ea); ea++)
				;
			for (eb = b; is_alpha(*eb); eb++)
				;
			la = (UINTN)(ea - a);
			lb = (UINTN)(eb - b);
			r = sign(strncmp(a, b, la < lb ? la : lb));
			if (!r)
				r = (la > lb) - (la < lb);
		}
		if (r)
			return r;
		a = ea;
		b = eb;
	}
}

int bls_entry_compare(const struct bls_entry *a, const struct bls_entry *b)
{
	int r;

	/* Entries with a sort-key first; among them sort-key, machine-id, then the newest version. */
	r = (a->sort_key == NULL) - (b->sort_key == NULL);
	if (r)
		return r;
	if (a->sort_key) {
		r = compare_or_null(a->sort_key, b->sort_key);
		if (!r)
			r = compare_or_null(a->machine_id, b->machine_id);
		if (!r)
			r = -bls_version_compare(a->version, b->version);
		if (r)
			return r;
	}
	/* Last, the file names, newest version first. */
	return -bls_version_compare(a->id, b->id);
}

/* One [...] class at *pattern against c; moves *pattern past it. */
static BOOLEAN class_match(const char **pattern, char c)
{
	const char *p = *pattern + 1;
	BOOLEAN negate = *p == '!' || *p == '^', found = FALSE;

	if (negate)
		p++;
	/* A ']' right after the opening bracket is a member, not the end. */
	do {
		if (!*p)
			return FALSE;	/* unterminated: matches nothing */
		if (p[1] == '-' && p[2] && p[2] != ']') {
			if (lower(c) >= lower(p[0]) && lower(c) <= lower(p[2]))
				found = TRUE;
			p += 3;
		} else {
			if (lower(c) == lower(*p))
				found = TRUE;
			p++;
		}
	} while (*p != ']');
	*pattern = p + 1;
	return found != negate;
}

BOOLEAN bls_pattern_match(const char *pattern, const char *name)
{
	const char *star = NULL, *resume = NULL;

	if (!pattern || !name)
		return FALSE;
	while (*name) {
		const char *next = pattern + 1;
		BOOLEAN ok;

		if (*pattern == '*') {
			star = ++pattern;
			resume = name;
			continue;
		}
		if (*pattern == '?') {
			ok = TRUE;
		} else if (*pattern == '[') {
			next = pattern;
			ok = class_match(&next, *name);
		} else {
			ok = *pattern && lower(*pattern) == lower(*name);
		}
		if (ok) {
			pattern = next;
			name++;
			continue;
		}
		/* Mismatch: let the last '*' swallow one more character, if there was one. */
		if (!star)
			return FALSE;
		pattern = star;
		name = ++resume;
	}
	while (*pattern == '*')
		pattern++;
	return !*pattern;
}

/* The next character of UTF-8 text as UCS-2 ('?' for what UCS-2 cannot hold or is malformed). */
static CHAR16 utf8_next(const char **s)
{
	const UINT8 *p = (const UINT8 *)*s;
	UINT32 c = p[0];
	UINTN n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : 3;

	if (n == 3) {
		(*s)++;
		return '?';
	}
	c &= n ? 0x3f >> n : 0x7f;
	for (UINTN i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s += i;
			return '?';
		}
		c = c << 6 | (p[i] & 0x3f);
	}
	*s += n + 1;
	return (CHAR16)c;
}

/* Append the UTF-8 text s as UCS-2 at buf[*at] (within buf_chars); '/' becomes '\' if asked. */
static void put_text(const char *s, BOOLEAN path, CHAR16 *buf, UINTN buf_chars, UINTN *at)
{
	while (*s) {
		CHAR16 c = utf8_next(&s);

		if (path && c == '/')
			c = '\\';
		if (buf && *at < buf_chars)
			buf[*at] = c;
		(*at)++;
	}
}

static UINTN terminate(CHAR16 *buf, UINTN buf_chars, UINTN at)
{
	if (buf && buf_chars)
		buf[at < buf_chars ? at : buf_chars - 1] = 0;
	return at + 1;
}

UINTN bls_entry_options_ucs2(const struct bls_entry *entry, CHAR16 *buf, UINTN buf_chars)
{
	UINTN at = 0;

	for (UINTN i = 0; i < entry->options_count; i++) {
		if (i)
			put_text(" ", FALSE, buf, buf_chars, &at);
		put_text(entry->options[i], FALSE, buf, buf_chars, &at);
	}
	return terminate(buf, buf_chars, at);
}

UINTN bls_path_ucs2(const char *path, CHAR16 *buf, UINTN buf_chars)
{
	UINTN at = 0;

	/* Paths in entries are relative to the root of the partition, with or without a '/'. */
	if (*path != '/')
		put_text("/", TRUE, buf, buf_chars, &at);
	put_text(path, TRUE, buf, buf_chars, &at);
	return terminate(buf, buf_chars, at);
}
