/* SPDX-License-Identifier: MIT */
/* ACPI table loader: a QEMU-shaped script linked end to end, malformed ones refused, walks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/platform/acpi_loader.h"

/* The layout QEMU's x86 acpi_build() produces, in miniature: FACS first, then DSDT, FADT, RSDT. */
#define TABLES_SIZE 1024
#define FACS_OFF 0
#define DSDT_OFF 64
#define FADT_OFF 256
#define FADT_LEN 244	/* revision 3, as QEMU's q35 FADT */
#define RSDT_OFF 512
#define RSDT_LEN 40	/* one entry: the FADT */
#define RSDP_SIZE 20	/* QEMU's x86 RSDP is ACPI 1.0 */

#define RSDP_ADDR 0x7ffd0000ull
#define TABLES_ADDR 0x7ffe0000ull

static _Alignas(64) UINT8 rsdp_blob[RSDP_SIZE];
static _Alignas(64) UINT8 tables_blob[TABLES_SIZE];
static UINT8 commands[32 * ACPI_LOADER_COMMAND_SIZE];
static size_t command_count;
static struct acpi_loader loader;
static UINT32 dsdt_len;

/* AML of the DSDT body: a few unrelated ops, then Name (_S5, Package (4) { s5, 0, 0, 0 }). */
static const UINT8 s5_aml[] = {
	0x10, 0x05, 0x5c, 0x00, 0x00, 0x00,
	0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
};
#define S5_FIRST_ELEMENT 14

static UINT8 *next_command(UINT32 type)
{
	UINT8 *cmd = commands + command_count++ * ACPI_LOADER_COMMAND_SIZE;

	memset(cmd, 0, ACPI_LOADER_COMMAND_SIZE);
	memcpy(cmd, &type, 4);
	return cmd;
}

static void cmd_allocate(const char *file, UINT32 align, UINT8 zone)
{
	UINT8 *cmd = next_command(ACPI_LOADER_ALLOCATE);

	strcpy((char *)cmd + 4, file);
	memcpy(cmd + 60, &align, 4);
	cmd[64] = zone;
}

static void cmd_add_pointer(const char *dest, UINT32 offset, UINT8 size, const char *src)
{
	UINT8 *cmd = next_command(ACPI_LOADER_ADD_POINTER);

	strcpy((char *)cmd + 4, dest);
	strcpy((char *)cmd + 60, src);
	memcpy(cmd + 116, &offset, 4);
	cmd[120] = size;
}

static void cmd_add_checksum(const char *file, UINT32 offset, UINT32 start, UINT32 length)
{
	UINT8 *cmd = next_command(ACPI_LOADER_ADD_CHECKSUM);

	strcpy((char *)cmd + 4, file);
	memcpy(cmd + 60, &offset, 4);
	memcpy(cmd + 64, &start, 4);
	memcpy(cmd + 68, &length, 4);
}

static void cmd_write_pointer(const char *dest, UINT32 dst_offset, const char *src,
			      UINT32 src_offset, UINT8 size)
{
	UINT8 *cmd = next_command(ACPI_LOADER_WRITE_POINTER);

	strcpy((char *)cmd + 4, dest);
	strcpy((char *)cmd + 60, src);
	memcpy(cmd + 116, &dst_offset, 4);
	memcpy(cmd + 120, &src_offset, 4);
	cmd[124] = size;
}

static void put_header(UINT8 *at, const char *sig, UINT32 length, UINT8 revision)
{
	struct acpi_sdt_header h = { .length = length, .revision = revision };

	memcpy(h.signature, sig, 4);
	memcpy(h.oem_id, "BOCHS ", 6);
	memcpy(h.oem_table_id, "BXPC    ", 8);
	memcpy(at, &h, sizeof(h));
}

