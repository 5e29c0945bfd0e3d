/* SPDX-License-Identifier: MIT */
/* PE32+ (x86-64) image parsing and loading with every header field bounds-checked (PE/COFF spec). */
#pragma once

#include "include/efi/types.h"

#define PE_MACHINE_X64 0x8664
#define PE_SUBSYSTEM_EFI_APPLICATION 10
#define PE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER 11
#define PE_SUBSYSTEM_EFI_RUNTIME_DRIVER 12
#define PE_DLL_NX_COMPAT 0x0100		/* optional header DllCharacteristics */
#define PE_SCN_MEM_EXECUTE 0x20000000u	/* section Characteristics */
#define PE_SCN_MEM_WRITE 0x80000000u

struct pe_image_info {
	UINT64 image_base;		/* preferred load address */
	UINT32 size_of_image;
	UINT32 size_of_headers;
	UINT32 entry_point;		/* RVA */
	UINT32 section_alignment;
	UINT32 section_table;		/* file offset of the section headers */
	UINT16 number_of_sections;
	UINT16 machine;
	UINT16 subsystem;
	UINT16 characteristics;
	UINT16 dll_characteristics;
	UINT32 reloc_rva;		/* base relocation directory, 0 if none */
	UINT32 reloc_size;
};

/*
 * Check headers and section table of a PE32+ file of file_size bytes: signatures, optional header
 * magic and size, section placement inside SizeOfImage and raw data inside the file, no
 * overlapping sections, entry point inside the image. EFI_LOAD_ERROR when malformed,
 * EFI_UNSUPPORTED for another machine or a non-EFI subsystem.
 */
EFI_STATUS pe_parse(const void *file, UINTN file_size, struct pe_image_info *ret_info);
/*
 * Copy headers and sections to dest (size_of_image bytes, which this zeroes first) and apply the
 * base relocations for dest's address. EFI_LOAD_ERROR on a bad relocation; dest is then garbage.
 */
EFI_STATUS pe_load(const void *file, UINTN file_size, const struct pe_image_info *info, void *dest);
/* Find a section by name (up to 8 bytes): its RVA and virtual size. EFI_NOT_FOUND if absent. */
EFI_STATUS pe_find_section(const void *file, UINTN file_size, const struct pe_image_info *info,
			   const char *name, UINT32 *ret_rva, UINT32 *ret_size);
/* Section index (below number_of_sections) of a file pe_parse accepted: RVA, size, Characteristics. */
void pe_section(const void *file, const struct pe_image_info *info, UINT32 index, UINT32 *ret_rva,
		UINT32 *ret_size, UINT32 *ret_characteristics);
/*
 * The PDB path a loaded image (image_size bytes as placed in memory, RVAs as offsets) names in
 * its CodeView debug entry (RSDS or NB10), NUL-terminated inside the image; NULL if it has none.
 */
const char *pe_debug_pdb_name(const void *image, UINTN image_size);
