/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a table-loader script and the files it loads, run as stage1 runs them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/platform/acpi_loader.h"

/*
 * Input: one byte of flags (bit 0: load files above 4 GiB, so pointers stop fitting), one byte n,
 * n 128-byte commands, then for each file the plan lists a 16-bit length and that many bytes.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_loader loader;
	struct acpi_tables tables;
	struct acpi_fadt_info info;
	size_t commands_size, pos;
	UINT8 *commands, *rsdp20;
	UINT16 s5;
	UINT8 flags;

	if (size < 2)
		return 0;
	flags = data[0];
	commands_size = (size_t)data[1] * ACPI_LOADER_COMMAND_SIZE;
	if (commands_size > size - 2)
		return 0;
	/* Copies of exactly the input's size, so ASan sees any read past them. */
	commands = malloc(commands_size ? commands_size : 1);
	if (!commands)
		return 0;
	memcpy(commands, data + 2, commands_size);
	pos = 2 + commands_size;
	acpi_s5_sleep_type(data + pos, size - pos, &s5);

	if (acpi_loader_plan(&loader, commands, commands_size) != EFI_SUCCESS)
		goto out;
	for (UINT32 i = 0; i < loader.blob_count; i++) {
		struct acpi_loader_blob *b = &loader.blobs[i];
		size_t n = 0;

		if (size - pos >= 2) {
			n = data[pos] | (size_t)data[pos + 1] << 8;
			pos += 2;
			if (n > size - pos)
				n = size - pos;
		}
		b->data = n ? malloc(n) : NULL;
		if (n && !b->data)
			goto out_free;
		if (n)
			memcpy(b->data, data + pos, n);
		pos += n;
		b->size = (UINT32)n;
		b->address = ((flags & 1) ? 0x100000000ull : 0) + 0x100000ull * (i + 1);
	}
	if (acpi_loader_link(&loader) != EFI_SUCCESS)
		goto out_free;
	if (acpi_loader_find_tables(&loader, &tables) != EFI_SUCCESS)
		goto out_free;
	acpi_fadt_parse(tables.fadt, tables.dsdt, &info);
	if (tables.rsdt) {
		size_t n = acpi_rsdp20_size(tables.rsdt);

		rsdp20 = malloc(n);
		if (rsdp20) {
			acpi_build_rsdp20(&tables, rsdp20, n, 0x1000);
			free(rsdp20);
		}
	}
	if (tables.fadt && tables.facs)
		acpi_fadt_move_facs(tables.fadt, tables.facs_address, 0x2000);
out_free:
	for (UINT32 i = 0; i < loader.blob_count; i++)
		free(loader.blobs[i].data);
out:
	free(commands);
	return 0;
}
