/* SPDX-License-Identifier: MIT */
/* IDE task files (28- and 48-bit, limits), reset signatures and bus-master PRD tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/storage/ide_cmd.h"

static void test_taskfile_lba28(void **state)
{
	struct ide_taskfile tf;

	assert_int_equal(ide_taskfile_build(&tf, ATA_CMD_READ_SECTORS, 1, 0x0abcdef1, 256, FALSE),
			 EFI_SUCCESS);
	assert_false(tf.lba48);
	assert_int_equal(tf.reg[IDE_REG_COMMAND], ATA_CMD_READ_SECTORS);
	assert_int_equal(tf.reg[IDE_REG_COUNT], 0);	/* 256 */
	assert_int_equal(tf.reg[IDE_REG_LBA_LOW], 0xf1);
	assert_int_equal(tf.reg[IDE_REG_LBA_MID], 0xde);
	assert_int_equal(tf.reg[IDE_REG_LBA_HIGH], 0xbc);
	/* LBA bits 27:24 in the device register, with LBA mode and the slave bit. */
	assert_int_equal(tf.reg[IDE_REG_DEVICE], 0xa0 | 0x40 | 0x10 | 0x0a);
	assert_int_equal(ide_taskfile_build(&tf, ATA_CMD_READ_SECTORS, 0, 5, 1, FALSE),
			 EFI_SUCCESS);
	assert_int_equal(tf.reg[IDE_REG_DEVICE], 0xe0);
	assert_int_equal(tf.reg[IDE_REG_COUNT], 1);
}

static void test_taskfile_lba48(void **state)
{
	struct ide_taskfile tf;

	assert_int_equal(ide_taskfile_build(&tf, ATA_CMD_WRITE_SECTORS_EXT, 0, 0x123456789abcull,
					    0x1234, TRUE),
			 EFI_SUCCESS);
	assert_true(tf.lba48);
	assert_int_equal(tf.reg[IDE_REG_COUNT], 0x34);
	assert_int_equal(tf.hob[IDE_REG_COUNT], 0x12);
	assert_int_equal(tf.reg[IDE_REG_LBA_LOW], 0xbc);
	assert_int_equal(tf.reg[IDE_REG_LBA_MID], 0x9a);
	assert_int_equal(tf.reg[IDE_REG_LBA_HIGH], 0x78);
	assert_int_equal(tf.hob[IDE_REG_LBA_LOW], 0x56);
	assert_int_equal(tf.hob[IDE_REG_LBA_MID], 0x34);
	assert_int_equal(tf.hob[IDE_REG_LBA_HIGH], 0x12);
	/* No LBA bits in the device register of a 48-bit command. */
	assert_int_equal(tf.reg[IDE_REG_DEVICE], 0xe0);
	assert_int_equal(ide_taskfile_build(&tf, ATA_CMD_READ_SECTORS_EXT, 1, 0, 65536, TRUE),
			 EFI_SUCCESS);
	assert_int_equal(tf.reg[IDE_REG_COUNT], 0);
	assert_int_equal(tf.hob[IDE_REG_COUNT], 0);
	assert_int_equal(tf.reg[IDE_REG_DEVICE], 0xf0);
}

static void test_taskfile_refusals(void **state)
{
	struct ide_taskfile tf;

	assert_int_equal(ide_taskfile_build(&tf, ATA_CMD_READ_SECTORS, 0, 0, 257, FALSE),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(ide_taskfile_build(&tf, ATA_CMD_READ_SECTORS_EXT, 0, 0, 65537, TRUE),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(ide_taskfile_build(&tf, ATA_CMD_READ_SECTORS, 0, 1u << 28, 1, FALSE),
			 EFI_INVALID_PARAMETER);
	/* The last sector is addressable, one past it is not. */
	assert_int_equal(ide_taskfile_build(&tf, ATA_CMD_READ_SECTORS, 0, (1u << 28) - 1, 1, FALSE),
			 EFI_SUCCESS);
	assert_int_equal(ide_taskfile_build(&tf, ATA_CMD_READ_SECTORS, 0, (1u << 28) - 1, 2, FALSE),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(ide_taskfile_build(&tf, ATA_CMD_READ_SECTORS_EXT, 0, 1ull << 48, 1, TRUE),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(ide_taskfile_build(&tf, ATA_CMD_IDENTIFY, 2, 0, 1, FALSE),
			 EFI_INVALID_PARAMETER);
	/* A non-data command takes no count. */
	assert_int_equal(ide_taskfile_build(&tf, ATA_CMD_FLUSH_CACHE, 0, 0, 0, FALSE), EFI_SUCCESS);
}

static void test_signatures(void **state)
{
	/* A disk after reset: DRDY, signature 00/00 (SATA bridges 3c/c3). */
	assert_int_equal(ide_signature_kind(0x50, 0x00, 0x00), IDE_DEVICE_ATA);
	assert_int_equal(ide_signature_kind(0x50, 0x3c, 0xc3), IDE_DEVICE_ATA);
	/* A packet device: DRDY clear after a reset, the signature tells. */
	assert_int_equal(ide_signature_kind(0x00, 0x14, 0xeb), IDE_DEVICE_ATAPI);
	assert_int_equal(ide_signature_kind(0x00, 0x69, 0x96), IDE_DEVICE_ATAPI);
	/* QEMU: an absent slave reads all zeros; an empty master slot ff/ff with DRDY. */
	assert_int_equal(ide_signature_kind(0x00, 0x00, 0x00), IDE_DEVICE_NONE);
	assert_int_equal(ide_signature_kind(0x50, 0xff, 0xff), IDE_DEVICE_NONE);
	/* A floating bus. */
	assert_int_equal(ide_signature_kind(0xff, 0x00, 0x00), IDE_DEVICE_NONE);
}

static void test_prd_table(void **state)
{
	struct ide_prd prd[8];

	/* Within one 64 KiB region: one entry with EOT. */
	assert_int_equal(ide_prd_build(prd, 8, 0x100000, 4096), 1);
	assert_int_equal(prd[0].address, 0x100000);
	assert_int_equal(prd[0].bytes, 4096);
	assert_int_equal(prd[0].flags, IDE_PRD_EOT);
	/* 128 KiB from an aligned address: two full entries, 0 standing for 64 KiB. */
	assert_int_equal(ide_prd_build(prd, 8, 0x200000, 0x20000), 2);
	assert_int_equal(prd[0].bytes, 0);
	assert_int_equal(prd[0].flags, 0);
	assert_int_equal(prd[1].address, 0x210000);
	assert_int_equal(prd[1].bytes, 0);
	assert_int_equal(prd[1].flags, IDE_PRD_EOT);
	/* Crossing a boundary splits there. */
	assert_int_equal(ide_prd_build(prd, 8, 0x30fe00, 1024), 2);
	assert_int_equal(prd[0].bytes, 512);
	assert_int_equal(prd[1].address, 0x310000);
	assert_int_equal(prd[1].bytes, 512);
	/* Odd, above 4 GiB, empty, or more entries than given: refused. */
	assert_int_equal(ide_prd_build(prd, 8, 0x100001, 512), 0);
	assert_int_equal(ide_prd_build(prd, 8, 0xffffff00ull, 512), 0);
	assert_int_equal(ide_prd_build(prd, 8, 0x100000, 0), 0);
	assert_int_equal(ide_prd_build(prd, 1, 0x30fe00, 1024), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taskfile_lba28),
		cmocka_unit_test(test_taskfile_lba48),
		cmocka_unit_test(test_taskfile_refusals),
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_prd_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