/* Blobs as QEMU hands them over: offsets where pointers go, checksums zero. */
static int make_fixture(void **state)
{
	struct acpi_fadt fadt = { 0 };
	struct acpi_facs facs = { .length = 64, .version = 2 };
	struct acpi_rsdp rsdp = { .revision = 0, .rsdt_address = RSDT_OFF };
	UINT32 fadt_entry = FADT_OFF;

	memset(tables_blob, 0, sizeof(tables_blob));
	memset(rsdp_blob, 0, sizeof(rsdp_blob));
	command_count = 0;

	memcpy(facs.signature, "FACS", 4);
	memcpy(tables_blob + FACS_OFF, &facs, sizeof(facs));

	dsdt_len = sizeof(struct acpi_sdt_header) + sizeof(s5_aml);
	put_header(tables_blob + DSDT_OFF, "DSDT", dsdt_len, 1);
	memcpy(tables_blob + DSDT_OFF + 36, s5_aml, sizeof(s5_aml));

	fadt.firmware_ctrl = FACS_OFF;
	fadt.dsdt = DSDT_OFF;
	fadt.x_dsdt = DSDT_OFF;
	fadt.pm1a_cnt_blk = 0x604;
	fadt.pm_tmr_blk = 0x608;
	fadt.flags = ACPI_FADT_RESET_REG_SUP;
	fadt.reset_reg = (struct acpi_gas){ .space_id = ACPI_GAS_SYSTEM_IO, .bit_width = 8,
					    .address = 0xcf9 };
	fadt.reset_value = 0x0f;
	memcpy(tables_blob + FADT_OFF, &fadt, FADT_LEN);
	put_header(tables_blob + FADT_OFF, "FACP", FADT_LEN, 3);

	put_header(tables_blob + RSDT_OFF, "RSDT", RSDT_LEN, 1);
	memcpy(tables_blob + RSDT_OFF + 36, &fadt_entry, 4);

	memcpy(rsdp.signature, "RSD PTR ", 8);
	memcpy(rsdp.oem_id, "BOCHS ", 6);
	memcpy(rsdp_blob, &rsdp, RSDP_SIZE);

	cmd_allocate("etc/acpi/rsdp", 16, ACPI_LOADER_ZONE_FSEG);
	cmd_allocate("etc/acpi/tables", 64, ACPI_LOADER_ZONE_HIGH);
	cmd_add_pointer("etc/acpi/tables", FADT_OFF + 36, 4, "etc/acpi/tables");
	cmd_add_pointer("etc/acpi/tables", FADT_OFF + 40, 4, "etc/acpi/tables");
	cmd_add_pointer("etc/acpi/tables", FADT_OFF + 140, 8, "etc/acpi/tables");
	cmd_add_checksum("etc/acpi/tables", FADT_OFF + 9, FADT_OFF, FADT_LEN);
	cmd_add_checksum("etc/acpi/tables", DSDT_OFF + 9, DSDT_OFF, dsdt_len);
	cmd_add_pointer("etc/acpi/tables", RSDT_OFF + 36, 4, "etc/acpi/tables");
	cmd_add_checksum("etc/acpi/tables", RSDT_OFF + 9, RSDT_OFF, RSDT_LEN);
	cmd_add_pointer("etc/acpi/rsdp", 16, 4, "etc/acpi/tables");
	cmd_add_checksum("etc/acpi/rsdp", 8, 0, RSDP_SIZE);
	return 0;
}

/* What stage1 does between plan and link: load each named blob at its address. */
static EFI_STATUS plan(void)
{
	return acpi_loader_plan(&loader, commands, command_count * ACPI_LOADER_COMMAND_SIZE);
}

static EFI_STATUS run(void)
{
	EFI_STATUS status = plan();

	if (EFI_ERROR(status))
		return status;
	for (UINT32 i = 0; i < loader.blob_count; i++) {
		struct acpi_loader_blob *b = &loader.blobs[i];

		if (strcmp(b->name, "etc/acpi/rsdp") == 0) {
			b->data = rsdp_blob;
			b->size = sizeof(rsdp_blob);
			b->address = RSDP_ADDR;
		} else if (strcmp(b->name, "etc/acpi/tables") == 0) {
			b->data = tables_blob;
			b->size = sizeof(tables_blob);
			b->address = TABLES_ADDR;
		} else {
			/* Any other file: a small zeroed one high up. */
			static UINT8 other[ACPI_LOADER_MAX_BLOBS][64];

			memset(other[i], 0, sizeof(other[i]));
			b->data = other[i];
			b->size = sizeof(other[i]);
			b->address = 0x100000ull * (i + 1);
		}
	}
	return acpi_loader_link(&loader);
}

