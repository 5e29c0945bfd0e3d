/* SPDX-License-Identifier: MIT */
/* coreboot tables: records, forward, low and F-segment scans, bad checksums, truncated records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/platform/coreboot_tables.h"

/* 1 MiB of fake physical memory, so the F-segment is inside it. */
#define MEM_SIZE 0x100000u
static UINT8 mem[MEM_SIZE];

static const void *fake_map(void *ctx, UINT64 address, UINTN size)
{
	(void)ctx;
	if (address > MEM_SIZE || size > MEM_SIZE - address)
		return NULL;
	return mem + address;
}

static void put32(UINT8 *p, UINT32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (UINT8)(v >> (8 * i));
}

static void put64(UINT8 *p, UINT64 v)
{
	put32(p, (UINT32)v);
	put32(p + 4, (UINT32)(v >> 32));
}

/* A table under construction at a fake address: records appended, then sealed. */
struct table {
	UINT32 at;
	UINT32 bytes;
	UINT32 entries;
};

static UINT8 *record(struct table *t, UINT32 tag, UINT32 size)
{
	UINT8 *r = mem + t->at + 24 + t->bytes;

	memset(r, 0, size);
	put32(r, tag);
	put32(r + 4, size);
	t->bytes += size;
	t->entries++;
	return r;
}

static void seal(struct table *t)
{
	UINT8 *h = mem + t->at;

	memcpy(h, "LBIO", 4);
	put32(h + 4, 24);
	put32(h + 8, 0);
	put32(h + 12, t->bytes);
	put32(h + 16, coreboot_ip_checksum(h + 24, t->bytes));
	put32(h + 20, t->entries);
	put32(h + 8, coreboot_ip_checksum(h, 24));
}

static void full_table(UINT32 at)
{
	struct table t = { at, 0, 0 };
	UINT8 *r;

	r = record(&t, 0x01, 8 + 3 * 20); /* memory */
	put64(r + 8, 0);
	put64(r + 16, 0xa0000);
	put32(r + 24, COREBOOT_MEM_RAM);
	put64(r + 28, 0x100000);
	put64(r + 36, 0x1ff00000);
	put32(r + 44, COREBOOT_MEM_RAM);
	put64(r + 48, 0x1fff0000);
	put64(r + 56, 0x10000);
	put32(r + 64, COREBOOT_MEM_TABLE);
	r = record(&t, 0x0f, 28); /* serial */
	put32(r + 8, COREBOOT_SERIAL_IO);
	put32(r + 12, 0x3f8);
	put32(r + 16, 115200);
	put32(r + 20, 1);
	r = record(&t, 0x12, 40); /* framebuffer */
	put64(r + 8, 0xfd000000);
	put32(r + 16, 1024);
	put32(r + 20, 768);
	put32(r + 24, 4096);
	memcpy(r + 28, (UINT8[]){ 32, 16, 8, 8, 8, 0, 8, 24, 8 }, 9);
	r = record(&t, 0x31, 24); /* CBMEM SMBIOS */
	put64(r + 8, 0x1fff8000);
	put32(r + 16, 0x1000);
	put32(r + 20, 0x534d4254);
	r = record(&t, 0x31, 24); /* CBMEM ACPI, after which the RSDP record still wins */
	put64(r + 8, 0x1fff0000);
	put32(r + 20, 0x41435049);
	r = record(&t, 0x43, 16); /* ACPI RSDP */
	put64(r + 8, 0xf5a40);
	record(&t, 0x04, 12); /* an unknown record is passed over */
	seal(&t);
}

static void forward_table(UINT32 at, UINT64 to)
{
	struct table t = { at, 0, 0 };

	put64(record(&t, 0x11, 16) + 8, to);
	seal(&t);
}

static int reset(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	return 0;
}

