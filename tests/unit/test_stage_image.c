/* SPDX-License-Identifier: MIT */
/* Stage image headers: seal/check round trip and every way stage_image_check_header refuses one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crc32.h"
#include "lib/formats/stage_image.h"

#define BODY_SIZE 4096
#define HSIZE sizeof(struct stage_image_header)

static _Alignas(8) UINT8 file[sizeof(struct stage_image_header) + BODY_SIZE];
static struct stage_image_header *const header = (struct stage_image_header *)file;
static UINT8 *const body = file + sizeof(struct stage_image_header);

/* The header CRC alone, so sizes that point past the body can be sealed without hashing them. */
static void reseal_crc(void)
{
	header->header_crc32 = 0;
	header->header_crc32 = crc32(header, HSIZE);
}

static int make_image(void **state)
{
	memset(file, 0, sizeof(file));
	for (size_t i = 0; i < BODY_SIZE; i++)
		body[i] = (UINT8)(i * 13 + 1);
	header->kind = STAGE_KIND_STAGE1;
	header->image_version = 0x000100;
	header->body_size = BODY_SIZE;
	header->memory_size = 2 * BODY_SIZE;
	header->entry_offset = 0x100;
	header->rela_offset = 1024;
	header->rela_size = 2 * 24;
	strcpy(header->version_string, "0.1.0-test");
	stage_image_seal_header(header, body);
	return 0;
}

static EFI_STATUS check(UINTN size, UINT32 kind)
{
	struct stage_image_header out;

	return stage_image_check_header(file, size, kind, &out);
}

static void test_round_trip(void **state)
{
	struct stage_image_header out;

	assert_int_equal(stage_image_check_header(file, sizeof(file), STAGE_KIND_STAGE1, &out),
			 EFI_SUCCESS);
	assert_memory_equal(&out, header, HSIZE);
	assert_memory_equal(out.magic, STAGE_IMAGE_MAGIC, STAGE_IMAGE_MAGIC_SIZE);
	assert_int_equal(out.format_version, STAGE_IMAGE_FORMAT_VERSION);
	assert_int_equal(out.header_size, HSIZE);
	assert_int_equal(stage_image_verify_body(&out, body), EFI_SUCCESS);
	/* Trailing bytes after the body are allowed. */
	assert_int_equal(check(sizeof(file), STAGE_KIND_STAGE1), EFI_SUCCESS);
}

static void test_truncated(void **state)
{
	assert_int_equal(check(0, STAGE_KIND_STAGE1), EFI_BAD_BUFFER_SIZE);
	assert_int_equal(check(HSIZE - 1, STAGE_KIND_STAGE1), EFI_BAD_BUFFER_SIZE);
	assert_int_equal(check(HSIZE, STAGE_KIND_STAGE1), EFI_BAD_BUFFER_SIZE);
	assert_int_equal(check(sizeof(file) - 1, STAGE_KIND_STAGE1), EFI_BAD_BUFFER_SIZE);
}

static void test_bad_magic(void **state)
{
	header->magic[7] ^= 1;
	reseal_crc();
	assert_int_equal(check(sizeof(file), STAGE_KIND_STAGE1), EFI_NOT_FOUND);
}

static void test_bad_version(void **state)
{
	header->format_version = STAGE_IMAGE_FORMAT_VERSION + 1;
	reseal_crc();
	assert_int_equal(check(sizeof(file), STAGE_KIND_STAGE1), EFI_INCOMPATIBLE_VERSION);
	make_image(state);
	header->header_size = HSIZE + 8;	/* a newer writer's larger header */
	reseal_crc();
	assert_int_equal(check(sizeof(file), STAGE_KIND_STAGE1), EFI_INCOMPATIBLE_VERSION);
}

static void test_bad_crc(void **state)
{
	header->image_version++;
	assert_int_equal(check(sizeof(file), STAGE_KIND_STAGE1), EFI_CRC_ERROR);
	make_image(state);
	header->header_crc32 ^= 0x80000000;
	assert_int_equal(check(sizeof(file), STAGE_KIND_STAGE1), EFI_CRC_ERROR);
}

static void test_wrong_kind(void **state)
{
	assert_int_equal(check(sizeof(file), STAGE_KIND_RUNTIME), EFI_LOAD_ERROR);
	header->kind = 77;
	reseal_crc();
	assert_int_equal(check(sizeof(file), STAGE_KIND_STAGE1), EFI_LOAD_ERROR);
	assert_string_equal(stage_image_kind_name(STAGE_KIND_STAGE1), "stage1");
	assert_string_equal(stage_image_kind_name(STAGE_KIND_RUNTIME), "runtime");
	assert_string_equal(stage_image_kind_name(77), "unknown");
}

