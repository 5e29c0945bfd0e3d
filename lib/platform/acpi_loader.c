/* SPDX-License-Identifier: MIT */
/* QEMU's ACPI linker/loader commands over in-memory blobs; checked walks of the tables built. */
#include "lib/platform/acpi_loader.h"
#include "lib/string.h"

/* Field offsets within a command (QEMU hw/acpi/bios-linker-loader.c, BiosLinkerLoaderEntry). */
#define CMD_FILE 4		/* alloc.file, {pointer,wr_pointer}.dest_file, cksum.file */
#define CMD_SRC_FILE 60		/* pointer.src_file, wr_pointer.src_file */
#define CMD_ALLOC_ALIGN 60
#define CMD_ALLOC_ZONE 64
#define CMD_POINTER_OFFSET 116
#define CMD_POINTER_SIZE 120
#define CMD_CKSUM_OFFSET 60
#define CMD_CKSUM_START 64
#define CMD_CKSUM_LENGTH 68
#define CMD_WRITE_DST_OFFSET 116
#define CMD_WRITE_SRC_OFFSET 120
#define CMD_WRITE_SIZE 124

/* Where acpi_build_rsdp20 puts the XSDT after the RSDP: 8-aligned, as entries are 64-bit. */
#define RSDP20_XSDT_OFFSET 64

/* Tables and blobs are read through byte pointers: nothing in them is aligned for us. */
static UINT64 get_le(const UINT8 *p, UINTN size)
{
	UINT64 v = 0;

	for (UINTN i = 0; i < size; i++)
		v |= (UINT64)p[i] << (8 * i);
	return v;
}

static void put_le(UINT8 *p, UINTN size, UINT64 v)
{
	for (UINTN i = 0; i < size; i++)
		p[i] = (UINT8)(v >> (8 * i));
}

static EFI_STATUS fail(struct acpi_loader *loader, UINT32 index, const char *why)
{
	loader->error_command = index;
	loader->error = why;
	return EFI_PROTOCOL_ERROR;
}

UINT8 acpi_checksum(const void *data, UINTN size)
{
	const UINT8 *p = data;
	UINT8 sum = 0;

	while (size--)
		sum += *p++;
	return sum;
}

/* A non-empty name NUL-terminated within its field (QEMU strncpy()s with one byte to spare). */
static BOOLEAN name_ok(const UINT8 *name)
{
	if (name[0] == '\0')
		return FALSE;
	for (UINTN i = 1; i < ACPI_LOADER_NAME_SIZE; i++)
		if (name[i] == '\0')
			return TRUE;
	return FALSE;
}

static struct acpi_loader_blob *find_blob(struct acpi_loader *loader, const UINT8 *name)
{
	if (!name_ok(name))
		return NULL;
	for (UINT32 i = 0; i < loader->blob_count; i++)
		if (strcmp(loader->blobs[i].name, (const char *)name) == 0)
			return &loader->blobs[i];
	return NULL;
}