static void test_checksum(void **state)
{
	static const UINT8 rfc1071[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	(void)state;
	/* RFC 1071 §3's example, whose big-endian sum 0xddf2 reads 0xf2dd in little-endian words. */
	assert_int_equal(coreboot_ip_checksum(rfc1071, sizeof(rfc1071)), (UINT16)~0xf2dd);
	assert_int_equal(coreboot_ip_checksum(rfc1071, 3), (UINT16) ~(0x0100 + 0x00f2));
}

static void test_full_table(void **state)
{
	struct coreboot_info info;

	(void)state;
	full_table(0x500);
	assert_int_equal(coreboot_tables_parse(fake_map, NULL, 0x500, &info), EFI_SUCCESS);
	assert_int_equal(info.header, 0x500);
	assert_int_equal(info.memory_count, 3);
	assert_int_equal(info.memory[1].base, 0x100000);
	assert_int_equal(info.memory[1].length, 0x1ff00000);
	assert_int_equal(info.memory[2].type, COREBOOT_MEM_TABLE);
	assert_int_equal(info.serial_type, COREBOOT_SERIAL_IO);
	assert_int_equal(info.serial_base, 0x3f8);
	assert_int_equal(info.serial_baud, 115200);
	assert_int_equal(info.framebuffer.base, 0xfd000000);
	assert_int_equal(info.framebuffer.size, 4096 * 768);
	assert_int_equal(info.framebuffer.bits_per_pixel, 32);
	assert_int_equal(info.framebuffer.red_pos, 16);
	assert_int_equal(info.framebuffer.blue_size, 8);
	assert_int_equal(info.framebuffer.reserved_pos, 24);
	assert_int_equal(info.rsdp, 0xf5a40);
	assert_int_equal(info.smbios, 0x1fff8000);
}

static void test_cbmem_acpi_without_rsdp_record(void **state)
{
	struct table t = { 0x500, 0, 0 };
	struct coreboot_info info;
	UINT8 *r = record(&t, 0x31, 24);

	(void)state;
	put64(r + 8, 0x7fff0000);
	put32(r + 20, 0x41435049);
	seal(&t);
	assert_int_equal(coreboot_tables_parse(fake_map, NULL, 0x500, &info), EFI_SUCCESS);
	assert_int_equal(info.rsdp, 0x7fff0000);
	assert_int_equal(info.smbios, 0);
	assert_int_equal(info.memory_count, 0);
	assert_int_equal(info.serial_type, 0);
	assert_int_equal(info.framebuffer.base, 0);
}

static void test_find_follows_forward(void **state)
{
	struct coreboot_info info;

	(void)state;
	full_table(0x80000);
	forward_table(0x500, 0x80000);
	assert_int_equal(coreboot_tables_find(fake_map, NULL, &info), EFI_SUCCESS);
	assert_int_equal(info.header, 0x80000);
	assert_int_equal(info.memory_count, 3);
	assert_int_equal(info.serial_base, 0x3f8);
}

static void test_find_in_f_segment(void **state)
{
	struct coreboot_info info;

	(void)state;
	full_table(0x70000);
	forward_table(0xf0120, 0x70000);
	assert_int_equal(coreboot_tables_find(fake_map, NULL, &info), EFI_SUCCESS);
	assert_int_equal(info.header, 0x70000);
	/* Nothing at all: not found, no crash on the scan's last, partial step. */
	reset(NULL);
	assert_int_equal(coreboot_tables_find(fake_map, NULL, &info), EFI_NOT_FOUND);
}

static void test_bad_checksums(void **state)
{
	struct coreboot_info info;

	(void)state;
	full_table(0x500);
	mem[0x500 + 20] ^= 1; /* table_entries: the header checksum no longer holds */
	assert_int_equal(coreboot_tables_parse(fake_map, NULL, 0x500, &info), EFI_COMPROMISED_DATA);
	assert_int_equal(coreboot_tables_find(fake_map, NULL, &info), EFI_NOT_FOUND);
	full_table(0x500);
	mem[0x500 + 24 + 20] ^= 0x80; /* a byte of the memory record */
	assert_int_equal(coreboot_tables_parse(fake_map, NULL, 0x500, &info), EFI_COMPROMISED_DATA);
	/* A bad low table is skipped; a good one in the F-segment is still found. */
	full_table(0xf0000);
	assert_int_equal(coreboot_tables_find(fake_map, NULL, &info), EFI_SUCCESS);
	assert_int_equal(info.header, 0xf0000);
}

static void test_truncated_records(void **state)
{
	struct coreboot_info info;
	struct table t = { 0x500, 0, 0 };
	UINT8 *r;

	(void)state;
	r = record(&t, 0x01, 8 + 20);
	put32(r + 4, 8 + 40); /* claims a second range past the table's end */
	seal(&t);
	assert_int_equal(coreboot_tables_parse(fake_map, NULL, 0x500, &info),
			 EFI_INVALID_PARAMETER);

	t = (struct table){ 0x500, 0, 0 };
	record(&t, 0x0f, 12); /* a serial record without its fields */
	seal(&t);
	assert_int_equal(coreboot_tables_parse(fake_map, NULL, 0x500, &info),
			 EFI_INVALID_PARAMETER);

	t = (struct table){ 0x500, 0, 0 };
	record(&t, 0x01, 8 + 20);
	t.bytes += 4; /* 4 stray bytes: less than a record header */
	t.entries++;
	seal(&t);
	assert_int_equal(coreboot_tables_parse(fake_map, NULL, 0x500, &info),
			 EFI_INVALID_PARAMETER);

	/* A table that runs past the readable memory. */
	t = (struct table){ MEM_SIZE - 64, 0, 0 };
	record(&t, 0x01, 8 + 20);
	seal(&t);
	put32(mem + MEM_SIZE - 64 + 12, 0x1000);
	put32(mem + MEM_SIZE - 64 + 8, 0);
	put32(mem + MEM_SIZE - 64 + 8, coreboot_ip_checksum(mem + MEM_SIZE - 64, 24));
	assert_int_equal(coreboot_tables_parse(fake_map, NULL, MEM_SIZE - 64, &info),
			 EFI_INVALID_PARAMETER);
}

static void test_forward_loop_and_dangling(void **state)
{
	struct coreboot_info info;

	(void)state;
	forward_table(0x500, 0x600);
	forward_table(0x600, 0x500);
	assert_int_equal(coreboot_tables_parse(fake_map, NULL, 0x500, &info),
			 EFI_INVALID_PARAMETER);
	forward_table(0x500, 0x40000); /* nothing there */
	assert_int_equal(coreboot_tables_parse(fake_map, NULL, 0x500, &info),
			 EFI_INVALID_PARAMETER);
	forward_table(0x500, 0xffffffff00000000ull); /* not readable */
	assert_int_equal(coreboot_tables_parse(fake_map, NULL, 0x500, &info),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(coreboot_tables_parse(fake_map, NULL, 0x700, &info), EFI_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_checksum, reset),
		cmocka_unit_test_setup(test_full_table, reset),
		cmocka_unit_test_setup(test_cbmem_acpi_without_rsdp_record, reset),
		cmocka_unit_test_setup(test_find_follows_forward, reset),
		cmocka_unit_test_setup(test_find_in_f_segment, reset),
		cmocka_unit_test_setup(test_bad_checksums, reset),
		cmocka_unit_test_setup(test_truncated_records, reset),
		cmocka_unit_test_setup(test_forward_loop_and_dangling, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
