/* SPDX-License-Identifier: MIT */
/* NVMe data: IDENTIFY controller/namespace parsing, active lists, PRP lists, commands, statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/storage/nvme_cmd.h"

static UINT8 data[NVME_IDENTIFY_SIZE];
static UINT64 list[NVME_PRP_LIST_ENTRIES];

static void put32(UINT32 offset, UINT32 v)
{
	for (int i = 0; i < 4; i++)
		data[offset + i] = (UINT8)(v >> (8 * i));
}

/* IDENTIFY controller as QEMU's nvme answers: MDTS 7, one namespace, a volatile cache. */
static void qemu_controller(void)
{
	memset(data, 0, sizeof(data));
	memcpy(data + 4, "strata1             ", 20);
	memcpy(data + 24, "QEMU NVMe Ctrl                          ", 40);
	data[77] = 7;
	put32(516, 256);
	data[525] = 1;
}

static void test_controller(void **state)
{
	struct nvme_controller_identity id;

	qemu_controller();
	assert_int_equal(nvme_identify_controller_parse(data, 4096, &id), EFI_SUCCESS);
	assert_string_equal(id.model, "QEMU NVMe Ctrl");
	assert_string_equal(id.serial, "strata1");
	assert_int_equal(id.namespaces, 256);
	assert_int_equal(id.max_transfer, 512 * 1024);
	assert_true(id.volatile_cache);
	data[77] = 0;	/* no limit */
	data[525] = 0;
	assert_int_equal(nvme_identify_controller_parse(data, 4096, &id), EFI_SUCCESS);
	assert_int_equal(id.max_transfer, 0);
	assert_false(id.volatile_cache);
	data[77] = 31;	/* beyond 2 GiB: as good as none */
	assert_int_equal(nvme_identify_controller_parse(data, 4096, &id), EFI_SUCCESS);
	assert_int_equal(id.max_transfer, 0);
	put32(516, 0);
	assert_int_equal(nvme_identify_controller_parse(data, 4096, &id), EFI_VOLUME_CORRUPTED);
}

/* IDENTIFY namespace: size, formats 512 (index 0) and 4096 (index 1), FLBAS choosing one. */
static void namespace(UINT64 blocks, UINT8 flbas)
{
	memset(data, 0, sizeof(data));
	put32(0, (UINT32)blocks);
	put32(4, (UINT32)(blocks >> 32));
	data[25] = 1;		/* NLBAF: two formats */
	data[26] = flbas;
	data[128 + 2] = 9;
	data[132 + 2] = 12;
	for (int i = 0; i < 8; i++)
		data[120 + i] = (UINT8)(0x10 + i);
}

static void test_namespace_formats(void **state)
{
	struct nvme_namespace_identity id;

	namespace(131072, 0);
	assert_int_equal(nvme_identify_namespace_parse(data, &id), EFI_SUCCESS);
	assert_int_equal(id.blocks, 131072);
	assert_int_equal(id.block_size, 512);
	assert_int_equal(id.eui64[0], 0x10);
	assert_int_equal(id.eui64[7], 0x17);
	namespace(0x100000000ull, 1);
	assert_int_equal(nvme_identify_namespace_parse(data, &id), EFI_SUCCESS);
	assert_int_equal(id.blocks, 0x100000000ull);
	assert_int_equal(id.block_size, 4096);
}

static void test_namespace_refusals(void **state)
{
	struct nvme_namespace_identity id;

	namespace(0, 0);
	assert_int_equal(nvme_identify_namespace_parse(data, &id), EFI_NOT_FOUND);
	namespace(1000, 2);	/* index beyond NLBAF */
	assert_int_equal(nvme_identify_namespace_parse(data, &id), EFI_UNSUPPORTED);
	namespace(1000, 0x20);	/* NVMe 2.0 high index bits: format 16 */
	assert_int_equal(nvme_identify_namespace_parse(data, &id), EFI_UNSUPPORTED);
	namespace(1000, 0);
	data[128] = 8;		/* 8 bytes of metadata a block */
	assert_int_equal(nvme_identify_namespace_parse(data, &id), EFI_UNSUPPORTED);
	namespace(1000, 0);
	data[128 + 2] = 13;	/* 8 KiB blocks: beyond BLOCK_MAX_SIZE */
	assert_int_equal(nvme_identify_namespace_parse(data, &id), EFI_UNSUPPORTED);
}

static void test_active_list(void **state)
{
	memset(data, 0, sizeof(data));
	put32(0, 1);
	put32(4, 3);
	put32(8, 7);
	assert_int_equal(nvme_active_list_next(data, 0), 1);
	assert_int_equal(nvme_active_list_next(data, 1), 3);
	assert_int_equal(nvme_active_list_next(data, 4), 7);
	assert_int_equal(nvme_active_list_next(data, 7), 0);
}