static UINT32 le32_at(const UINT8 *p)
{
	UINT32 v;

	memcpy(&v, p, 4);
	return v;
}

static void test_qemu_stream_links(void **state)
{
	struct acpi_tables t;
	struct acpi_fadt_info info;

	assert_int_equal(run(), EFI_SUCCESS);
	assert_int_equal(loader.blob_count, 2);
	assert_int_equal(loader.write_count, 0);
	assert_int_equal(loader.blobs[0].zone, ACPI_LOADER_ZONE_FSEG);
	assert_int_equal(loader.blobs[1].align, 64);

	assert_int_equal(le32_at(rsdp_blob + 16), TABLES_ADDR + RSDT_OFF);
	assert_int_equal(le32_at(tables_blob + RSDT_OFF + 36), TABLES_ADDR + FADT_OFF);
	assert_int_equal(le32_at(tables_blob + FADT_OFF + 36), TABLES_ADDR + FACS_OFF);
	assert_int_equal(le32_at(tables_blob + FADT_OFF + 40), TABLES_ADDR + DSDT_OFF);
	assert_int_equal(acpi_checksum(rsdp_blob, RSDP_SIZE), 0);
	assert_int_equal(acpi_checksum(tables_blob + FADT_OFF, FADT_LEN), 0);
	assert_int_equal(acpi_checksum(tables_blob + DSDT_OFF, dsdt_len), 0);
	assert_int_equal(acpi_checksum(tables_blob + RSDT_OFF, RSDT_LEN), 0);

	assert_int_equal(acpi_loader_find_tables(&loader, &t), EFI_SUCCESS);
	assert_ptr_equal(t.rsdp, rsdp_blob);
	assert_int_equal(t.rsdp_address, RSDP_ADDR);
	assert_ptr_equal(t.rsdt, tables_blob + RSDT_OFF);
	assert_null(t.xsdt);
	assert_ptr_equal(t.fadt, tables_blob + FADT_OFF);
	assert_ptr_equal(t.dsdt, tables_blob + DSDT_OFF);
	assert_ptr_equal(t.facs, tables_blob + FACS_OFF);
	assert_int_equal(t.facs_address, TABLES_ADDR + FACS_OFF);

	acpi_fadt_parse(t.fadt, t.dsdt, &info);
	assert_int_equal(info.pm1a_control_port, 0x604);
	assert_int_equal(info.pm_timer_port, 0x608);
	assert_int_equal(info.reset_space, ACPI_GAS_SYSTEM_IO);
	assert_int_equal(info.reset_address, 0xcf9);
	assert_int_equal(info.reset_value, 0x0f);
	assert_int_equal(info.s5_sleep_type, 0);
}

static void test_unknown_commands_are_skipped(void **state)
{
	UINT8 *cmd = next_command(0x7f);

	memset(cmd + 4, 0xff, ACPI_LOADER_COMMAND_SIZE - 4);
	next_command(0);
	assert_int_equal(run(), EFI_SUCCESS);
}

static void test_write_pointer_is_listed(void **state)
{
	cmd_allocate("etc/vmgenid_guid", 4096, ACPI_LOADER_ZONE_HIGH);
	cmd_write_pointer("etc/vmgenid_addr", 0, "etc/vmgenid_guid", 40, 8);
	cmd_write_pointer("etc/other_addr", 4, "etc/acpi/tables", FADT_OFF, 4);
	assert_int_equal(run(), EFI_SUCCESS);
	assert_int_equal(loader.write_count, 2);
	assert_string_equal(loader.writes[0].file, "etc/vmgenid_addr");
	assert_int_equal(loader.writes[0].offset, 0);
	assert_int_equal(loader.writes[0].size, 8);
	assert_int_equal(loader.writes[0].value, loader.blobs[2].address + 40);
	assert_int_equal(loader.writes[1].offset, 4);
	assert_int_equal(loader.writes[1].value, TABLES_ADDR + FADT_OFF);
}

