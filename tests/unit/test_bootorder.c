/* SPDX-License-Identifier: MIT */
/* QEMU bootorder lines matched to disks: virtio, AHCI ports, IDE units, bridges, lines that name nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/platform/bootorder.h"

static const char order[] = "/pci@i0cf8/pci8086,2922@1f,2/drive@1/disk@0\n"
			    "/pci@i0cf8/scsi@6/disk@0,0\n"
			    "/pci@i0cf8/pci-bridge@3/pci-bridge@4/scsi@0/disk@0,0\n"
			    "/rom@genroms/linuxboot_dma.bin\n"
			    "/pci@i0cf8/scsi@7/channel@0/disk@3,2\n"
			    "/pci@i0cf8/ide@1,1/drive@1/disk@1\n"
			    "/pci@i0cf8/ide@1,1/drive@0/disk@0\n";

static INT32 rank(struct bootorder_device dev)
{
	return bootorder_rank(order, strlen(order), &dev);
}

static void test_ahci_port(void **state)
{
	assert_int_equal(rank((struct bootorder_device){ 1, { { 0x1f, 2 } }, 1 }), 0);
	/* Another port on the same HBA is not named. */
	assert_int_equal(rank((struct bootorder_device){ 1, { { 0x1f, 2 } }, 0 }), -1);
}

static void test_ide_unit(void **state)
{
	/* drive@ is the channel, disk@ the unit: secondary slave, then primary master. */
	struct bootorder_device dev = { 1, { { 1, 1 } }, .drive = 1, .disk = 1 };

	assert_int_equal(rank(dev), 5);
	dev.drive = dev.disk = 0;
	assert_int_equal(rank(dev), 6);
	dev.disk = 1;
	assert_int_equal(rank(dev), -1);
	dev.drive = 1;
	dev.disk = 0;
	assert_int_equal(rank(dev), -1);
}

static void test_virtio_disk(void **state)
{
	assert_int_equal(rank((struct bootorder_device){ 1, { { 6, 0 } }, -1 }), 1);
	assert_int_equal(rank((struct bootorder_device){ 1, { { 5, 0 } }, -1 }), -1);
}

static void test_behind_bridges(void **state)
{
	assert_int_equal(rank((struct bootorder_device){ 3, { { 3, 0 }, { 4, 0 }, { 0, 0 } }, -1 }),
			 2);
	/* The same slot on the root bus is another device. */
	assert_int_equal(rank((struct bootorder_device){ 1, { { 0, 0 } }, -1 }), -1);
}

static void test_scsi_unit(void **state)
{
	struct bootorder_device dev = { 1, { { 7, 0 } }, -1, TRUE, 3, 2 };

	assert_int_equal(rank(dev), 4);
	/* Another target or LUN of the same HBA is not named; nor is the HBA's PCI path alone. */
	dev.lun = 0;
	assert_int_equal(rank(dev), -1);
	dev = (struct bootorder_device){ 1, { { 7, 0 } }, -1, TRUE, 2, 2 };
	assert_int_equal(rank(dev), -1);
	/* A virtio-blk disk's "scsi@6/disk@0,0" has no channel: not a SCSI unit's line. */
	dev = (struct bootorder_device){ 1, { { 6, 0 } }, -1, TRUE, 0, 0 };
	assert_int_equal(rank(dev), -1);
}

static void test_empty_and_unterminated(void **state)
{
	struct bootorder_device dev = { 1, { { 6, 0 } }, -1 };
	const char *one = "/pci@i0cf8/scsi@6/disk@0,0";

	assert_int_equal(bootorder_rank("", 0, &dev), -1);
	assert_int_equal(bootorder_rank(one, strlen(one), &dev), 0);
	/* Truncated mid-number: no match and no read past size. */
	assert_int_equal(bootorder_rank(one, 16, &dev), -1);
	dev.depth = 0;
	assert_int_equal(bootorder_rank(one, strlen(one), &dev), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ahci_port),
		cmocka_unit_test(test_virtio_disk),
		cmocka_unit_test(test_ide_unit),
		cmocka_unit_test(test_behind_bridges),
		cmocka_unit_test(test_scsi_unit),
		cmocka_unit_test(test_empty_and_unterminated),
	};

	return cmocka_run_group_tests_name("bootorder", tests, NULL, NULL);
}
