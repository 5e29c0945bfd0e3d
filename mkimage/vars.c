/* SPDX-License-Identifier: MIT */
/* `mkimage vars`: create, list, read and change a variable store file with the firmware's code. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "include/efi/protocol/security.h"
#include "include/strata/boot_record_var.h"
#include "lib/crypto/auth_verify.h"
#include "lib/crypto/signature_list.h"
#include "lib/formats/boot_record.h"
#include "lib/storage/var_store.h"
#include "mkimage/mkimage.h"

#define DEFAULT_SIZE (1024u * 1024)
#define BLOCK_SIZE 4096u	/* QEMU's pflash sector on x86 */
#define MAX_NAME 512		/* characters */

static const char usage[] =
	"usage: mkimage vars COMMAND FILE [ARGS]\n"
	"  create FILE [--size 1M]               an empty store (the NVRAM template)\n"
	"  list FILE                             every variable: GUID, name, attributes, size\n"
	"  get FILE NAME [--guid G]              a variable's data, raw, on stdout\n"
	"  set FILE NAME [--guid G] [--attrs A] (--data TEXT | --data-file F) [--append]\n"
	"  delete FILE NAME [--guid G]\n"
	"  verify FILE                           exit 1 unless the store mounts with no damage\n"
	"  enroll FILE DIR                       DIR's PK.esl, KEK.esl, db.esl (dbx.esl optional) as\n"
	"                                        authenticated keys: the VM starts in user mode\n"
	"  import-ovmf FD DIR                    an OVMF varstore's PK, KEK, db, dbx to DIR/*.esl\n"
	"  x509-list CERT.der OUT.esl [--guid G] a certificate as an X509 EFI_SIGNATURE_LIST\n"
	"The GUID defaults to EFI_GLOBAL_VARIABLE, the attributes to 7 (NV|BS|RT).\n";

static const EFI_GUID global_variable = { 0x8be4df61, 0x93ca, 0x11d2,
					  { 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c } };

/* The store file in memory, as NOR flash: programs clear bits, erases set a block to 0xff. */
struct memory_flash {
	struct flash_device dev;
	uint8_t *mem;
};

static EFI_STATUS mem_read(struct flash_device *dev, UINT32 off, void *buf, UINT32 size)
{
	memcpy(buf, ((struct memory_flash *)dev)->mem + off, size);
	return EFI_SUCCESS;
}

static EFI_STATUS mem_program(struct flash_device *dev, UINT32 off, const void *buf, UINT32 size)
{
	uint8_t *mem = ((struct memory_flash *)dev)->mem;

	for (UINT32 i = 0; i < size; i++)
		mem[off + i] &= ((const uint8_t *)buf)[i];
	return EFI_SUCCESS;
}

static EFI_STATUS mem_erase(struct flash_device *dev, UINT32 off)
{
	memset(((struct memory_flash *)dev)->mem + off, 0xff, dev->block_size);
	return EFI_SUCCESS;
}

struct store_file {
	struct memory_flash flash;
	struct var_store vs;
	struct var_store_report report;
	size_t size;
};

static int open_store(const char *path, struct store_file *f)
{
	size_t size;

	if (mk_read_file(path, 8u << 20, &f->flash.mem, &size))
		return -1;
	if (size % BLOCK_SIZE || size < 2 * BLOCK_SIZE || size > 0xffffffffu) {
		free(f->flash.mem);
		return mk_error("%s: %zu bytes is not a store size (whole 4 KiB blocks)", path, size);
	}
	f->size = size;
	f->flash.dev = (struct flash_device){ mem_read, mem_program, mem_erase, BLOCK_SIZE,
					      (UINT32)size };
	memset(&f->vs, 0, sizeof(f->vs));
	f->vs.flash = &f->flash.dev;
	if (var_store_mount(&f->vs, &f->report) != EFI_SUCCESS) {
		free(f->flash.mem);
		return mk_error("%s: not usable as a variable store", path);
	}
	if (f->report.formatted && f->report.damaged)
		fprintf(stderr, "mkimage: %s held nothing that verifies: formatted\n", path);
	else if (f->report.damaged)
		fprintf(stderr, "mkimage: %s: %u damaged records or stretches skipped\n", path,
			f->report.damaged);
	return 0;
}

static int save_store(const char *path, struct store_file *f)
{
	int r = mk_write_file_atomic(path, f->flash.mem, f->size);

	free(f->flash.mem);
	return r;
}