/* Each malformed stream is refused by acpi_loader_plan, before anything is loaded. */
static void test_plan_refuses_malformed(void **state)
{
	UINT8 *cmd;

	assert_int_equal(acpi_loader_plan(&loader, commands, 0), EFI_PROTOCOL_ERROR);
	assert_int_equal(acpi_loader_plan(&loader, commands, ACPI_LOADER_COMMAND_SIZE + 1),
			 EFI_PROTOCOL_ERROR);

	/* Unterminated name: 56 non-NUL bytes. */
	make_fixture(NULL);
	memset(commands + 4, 'a', ACPI_LOADER_NAME_SIZE);
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);
	assert_int_equal(loader.error_command, 0);
	assert_non_null(loader.error);

	/* Empty name. */
	make_fixture(NULL);
	commands[4] = 0;
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);

	/* The same file twice. */
	make_fixture(NULL);
	cmd_allocate("etc/acpi/rsdp", 16, ACPI_LOADER_ZONE_FSEG);
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);
	assert_int_equal(loader.error_command, command_count - 1);

	/* Alignment zero and not a power of two; a zone QEMU does not define. */
	make_fixture(NULL);
	cmd_allocate("x", 0, ACPI_LOADER_ZONE_HIGH);
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);
	make_fixture(NULL);
	cmd_allocate("x", 48, ACPI_LOADER_ZONE_HIGH);
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);
	make_fixture(NULL);
	cmd_allocate("x", 16, 3);
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);

	/* A pointer to or into a file never allocated, or allocated only later. */
	make_fixture(NULL);
	cmd_add_pointer("etc/acpi/tables", 0, 4, "etc/unknown");
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);
	make_fixture(NULL);
	cmd_add_checksum("etc/unknown", 0, 0, 1);
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);
	make_fixture(NULL);
	cmd_add_pointer("etc/late", 0, 4, "etc/acpi/tables");
	cmd_allocate("etc/late", 16, ACPI_LOADER_ZONE_HIGH);
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);
	make_fixture(NULL);
	cmd_write_pointer("etc/addr", 0, "etc/unknown", 0, 8);
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);

	/* Pointer sizes other than 1, 2, 4, 8; an unterminated WRITE_POINTER destination. */
	make_fixture(NULL);
	cmd_add_pointer("etc/acpi/tables", 0, 3, "etc/acpi/tables");
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);
	make_fixture(NULL);
	cmd_write_pointer("etc/addr", 0, "etc/acpi/tables", 0, 16);
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);
	make_fixture(NULL);
	cmd_write_pointer("etc/addr", 0, "etc/acpi/tables", 0, 8);
	memset(commands + (command_count - 1) * ACPI_LOADER_COMMAND_SIZE + 4, 'b', 56);
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);

	/* An unterminated source name must not be read past its field. */
	make_fixture(NULL);
	cmd = next_command(ACPI_LOADER_ADD_POINTER);
	strcpy((char *)cmd + 4, "etc/acpi/tables");
	memset(cmd + 60, 'c', 56);
	cmd[120] = 4;
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);
}

static void test_plan_limits(void **state)
{
	char name[16];

	make_fixture(NULL);
	for (int i = 0; i < ACPI_LOADER_MAX_BLOBS - 2; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		cmd_allocate(name, 8, ACPI_LOADER_ZONE_HIGH);
	}
	assert_int_equal(plan(), EFI_SUCCESS);
	cmd_allocate("one-too-many", 8, ACPI_LOADER_ZONE_HIGH);
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);

	make_fixture(NULL);
	for (int i = 0; i < ACPI_LOADER_MAX_WRITES; i++)
		cmd_write_pointer("etc/addr", 0, "etc/acpi/tables", 0, 8);
	assert_int_equal(plan(), EFI_SUCCESS);
	cmd_write_pointer("etc/addr", 0, "etc/acpi/tables", 0, 8);
	assert_int_equal(plan(), EFI_PROTOCOL_ERROR);
}

