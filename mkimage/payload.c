/* SPDX-License-Identifier: MIT */
/* Payload checks: a payload must be a PE32+ x86-64 EFI application (PE/COFF spec §3-4). */
#include <stdlib.h>
#include <string.h>

#include "mkimage/mkimage.h"

#define PE_MACHINE_X64 0x8664
#define PE_OPTIONAL_MAGIC_PE32PLUS 0x20b
#define PE_SUBSYSTEM_OFFSET 68 /* in the optional header, same for PE32 and PE32+ */
/* 10 application, 11 boot service driver, 12 runtime driver: what firmware will start. */
#define PE_SUBSYSTEM_EFI_FIRST 10
#define PE_SUBSYSTEM_EFI_LAST 12
/* Bigger than any payload we boot (a UKI is tens of MiB); keeps a typo from reading a disk. */
#define PAYLOAD_MAX (512u << 20)

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int check(const char *path, const uint8_t *d, size_t size)
{
	uint32_t pe;
	uint16_t machine, optional_size, subsystem;

	if (size < 0x40 || d[0] != 'M' || d[1] != 'Z')
		return mk_error("%s: payload is not a PE/COFF file (no MZ header)", path);
	pe = get32(d + 0x3c);
	if (pe > size || size - pe < 24 || memcmp(d + pe, "PE\0\0", 4) != 0)
		return mk_error("%s: payload is not a PE/COFF file (no PE signature)", path);
	machine = get16(d + pe + 4);
	if (machine != PE_MACHINE_X64)
		return mk_error("%s: payload is for machine 0x%04x, not x86-64 (0x8664)", path,
				machine);
	optional_size = get16(d + pe + 20);
	if (optional_size < PE_SUBSYSTEM_OFFSET + 2 || size - pe - 24 < optional_size)
		return mk_error("%s: payload's PE optional header is missing or truncated", path);
	if (get16(d + pe + 24) != PE_OPTIONAL_MAGIC_PE32PLUS)
		return mk_error("%s: payload is not PE32+ (optional header magic 0x%04x)", path,
				get16(d + pe + 24));
	subsystem = get16(d + pe + 24 + PE_SUBSYSTEM_OFFSET);
	if (subsystem < PE_SUBSYSTEM_EFI_FIRST || subsystem > PE_SUBSYSTEM_EFI_LAST)
		return mk_error("%s: payload's PE subsystem is %u, not an EFI application (10..12)",
				path, subsystem);
	return 0;
}

int pe_check_efi_app(const char *path)
{
	uint8_t *data;
	size_t size;
	int r;

	if (mk_read_file(path, PAYLOAD_MAX, &data, &size) < 0)
		return -1;
	r = check(path, data, size);
	free(data);
	return r;
}
