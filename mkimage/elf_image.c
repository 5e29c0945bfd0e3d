/* SPDX-License-Identifier: MIT */
/* Turn a position-independent x86-64 ELF into the flat body of a stage image, refusing what the
 * loader cannot handle. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "mkimage/mkimage.h"

#define PAGE_SIZE 4096u

/* Upper bound on the ELF file itself; the body is bounded separately by STAGE_IMAGE_MAX_BODY. */
#define ELF_MAX_FILE (256u * 1024 * 1024)

/* True if [offset, offset + size) lies within a file of file_size bytes, without overflow. */
static int in_file(uint64_t offset, uint64_t size, uint64_t file_size)
{
	return offset <= file_size && size <= file_size - offset;
}

static int check_ehdr(const char *path, const uint8_t *data, size_t size)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)data;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return mk_error("%s: not an ELF file", path);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return mk_error("%s: not a 64-bit little-endian ELF", path);
	if (eh->e_machine != EM_X86_64)
		return mk_error("%s: not an x86-64 ELF (e_machine %u)", path, eh->e_machine);
	if (eh->e_type != ET_DYN)
		return mk_error(
			"%s: not position-independent (e_type %u, want ET_DYN: link with -pie)",
			path, eh->e_type);
	if (eh->e_phnum == 0 || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size))
		return mk_error("%s: program headers missing or out of the file", path);
	return 0;
}