static int parse_guid(const char *text, EFI_GUID *g)
{
	unsigned int b[8];
	unsigned long d1;
	unsigned int d2, d3;

	if (strlen(text) != 36 ||
	    sscanf(text, "%8lx-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &d1, &d2, &d3, &b[0], &b[1],
		   &b[2], &b[3], &b[4], &b[5], &b[6], &b[7]) != 11)
		return mk_error("'%s' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", text);
	g->Data1 = (UINT32)d1;
	g->Data2 = (UINT16)d2;
	g->Data3 = (UINT16)d3;
	for (int i = 0; i < 8; i++)
		g->Data4[i] = (UINT8)b[i];
	return 0;
}

static void print_guid(const EFI_GUID *g)
{
	printf("%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", g->Data1, g->Data2, g->Data3,
	       g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
	       g->Data4[6], g->Data4[7]);
}

/* ASCII name to UTF-16 with its NUL; its size in bytes, 0 if it does not fit or is empty. */
static UINT32 name16(const char *ascii, CHAR16 *out)
{
	size_t n = strlen(ascii);

	if (!n || n >= MAX_NAME)
		return 0;
	for (size_t i = 0; i <= n; i++)
		out[i] = (unsigned char)ascii[i];
	return (UINT32)((n + 1) * sizeof(CHAR16));
}

struct args {
	const char *file;
	const char *name;
	EFI_GUID guid;
	UINT32 attributes;
	const char *data;
	const char *data_file;
	int append;
	size_t size;
};

