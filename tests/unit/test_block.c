/* SPDX-License-Identifier: MIT */
/* block_transfer_split (commands of at most max_blocks, bounce) and block_view (small blocks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/storage/block.h"
#include "tests/unit/fake_disk.h"

#define BS 512
#define BLOCKS 16

/* A device of BLOCKS blocks that records each command it was given. */
struct recorder {
	UINT8 disk[BLOCKS * BS];
	UINT8 bounce[BS];
	EFI_LBA lba[BLOCKS];
	UINT32 n[BLOCKS];
	UINT8 *data[BLOCKS];
	unsigned commands, fail_at;
};

static EFI_STATUS record(void *ctx, EFI_LBA lba, UINT32 n, UINT8 *data, BOOLEAN write)
{
	struct recorder *r = ctx;

	if (r->commands == r->fail_at)
		return EFI_DEVICE_ERROR;
	r->lba[r->commands] = lba;
	r->n[r->commands] = n;
	r->data[r->commands++] = data;
	if (write)
		memcpy(r->disk + lba * BS, data, (size_t)n * BS);
	else
		memcpy(data, r->disk + lba * BS, (size_t)n * BS);
	return EFI_SUCCESS;
}

static void test_direct_in_pieces_of_max_blocks(void **state)
{
	static struct recorder r = { .fail_at = ~0u };
	static UINT8 buf[7 * BS];
	struct block_split split = { BS, 3, TRUE, r.bounce };

	(void)state;
	for (unsigned i = 0; i < sizeof(r.disk); i++)
		r.disk[i] = (UINT8)(i / BS + i);
	assert_int_equal(block_transfer_split(&split, 2, 7, buf, FALSE, record, &r), EFI_SUCCESS);
	assert_int_equal(r.commands, 3);
	assert_int_equal(r.lba[0], 2);
	assert_int_equal(r.n[0], 3);
	assert_int_equal(r.lba[1], 5);
	assert_int_equal(r.n[1], 3);
	assert_int_equal(r.lba[2], 8);
	assert_int_equal(r.n[2], 1);
	/* The device got the caller's buffer itself, piece by piece. */
	assert_ptr_equal(r.data[0], buf);
	assert_ptr_equal(r.data[2], buf + 6 * BS);
	assert_memory_equal(buf, r.disk + 2 * BS, sizeof(buf));
}

static void test_bounce_a_block_at_a_time_both_ways(void **state)
{
	static struct recorder r = { .fail_at = ~0u };
	static UINT8 out[3 * BS], in[3 * BS];
	struct block_split split = { BS, 8, FALSE, r.bounce };

	(void)state;
	for (unsigned i = 0; i < sizeof(out); i++)
		out[i] = (UINT8)(i * 7 + 1);
	assert_int_equal(block_transfer_split(&split, 4, 3, out, TRUE, record, &r), EFI_SUCCESS);
	assert_int_equal(r.commands, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(r.n[i], 1);
		assert_int_equal(r.lba[i], 4 + i);
		assert_ptr_equal(r.data[i], r.bounce);
	}
	assert_memory_equal(r.disk + 4 * BS, out, sizeof(out));
	assert_int_equal(block_transfer_split(&split, 4, 3, in, FALSE, record, &r), EFI_SUCCESS);
	assert_memory_equal(in, out, sizeof(in));
}

static void test_stops_at_the_first_failed_command(void **state)
{
	static struct recorder r = { .fail_at = 1 };
	static UINT8 buf[4 * BS];
	struct block_split split = { BS, 2, TRUE, r.bounce };

	(void)state;
	assert_int_equal(block_transfer_split(&split, 0, 4, buf, FALSE, record, &r),
			 EFI_DEVICE_ERROR);
	assert_int_equal(r.commands, 1);
}

/* 512-byte blocks over a 2048-byte device: every start and length reads the right bytes. */
static void test_view_in_smaller_blocks(void **state)
{
	static UINT8 data[8 * 2048], out[8 * 2048];
	struct fake_disk *cd;
	struct block_view view;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (UINT8)(i * 7 + i / 512);
	cd = fake_disk_from_buffer(data, sizeof(data), 2048);
	assert_non_null(cd);
	assert_int_equal(block_view_init(&view, &cd->dev, 4096), EFI_UNSUPPORTED);
	assert_int_equal(block_view_init(&view, &cd->dev, 512), EFI_SUCCESS);
	assert_int_equal(view.dev.block_count, 32);
	assert_null(view.dev.write);
	for (EFI_LBA lba = 0; lba < 32; lba++) {
		for (UINTN n = 1; lba + n <= 32; n += 3) {
			memset(out, 0xee, sizeof(out));
			assert_int_equal(block_read(&view.dev, lba, n, out), EFI_SUCCESS);
			assert_memory_equal(out, data + lba * 512, n * 512);
		}
	}
	/* Aligned whole blocks are one parent read, with no copy through the view's buffer. */
	fake_disk_reset_counters(cd);
	assert_int_equal(block_read(&view.dev, 4, 16, out), EFI_SUCCESS);
	assert_int_equal(cd->read_calls, 1);
	assert_int_equal(block_read(&view.dev, 32, 1, out), EFI_INVALID_PARAMETER);
	fake_disk_fail_at(cd, 3);
	assert_int_equal(block_read(&view.dev, 13, 1, out), EFI_DEVICE_ERROR);
	fake_disk_free(cd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct_in_pieces_of_max_blocks),
		cmocka_unit_test(test_bounce_a_block_at_a_time_both_ways),
		cmocka_unit_test(test_stops_at_the_first_failed_command),
		cmocka_unit_test(test_view_in_smaller_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