/* Change one field, seal the CRC again, and expect EFI_BAD_BUFFER_SIZE. */
#define EXPECT_BAD_SIZE(field, value)                                                    \
	do {                                                                             \
		make_image(state);                                                       \
		header->field = (value);                                                 \
		reseal_crc();                                                            \
		assert_int_equal(check(sizeof(file), STAGE_KIND_STAGE1), EFI_BAD_BUFFER_SIZE); \
	} while (0)

static void test_bad_sizes(void **state)
{
	EXPECT_BAD_SIZE(body_size, 0);
	EXPECT_BAD_SIZE(body_size, STAGE_IMAGE_MAX_BODY + 1);
	EXPECT_BAD_SIZE(body_size, UINT32_MAX);
	EXPECT_BAD_SIZE(body_size, BODY_SIZE + 1);		/* more than the file holds */
	EXPECT_BAD_SIZE(memory_size, BODY_SIZE - 1);
	EXPECT_BAD_SIZE(memory_size, (UINT64)STAGE_IMAGE_MAX_BODY + 1);
	EXPECT_BAD_SIZE(memory_size, UINT64_MAX);
	EXPECT_BAD_SIZE(entry_offset, BODY_SIZE);
	EXPECT_BAD_SIZE(entry_offset, UINT64_MAX);
	EXPECT_BAD_SIZE(rela_offset, BODY_SIZE + 8);
	EXPECT_BAD_SIZE(rela_offset, UINT64_MAX - 7);		/* offset + size wraps */
	EXPECT_BAD_SIZE(rela_offset, 1028);			/* misaligned */
	EXPECT_BAD_SIZE(rela_size, BODY_SIZE);			/* runs past the body */
	EXPECT_BAD_SIZE(rela_size, UINT64_MAX - 15);
	EXPECT_BAD_SIZE(rela_size, 25);				/* not whole entries */
}

static void test_edges_accepted(void **state)
{
	header->memory_size = BODY_SIZE;
	header->entry_offset = BODY_SIZE - 1;
	header->rela_offset = BODY_SIZE - 48;
	reseal_crc();
	assert_int_equal(check(sizeof(file), STAGE_KIND_STAGE1), EFI_SUCCESS);
	header->rela_offset = BODY_SIZE;
	header->rela_size = 0;
	reseal_crc();
	assert_int_equal(check(sizeof(file), STAGE_KIND_STAGE1), EFI_SUCCESS);
}

static void test_unterminated_version_string(void **state)
{
	memset(header->version_string, 'v', sizeof(header->version_string));
	reseal_crc();
	assert_int_equal(check(sizeof(file), STAGE_KIND_STAGE1), EFI_BAD_BUFFER_SIZE);
}

static void test_verify_body_flipped_byte(void **state)
{
	struct stage_image_header out;

	assert_int_equal(stage_image_check_header(file, sizeof(file), STAGE_KIND_STAGE1, &out),
			 EFI_SUCCESS);
	body[BODY_SIZE / 2] ^= 0x01;
	assert_int_equal(stage_image_verify_body(&out, body), EFI_SECURITY_VIOLATION);
	body[BODY_SIZE / 2] ^= 0x01;
	body[BODY_SIZE - 1] ^= 0x80;
	assert_int_equal(stage_image_verify_body(&out, body), EFI_SECURITY_VIOLATION);
	body[BODY_SIZE - 1] ^= 0x80;
	assert_int_equal(stage_image_verify_body(&out, body), EFI_SUCCESS);
	out.body_sha256[0] ^= 1;
	assert_int_equal(stage_image_verify_body(&out, body), EFI_SECURITY_VIOLATION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_round_trip, make_image),
		cmocka_unit_test_setup(test_truncated, make_image),
		cmocka_unit_test_setup(test_bad_magic, make_image),
		cmocka_unit_test_setup(test_bad_version, make_image),
		cmocka_unit_test_setup(test_bad_crc, make_image),
		cmocka_unit_test_setup(test_wrong_kind, make_image),
		cmocka_unit_test_setup(test_bad_sizes, make_image),
		cmocka_unit_test_setup(test_edges_accepted, make_image),
		cmocka_unit_test_setup(test_unterminated_version_string, make_image),
		cmocka_unit_test_setup(test_verify_body_flipped_byte, make_image),
	};

	return cmocka_run_group_tests_name("stage_image", tests, NULL, NULL);
}
