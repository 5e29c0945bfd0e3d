/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes as a variable store; mount, read, write, mount again, lose nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crc32.h"
#include "lib/storage/var_store.h"
#include "tests/unit/fake_flash.h"

#define SIZE (32u * 1024)
#define BLOCK 4096u
#define MAX_KEYS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct key {
	CHAR16 name[128];
	UINT32 name_size;
	EFI_GUID guid;
	UINT32 data_size;
	UINT32 data_crc;
};

static const EFI_GUID guid = { 0x8be4df61, 0x93ca, 0x11d2,
			       { 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c } };

static void mount(struct fake_flash *f, struct var_store *vs, UINT8 *mem,
		  struct var_store_report *r)
{
	fake_flash_init(f, mem, SIZE, BLOCK);
	memset(vs, 0, sizeof(*vs));
	vs->flash = &f->dev;
	if (var_store_mount(vs, r) != EFI_SUCCESS)
		abort(); /* any bytes at all must give a usable store */
}

static UINT32 data_crc(struct var_store *vs, const struct var_store_entry *e)
{
	static UINT8 buf[VAR_STORE_MAX_VARIABLE];

	if (var_store_read_data(vs, e, 0, buf, e->data_size) != EFI_SUCCESS)
		abort();
	return crc32(buf, e->data_size);
}

/* Random bytes seldom pass a CRC: mode 1 starts from a real store and flips input-chosen bytes. */
static void build(UINT8 *mem, const uint8_t *data, size_t size)
{
	static const char *names[] = { "Boot0000", "Boot0001", "BootOrder", "Timeout", "Lang" };
	static UINT8 value[400];
	struct fake_flash f;
	struct var_store vs;
	struct var_store_report r;
	CHAR16 n[16];

	memset(mem, 0xff, SIZE);
	mount(&f, &vs, mem, &r);
	for (int i = 0; i < 12; i++) {
		const char *a = names[i % 5];
		UINT32 ns = 0;

		for (; a[ns]; ns++)
			n[ns] = (CHAR16)a[ns];
		n[ns++] = 0;
		memset(value, 'a' + i, sizeof(value));
		var_store_set(&vs, n, ns * 2, &guid, 7, value, 10 + 90 * (i % 4), i % 3 == 2);
		if (i == 7)
			var_store_delete(&vs, n, ns * 2, &guid);
	}
	for (size_t i = 0; i + 3 <= size; i += 3)
		mem[(data[i] | data[i + 1] << 8) % SIZE] ^= data[i + 2] ? data[i + 2] : 0xff;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static UINT8 mem[SIZE], value[VAR_STORE_MAX_VARIABLE];
	static struct key keys[MAX_KEYS];
	struct fake_flash f;
	struct var_store vs;
	struct var_store_report r;
	struct var_store_entry e;
	UINT32 cursor = 0, nkeys = 0, new_size;
	static const CHAR16 new_name[] = u"FuzzNew";
	EFI_STATUS status;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		build(mem, data + 1, size - 1);
	} else {
		memset(mem, 0xff, SIZE);
		memcpy(mem, data + 1, size - 1 < SIZE ? size - 1 : SIZE);
	}
	new_size = 1 + (size > 2 ? data[1] * 37u : 0);

	mount(&f, &vs, mem, &r);
	while (var_store_next(&vs, &cursor, &e) == EFI_SUCCESS && nkeys < MAX_KEYS) {
		struct key *k = &keys[nkeys];
		struct var_store_entry found;

		if (e.name_size > sizeof(k->name))
			continue;
		if (var_store_read_name(&vs, &e, k->name) != EFI_SUCCESS)
			abort();
		k->name_size = e.name_size;
		k->guid = e.guid;
		/* The value a reader gets is the last record of the name: find's answer. */
		if (var_store_find(&vs, k->name, k->name_size, &k->guid, &found) != EFI_SUCCESS)
			abort();
		k->data_size = found.data_size;
		k->data_crc = data_crc(&vs, &found);
		if (k->name_size == sizeof(new_name) && !memcmp(k->name, new_name, sizeof(new_name)))
			continue;
		nkeys++;
	}

	memset(value, data[0], new_size);
	status = var_store_set(&vs, new_name, sizeof(new_name), &guid, 7, value, new_size, FALSE);
	if (status != EFI_SUCCESS && status != EFI_OUT_OF_RESOURCES)
		abort();

	/* Everything that verified is still there after the write and a new mount, unchanged. */
	mount(&f, &vs, mem, &r);
	if (r.formatted || r.salvaged)
		abort();
	for (UINT32 i = 0; i < nkeys; i++) {
		if (var_store_find(&vs, keys[i].name, keys[i].name_size, &keys[i].guid, &e) !=
			    EFI_SUCCESS ||
		    e.data_size != keys[i].data_size || data_crc(&vs, &e) != keys[i].data_crc)
			abort();
	}
	if (status == EFI_SUCCESS &&
	    var_store_find(&vs, new_name, sizeof(new_name), &guid, &e) != EFI_SUCCESS)
		abort();
	/* NOR flash cannot set a bit back to 1 without an erase: the store never asks it to. */
	if (f.bit_sets)
		abort();
	return 0;
}
