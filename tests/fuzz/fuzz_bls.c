/* SPDX-License-Identifier: MIT */
/* libFuzzer target: entry files, loader.conf, versions and patterns, as the loader reads them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/formats/bls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every string the parser hands out lies inside text and ends there. */
static void check_inside(const char *s, const char *text, size_t size)
{
	if (s && (s < text || s + strlen(s) > text + size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bls_entry e, f;
	CHAR16 buf[32];
	char *text, *copy, *half;
	size_t cut = size / 2;

	/* As file_read_all hands files over: size bytes and a spare NUL after them. */
	text = malloc(size + 1);
	copy = malloc(size + 1);
	if (!text || !copy)
		abort();
	memcpy(text, data, size);
	text[size] = 0;
	memcpy(copy, text, size + 1);
	if (bls_entry_parse(text, size, &e) == EFI_SUCCESS) {
		check_inside(e.title, text, size);
		check_inside(e.kernel, text, size);
		check_inside(e.efi, text, size);
		for (UINTN i = 0; i < e.initrd_count; i++)
			check_inside(e.initrd[i], text, size);
		if (bls_entry_options_ucs2(&e, buf, 32) == 0)
			abort();
		if (e.kernel)
			bls_path_ucs2(e.kernel, buf, 32);
		/* Order: antisymmetric, and an entry equals itself. */
		f = e;
		e.id = e.title;
		f.id = e.version;
		if (bls_entry_compare(&e, &e) != 0 ||
		    (bls_entry_compare(&e, &f) > 0) != (bls_entry_compare(&f, &e) < 0))
			abort();
	}
	bls_loader_conf_default(copy, size);

	/* The two halves of the input as two versions, and as a pattern and a name. */
	memcpy(copy, data, size);
	copy[size] = 0;
	copy[cut] = 0;
	half = copy + cut + (cut < size);
	if ((bls_version_compare(copy, half) > 0) != (bls_version_compare(half, copy) < 0) ||
	    bls_version_compare(copy, copy) != 0)
		abort();
	bls_pattern_match(copy, half);
	free(text);
	free(copy);
	return 0;
}