/* Offsets are checked against the sizes of the files as loaded, in acpi_loader_link. */
static void test_link_refuses_out_of_range(void **state)
{
	/* Pointer straddling the end; offset so large offset + size wraps. */
	cmd_add_pointer("etc/acpi/tables", TABLES_SIZE - 2, 4, "etc/acpi/tables");
	assert_int_equal(run(), EFI_PROTOCOL_ERROR);
	assert_int_equal(loader.error_command, command_count - 1);
	make_fixture(NULL);
	cmd_add_pointer("etc/acpi/tables", 0xfffffffe, 4, "etc/acpi/tables");
	assert_int_equal(run(), EFI_PROTOCOL_ERROR);
	make_fixture(NULL);
	cmd_add_pointer("etc/acpi/rsdp", 0, 8, "etc/acpi/tables");	/* bytes 0-7: "RSD PTR " */
	assert_int_equal(run(), EFI_PROTOCOL_ERROR);

	/* Pointer value (an offset into the source) past the source's end. */
	make_fixture(NULL);
	memcpy(tables_blob + 1000, &(UINT32){ TABLES_SIZE }, 4);
	cmd_add_pointer("etc/acpi/tables", 1000, 4, "etc/acpi/tables");
	assert_int_equal(run(), EFI_PROTOCOL_ERROR);

	/* An address that does not fit the pointer: 2-byte pointer to 0x7ffe0000. */
	make_fixture(NULL);
	cmd_add_pointer("etc/acpi/tables", 1000, 2, "etc/acpi/tables");
	assert_int_equal(run(), EFI_PROTOCOL_ERROR);

	/* Checksum byte or range outside the file, including start + length wrapping. */
	make_fixture(NULL);
	cmd_add_checksum("etc/acpi/rsdp", RSDP_SIZE, 0, RSDP_SIZE);
	assert_int_equal(run(), EFI_PROTOCOL_ERROR);
	make_fixture(NULL);
	cmd_add_checksum("etc/acpi/rsdp", 8, 1, RSDP_SIZE);
	assert_int_equal(run(), EFI_PROTOCOL_ERROR);
	make_fixture(NULL);
	cmd_add_checksum("etc/acpi/rsdp", 8, 0xfffffff0, 0x20);
	assert_int_equal(run(), EFI_PROTOCOL_ERROR);

	/* WRITE_POINTER source offset past the end; a 1-byte pointer cannot hold the address. */
	make_fixture(NULL);
	cmd_write_pointer("etc/addr", 0, "etc/acpi/rsdp", RSDP_SIZE, 8);
	assert_int_equal(run(), EFI_PROTOCOL_ERROR);
	make_fixture(NULL);
	cmd_write_pointer("etc/addr", 0, "etc/acpi/rsdp", 0, 1);
	assert_int_equal(run(), EFI_PROTOCOL_ERROR);
}

static void test_link_needs_loaded_blobs(void **state)
{
	assert_int_equal(plan(), EFI_SUCCESS);
	loader.blobs[0].size = 20;	/* data still NULL */
	assert_int_equal(acpi_loader_link(&loader), EFI_PROTOCOL_ERROR);
}

static void test_resolve_bounds(void **state)
{
	assert_int_equal(run(), EFI_SUCCESS);
	assert_ptr_equal(acpi_loader_resolve(&loader, TABLES_ADDR, TABLES_SIZE), tables_blob);
	assert_ptr_equal(acpi_loader_resolve(&loader, TABLES_ADDR + 100, 10), tables_blob + 100);
	assert_null(acpi_loader_resolve(&loader, TABLES_ADDR + 1, TABLES_SIZE));
	assert_null(acpi_loader_resolve(&loader, TABLES_ADDR - 1, 2));
	assert_null(acpi_loader_resolve(&loader, TABLES_ADDR + TABLES_SIZE - 4, ~0ull));
	assert_null(acpi_loader_resolve(&loader, 0, 4));
	assert_null(acpi_loader_resolve(&loader, RSDP_ADDR + 16, 8));
}

