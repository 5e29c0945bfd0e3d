/* SPDX-License-Identifier: MIT */
/* EDID: the preferred size of blocks built here, and the header, checksum and descriptor checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/formats/edid.h"

static UINT8 block[EDID_BLOCK_SIZE];

static void checksum(void)
{
	UINT8 sum = 0;

	for (size_t i = 0; i < sizeof(block) - 1; i++)
		sum = (UINT8)(sum + block[i]);
	block[127] = (UINT8)(0x100 - sum);
}

/* A base block whose first detailed timing is width x height (12 bits each, as the format). */
static void build(UINT32 width, UINT32 height)
{
	static const UINT8 header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	UINT8 *d = block + 54;

	memset(block, 0, sizeof(block));
	memcpy(block, header, sizeof(header));
	block[18] = 1; /* version 1.4 */
	block[19] = 4;
	d[0] = 0x10; /* pixel clock 10 kHz units: nonzero, so a timing */
	d[1] = 0x27;
	d[2] = width & 0xff;
	d[3] = 0xa0; /* horizontal blanking low bits, which must not leak into the width */
	d[4] = (UINT8)((width >> 4) & 0xf0) | 0x0f;
	d[5] = height & 0xff;
	d[6] = 0x1e;
	d[7] = (UINT8)((height >> 4) & 0xf0) | 0x0f;
	checksum();
}

static void test_preferred_size(void **state)
{
	static const UINT32 sizes[][2] = { { 1280, 800 }, { 1920, 1080 }, { 640, 480 },
					   { 4095, 4095 } };
	UINT32 w = 0, h = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		build(sizes[i][0], sizes[i][1]);
		assert_int_equal(edid_preferred_size(block, sizeof(block), &w, &h), EFI_SUCCESS);
		assert_int_equal(w, sizes[i][0]);
		assert_int_equal(h, sizes[i][1]);
	}
	/* Extension blocks after the base block do not matter. */
	assert_int_equal(edid_preferred_size(block, 1024, &w, &h), EFI_SUCCESS);
}

static void test_not_edid(void **state)
{
	UINT32 w = 7, h = 7;

	(void)state;
	build(1280, 800);
	assert_int_equal(edid_preferred_size(block, 127, &w, &h), EFI_NOT_FOUND);
	assert_int_equal(edid_preferred_size(NULL, 128, &w, &h), EFI_NOT_FOUND);
	block[7] = 0xff;
	checksum();
	assert_int_equal(edid_preferred_size(block, sizeof(block), &w, &h), EFI_NOT_FOUND);
	/* What an absent EDID region reads as. */
	memset(block, 0xff, sizeof(block));
	assert_int_equal(edid_preferred_size(block, sizeof(block), &w, &h), EFI_NOT_FOUND);
	memset(block, 0, sizeof(block));
	assert_int_equal(edid_preferred_size(block, sizeof(block), &w, &h), EFI_NOT_FOUND);
	assert_int_equal(w, 7);
	assert_int_equal(h, 7);
}

static void test_bad_checksum_and_descriptor(void **state)
{
	UINT32 w = 7, h = 7;

	(void)state;
	build(1280, 800);
	block[60] ^= 1;
	assert_int_equal(edid_preferred_size(block, sizeof(block), &w, &h), EFI_CRC_ERROR);
	/* A display descriptor (pixel clock 0) first: no preferred timing. */
	build(1280, 800);
	block[54] = block[55] = 0;
	checksum();
	assert_int_equal(edid_preferred_size(block, sizeof(block), &w, &h), EFI_UNSUPPORTED);
	build(0, 800);
	assert_int_equal(edid_preferred_size(block, sizeof(block), &w, &h), EFI_UNSUPPORTED);
	assert_int_equal(w, 7);
	assert_int_equal(h, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preferred_size),
		cmocka_unit_test(test_not_edid),
		cmocka_unit_test(test_bad_checksum_and_descriptor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
