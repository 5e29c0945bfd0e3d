/* SPDX-License-Identifier: MIT */
/* PE32+ loader: parse with bounds checks, copy sections, apply base relocations. */
#include "lib/endian.h"
#include "lib/formats/pe.h"
#include "lib/string.h"

#define DOS_MAGIC 0x5a4d	/* "MZ" */
#define PE_SIGNATURE 0x00004550	/* "PE\0\0" */
#define PE32PLUS_MAGIC 0x20b
#define COFF_HEADER_SIZE 20
#define SECTION_HEADER_SIZE 40
#define OPT_MIN_SIZE 112	/* PE32+ optional header up to NumberOfRvaAndSizes */
#define DIR_BASERELOC 5
#define PE_MAX_SECTIONS 96
#define IMAGE_FILE_RELOCS_STRIPPED 0x0001

#define REL_BASED_ABSOLUTE 0
#define REL_BASED_HIGHLOW 3
#define REL_BASED_DIR64 10

/*
 * Relocation targets need not be aligned: x86 would not mind, but C does (a UINT64 store to an odd
 * address is undefined behaviour, and UBSan stops the fuzzer on it), so write bytes.
 */
static void wr32(UINT8 *p, UINT32 v)
{
	p[0] = (UINT8)v;
	p[1] = (UINT8)(v >> 8);
	p[2] = (UINT8)(v >> 16);
	p[3] = (UINT8)(v >> 24);
}

static void wr64(UINT8 *p, UINT64 v)
{
	wr32(p, (UINT32)v);
	wr32(p + 4, (UINT32)(v >> 32));
}

/* Bytes a section occupies in memory: some linkers leave VirtualSize 0 and mean SizeOfRawData. */
static UINT32 section_size(UINT32 vsize, UINT32 raw)
{
	return vsize ? vsize : raw;
}

/* Whether [off, off + len) lies within size, without overflow. */
static BOOLEAN in_range(UINT64 off, UINT64 len, UINT64 size)
{
	return off <= size && len <= size - off;
}

