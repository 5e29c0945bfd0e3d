/* SPDX-License-Identifier: MIT */
/* The real runtime blob on the host: relocated at two addresses, moved by SetVirtualAddressMap. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "include/efi/system_table.h"
#include "include/strata/runtime_abi.h"
#include "lib/crc32.h"
#include "lib/formats/elf_reloc.h"
#include "lib/formats/stage_image.h"

#ifndef RUNTIME_BIN_PATH
#define RUNTIME_BIN_PATH "build/runtime.bin"	/* make runs tests from the tree's root */
#endif

#define NV_BS_RT                                                                                  \
	(EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)

static struct stage_image_header header;
static UINT8 *body;
static UINTN mapped_size;	/* memory_size rounded up to pages */
static EFI_GUID guid = { 0x8be4df61, 0x93ca, 0x11d2, { 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b,
						      0x8c } };
static int log_lines;

static void test_log(const char *message)
{
	log_lines++;
}

static int read_blob(void **state)
{
	static UINT8 file[STAGE_IMAGE_MAX_BODY / 64];
	FILE *f = fopen(RUNTIME_BIN_PATH, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "cannot open %s (make %s)\n", RUNTIME_BIN_PATH, RUNTIME_BIN_PATH);
		return -1;
	}
	n = fread(file, 1, sizeof(file), f);
	fclose(f);
	if (stage_image_check_header(file, n, STAGE_KIND_RUNTIME, &header) != EFI_SUCCESS)
		return -1;
	body = file + header.header_size;
	if (stage_image_verify_body(&header, body) != EFI_SUCCESS)
		return -1;
	mapped_size = (header.memory_size + 4095) & ~(UINTN)4095;
	return 0;
}

/* What stage0 does: copy the body, zero the bss, relocate for where it sits. */
static void place(UINT8 *mem)
{
	memcpy(mem, body, header.body_size);
	memset(mem + header.body_size, 0, header.memory_size - header.body_size);
	assert_int_equal(elf_reloc_apply(mem, header.memory_size, header.rela_offset,
					 header.rela_size, (UINT64)(UINTN)mem), EFI_SUCCESS);
}

static struct runtime_boot_info boot_info(UINT8 *mem)
{
	return (struct runtime_boot_info){
		.version = RUNTIME_ABI_VERSION,
		.size = sizeof(struct runtime_boot_info),
		.image_base = (UINT64)(UINTN)mem,
		.image_size = header.memory_size,
		.rela_offset = header.rela_offset,
		.rela_size = header.rela_size,
		.log = test_log,
	};
}

/* What stage1 does: call the entry with the boot info. */
static struct runtime_exports *enter(UINT8 *mem, const struct runtime_boot_info *info)
{
	runtime_entry_fn entry = (runtime_entry_fn)(UINTN)(mem + header.entry_offset);

	return entry(info);
}