/* Check the PT_LOAD segments and find the body and memory extents. */
static int scan_segments(const char *path, const uint8_t *data, size_t size, const Elf64_Phdr *ph,
			 unsigned int phnum, struct elf_image *img, const Elf64_Phdr **ret_dynamic)
{
	uint64_t prev_end = 0, mem_end = 0, body_end = 0;
	unsigned int loads = 0;

	*ret_dynamic = NULL;
	for (unsigned int i = 0; i < phnum; i++) {
		const Elf64_Phdr *p = &ph[i];

		switch (p->p_type) {
		case PT_INTERP:
			return mk_error("%s: has PT_INTERP (link with --no-dynamic-linker)", path);
		case PT_TLS:
			return mk_error(
				"%s: has thread-local storage (PT_TLS), which no loader sets up",
				path);
		case PT_DYNAMIC:
			if (*ret_dynamic)
				return mk_error("%s: more than one PT_DYNAMIC", path);
			if (!in_file(p->p_offset, p->p_filesz, size))
				return mk_error("%s: PT_DYNAMIC outside the file", path);
			*ret_dynamic = p;
			continue;
		case PT_LOAD:
			break;
		default:
			continue;
		}
		/* A negative address read as signed means the image was not linked at 0. */
		if ((int64_t)p->p_vaddr < 0 || p->p_memsz > STAGE_IMAGE_MAX_BODY ||
		    p->p_vaddr > STAGE_IMAGE_MAX_BODY - p->p_memsz)
			return mk_error(
				"%s: PT_LOAD %u at 0x%llx+0x%llx is outside 0..64 MiB (link at 0)",
				path, i, (unsigned long long)p->p_vaddr,
				(unsigned long long)p->p_memsz);
		if (p->p_filesz > p->p_memsz || !in_file(p->p_offset, p->p_filesz, size))
			return mk_error("%s: PT_LOAD %u file bytes out of range", path, i);
		/* ELF requires ascending order; overlap would make the flat image ambiguous. */
		if (loads && p->p_vaddr < prev_end)
			return mk_error(
				"%s: PT_LOAD %u at 0x%llx overlaps or precedes the previous one",
				path, i, (unsigned long long)p->p_vaddr);
		prev_end = p->p_vaddr + p->p_memsz;
		if (prev_end > mem_end)
			mem_end = prev_end;
		if (p->p_filesz && p->p_vaddr + p->p_filesz > body_end)
			body_end = p->p_vaddr + p->p_filesz;
		loads++;
	}
	if (!loads || body_end == 0)
		return mk_error("%s: no PT_LOAD segment with file contents", path);
	img->body_size = body_end;
	img->memory_size = (mem_end + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	if (img->memory_size > STAGE_IMAGE_MAX_BODY)
		return mk_error("%s: loaded size 0x%llx exceeds the 64 MiB stage image limit", path,
				(unsigned long long)img->memory_size);

	img->body = calloc(1, body_end);
	if (!img->body)
		return mk_error("%s: out of memory", path);
	for (unsigned int i = 0; i < phnum; i++) {
		if (ph[i].p_type == PT_LOAD && ph[i].p_filesz)
			memcpy(img->body + ph[i].p_vaddr, data + ph[i].p_offset, ph[i].p_filesz);
	}
	return 0;
}

/* Find DT_RELA/DT_RELASZ (and stage1's DT_RELR), refuse every other kind of relocation table. */
static int scan_dynamic(const char *path, const uint8_t *data, const Elf64_Phdr *dyn,
			struct elf_image *img)
{
	const Elf64_Dyn *d = (const Elf64_Dyn *)(data + dyn->p_offset);
	size_t count = dyn->p_filesz / sizeof(*d);
	int have_rela = 0, have_relasz = 0;

	for (size_t i = 0; i < count && d[i].d_tag != DT_NULL; i++) {
		switch (d[i].d_tag) {
		case DT_RELA:
			img->rela_offset = d[i].d_un.d_ptr;
			have_rela = 1;
			break;
		case DT_RELASZ:
			img->rela_size = d[i].d_un.d_val;
			have_relasz = 1;
			break;
		case DT_RELAENT:
			if (d[i].d_un.d_val != sizeof(Elf64_Rela))
				return mk_error("%s: DT_RELAENT is %llu, want %zu", path,
						(unsigned long long)d[i].d_un.d_val,
						sizeof(Elf64_Rela));
			break;
		case DT_RELR:
			img->relr_offset = d[i].d_un.d_ptr;
			break;
		case DT_RELRSZ:
			img->relr_size = d[i].d_un.d_val;
			break;
		case DT_RELRENT:
			if (d[i].d_un.d_val != sizeof(uint64_t))
				return mk_error("%s: DT_RELRENT is %llu, want 8", path,
						(unsigned long long)d[i].d_un.d_val);
			break;
		case DT_REL:
		case DT_RELSZ:
			return mk_error("%s: has DT_REL relocations; only RELA is supported", path);
		case DT_JMPREL:
		case DT_PLTRELSZ:
			/* A PLT means calls bound by symbol at run time: nothing here does that. */
			if (d[i].d_tag == DT_JMPREL || d[i].d_un.d_val)
				return mk_error("%s: has PLT relocations (DT_JMPREL); build with "
						"-fvisibility=hidden and no external symbols",
						path);
			break;
		case DT_NEEDED:
			return mk_error("%s: needs shared libraries (DT_NEEDED)", path);
		case DT_TEXTREL:
			return mk_error("%s: has text relocations (DT_TEXTREL); link with -z text",
					path);
		default:
			break;
		}
	}
	if (img->relr_offset > img->body_size || img->relr_size > img->body_size - img->relr_offset ||
	    img->relr_offset % 8 || img->relr_size % 8)
		return mk_error("%s: packed relocation table (DT_RELR) outside the file bytes or "
				"misaligned", path);
	if (have_rela != have_relasz)
		return mk_error("%s: DT_RELA and DT_RELASZ must come together", path);
	if (!have_rela)
		return 0;
	if (img->rela_offset > img->body_size || img->rela_size > img->body_size - img->rela_offset)
		return mk_error("%s: relocation table outside the loaded file bytes", path);
	if (img->rela_offset % 8 || img->rela_size % sizeof(Elf64_Rela))
		return mk_error("%s: relocation table misaligned or of odd size", path);
	return 0;
}

/* The build check that no absolute relocation remains: only RELATIVE (and NONE) may. */
static int check_relocations(const char *path, const struct elf_image *img)
{
	const uint8_t *table = img->body + img->rela_offset;

	for (uint64_t off = 0; off < img->rela_size; off += sizeof(Elf64_Rela)) {
		Elf64_Rela r;
		uint32_t type;

		memcpy(&r, table + off, sizeof(r));
		type = ELF64_R_TYPE(r.r_info);
		if (type == R_X86_64_NONE)
			continue;
		if (type != R_X86_64_RELATIVE)
			return mk_error(
				"%s: relocation %llu at 0x%llx has type %u, not "
				"R_X86_64_RELATIVE: an absolute or symbolic relocation remains",
				path, (unsigned long long)(off / sizeof(r)),
				(unsigned long long)r.r_offset, type);
		if (r.r_offset > img->body_size || 8 > img->body_size - r.r_offset)
			return mk_error("%s: relocation at 0x%llx is outside the file bytes", path,
					(unsigned long long)r.r_offset);
	}
	return 0;
}

int elf_image_load(const char *path, struct elf_image *ret_image)
{
	struct elf_image img = { 0 };
	const Elf64_Phdr *dynamic;
	const Elf64_Ehdr *eh;
	uint8_t *data;
	size_t size;

	if (mk_read_file(path, ELF_MAX_FILE, &data, &size) < 0)
		return -1;
	if (check_ehdr(path, data, size) < 0)
		goto err_free_data;
	eh = (const Elf64_Ehdr *)data;
	if (scan_segments(path, data, size, (const Elf64_Phdr *)(data + eh->e_phoff), eh->e_phnum,
			  &img, &dynamic) < 0)
		goto err_free_body;
	if (dynamic && scan_dynamic(path, data, dynamic, &img) < 0)
		goto err_free_body;
	if (check_relocations(path, &img) < 0)
		goto err_free_body;
	if (eh->e_entry >= img.body_size) {
		mk_error("%s: entry point 0x%llx is outside the loaded file bytes", path,
			 (unsigned long long)eh->e_entry);
		goto err_free_body;
	}
	img.entry_offset = eh->e_entry;
	free(data);
	*ret_image = img;
	return 0;

err_free_body:
	free(img.body);
err_free_data:
	free(data);
	return -1;
}

void elf_image_free(struct elf_image *image)
{
	free(image->body);
	image->body = NULL;
}