EFI_STATUS pe_parse(const void *file, UINTN file_size, struct pe_image_info *ret_info)
{
	const UINT8 *f = file;
	struct pe_image_info info = { 0 };
	UINT32 pe, opt, opt_size, dirs;

	if (file_size < 0x40 || get_le16(f) != DOS_MAGIC)
		return EFI_LOAD_ERROR;
	pe = get_le32(f + 0x3c);
	if (!in_range(pe, 4 + COFF_HEADER_SIZE, file_size) || get_le32(f + pe) != PE_SIGNATURE)
		return EFI_LOAD_ERROR;
	info.machine = get_le16(f + pe + 4);
	info.number_of_sections = get_le16(f + pe + 6);
	opt_size = get_le16(f + pe + 20);
	info.characteristics = get_le16(f + pe + 22);
	opt = pe + 4 + COFF_HEADER_SIZE;
	if (opt_size < OPT_MIN_SIZE || !in_range(opt, opt_size, file_size))
		return EFI_LOAD_ERROR;
	if (get_le16(f + opt) != PE32PLUS_MAGIC)
		return EFI_UNSUPPORTED; /* PE32 (32-bit) images cannot run here */
	if (info.machine != PE_MACHINE_X64)
		return EFI_UNSUPPORTED;

	info.entry_point = get_le32(f + opt + 16);
	info.image_base = get_le64(f + opt + 24);
	info.section_alignment = get_le32(f + opt + 32);
	info.size_of_image = get_le32(f + opt + 56);
	info.size_of_headers = get_le32(f + opt + 60);
	info.subsystem = get_le16(f + opt + 68);
	info.dll_characteristics = get_le16(f + opt + 70);
	dirs = get_le32(f + opt + 108);
	if (info.subsystem < PE_SUBSYSTEM_EFI_APPLICATION ||
	    info.subsystem > PE_SUBSYSTEM_EFI_RUNTIME_DRIVER)
		return EFI_UNSUPPORTED;
	if (!info.section_alignment || (info.section_alignment & (info.section_alignment - 1)))
		return EFI_LOAD_ERROR;
	if (!info.size_of_image || info.size_of_headers > info.size_of_image ||
	    info.size_of_headers > file_size || info.size_of_headers < opt + opt_size)
		return EFI_LOAD_ERROR;
	if (dirs > 16 || OPT_MIN_SIZE + 8 * dirs > opt_size)
		return EFI_LOAD_ERROR;
	if (dirs > DIR_BASERELOC) {
		info.reloc_rva = get_le32(f + opt + OPT_MIN_SIZE + 8 * DIR_BASERELOC);
		info.reloc_size = get_le32(f + opt + OPT_MIN_SIZE + 8 * DIR_BASERELOC + 4);
		if (info.reloc_size &&
		    !in_range(info.reloc_rva, info.reloc_size, info.size_of_image))
			return EFI_LOAD_ERROR;
	}
	if (info.entry_point >= info.size_of_image)
		return EFI_LOAD_ERROR;

	info.section_table = opt + opt_size;
	/* 96 sections is the PE specification's own loader limit; it also bounds the overlap check. */
	if (!info.number_of_sections || info.number_of_sections > PE_MAX_SECTIONS ||
	    !in_range(info.section_table, (UINT64)info.number_of_sections * SECTION_HEADER_SIZE,
		      file_size))
		return EFI_LOAD_ERROR;
	for (UINT32 i = 0; i < info.number_of_sections; i++) {
		const UINT8 *s = f + info.section_table + i * SECTION_HEADER_SIZE;
		UINT32 va = get_le32(s + 12), raw = get_le32(s + 16), ptr = get_le32(s + 20);
		UINT32 vsize = section_size(get_le32(s + 8), raw);

		if (va < info.size_of_headers || !in_range(va, vsize, info.size_of_image))
			return EFI_LOAD_ERROR;
		if (raw && !in_range(ptr, raw, file_size))
			return EFI_LOAD_ERROR;
		for (UINT32 j = 0; j < i; j++) {
			const UINT8 *o = f + info.section_table + j * SECTION_HEADER_SIZE;
			UINT32 ova = get_le32(o + 12),
			       ovsize = section_size(get_le32(o + 8), get_le32(o + 16));

			if (vsize && ovsize && va < ova + ovsize && ova < va + vsize)
				return EFI_LOAD_ERROR; /* overlapping sections */
		}
	}
	*ret_info = info;
	return EFI_SUCCESS;
}

static EFI_STATUS pe_relocate(UINT8 *image, const struct pe_image_info *info, UINT64 delta)
{
	UINT32 off = info->reloc_rva, end = info->reloc_rva + info->reloc_size;

	while (off + 8 <= end) {
		UINT32 page = get_le32(image + off), block = get_le32(image + off + 4);

		if (block < 8 || block > end - off)
			return EFI_LOAD_ERROR;
		for (UINT32 e = 8; e + 2 <= block; e += 2) {
			UINT16 entry = get_le16(image + off + e);
			UINT64 target = (UINT64)page + (entry & 0xfff);

			switch (entry >> 12) {
			case REL_BASED_ABSOLUTE:
				break;
			case REL_BASED_DIR64:
				if (!in_range(target, 8, info->size_of_image))
					return EFI_LOAD_ERROR;
				wr64(image + target, get_le64(image + target) + delta);
				break;
			case REL_BASED_HIGHLOW:
				if (!in_range(target, 4, info->size_of_image))
					return EFI_LOAD_ERROR;
				wr32(image + target, get_le32(image + target) + (UINT32)delta);
				break;
			default:
				return EFI_LOAD_ERROR;
			}
		}
		off += block;
	}
	return EFI_SUCCESS;
}

