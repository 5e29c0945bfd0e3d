// SPDX-License-Identifier: MIT
/* Configuration tables: ACPI 2.0 RSDP, XSDT and the tables it lists, SMBIOS 3.0 entry point. */
#include "efi-apps/selftest/selftest.h"

static void *find_table(EFI_GUID *guid)
{
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
		if (guid_equal(&ST->ConfigurationTable[i].VendorGuid, guid))
			return ST->ConfigurationTable[i].VendorTable;
	return NULL;
}

static UINT8 sum(const void *p, UINTN n)
{
	const UINT8 *b = p;
	UINT8 s = 0;

	while (n--)
		s += *b++;
	return s;
}

struct acpi_header {
	CHAR8 signature[4];
	UINT32 length;
	UINT8 revision, checksum;
	CHAR8 oem_id[6], oem_table_id[8];
	UINT32 oem_revision, creator_id, creator_revision;
} __attribute__((packed));

struct rsdp {
	CHAR8 signature[8];
	UINT8 checksum;
	CHAR8 oem_id[6];
	UINT8 revision;
	UINT32 rsdt;
	UINT32 length;
	UINT64 xsdt;
	UINT8 extended_checksum, reserved[3];
} __attribute__((packed));

static EFI_STATUS table_ok(const struct acpi_header *t, const char *sig)
{
	CHECK(t, "%a: null pointer", sig);
	CHECK(!CompareMem((void *)t->signature, (void *)sig, 4), "expected %a, found %c%c%c%c",
	      sig, t->signature[0], t->signature[1], t->signature[2], t->signature[3]);
	CHECK(t->length >= sizeof(*t) && t->length < 16 << 20, "%a length %d", sig, t->length);
	CHECK(sum(t, t->length) == 0, "%a checksum off by %d", sig, sum(t, t->length));
	return EFI_SUCCESS;
}

/* gnu-efi's AcpiTableGuid is the ACPI 1.0 one; 2.0 has no global there. */
static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;

static EFI_STATUS acpi_rsdp(void)
{
	struct rsdp *r = find_table(&acpi20_guid);
	struct acpi_header *xsdt;
	UINTN n;
	BOOLEAN have_fadt = FALSE, have_madt = FALSE;

	CHECK(r, "no ACPI 2.0 table in the configuration table");
	CHECK(!CompareMem(r->signature, "RSD PTR ", 8), "RSDP signature wrong");
	CHECK(sum(r, 20) == 0, "RSDP checksum (first 20 bytes) off by %d", sum(r, 20));
	CHECK(r->revision >= 2, "RSDP revision %d under the ACPI 2.0 GUID", r->revision);
	CHECK(r->length >= sizeof(*r), "RSDP length %d", r->length);
	CHECK(sum(r, r->length) == 0, "RSDP extended checksum off by %d", sum(r, r->length));
	CHECK(r->xsdt, "no XSDT address");
	xsdt = (struct acpi_header *)(UINTN)r->xsdt;
	CHECK_OK(table_ok(xsdt, "XSDT"));
	n = (xsdt->length - sizeof(*xsdt)) / 8;
	CHECK(n >= 2, "XSDT lists %ld tables", (INT64)n);
	for (UINTN i = 0; i < n; i++) {
		UINT64 addr;
		struct acpi_header *t;

		CopyMem(&addr, (UINT8 *)(xsdt + 1) + i * 8, 8);
		t = (struct acpi_header *)(UINTN)addr;
		CHECK(t, "XSDT entry %ld is null", (INT64)i);
		CHECK(sum(t, t->length) == 0, "%c%c%c%c checksum off by %d", t->signature[0],
		      t->signature[1], t->signature[2], t->signature[3], sum(t, t->length));
		if (!CompareMem(t->signature, "FACP", 4)) {
			UINT64 dsdt = 0;
			UINT32 dsdt32;

			have_fadt = TRUE;
			/* FADT: X_DSDT at 140 if the table is long enough, else DSDT at 40. */
			if (t->length >= 148)
				CopyMem(&dsdt, (UINT8 *)t + 140, 8);
			if (!dsdt) {
				CopyMem(&dsdt32, (UINT8 *)t + 40, 4);
				dsdt = dsdt32;
			}
			CHECK_OK(table_ok((struct acpi_header *)(UINTN)dsdt, "DSDT"));
		}
		if (!CompareMem(t->signature, "APIC", 4))
			have_madt = TRUE;
	}
	CHECK(have_fadt && have_madt, "XSDT lacks FADT (%d) or MADT (%d)", have_fadt, have_madt);
	return EFI_SUCCESS;
}

struct smbios3_entry {
	CHAR8 anchor[5];
	UINT8 checksum, length, major, minor, docrev, revision, reserved;
	UINT32 max_size;
	UINT64 table;
} __attribute__((packed));

struct smbios2_entry {
	CHAR8 anchor[4];
	UINT8 checksum, length, major, minor;
	UINT16 max_structure;
	UINT8 revision, formatted[5];
	CHAR8 dmi_anchor[5];
	UINT8 dmi_checksum;
	UINT16 table_length;
	UINT32 table;
	UINT16 count;
	UINT8 bcd_revision;
} __attribute__((packed));