/* Tables that fail their checks are not followed: a broken RSDT leaves no tables at all. */
static void test_find_tables_checks(void **state)
{
	struct acpi_tables t;

	assert_int_equal(run(), EFI_SUCCESS);
	tables_blob[RSDT_OFF + 20] ^= 1;
	assert_int_equal(acpi_loader_find_tables(&loader, &t), EFI_NOT_FOUND);
	tables_blob[RSDT_OFF + 20] ^= 1;

	/* A FADT with a bad checksum is skipped; the RSDT alone still counts. */
	tables_blob[FADT_OFF + 100] ^= 1;
	assert_int_equal(acpi_loader_find_tables(&loader, &t), EFI_SUCCESS);
	assert_null(t.fadt);
	assert_null(t.dsdt);
	tables_blob[FADT_OFF + 100] ^= 1;

	/* RSDT length past the end of its blob. */
	memcpy(tables_blob + RSDT_OFF + 4, &(UINT32){ TABLES_SIZE }, 4);
	assert_int_equal(acpi_loader_find_tables(&loader, &t), EFI_NOT_FOUND);

	/* No RSDP at all once its checksum is off. */
	make_fixture(NULL);
	assert_int_equal(run(), EFI_SUCCESS);
	rsdp_blob[9] ^= 0x40;
	assert_int_equal(acpi_loader_find_tables(&loader, &t), EFI_NOT_FOUND);
}

/* A table by signature among those the RSDT lists, with the checks every table gets. */
static void test_find_sdt(void **state)
{
	struct acpi_tables t;

	(void)state;
	assert_int_equal(run(), EFI_SUCCESS);
	assert_int_equal(acpi_loader_find_root(&loader, &t), EFI_SUCCESS);
	assert_non_null(t.rsdt);
	assert_null(t.fadt); /* the root only: no FADT, DSDT or FACS looked for */
	assert_ptr_equal(acpi_loader_find_sdt(&loader, &t, "FACP"), tables_blob + FADT_OFF);
	/* The DSDT is the FADT's, not the RSDT's; no MCFG is listed at all. */
	assert_null(acpi_loader_find_sdt(&loader, &t, "DSDT"));
	assert_null(acpi_loader_find_sdt(&loader, &t, "MCFG"));
	tables_blob[FADT_OFF + 100] ^= 1;
	assert_null(acpi_loader_find_sdt(&loader, &t, "FACP"));
	tables_blob[FADT_OFF + 100] ^= 1;
	t.rsdt = NULL; /* neither root table: nothing to look in */
	assert_null(acpi_loader_find_sdt(&loader, &t, "FACP"));
}