static void test_prp_one_and_two_pages(void **state)
{
	UINT64 prp1, prp2;

	memset(list, 0xee, sizeof(list));
	assert_int_equal(nvme_prp_build(0x10000, 4096, list, 0x5000, &prp1, &prp2), EFI_SUCCESS);
	assert_int_equal(prp1, 0x10000);
	assert_int_equal(prp2, 0);
	/* 512 bytes at the end of a page and 512 on the next: PRP2 is that next page. */
	assert_int_equal(nvme_prp_build(0x10e00, 1024, list, 0x5000, &prp1, &prp2), EFI_SUCCESS);
	assert_int_equal(prp1, 0x10e00);
	assert_int_equal(prp2, 0x11000);
	assert_int_equal(nvme_prp_build(0x10000, 8192, list, 0x5000, &prp1, &prp2), EFI_SUCCESS);
	assert_int_equal(prp2, 0x11000);
	assert_int_equal(list[0], 0xeeeeeeeeeeeeeeeeull);	/* no list was needed */
}

static void test_prp_list_for_a_mebibyte_and_more(void **state)
{
	UINT64 prp1, prp2;

	/* 1 MiB page-aligned: PRP1 the first page, the list the other 255. */
	assert_int_equal(nvme_prp_build(0x200000, 1 << 20, list, 0x5000, &prp1, &prp2),
			 EFI_SUCCESS);
	assert_int_equal(prp1, 0x200000);
	assert_int_equal(prp2, 0x5000);
	assert_int_equal(list[0], 0x201000);
	assert_int_equal(list[254], 0x200000 + 255 * 4096);
	/* 2 MiB at an offset of 0x200: 512 list entries after the part of the first page. */
	assert_int_equal(nvme_prp_max_bytes(0x300200), 4096 - 0x200 + 512 * 4096);
	assert_int_equal(nvme_prp_build(0x300200, 2 << 20, list, 0x5000, &prp1, &prp2),
			 EFI_SUCCESS);
	assert_int_equal(prp1, 0x300200);
	assert_int_equal(list[0], 0x301000);
	assert_int_equal(list[511], 0x301000 + 511 * 4096);
}

static void test_prp_refusals(void **state)
{
	UINT64 prp1, prp2;

	assert_int_equal(nvme_prp_build(0x10002, 512, list, 0x5000, &prp1, &prp2),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(nvme_prp_build(0x10000, 0, list, 0x5000, &prp1, &prp2),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(nvme_prp_build(0x10200, nvme_prp_max_bytes(0x10200) + 4, list, 0x5000,
					&prp1, &prp2),
			 EFI_INVALID_PARAMETER);
}

static void test_io_commands(void **state)
{
	struct nvme_sqe sqe;

	nvme_sqe_io(&sqe, NVME_CMD_READ, 3, 0x123456789ull, 256);
	assert_int_equal(sqe.opcode, NVME_CMD_READ);
	assert_int_equal(sqe.nsid, 3);
	assert_int_equal(sqe.cdw10, 0x23456789);
	assert_int_equal(sqe.cdw11, 0x1);
	assert_int_equal(sqe.cdw12, 255);	/* 0-based */
	nvme_sqe_io(&sqe, NVME_CMD_WRITE, 1, 0, 65536);
	assert_int_equal(sqe.cdw12, 0xffff);
	nvme_sqe_io(&sqe, NVME_CMD_FLUSH, 1, 5, 1);
	assert_int_equal(sqe.cdw10, 0);
	assert_int_equal(sqe.cdw12, 0);
}

static void test_statuses(void **state)
{
	struct nvme_cqe cqe = { .status = (0x82 << 1) | 1 };

	assert_int_equal(nvme_cqe_status(&cqe), 0x82);
	assert_true(nvme_status_retryable(0x82));		/* namespace not ready */
	assert_false(nvme_status_retryable(0x4000 | 0x01));	/* invalid opcode, DNR */
	assert_false(nvme_status_retryable(0));
	assert_int_equal(nvme_status_to_efi(0), EFI_SUCCESS);
	assert_int_equal(nvme_status_to_efi(0x82), EFI_NOT_READY);
	assert_int_equal(nvme_status_to_efi(0x4080), EFI_INVALID_PARAMETER);
	assert_int_equal(nvme_status_to_efi(0x4020), EFI_WRITE_PROTECTED);
	assert_int_equal(nvme_status_to_efi(0x0281), EFI_DEVICE_ERROR);	/* media: write fault */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controller),
		cmocka_unit_test(test_namespace_formats),
		cmocka_unit_test(test_namespace_refusals),
		cmocka_unit_test(test_active_list),
		cmocka_unit_test(test_prp_one_and_two_pages),
		cmocka_unit_test(test_prp_list_for_a_mebibyte_and_more),
		cmocka_unit_test(test_prp_refusals),
		cmocka_unit_test(test_io_commands),
		cmocka_unit_test(test_statuses),
	};

	return cmocka_run_group_tests_name("nvme_cmd", tests, NULL, NULL);
}