static int parse(int argc, char **argv, int want_name, struct args *a)
{
	static const struct option options[] = {
		{ "guid", required_argument, NULL, 'g' },
		{ "attrs", required_argument, NULL, 'a' },
		{ "data", required_argument, NULL, 'd' },
		{ "data-file", required_argument, NULL, 'f' },
		{ "append", no_argument, NULL, 'A' },
		{ "size", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	*a = (struct args){ .guid = global_variable, .attributes = 7, .size = DEFAULT_SIZE };
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (parse_guid(optarg, &a->guid))
				return -1;
			break;
		case 'a':
			a->attributes = (UINT32)strtoul(optarg, &end, 0);
			if (*end)
				return mk_error("--attrs takes a number, e.g. 7 or 0x7");
			break;
		case 'd':
			a->data = optarg;
			break;
		case 'f':
			a->data_file = optarg;
			break;
		case 'A':
			a->append = 1;
			break;
		case 's':
			a->size = strtoul(optarg, &end, 0);
			if (toupper((unsigned char)*end) == 'K')
				a->size <<= 10, end++;
			else if (toupper((unsigned char)*end) == 'M')
				a->size <<= 20, end++;
			if (*end || a->size % BLOCK_SIZE || a->size < VAR_STORE_MIN_SIZE ||
			    a->size > (8u << 20))
				return mk_error("--size: whole 4 KiB blocks, 16K to 8M");
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			return mk_error("bad option '%s' (see mkimage vars --help)", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return mk_error("no store file given (see mkimage vars --help)");
	a->file = argv[optind++];
	if (want_name) {
		if (optind >= argc)
			return mk_error("no variable name given");
		a->name = argv[optind++];
	}
	if (optind < argc)
		return mk_error("unexpected argument '%s'", argv[optind]);
	return 0;
}

static int vars_create(struct args *a)
{
	struct store_file f = { .size = a->size };

	f.flash.mem = malloc(a->size);
	if (!f.flash.mem)
		return mk_error("out of memory");
	f.flash.dev = (struct flash_device){ mem_read, mem_program, mem_erase, BLOCK_SIZE,
					     (UINT32)a->size };
	f.vs.flash = &f.flash.dev;
	if (var_store_format(&f.vs) != EFI_SUCCESS) {
		free(f.flash.mem);
		return mk_error("cannot format a store of %zu bytes", a->size);
	}
	return save_store(a->file, &f);
}

/* StrataBootRecord's data as words: the boot counts stage0 and stage1 keep (docs/updating.md). */
static void print_boot_record(const UINT8 *data, UINT32 size)
{
	struct boot_record r;

	if (size != BOOT_RECORD_SIZE || !boot_record_decode(data, &r)) {
		printf(" boot-counts=invalid");
		return;
	}
	printf(" boot-counts: current=%s trial=%u", r.current == BOOT_COPY_NONE ? "none" :
		       boot_record_copy_name(r.current), r.trial);
	for (UINT32 c = 0; c < BOOT_RECORD_COPIES; c++)
		if (r.copy[c].fingerprint)
			printf(" %s=fingerprint:%08x,tries:%u,%s", boot_record_copy_name(c),
			       r.copy[c].fingerprint, r.copy[c].tries,
			       r.copy[c].good ? "good" : "not-yet-good");
}

static int vars_list(struct args *a)
{
	static const CHAR16 boot_record_name[] = STRATA_BOOT_RECORD_NAME;
	static const EFI_GUID boot_record_guid = STRATA_BOOT_STATUS_GUID;
	UINT8 raw[BOOT_RECORD_SIZE];
	struct var_store_entry e;
	struct store_file f;
	UINT64 capacity, remaining, max;
	CHAR16 name[VAR_STORE_MAX_VARIABLE / 2];
	UINT32 cursor = 0;

	if (open_store(a->file, &f))
		return 1;
	var_store_usage(&f.vs, &capacity, &remaining, &max);
	printf("store: %zu KiB, generation %u, %u variables, %llu of %llu bytes free\n",
	       f.size >> 10, f.vs.sequence, f.report.variables, (unsigned long long)remaining,
	       (unsigned long long)capacity);
	while (var_store_next(&f.vs, &cursor, &e) == EFI_SUCCESS) {
		if (var_store_read_name(&f.vs, &e, name) != EFI_SUCCESS)
			break;
		print_guid(&e.guid);
		putchar(' ');
		for (UINT32 i = 0; i < e.name_size / 2 && name[i]; i++)
			putchar(name[i] < 0x80 && isprint(name[i]) ? name[i] : '?');
		printf(" attrs=0x%x size=%u", e.attributes, e.data_size);
		if (e.name_size == sizeof(boot_record_name) &&
		    !memcmp(name, boot_record_name, sizeof(boot_record_name)) &&
		    !memcmp(&e.guid, &boot_record_guid, sizeof(e.guid)))
			print_boot_record(raw, var_store_read_data(&f.vs, &e, 0, raw, sizeof(raw)) ==
							       EFI_SUCCESS ?
						       e.data_size :
						       0);
		putchar('\n');
	}
	free(f.flash.mem);
	return 0;
}

static int find(struct store_file *f, struct args *a, struct var_store_entry *e)
{
	CHAR16 name[MAX_NAME];
	UINT32 ns = name16(a->name, name);

	if (!ns)
		return mk_error("'%s' is not a variable name", a->name);
	if (var_store_find(&f->vs, name, ns, &a->guid, e) != EFI_SUCCESS)
		return mk_error("%s: no variable %s", a->file, a->name);
	return 0;
}

static int vars_get(struct args *a)
{
	struct var_store_entry e;
	struct store_file f;
	static uint8_t data[VAR_STORE_MAX_VARIABLE];
	int r = 1;

	if (open_store(a->file, &f))
		return 1;
	if (!find(&f, a, &e) && var_store_read_data(&f.vs, &e, 0, data, e.data_size) == EFI_SUCCESS)
		r = fwrite(data, 1, e.data_size, stdout) == e.data_size ? 0 : 1;
	free(f.flash.mem);
	return r;
}

static int vars_set(struct args *a)
{
	struct store_file f;
	CHAR16 name[MAX_NAME];
	UINT32 ns = name16(a->name, name);
	uint8_t *data = (uint8_t *)a->data;
	size_t size = a->data ? strlen(a->data) : 0;
	EFI_STATUS status;

	if (!ns)
		return mk_error("'%s' is not a variable name", a->name);
	if (!a->data == !a->data_file)
		return mk_error("set takes one of --data and --data-file");
	if (a->data_file && mk_read_file(a->data_file, VAR_STORE_MAX_VARIABLE, &data, &size))
		return 1;
	if (!size) {
		if (a->data_file)
			free(data);
		return mk_error("no data: use delete to remove a variable");
	}
	if (open_store(a->file, &f)) {
		if (a->data_file)
			free(data);
		return 1;
	}
	status = var_store_set(&f.vs, name, ns, &a->guid, a->attributes, data, (UINT32)size,
			       a->append);
	if (a->data_file)
		free(data);
	if (EFI_ERROR(status)) {
		free(f.flash.mem);
		return mk_error("%s: cannot set %s: %s", a->file, a->name,
				status == EFI_OUT_OF_RESOURCES ? "store full" : "too large");
	}
	return save_store(a->file, &f) ? 1 : 0;
}

static int vars_delete(struct args *a)
{
	struct store_file f;
	CHAR16 name[MAX_NAME];
	UINT32 ns = name16(a->name, name);

	if (!ns)
		return mk_error("'%s' is not a variable name", a->name);
	if (open_store(a->file, &f))
		return 1;
	if (var_store_delete(&f.vs, name, ns, &a->guid) != EFI_SUCCESS) {
		free(f.flash.mem);
		return mk_error("%s: no variable %s", a->file, a->name);
	}
	return save_store(a->file, &f) ? 1 : 0;
}

static int vars_verify(struct args *a)
{
	struct store_file f;
	int bad;

	if (open_store(a->file, &f))
		return 1;
	bad = f.report.damaged || f.report.formatted || f.report.salvaged;
	printf("%s: %u variables, %s\n", a->file, f.report.variables, bad ? "DAMAGED" : "verified");
	free(f.flash.mem);
	return bad;
}

/* Stored the way stage1's authenticated SetVariable stores them (docs/secure-boot.md): */
#define AUTH_TIME_SIZE 16u	/* an all-zero EFI_TIME, so any signed update is later, then the list */

static int enroll_key(struct store_file *f, const char *dir, const char *key, const EFI_GUID *guid,
		      int optional)
{
	char path[4096];
	CHAR16 name[8];
	uint8_t *esl, *record;
	size_t size;
	EFI_STATUS status;

	snprintf(path, sizeof(path), "%s/%s.esl", dir, key);
	if (optional && access(path, R_OK))
		return 0;
	if (mk_read_file(path, VAR_STORE_MAX_VARIABLE - AUTH_TIME_SIZE, &esl, &size))
		return -1;
	if (!size || signature_list_check(esl, size) != EFI_SUCCESS) {
		free(esl);
		return mk_error("%s: not an EFI_SIGNATURE_LIST", path);
	}
	record = calloc(1, AUTH_TIME_SIZE + size);
	if (!record) {
		free(esl);
		return mk_error("out of memory");
	}
	memcpy(record + AUTH_TIME_SIZE, esl, size);
	free(esl);
	status = var_store_set(&f->vs, name, name16(key, name), guid, AUTH_WRITE_ATTRIBUTES, record,
			       (UINT32)(AUTH_TIME_SIZE + size), FALSE);
	free(record);
	if (EFI_ERROR(status))
		return mk_error("cannot store %s: %s", key,
				status == EFI_OUT_OF_RESOURCES ? "store full" : "too large");
	return 0;
}

static int vars_enroll(struct args *a)
{
	static const EFI_GUID image_db = EFI_IMAGE_SECURITY_DATABASE_GUID;
	struct store_file f;

	if (open_store(a->file, &f))
		return 1;
	/* db and KEK before PK, as an owner would enroll them in setup mode. */
	if (enroll_key(&f, a->name, "db", &image_db, 0) ||
	    enroll_key(&f, a->name, "dbx", &image_db, 1) ||
	    enroll_key(&f, a->name, "KEK", &global_variable, 0) ||
	    enroll_key(&f, a->name, "PK", &global_variable, 0)) {
		free(f.flash.mem);
		return 1;
	}
	return save_store(a->file, &f) ? 1 : 0;
}

static int vars_import_ovmf(struct args *a)
{
	return ovmf_vars_import(a->file, a->name);
}

static int vars_x509_list(struct args *a)
{
	return ovmf_vars_x509_list(a->file, a->name, &a->guid);
}

int cmd_vars(int argc, char **argv)
{
	static const struct {
		const char *name;
		int want_name;
		int (*run)(struct args *a);
	} commands[] = {
		{ "create", 0, vars_create }, { "list", 0, vars_list },	    { "get", 1, vars_get },
		{ "set", 1, vars_set },	      { "delete", 1, vars_delete }, { "verify", 0, vars_verify },
		{ "enroll", 1, vars_enroll },	      { "import-ovmf", 1, vars_import_ovmf },
		{ "x509-list", 1, vars_x509_list },
	};
	struct args a;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		if (parse(argc - 1, argv + 1, commands[i].want_name, &a))
			return 2;
		return commands[i].run(&a) ? 1 : 0;
	}
	mk_error("unknown vars command '%s' (see mkimage vars --help)", argv[1]);
	return 2;
}
