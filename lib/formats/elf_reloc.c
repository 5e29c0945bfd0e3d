/* SPDX-License-Identifier: MIT */
/* Applying relative relocations (RELA and packed RELR), all entries checked before the first write. */
#include "lib/formats/elf_reloc.h"
#include "lib/string.h"

#define ELF64_R_TYPE(info) ((UINT32)(info))

/*
 * Entries are copied out with memcpy: the table sits wherever the image put it, so neither the
 * table nor the relocated words need be aligned.
 */
static EFI_STATUS check_entry(const Elf64_Rela *rela, UINT64 image_size, UINT64 rela_offset,
			      UINT64 rela_size)
{
	switch (ELF64_R_TYPE(rela->r_info)) {
	case R_X86_64_NONE:
		return EFI_SUCCESS;
	case R_X86_64_RELATIVE:
		if (image_size < sizeof(UINT64) || rela->r_offset > image_size - sizeof(UINT64))
			return EFI_LOAD_ERROR;
		/* A write into the table would change entries already checked. */
		if (rela->r_offset + sizeof(UINT64) > rela_offset &&
		    rela->r_offset < rela_offset + rela_size)
			return EFI_LOAD_ERROR;
		return EFI_SUCCESS;
	default:
		return EFI_LOAD_ERROR;
	}
}

EFI_STATUS elf_reloc_apply(void *image, UINT64 image_size, UINT64 rela_offset, UINT64 rela_size,
			   UINT64 new_base)
{
	UINT8 *base = image;
	Elf64_Rela rela;
	UINT64 off, value;
	EFI_STATUS status;

	if (rela_offset > image_size || rela_size > image_size - rela_offset ||
	    rela_size % sizeof(Elf64_Rela) != 0)
		return EFI_LOAD_ERROR;
	for (off = 0; off < rela_size; off += sizeof(rela)) {
		memcpy(&rela, base + rela_offset + off, sizeof(rela));
		status = check_entry(&rela, image_size, rela_offset, rela_size);
		if (EFI_ERROR(status))
			return status;
	}
	/* new_base + addend, not += delta: applying twice gives the same bytes. */
	for (off = 0; off < rela_size; off += sizeof(rela)) {
		memcpy(&rela, base + rela_offset + off, sizeof(rela));
		if (ELF64_R_TYPE(rela.r_info) != R_X86_64_RELATIVE)
			continue;
		value = new_base + (UINT64)rela.r_addend;
		memcpy(base + rela.r_offset, &value, sizeof(value));
	}
	return EFI_SUCCESS;
}

/*
 * One pass over a RELR table: check every place it names (apply FALSE), or add delta to each
 * (apply TRUE). A place is a whole word in the image and outside the table.
 */
static EFI_STATUS relr_walk(UINT8 *base, UINT64 image_size, UINT64 relr_offset, UINT64 relr_size,
			    UINT64 delta, BOOLEAN apply)
{
	UINT64 word, where = 0, value;
	BOOLEAN have_where = FALSE;

	for (UINT64 off = 0; off < relr_size; off += sizeof(word)) {
		memcpy(&word, base + relr_offset + off, sizeof(word));
		/* An address names one place; a bitmap's bit n the place n - 1 words after it. */
		for (unsigned bit = 0; bit < 64; bit++) {
			UINT64 place;

			if (!(word & 1)) {
				place = word;
				where = word + sizeof(UINT64);
				have_where = TRUE;
				bit = 64;
			} else if (!bit || !(word >> bit & 1)) {
				continue;
			} else if (!have_where) {
				return EFI_LOAD_ERROR; /* a bitmap before any address */
			} else {
				place = where + (bit - 1) * sizeof(UINT64);
			}
			if (image_size < sizeof(UINT64) || place > image_size - sizeof(UINT64) ||
			    (place + sizeof(UINT64) > relr_offset && place < relr_offset + relr_size))
				return EFI_LOAD_ERROR;
			if (apply) {
				memcpy(&value, base + place, sizeof(value));
				value += delta;
				memcpy(base + place, &value, sizeof(value));
			}
		}
		if (word & 1)
			where += 63 * sizeof(UINT64);
	}
	return EFI_SUCCESS;
}

EFI_STATUS elf_relr_apply(void *image, UINT64 image_size, UINT64 relr_offset, UINT64 relr_size,
			  UINT64 delta)
{
	EFI_STATUS status;

	if (relr_offset > image_size || relr_size > image_size - relr_offset ||
	    relr_size % sizeof(UINT64) != 0)
		return EFI_LOAD_ERROR;
	status = relr_walk(image, image_size, relr_offset, relr_size, delta, FALSE);
	if (EFI_ERROR(status))
		return status;
	return relr_walk(image, image_size, relr_offset, relr_size, delta, TRUE);
}