static void test_rsdp20_build(void **state)
{
	static _Alignas(8) UINT8 buf[256];
	struct acpi_rsdp *r = (struct acpi_rsdp *)buf;
	struct acpi_tables t;
	UINT64 entry;

	assert_int_equal(run(), EFI_SUCCESS);
	assert_int_equal(acpi_loader_find_tables(&loader, &t), EFI_SUCCESS);
	assert_int_equal(acpi_rsdp20_size(t.rsdt), 64 + 36 + 8);
	assert_int_equal(acpi_build_rsdp20(&t, buf, 64, 0x1000), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(acpi_build_rsdp20(&t, buf, sizeof(buf), 0x1000), EFI_SUCCESS);
	assert_memory_equal(r->signature, "RSD PTR ", 8);
	assert_memory_equal(r->oem_id, "BOCHS ", 6);
	assert_int_equal(r->revision, 2);
	assert_int_equal(r->length, 36);
	assert_int_equal(r->rsdt_address, TABLES_ADDR + RSDT_OFF);
	assert_int_equal(r->xsdt_address, 0x1000 + 64);
	assert_int_equal(acpi_checksum(r, 20), 0);
	assert_int_equal(acpi_checksum(r, 36), 0);
	assert_memory_equal(buf + 64, "XSDT", 4);
	assert_int_equal(le32_at(buf + 64 + 4), 44);
	assert_int_equal(acpi_checksum(buf + 64, 44), 0);
	memcpy(&entry, buf + 64 + 36, 8);
	assert_int_equal(entry, TABLES_ADDR + FADT_OFF);

	t.rsdt = NULL;
	assert_int_equal(acpi_build_rsdp20(&t, buf, sizeof(buf), 0x1000), EFI_NOT_FOUND);
}

static void test_move_facs(void **state)
{
	struct acpi_fadt *fadt = (struct acpi_fadt *)(tables_blob + FADT_OFF);
	struct acpi_tables t;

	assert_int_equal(run(), EFI_SUCCESS);
	assert_int_equal(acpi_loader_find_tables(&loader, &t), EFI_SUCCESS);
	assert_int_equal(acpi_fadt_move_facs(fadt, 0x1234, 0x5000), EFI_NOT_FOUND);
	assert_int_equal(acpi_fadt_move_facs(fadt, t.facs_address, 0x100000000ull),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(fadt->firmware_ctrl, TABLES_ADDR + FACS_OFF);
	assert_int_equal(acpi_fadt_move_facs(fadt, t.facs_address, 0x5000), EFI_SUCCESS);
	assert_int_equal(fadt->firmware_ctrl, 0x5000);
	assert_int_equal(fadt->x_firmware_ctrl, 0);
	assert_int_equal(acpi_checksum(fadt, FADT_LEN), 0);

	/* X_FIRMWARE_CTRL alone (ACPI 5.0+ style) may point anywhere. */
	fadt->firmware_ctrl = 0;
	fadt->x_firmware_ctrl = 0x5000;
	assert_int_equal(acpi_fadt_move_facs(fadt, 0x5000, 0x100000000ull), EFI_SUCCESS);
	assert_int_equal(fadt->x_firmware_ctrl, 0x100000000ull);
	assert_int_equal(acpi_checksum(fadt, FADT_LEN), 0);
}

static EFI_STATUS s5_of(const UINT8 *aml, size_t size, UINT16 *type)
{
	*type = 0xeeee;
	return acpi_s5_sleep_type(aml, size, type);
}

static void test_s5_scan(void **state)
{
	UINT8 aml[sizeof(s5_aml) + 2];
	UINT16 type;

	memcpy(aml, s5_aml, sizeof(s5_aml));
	assert_int_equal(s5_of(aml, sizeof(s5_aml), &type), EFI_SUCCESS);
	assert_int_equal(type, 0);

	aml[S5_FIRST_ELEMENT] = 0x01;	/* OneOp */
	assert_int_equal(s5_of(aml, sizeof(s5_aml), &type), EFI_SUCCESS);
	assert_int_equal(type, 1);

	/* BytePrefix 5: the first element grows by one byte. */
	memcpy(aml, s5_aml, S5_FIRST_ELEMENT);
	aml[S5_FIRST_ELEMENT] = 0x0a;
	aml[S5_FIRST_ELEMENT + 1] = 0x05;
	assert_int_equal(s5_of(aml, S5_FIRST_ELEMENT + 2, &type), EFI_SUCCESS);
	assert_int_equal(type, 5);
	/* Cut before the byte: not found, no read past the end. */
	assert_int_equal(s5_of(aml, S5_FIRST_ELEMENT + 1, &type), EFI_NOT_FOUND);
	/* SLP_TYP is 3 bits: 0x20 cannot be one. */
	aml[S5_FIRST_ELEMENT + 1] = 0x20;
	assert_int_equal(s5_of(aml, S5_FIRST_ELEMENT + 2, &type), EFI_NOT_FOUND);

	/* Name (\_S5, ...) with a root prefix. */
	static const UINT8 rooted[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04,
					0x0a, 0x07, 0x00, 0x00, 0x00 };
	assert_int_equal(s5_of(rooted, sizeof(rooted), &type), EFI_SUCCESS);
	assert_int_equal(type, 7);

	/* "_S5_" that is not a Name: a method named _S5_ or a string. */
	memcpy(aml, s5_aml, sizeof(s5_aml));
	aml[6] = 0x14;	/* MethodOp */
	assert_int_equal(s5_of(aml, sizeof(s5_aml), &type), EFI_NOT_FOUND);
	assert_int_equal(type, 0xeeee);

	/* A two-byte PkgLength is skipped correctly. */
	static const UINT8 long_pkg[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x46, 0x00, 0x04,
					  0x0a, 0x03, 0x00, 0x00, 0x00 };
	assert_int_equal(s5_of(long_pkg, sizeof(long_pkg), &type), EFI_SUCCESS);
	assert_int_equal(type, 3);

	/* Every truncation of a valid encoding is handled. */
	memcpy(aml, s5_aml, sizeof(s5_aml));
	for (size_t n = 0; n < sizeof(s5_aml); n++)
		assert_int_equal(s5_of(aml, n, &type),
				 n > S5_FIRST_ELEMENT ? EFI_SUCCESS : EFI_NOT_FOUND);
}

static void test_fadt_parse_short_and_extended(void **state)
{
	struct acpi_fadt fadt = { 0 };
	struct acpi_fadt_info info;

	/* Revision 1 FADT (116 bytes): no RESET_REG even with the flag set. */
	fadt.header.length = 116;
	fadt.pm1a_cnt_blk = 0xb004;
	fadt.pm_tmr_blk = 0xb008;
	fadt.flags = ACPI_FADT_RESET_REG_SUP;
	fadt.reset_reg.address = 0xcf9;
	acpi_fadt_parse(&fadt, NULL, &info);
	assert_int_equal(info.pm1a_control_port, 0xb004);
	assert_int_equal(info.pm_timer_port, 0xb008);
	assert_int_equal(info.reset_address, 0);

	/* The flag off: RESET_REG ignored. */
	fadt.header.length = sizeof(fadt);
	fadt.flags = 0;
	acpi_fadt_parse(&fadt, NULL, &info);
	assert_int_equal(info.reset_address, 0);

	/* Only the 64-bit GAS blocks, in I/O space. */
	fadt.pm1a_cnt_blk = 0;
	fadt.pm_tmr_blk = 0;
	fadt.x_pm1a_cnt_blk = (struct acpi_gas){ .space_id = ACPI_GAS_SYSTEM_IO, .address = 0x404 };
	fadt.x_pm_tmr_blk = (struct acpi_gas){ .space_id = ACPI_GAS_SYSTEM_MEMORY,
					       .address = 0x408 };
	acpi_fadt_parse(&fadt, NULL, &info);
	assert_int_equal(info.pm1a_control_port, 0x404);
	assert_int_equal(info.pm_timer_port, 0);

	acpi_fadt_parse(NULL, NULL, &info);
	assert_int_equal(info.pm1a_control_port, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_qemu_stream_links, make_fixture),
		cmocka_unit_test_setup(test_unknown_commands_are_skipped, make_fixture),
		cmocka_unit_test_setup(test_write_pointer_is_listed, make_fixture),
		cmocka_unit_test_setup(test_plan_refuses_malformed, make_fixture),
		cmocka_unit_test_setup(test_plan_limits, make_fixture),
		cmocka_unit_test_setup(test_link_refuses_out_of_range, make_fixture),
		cmocka_unit_test_setup(test_link_needs_loaded_blobs, make_fixture),
		cmocka_unit_test_setup(test_resolve_bounds, make_fixture),
		cmocka_unit_test_setup(test_find_tables_checks, make_fixture),
		cmocka_unit_test_setup(test_find_sdt, make_fixture),
		cmocka_unit_test_setup(test_rsdp20_build, make_fixture),
		cmocka_unit_test_setup(test_move_facs, make_fixture),
		cmocka_unit_test(test_s5_scan),
		cmocka_unit_test(test_fadt_parse_short_and_extended),
	};

	return cmocka_run_group_tests_name("acpi_loader", tests, NULL, NULL);
}