static UINT8 *map_anonymous(void)
{
	void *p = mmap(NULL, mapped_size, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static BOOLEAN inside(const void *p, const UINT8 *mem)
{
	return (const UINT8 *)p >= mem && (const UINT8 *)p < mem + header.memory_size;
}

/* Every service, and every export stage1 calls, points into the copy at mem. */
static void assert_table_inside(const struct runtime_exports *ex, const UINT8 *mem)
{
	void *const *fn = (void *const *)&ex->services.GetTime;

	for (int i = 0; i < 14; i++)
		assert_true(inside(fn[i], mem));
	assert_true(inside((void *)(UINTN)ex->exit_boot_services, mem));
	assert_true(inside((void *)(UINTN)ex->register_va_event, mem));
	assert_true(inside((void *)(UINTN)ex->lock_variable, mem));
}

/* No 8-byte word of the copy at mem holds an address inside the copy at other. */
static void assert_no_pointer_into(const UINT8 *mem, const UINT8 *other)
{
	for (UINTN off = 0; off + 8 <= header.memory_size; off++) {
		UINT64 v;

		memcpy(&v, mem + off, sizeof(v));
		if (inside((void *)(UINTN)v, other))
			fail_msg("word at +0x%zx is 0x%llx, inside the other copy", (size_t)off,
				 (unsigned long long)v);
	}
}

static void assert_crc_ok(EFI_TABLE_HEADER *hdr, UINTN size)
{
	UINT32 saved = hdr->CRC32;

	hdr->CRC32 = 0;
	assert_int_equal(crc32(hdr, size), saved);
	hdr->CRC32 = saved;
}

static EFI_STATUS set_var(EFI_RUNTIME_SERVICES *rt, const CHAR16 *name, const char *data)
{
	return rt->SetVariable((CHAR16 *)name, &guid, NV_BS_RT, strlen(data), (VOID *)data);
}

static void assert_var(EFI_RUNTIME_SERVICES *rt, const CHAR16 *name, const char *data)
{
	char buf[64];
	UINTN size = sizeof(buf);

	assert_int_equal(rt->GetVariable((CHAR16 *)name, &guid, NULL, &size, buf), EFI_SUCCESS);
	assert_int_equal(size, strlen(data));
	assert_memory_equal(buf, data, size);
}

static void test_two_addresses(void **state)
{
	UINT8 *one = map_anonymous(), *two = map_anonymous();
	struct runtime_boot_info info_one = boot_info(one), info_two = boot_info(two);
	struct runtime_exports *a, *b;
	UINTN size = 0;

	place(one);
	place(two);
	log_lines = 0;
	a = enter(one, &info_one);
	b = enter(two, &info_two);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(log_lines, 2);
	assert_true(inside(a, one));
	assert_true(inside(b, two));
	assert_int_equal(a->version, RUNTIME_ABI_VERSION);
	assert_int_equal(a->services.Hdr.Signature, EFI_RUNTIME_SERVICES_SIGNATURE);
	assert_crc_ok(&a->services.Hdr, sizeof(a->services));
	assert_table_inside(a, one);
	assert_table_inside(b, two);

	/* Each copy has its own store. */
	assert_int_equal(set_var(&a->services, u"Copy", "one"), EFI_SUCCESS);
	assert_int_equal(set_var(&b->services, u"Copy", "two"), EFI_SUCCESS);
	assert_var(&a->services, u"Copy", "one");
	assert_var(&b->services, u"Copy", "two");
	assert_int_equal(b->services.GetVariable(u"Absent", &guid, NULL, &size, NULL),
			 EFI_NOT_FOUND);
	assert_no_pointer_into(two, one);
	assert_no_pointer_into(one, two);
	munmap(one, mapped_size);
	munmap(two, mapped_size);
}

static void test_entry_refuses(void **state)
{
	UINT8 *mem = map_anonymous();
	struct runtime_boot_info info = boot_info(mem);

	place(mem);
	info.version = RUNTIME_ABI_VERSION + 1;
	assert_null(enter(mem, &info));
	info = boot_info(mem);
	info.size = 8;
	assert_null(enter(mem, &info));
	/* Told another base than the one it runs at. */
	info = boot_info(mem);
	info.image_base += 4096;
	assert_null(enter(mem, &info));
	/* Relocated for another address than where it runs. */
	assert_int_equal(elf_reloc_apply(mem, header.memory_size, header.rela_offset,
					 header.rela_size, 0x100000), EFI_SUCCESS);
	info = boot_info(mem);
	assert_null(enter(mem, &info));
	munmap(mem, mapped_size);
}

/* The virtual-address-change notify: runs in physical mode and converts a pointer of its own. */
static int notified;
static void *converted;

static VOID EFIAPI va_notify(EFI_EVENT event, VOID *context)
{
	EFI_RUNTIME_SERVICES *rt = context;

	notified++;
	assert_int_equal(rt->ConvertPointer(0, &converted), EFI_SUCCESS);
}

struct fake_map {
	EFI_MEMORY_DESCRIPTOR d;
	UINT64 padding;		/* DescriptorSize 48, as firmware often reports, not 40 */
};

static void describe(struct fake_map *m, UINT32 type, UINT64 phys, UINT64 virt, UINT64 bytes,
		     UINT64 attr)
{
	*m = (struct fake_map){ { type, phys, virt, bytes >> EFI_PAGE_SHIFT, attr }, 0 };
}

static void test_set_virtual_address_map(void **state)
{
	int fd = memfd_create("runtime", 0);
	UINT8 *phys, *virt, *other = map_anonymous();
	EFI_SYSTEM_TABLE *st = aligned_alloc(4096, 4096);
	struct runtime_boot_info info;
	struct runtime_exports *ex;
	EFI_RUNTIME_SERVICES *rt, *vrt;
	struct fake_map map[4];
	EFI_STATUS status;
	CHAR16 name[32] = u"";
	UINTN size;

	/* Two mappings of the same pages: the physical copy and the OS's virtual view of it. */
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, mapped_size), 0);
	phys = mmap(NULL, mapped_size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED, fd, 0);
	/* Inaccessible until SetVirtualAddressMap returns: the blob may not use it before. */
	virt = mmap(NULL, mapped_size, PROT_NONE, MAP_SHARED, fd, 0);
	assert_true(phys != MAP_FAILED && virt != MAP_FAILED);

	place(phys);
	info = boot_info(phys);
	info.system_table = (UINT64)(UINTN)st;
	ex = enter(phys, &info);
	assert_non_null(ex);
	rt = &ex->services;
	memset(st, 0, sizeof(*st));
	st->Hdr.HeaderSize = sizeof(*st);
	st->RuntimeServices = rt;
	st->ConfigurationTable = (EFI_CONFIGURATION_TABLE *)(st + 1);
	st->FirmwareVendor = (CHAR16 *)u"outside every runtime range";
	assert_int_equal(set_var(rt, u"Before", "set at boot"), EFI_SUCCESS);
	converted = phys + 0x10;
	assert_int_equal(ex->register_va_event((EFI_EVENT)1, va_notify, rt), EFI_SUCCESS);

	describe(&map[0], EfiConventionalMemory, 0x100000, 0x100000, 0x100000, 0);
	describe(&map[1], EfiRuntimeServicesCode, (UINT64)(UINTN)phys, (UINT64)(UINTN)virt,
		 mapped_size, EFI_MEMORY_RUNTIME);
	describe(&map[2], EfiRuntimeServicesData, (UINT64)(UINTN)st, (UINT64)(UINTN)st, 4096,
		 EFI_MEMORY_RUNTIME);
	describe(&map[3], EfiBootServicesData, (UINT64)(UINTN)other, (UINT64)(UINTN)other,
		 mapped_size, 0);

	/* Only after ExitBootServices. */
	assert_int_equal(rt->SetVirtualAddressMap(sizeof(map), sizeof(map[0]), 1, &map[0].d),
			 EFI_UNSUPPORTED);
	ex->exit_boot_services();
	assert_int_equal(rt->SetVirtualAddressMap(sizeof(map), sizeof(map[0]), 2, &map[0].d),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(rt->SetVirtualAddressMap(sizeof(map) - 8, sizeof(map[0]), 1, &map[0].d),
			 EFI_INVALID_PARAMETER);
	/* A map that leaves the image out, or splits it with two deltas: no mapping for it. */
	assert_int_equal(rt->SetVirtualAddressMap(sizeof(map[0]), sizeof(map[0]), 1, &map[0].d),
			 EFI_NO_MAPPING);
	describe(&map[1], EfiRuntimeServicesCode, (UINT64)(UINTN)phys, (UINT64)(UINTN)virt, 4096,
		 EFI_MEMORY_RUNTIME);
	describe(&map[0], EfiRuntimeServicesData, (UINT64)(UINTN)phys + 4096,
		 (UINT64)(UINTN)other, mapped_size - 4096, EFI_MEMORY_RUNTIME);
	assert_int_equal(rt->SetVirtualAddressMap(sizeof(map), sizeof(map[0]), 1, &map[0].d),
			 EFI_NO_MAPPING);
	assert_int_equal(notified, 0);
	/* The same split with one delta is fine. */
	describe(&map[0], EfiRuntimeServicesData, (UINT64)(UINTN)phys + 4096,
		 (UINT64)(UINTN)virt + 4096, mapped_size - 4096, EFI_MEMORY_RUNTIME);

	status = rt->SetVirtualAddressMap(sizeof(map), sizeof(map[0]), 1, &map[0].d);
	assert_int_equal(status, EFI_SUCCESS);
	assert_int_equal(notified, 1);
	assert_ptr_equal(converted, virt + 0x10);

	/* The OS switches to its map: the physical copy disappears, any use of it faults. */
	assert_int_equal(mprotect(virt, mapped_size, PROT_READ | PROT_WRITE | PROT_EXEC), 0);
	assert_int_equal(mprotect(phys, mapped_size, PROT_NONE), 0);
	vrt = (EFI_RUNTIME_SERVICES *)(virt + ((UINT8 *)rt - phys));
	assert_table_inside((struct runtime_exports *)(virt + ((UINT8 *)ex - phys)), virt);
	assert_crc_ok(&vrt->Hdr, sizeof(*vrt));
	assert_ptr_equal(st->RuntimeServices, vrt);
	assert_ptr_equal(st->ConfigurationTable, st + 1);
	assert_crc_ok(&st->Hdr, sizeof(*st));

	assert_var(vrt, u"Before", "set at boot");
	assert_int_equal(set_var(vrt, u"After", "set by the OS"), EFI_SUCCESS);
	assert_var(vrt, u"After", "set by the OS");
	size = sizeof(name);
	assert_int_equal(vrt->GetNextVariableName(&size, name, &guid), EFI_SUCCESS);
	assert_memory_equal(name, u"Before", sizeof(u"Before"));
	/* Once only; ConvertPointer has no map any more. */
	converted = virt;
	assert_int_equal(vrt->ConvertPointer(0, &converted), EFI_NOT_FOUND);
	assert_int_equal(vrt->SetVirtualAddressMap(sizeof(map), sizeof(map[0]), 1, &map[0].d),
			 EFI_UNSUPPORTED);
	assert_no_pointer_into(virt, phys);

	munmap(phys, mapped_size);
	munmap(virt, mapped_size);
	munmap(other, mapped_size);
	close(fd);
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_addresses),
		cmocka_unit_test(test_entry_refuses),
		cmocka_unit_test(test_set_virtual_address_map),
	};

	return cmocka_run_group_tests(tests, read_blob, NULL);
}