/* Walks the structures: each has a header of >= 4 bytes and a string area ending in two NULs. */
static EFI_STATUS smbios_structures(const UINT8 *s, UINTN size)
{
	BOOLEAN have_type0 = FALSE, have_type1 = FALSE, have_end = FALSE;
	UINTN off = 0;

	for (UINTN guard = 0; off + 4 <= size && guard < 1024; guard++) {
		UINT8 type = s[off], len = s[off + 1];
		UINTN j;

		CHECK(len >= 4, "structure at %ld (type %d) length %d", (INT64)off, type, len);
		have_type0 |= type == 0;
		have_type1 |= type == 1;
		if (type == 127) {
			have_end = TRUE;
			break;
		}
		for (j = off + len; j + 1 < size && (s[j] || s[j + 1]); j++)
			;
		off = j + 2;
	}
	CHECK(have_type0 && have_type1 && have_end, "types 0 (%d), 1 (%d), 127 (%d)", have_type0,
	      have_type1, have_end);
	return EFI_SUCCESS;
}

static EFI_STATUS smbios3_entry_ok(const struct smbios3_entry *e)
{
	CHECK(!CompareMem((void *)e->anchor, "_SM3_", 5), "SMBIOS 3.0 anchor wrong");
	CHECK(e->length >= sizeof(*e) && e->length < 64, "entry point length %d", e->length);
	CHECK(sum(e, e->length) == 0, "entry point checksum off by %d", sum(e, e->length));
	CHECK(e->major >= 3, "version %d.%d under the SMBIOS 3.0 GUID", e->major, e->minor);
	CHECK(e->revision == 1, "entry point revision %d", e->revision);
	CHECK(e->table && e->max_size >= 4, "table at 0x%lx, max size %d", e->table, e->max_size);
	return smbios_structures((const UINT8 *)(UINTN)e->table, e->max_size);
}

static EFI_STATUS smbios2_entry_ok(const struct smbios2_entry *e)
{
	CHECK(!CompareMem((void *)e->anchor, "_SM_", 4), "SMBIOS anchor wrong");
	CHECK(e->length >= 0x1f && e->length < 64, "entry point length %d", e->length);
	CHECK(sum(e, e->length) == 0, "entry point checksum off by %d", sum(e, e->length));
	CHECK(!CompareMem((void *)e->dmi_anchor, "_DMI_", 5), "intermediate anchor wrong");
	CHECK(sum(e->dmi_anchor, 15) == 0, "intermediate checksum off by %d",
	      sum(e->dmi_anchor, 15));
	CHECK(e->major >= 2 && e->table && e->table_length >= 4, "version %d.%d, table 0x%x",
	      e->major, e->minor, e->table);
	return smbios_structures((const UINT8 *)(UINTN)e->table, e->table_length);
}

/*
 * Which entry points exist depends on the machine (QEMU's smbios-entry-point-type): 3.0 (64-bit),
 * 2.1 (32-bit), or both. At least one must, and each present must be valid; the log says which.
 */
static EFI_STATUS smbios(void)
{
	struct smbios3_entry *e3 = find_table(&SMBIOS3TableGuid);
	struct smbios2_entry *e2 = find_table(&SMBIOSTableGuid);

	CHECK(e3 || e2, "no SMBIOS table in the configuration table");
	Print(L"  smbios:%a%a\n", e3 ? " 3.0 entry point" : "", e2 ? " 2.x entry point" : "");
	if (e3)
		CHECK_OK(smbios3_entry_ok(e3));
	if (e2)
		CHECK_OK(smbios2_entry_ok(e2));
	return EFI_SUCCESS;
}

static EFI_STATUS install_configuration_table(void)
{
	static EFI_GUID guid = { 0x2a0c8a55, 0x7c1e, 0x4b1e, { 0x81, 0x2f, 0x0f, 0x6d, 0x33, 0x12,
							       0x90, 0x5b } };
	static UINT32 table = 0x5a5a;
	UINTN before = ST->NumberOfTableEntries;

	CHECK_OK(BS->InstallConfigurationTable(&guid, &table));
	CHECK(find_table(&guid) == &table, "installed table not found");
	CHECK(ST->NumberOfTableEntries == before + 1, "%ld entries, was %ld",
	      (INT64)ST->NumberOfTableEntries, (INT64)before);
	/* The system table's CRC covers the table pointer and count: it must be redone. */
	UINT32 crc = ST->Hdr.CRC32, computed;
	ST->Hdr.CRC32 = 0;
	computed = selftest_crc32(ST, ST->Hdr.HeaderSize);
	ST->Hdr.CRC32 = crc;
	CHECK(crc == computed, "system table CRC32 stale after InstallConfigurationTable");
	CHECK_OK(BS->InstallConfigurationTable(&guid, NULL));
	CHECK(!find_table(&guid), "table still present after removal");
	CHECK_STATUS(BS->InstallConfigurationTable(&guid, NULL), EFI_NOT_FOUND);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(config_tables,
	       { "config_tables.acpi_rsdp", NULL, acpi_rsdp, NULL },
	       { "config_tables.smbios", NULL, smbios, NULL },
	       { "config_tables.install", NULL, install_configuration_table, NULL });