EFI_STATUS pe_load(const void *file, UINTN file_size, const struct pe_image_info *info, void *dest)
{
	const UINT8 *f = file;
	UINT8 *image = dest;
	UINT64 delta = (UINTN)dest - info->image_base;

	memset(image, 0, info->size_of_image);
	memcpy(image, f, info->size_of_headers);
	for (UINT32 i = 0; i < info->number_of_sections; i++) {
		const UINT8 *s = f + info->section_table + i * SECTION_HEADER_SIZE;
		UINT32 va = get_le32(s + 12), raw = get_le32(s + 16), ptr = get_le32(s + 20);
		UINT32 vsize = section_size(get_le32(s + 8), raw);

		/* pe_parse put [va, va + vsize) in the image and [ptr, ptr + raw) in the file. */
		memcpy(image + va, f + ptr, raw < vsize ? raw : vsize);
	}
	if (!delta)
		return EFI_SUCCESS;
	if (!info->reloc_size)
		return (info->characteristics & IMAGE_FILE_RELOCS_STRIPPED) ? EFI_LOAD_ERROR
									    : EFI_SUCCESS;
	return pe_relocate(image, info, delta);
}

EFI_STATUS pe_find_section(const void *file, UINTN file_size, const struct pe_image_info *info,
			   const char *name, UINT32 *ret_rva, UINT32 *ret_size)
{
	const UINT8 *f = file;
	UINTN len = strlen(name);

	if (len > 8)
		return EFI_INVALID_PARAMETER;
	for (UINT32 i = 0; i < info->number_of_sections; i++) {
		const UINT8 *s = f + info->section_table + i * SECTION_HEADER_SIZE;

		if (memcmp(s, name, len) == 0 && (len == 8 || s[len] == 0)) {
			*ret_rva = get_le32(s + 12);
			*ret_size = get_le32(s + 8);
			return EFI_SUCCESS;
		}
	}
	return EFI_NOT_FOUND;
}

void pe_section(const void *file, const struct pe_image_info *info, UINT32 index, UINT32 *ret_rva,
		UINT32 *ret_size, UINT32 *ret_characteristics)
{
	const UINT8 *s = (const UINT8 *)file + info->section_table + index * SECTION_HEADER_SIZE;

	*ret_rva = get_le32(s + 12);
	*ret_size = section_size(get_le32(s + 8), get_le32(s + 16));
	*ret_characteristics = get_le32(s + 36);
}

const char *pe_debug_pdb_name(const void *image, UINTN image_size)
{
	const UINT8 *m = image;
	UINT32 pe, opt, count, dir, dir_size;

	if (!m || image_size < 0x40 || get_le16(m) != DOS_MAGIC)
		return NULL;
	pe = get_le32(m + 0x3c);
	if (!in_range(pe, 24 + 112, image_size) || get_le32(m + pe) != 0x00004550)
		return NULL;
	opt = pe + 24;
	if (get_le16(m + opt) != 0x20b)
		return NULL;
	count = get_le32(m + opt + 108);
	if (count <= 6 || !in_range(opt + 112 + 7 * 8, 0, image_size))
		return NULL;
	dir = get_le32(m + opt + 112 + 6 * 8);
	dir_size = get_le32(m + opt + 112 + 6 * 8 + 4);
	if (!dir || !in_range(dir, dir_size, image_size))
		return NULL;
	for (UINT32 e = dir; e + 28 <= dir + dir_size; e += 28) {
		UINT32 size = get_le32(m + e + 16), rva = get_le32(m + e + 20), name;

		if (get_le32(m + e + 12) != 2 /* IMAGE_DEBUG_TYPE_CODEVIEW */ || !rva ||
		    !in_range(rva, size, image_size) || size < 16)
			continue;
		if (!memcmp(m + rva, "RSDS", 4) && size > 24)
			name = rva + 24;
		else if (!memcmp(m + rva, "NB10", 4))
			name = rva + 16;
		else
			continue;
		/* The name must end inside the entry's data. */
		for (UINT32 i = name; i < rva + size; i++)
			if (!m[i])
				return i > name ? (const char *)m + name : NULL;
	}
	return NULL;
}