static BOOLEAN pointer_size_ok(UINT8 size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

static EFI_STATUS plan_allocate(struct acpi_loader *loader, UINT32 index, const UINT8 *cmd)
{
	struct acpi_loader_blob *blob;
	UINT32 align = (UINT32)get_le(cmd + CMD_ALLOC_ALIGN, 4);
	UINT8 zone = cmd[CMD_ALLOC_ZONE];

	if (!name_ok(cmd + CMD_FILE))
		return fail(loader, index, "ALLOCATE: empty or unterminated file name");
	if (find_blob(loader, cmd + CMD_FILE))
		return fail(loader, index, "ALLOCATE: file allocated twice");
	if (align == 0 || (align & (align - 1)))
		return fail(loader, index, "ALLOCATE: alignment not a power of two");
	if (zone != ACPI_LOADER_ZONE_HIGH && zone != ACPI_LOADER_ZONE_FSEG)
		return fail(loader, index, "ALLOCATE: unknown zone");
	if (loader->blob_count == ACPI_LOADER_MAX_BLOBS)
		return fail(loader, index, "ALLOCATE: too many files");
	blob = &loader->blobs[loader->blob_count++];
	memcpy(blob->name, cmd + CMD_FILE, ACPI_LOADER_NAME_SIZE);
	blob->align = align;
	blob->zone = zone;
	return EFI_SUCCESS;
}

EFI_STATUS acpi_loader_plan(struct acpi_loader *loader, const void *commands, UINTN size)
{
	UINT32 writes = 0;
	EFI_STATUS status;

	memset(loader, 0, sizeof(*loader));
	loader->commands = commands;
	if (size == 0 || size % ACPI_LOADER_COMMAND_SIZE ||
	    size / ACPI_LOADER_COMMAND_SIZE > 0xffff)
		return fail(loader, 0, "size not a small multiple of 128 bytes");
	loader->command_count = (UINT32)(size / ACPI_LOADER_COMMAND_SIZE);

	for (UINT32 i = 0; i < loader->command_count; i++) {
		const UINT8 *cmd = loader->commands + (UINTN)i * ACPI_LOADER_COMMAND_SIZE;

		switch (get_le(cmd, 4)) {
		case ACPI_LOADER_ALLOCATE:
			status = plan_allocate(loader, i, cmd);
			if (EFI_ERROR(status))
				return status;
			break;
		case ACPI_LOADER_ADD_POINTER:
			if (!find_blob(loader, cmd + CMD_FILE) ||
			    !find_blob(loader, cmd + CMD_SRC_FILE))
				return fail(loader, i, "ADD_POINTER: file not allocated");
			if (!pointer_size_ok(cmd[CMD_POINTER_SIZE]))
				return fail(loader, i, "ADD_POINTER: size not 1, 2, 4 or 8");
			break;
		case ACPI_LOADER_ADD_CHECKSUM:
			if (!find_blob(loader, cmd + CMD_FILE))
				return fail(loader, i, "ADD_CHECKSUM: file not allocated");
			break;
		case ACPI_LOADER_WRITE_POINTER:
			/* The destination is a writable fw_cfg file, not a blob of ours. */
			if (!name_ok(cmd + CMD_FILE))
				return fail(loader, i, "WRITE_POINTER: bad file name");
			if (!find_blob(loader, cmd + CMD_SRC_FILE))
				return fail(loader, i, "WRITE_POINTER: file not allocated");
			if (!pointer_size_ok(cmd[CMD_WRITE_SIZE]))
				return fail(loader, i, "WRITE_POINTER: size not 1, 2, 4 or 8");
			if (++writes > ACPI_LOADER_MAX_WRITES)
				return fail(loader, i, "WRITE_POINTER: too many");
			break;
		default:
			/* QEMU: firmware ignores commands it does not know (zero is padding). */
			break;
		}
	}
	return EFI_SUCCESS;
}

/* The address of offset bytes into src, if it fits a pointer of size bytes. */
static BOOLEAN pointer_value(const struct acpi_loader_blob *src, UINT64 offset, UINT8 size,
			     UINT64 *ret_value)
{
	UINT64 v;

	if (offset >= src->size || src->address > ~0ull - offset)
		return FALSE;
	v = src->address + offset;
	if (size < 8 && (v >> (8 * size)) != 0)
		return FALSE;
	*ret_value = v;
	return TRUE;
}

static EFI_STATUS link_add_pointer(struct acpi_loader *loader, UINT32 index, const UINT8 *cmd)
{
	struct acpi_loader_blob *dst = find_blob(loader, cmd + CMD_FILE);
	struct acpi_loader_blob *src = find_blob(loader, cmd + CMD_SRC_FILE);
	UINT32 offset = (UINT32)get_le(cmd + CMD_POINTER_OFFSET, 4);
	UINT8 size = cmd[CMD_POINTER_SIZE];
	UINT64 value;

	if (size > dst->size || offset > dst->size - size)
		return fail(loader, index, "ADD_POINTER: pointer outside its file");
	/* The pointer holds an offset into src; QEMU asserts it lies within src when it builds. */
	if (!pointer_value(src, get_le(dst->data + offset, size), size, &value))
		return fail(loader, index, "ADD_POINTER: target outside its file or unreachable");
	put_le(dst->data + offset, size, value);
	return EFI_SUCCESS;
}

static EFI_STATUS link_add_checksum(struct acpi_loader *loader, UINT32 index, const UINT8 *cmd)
{
	struct acpi_loader_blob *blob = find_blob(loader, cmd + CMD_FILE);
	UINT32 offset = (UINT32)get_le(cmd + CMD_CKSUM_OFFSET, 4);
	UINT32 start = (UINT32)get_le(cmd + CMD_CKSUM_START, 4);
	UINT32 length = (UINT32)get_le(cmd + CMD_CKSUM_LENGTH, 4);

	if (offset >= blob->size || start > blob->size || length > blob->size - start)
		return fail(loader, index, "ADD_CHECKSUM: range outside its file");
	/* "Add" the checksum, as QEMU words it: right whatever the byte held before. */
	blob->data[offset] -= acpi_checksum(blob->data + start, length);
	return EFI_SUCCESS;
}

static EFI_STATUS link_write_pointer(struct acpi_loader *loader, UINT32 index, const UINT8 *cmd)
{
	struct acpi_loader_blob *src = find_blob(loader, cmd + CMD_SRC_FILE);
	struct acpi_loader_write *w = &loader->writes[loader->write_count];
	UINT64 src_offset = get_le(cmd + CMD_WRITE_SRC_OFFSET, 4);
	UINT8 size = cmd[CMD_WRITE_SIZE];

	if (!pointer_value(src, src_offset, size, &w->value))
		return fail(loader, index, "WRITE_POINTER: target outside its file or unreachable");
	memcpy(w->file, cmd + CMD_FILE, ACPI_LOADER_NAME_SIZE);
	w->offset = (UINT32)get_le(cmd + CMD_WRITE_DST_OFFSET, 4);
	w->size = size;
	loader->write_count++;
	return EFI_SUCCESS;
}

EFI_STATUS acpi_loader_link(struct acpi_loader *loader)
{
	EFI_STATUS status;

	for (UINT32 i = 0; i < loader->blob_count; i++)
		if (!loader->blobs[i].data && loader->blobs[i].size)
			return fail(loader, 0, "a file was not loaded");
	loader->write_count = 0;
	for (UINT32 i = 0; i < loader->command_count; i++) {
		const UINT8 *cmd = loader->commands + (UINTN)i * ACPI_LOADER_COMMAND_SIZE;

		/* acpi_loader_plan checked names and sizes; only offsets need the blob sizes. */
		switch (get_le(cmd, 4)) {
		case ACPI_LOADER_ADD_POINTER:
			status = link_add_pointer(loader, i, cmd);
			break;
		case ACPI_LOADER_ADD_CHECKSUM:
			status = link_add_checksum(loader, i, cmd);
			break;
		case ACPI_LOADER_WRITE_POINTER:
			status = link_write_pointer(loader, i, cmd);
			break;
		default:
			status = EFI_SUCCESS;
			break;
		}
		if (EFI_ERROR(status))
			return status;
	}
	return EFI_SUCCESS;
}

void *acpi_loader_resolve(const struct acpi_loader *loader, UINT64 address, UINT64 length)
{
	for (UINT32 i = 0; i < loader->blob_count; i++) {
		const struct acpi_loader_blob *b = &loader->blobs[i];
		UINT64 offset = address - b->address;

		if (b->data && address >= b->address && offset <= b->size &&
		    length <= b->size - offset)
			return b->data + offset;
	}
	return NULL;
}

/* A table with this signature, wholly inside one blob, with a good checksum; NULL otherwise. */
static struct acpi_sdt_header *table_at(const struct acpi_loader *loader, UINT64 address,
					const char *signature)
{
	struct acpi_sdt_header *h = acpi_loader_resolve(loader, address, sizeof(*h));

	if (!address || !h || memcmp(h->signature, signature, 4) != 0 || h->length < sizeof(*h))
		return NULL;
	if (!acpi_loader_resolve(loader, address, h->length) || acpi_checksum(h, h->length) != 0)
		return NULL;
	return h;
}

/* §5.2.5.1: the RSDP sits on a 16-byte boundary; QEMU's is alone at the start of its blob. */
static EFI_STATUS find_rsdp(const struct acpi_loader *loader, struct acpi_tables *t)
{
	for (UINT32 i = 0; i < loader->blob_count; i++) {
		const struct acpi_loader_blob *b = &loader->blobs[i];

		for (UINT32 off = 0; b->data && b->size >= ACPI_RSDP_V1_SIZE &&
				     off <= b->size - ACPI_RSDP_V1_SIZE; off += 16) {
			struct acpi_rsdp *r = (struct acpi_rsdp *)(b->data + off);

			if (memcmp(r->signature, ACPI_RSDP_SIGNATURE, 8) != 0 ||
			    acpi_checksum(r, ACPI_RSDP_V1_SIZE) != 0)
				continue;
			if (r->revision >= ACPI_RSDP_REVISION_2 &&
			    (b->size - off < sizeof(*r) || r->length < sizeof(*r) ||
			     r->length > b->size - off || acpi_checksum(r, r->length) != 0))
				continue;
			t->rsdp = r;
			t->rsdp_address = b->address + off;
			return EFI_SUCCESS;
		}
	}
	return EFI_NOT_FOUND;
}

struct acpi_sdt_header *acpi_loader_find_sdt(const struct acpi_loader *loader,
					     const struct acpi_tables *t, const char *signature)
{
	struct acpi_sdt_header *sdt = t->xsdt ? t->xsdt : t->rsdt, *found = NULL;
	UINTN entry_size = t->xsdt ? 8 : 4;
	UINTN count = sdt ? (sdt->length - sizeof(*sdt)) / entry_size : 0;
	const UINT8 *entries = (const UINT8 *)(sdt + 1);

	for (UINTN i = 0; i < count && !found; i++)
		found = table_at(loader, get_le(entries + i * entry_size, entry_size), signature);
	return found;
}

static void find_fadt(const struct acpi_loader *loader, struct acpi_tables *t)
{
	struct acpi_fadt *fadt =
		(struct acpi_fadt *)acpi_loader_find_sdt(loader, t, ACPI_FADT_SIGNATURE);
	UINT64 address;

	/* Every FADT revision has FIRMWARE_CTRL and DSDT; later fields are checked where read. */
	if (!fadt || !ACPI_FADT_HAS(fadt->header.length, dsdt))
		return;
	t->fadt = fadt;

	address = fadt->dsdt;
	if (ACPI_FADT_HAS(fadt->header.length, x_dsdt) && fadt->x_dsdt)
		address = fadt->x_dsdt;
	t->dsdt = table_at(loader, address, ACPI_DSDT_SIGNATURE);

	address = fadt->firmware_ctrl;
	if (ACPI_FADT_HAS(fadt->header.length, x_firmware_ctrl) && fadt->x_firmware_ctrl)
		address = fadt->x_firmware_ctrl;
	t->facs = acpi_loader_resolve(loader, address, sizeof(*t->facs));
	if (!address || !t->facs || memcmp(t->facs->signature, ACPI_FACS_SIGNATURE, 4) != 0 ||
	    t->facs->length < sizeof(*t->facs) ||
	    !acpi_loader_resolve(loader, address, t->facs->length))
		t->facs = NULL;
	else
		t->facs_address = address;
}

EFI_STATUS acpi_loader_find_root(const struct acpi_loader *loader, struct acpi_tables *ret)
{
	EFI_STATUS status;

	memset(ret, 0, sizeof(*ret));
	status = find_rsdp(loader, ret);
	if (EFI_ERROR(status))
		return status;
	if (ret->rsdp->revision >= ACPI_RSDP_REVISION_2) {
		ret->xsdt = table_at(loader, ret->rsdp->xsdt_address, ACPI_XSDT_SIGNATURE);
		if (ret->xsdt)
			ret->xsdt_address = ret->rsdp->xsdt_address;
	}
	ret->rsdt = table_at(loader, ret->rsdp->rsdt_address, ACPI_RSDT_SIGNATURE);
	if (ret->rsdt)
		ret->rsdt_address = ret->rsdp->rsdt_address;
	return ret->xsdt || ret->rsdt ? EFI_SUCCESS : EFI_NOT_FOUND;
}

EFI_STATUS acpi_loader_find_tables(const struct acpi_loader *loader, struct acpi_tables *ret)
{
	EFI_STATUS status = acpi_loader_find_root(loader, ret);

	if (!EFI_ERROR(status))
		find_fadt(loader, ret);
	return status;
}

EFI_STATUS acpi_loader_in_memory(struct acpi_loader *loader, UINT64 rsdp)
{
	const struct acpi_rsdp *r = (const struct acpi_rsdp *)(UINTN)rsdp;
	UINT32 size = ACPI_RSDP_V1_SIZE;

	if (rsdp < ACPI_MEMORY_FIRST || rsdp > ACPI_MEMORY_LAST - ACPI_MEMORY_FIRST)
		return EFI_INVALID_PARAMETER;
	if (r->revision >= ACPI_RSDP_REVISION_2)
		size = r->length < sizeof(*r) ? 0 : r->length;
	/* Checked here first: were it bad, the loader would scan all of memory for another. */
	if (memcmp(r->signature, ACPI_RSDP_SIGNATURE, 8) != 0 || size == 0 ||
	    size > 4096 || acpi_checksum(r, ACPI_RSDP_V1_SIZE) != 0 ||
	    acpi_checksum(r, size) != 0)
		return EFI_CRC_ERROR;
	memset(loader, 0, sizeof(*loader));
	loader->blob_count = 2;
	loader->blobs[0].data = (UINT8 *)(UINTN)rsdp;
	loader->blobs[0].size = size;
	loader->blobs[0].address = rsdp;
	loader->blobs[1].data = (UINT8 *)(UINTN)ACPI_MEMORY_FIRST;
	loader->blobs[1].size = (UINT32)(ACPI_MEMORY_LAST - ACPI_MEMORY_FIRST + 1);
	loader->blobs[1].address = ACPI_MEMORY_FIRST;
	return EFI_SUCCESS;
}

/* An I/O port from a 32-bit block field, else from its GAS twin if that is in I/O space. */
static UINT16 io_port(UINT32 block, const struct acpi_gas *x)
{
	if (block && block <= 0xffff)
		return (UINT16)block;
	if (x->space_id == ACPI_GAS_SYSTEM_IO && x->address <= 0xffff)
		return (UINT16)x->address;
	return 0;
}

void acpi_fadt_parse(const struct acpi_fadt *fadt, const struct acpi_sdt_header *dsdt,
		     struct acpi_fadt_info *ret)
{
	const struct acpi_gas none = { 0 };
	struct acpi_gas x;
	UINT32 len;
	UINT16 s5;

	memset(ret, 0, sizeof(*ret));
	if (dsdt && acpi_s5_sleep_type((const UINT8 *)(dsdt + 1), dsdt->length - sizeof(*dsdt),
				       &s5) == EFI_SUCCESS)
		ret->s5_sleep_type = s5;
	if (!fadt)
		return;
	/* Read nothing past the table's own length: older revisions end early. */
	len = fadt->header.length;
	if (ACPI_FADT_HAS(len, pm1a_cnt_blk)) {
		x = ACPI_FADT_HAS(len, x_pm1a_cnt_blk) ? fadt->x_pm1a_cnt_blk : none;
		ret->pm1a_control_port = io_port(fadt->pm1a_cnt_blk, &x);
	}
	if (ACPI_FADT_HAS(len, pm_tmr_blk)) {
		x = ACPI_FADT_HAS(len, x_pm_tmr_blk) ? fadt->x_pm_tmr_blk : none;
		ret->pm_timer_port = io_port(fadt->pm_tmr_blk, &x);
	}
	/* §4.8.3.6: RESET_REG counts only with RESET_REG_SUP set. */
	if (ACPI_FADT_HAS(len, reset_value) && (fadt->flags & ACPI_FADT_RESET_REG_SUP) &&
	    fadt->reset_reg.address) {
		ret->reset_space = fadt->reset_reg.space_id;
		ret->reset_address = fadt->reset_reg.address;
		ret->reset_value = fadt->reset_value;
	}
}

/* AML opcodes (ACPI 6.5 §20.3). */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR '\\'

/*
 * Not an AML interpreter: the usual byte scan for NameOp "_S5_" PackageOp, as QEMU emits
 * Name (_S5, Package (4) { Zero, ... }) at the root of its DSDT. SLP_TYP is 3 bits wide.
 */
EFI_STATUS acpi_s5_sleep_type(const UINT8 *aml, UINTN size, UINT16 *ret_type)
{
	for (UINTN i = 1; size >= 4 && i <= size - 4; i++) {
		UINTN p = i + 4;
		UINT64 v;

		if (memcmp(aml + i, "_S5_", 4) != 0)
			continue;
		if (aml[i - 1] != AML_NAME_OP &&
		    !(aml[i - 1] == AML_ROOT_CHAR && i >= 2 && aml[i - 2] == AML_NAME_OP))
			continue;
		if (p >= size || aml[p] != AML_PACKAGE_OP)
			continue;
		p++;
		/* PkgLength: bits 7-6 of the lead byte count the bytes that follow it. */
		if (p >= size)
			break;
		p += 1 + (aml[p] >> 6);
		/* NumElements, then the first element: SLP_TYPa. */
		if (p + 1 >= size || aml[p] == 0)
			break;
		p++;
		switch (aml[p]) {
		case AML_ZERO_OP:
			v = 0;
			break;
		case AML_ONE_OP:
			v = 1;
			break;
		case AML_BYTE_PREFIX:
		case AML_WORD_PREFIX:
			if (size - p - 1 < (aml[p] == AML_BYTE_PREFIX ? 1u : 2u))
				return EFI_NOT_FOUND;
			v = get_le(aml + p + 1, aml[p] == AML_BYTE_PREFIX ? 1 : 2);
			break;
		default:
			return EFI_NOT_FOUND;
		}
		if (v > 7)
			return EFI_NOT_FOUND;
		*ret_type = (UINT16)v;
		return EFI_SUCCESS;
	}
	return EFI_NOT_FOUND;
}

EFI_STATUS acpi_fadt_move_facs(struct acpi_fadt *fadt, UINT64 old_address, UINT64 new_address)
{
	UINT32 len = fadt->header.length;
	BOOLEAN low = fadt->firmware_ctrl == old_address;
	BOOLEAN high = ACPI_FADT_HAS(len, x_firmware_ctrl) && fadt->x_firmware_ctrl == old_address;

	if (!old_address || (!low && !high))
		return EFI_NOT_FOUND;
	if (low && new_address > 0xffffffffull)
		return EFI_INVALID_PARAMETER;
	if (low)
		fadt->firmware_ctrl = (UINT32)new_address;
	if (high)
		fadt->x_firmware_ctrl = new_address;
	fadt->header.checksum = 0;
	fadt->header.checksum = (UINT8)(0 - acpi_checksum(fadt, len));
	return EFI_SUCCESS;
}

UINTN acpi_rsdp20_size(const struct acpi_sdt_header *rsdt)
{
	return RSDP20_XSDT_OFFSET + sizeof(*rsdt) + 8 * ((rsdt->length - sizeof(*rsdt)) / 4);
}

EFI_STATUS acpi_build_rsdp20(const struct acpi_tables *tables, void *buf, UINTN size,
			     UINT64 address)
{
	const struct acpi_sdt_header *rsdt = tables->rsdt;
	struct acpi_rsdp *rsdp = buf;
	struct acpi_sdt_header *xsdt;
	const UINT8 *from;
	UINT8 *to;
	UINTN count;

	if (!rsdt || !tables->rsdp)
		return EFI_NOT_FOUND;
	if (size < acpi_rsdp20_size(rsdt))
		return EFI_BUFFER_TOO_SMALL;
	xsdt = (struct acpi_sdt_header *)((UINT8 *)buf + RSDP20_XSDT_OFFSET);
	from = (const UINT8 *)(rsdt + 1);
	to = (UINT8 *)(xsdt + 1);
	count = (rsdt->length - sizeof(*rsdt)) / 4;
	memset(buf, 0, acpi_rsdp20_size(rsdt));

	/* The XSDT says what the RSDT says, with 64-bit entries (§5.2.8). */
	*xsdt = *rsdt;
	memcpy(xsdt->signature, ACPI_XSDT_SIGNATURE, 4);
	xsdt->length = (UINT32)(sizeof(*xsdt) + 8 * count);
	xsdt->revision = 1;
	for (UINTN i = 0; i < count; i++)
		put_le(to + 8 * i, 8, get_le(from + 4 * i, 4));
	xsdt->checksum = 0;
	xsdt->checksum = (UINT8)(0 - acpi_checksum(xsdt, xsdt->length));

	/* The RSDT stays for ACPI 1.0 readers, as OVMF's RSDP also names both. */
	memcpy(rsdp->signature, ACPI_RSDP_SIGNATURE, 8);
	memcpy(rsdp->oem_id, tables->rsdp->oem_id, sizeof(rsdp->oem_id));
	rsdp->revision = ACPI_RSDP_REVISION_2;
	rsdp->rsdt_address = (UINT32)tables->rsdt_address;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt_address = address + RSDP20_XSDT_OFFSET;
	rsdp->checksum = (UINT8)(0 - acpi_checksum(rsdp, ACPI_RSDP_V1_SIZE));
	rsdp->extended_checksum = (UINT8)(0 - acpi_checksum(rsdp, sizeof(*rsdp)));
	return EFI_SUCCESS;
}
