/* SPDX-License-Identifier: MIT */
/* stage1's identity map: all RAM (above 4 GiB too) and the 32-bit PCI hole, in 2 MiB or 1 GiB pages. */
#include "lib/drivers/io.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/memory.h"
#include "stage1/core/paging.h"

#define LOG_PREFIX "paging: "
#include "lib/log.h"

#define PTE_PRESENT 0x001ull
#define PTE_WRITE 0x002ull
#define PTE_LARGE 0x080ull
#define PTE_NX	       (1ull << 63)
#define PTE_ATTRIBUTES (PTE_PRESENT | PTE_WRITE | PTE_NX)
#define MSR_EFER       0xc0000080
#define EFER_NXE       (1ull << 11)
#define CR0_WP	       (1ull << 16)
#define GIB (1ull << 30)
#define FOUR_GIB (4 * GIB)
/* Beyond this the map would need a second PML4 slot; QEMU guests of Strata's size never get there. */
#define MAX_MAPPED (512 * GIB)

/* Every table page, so paging_protect_tables can map them read-only. */
#define MAX_TRACKED_TABLES 128 /* image protection splits 2 MiB pages */
static UINT64 tables[MAX_TRACKED_TABLES];
static UINTN table_count;
static BOOLEAN nx_enabled, tables_protected;

static UINT64 *alloc_table(void)
{
	EFI_PHYSICAL_ADDRESS page;

	if (EFI_ERROR(memory_allocate_pages(AllocateAnyPages, EfiBootServicesData, 1, &page)))
		return NULL;
	if (table_count < MAX_TRACKED_TABLES)
		tables[table_count++] = page;
	memset((void *)(UINTN)page, 0, EFI_PAGE_SIZE);
	return (UINT64 *)(UINTN)page;
}

/* A feature bit of CPUID 0x80000001 EDX: 20 no-execute, 26 1 GiB pages. */
static BOOLEAN cpu_has_extended(UINT32 bit)
{
	UINT32 a, b, c, d;

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000001)
		return FALSE;
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	return (d >> bit) & 1;
}

EFI_STATUS paging_init(const struct handoff *h)
{
	UINT64 top = FOUR_GIB, *pml4, *pdpt;
	BOOLEAN huge = cpu_has_extended(26);

	/* RAM and ACPI ranges anywhere; the 32-bit hole (PCI, APICs, flash) is under 4 GiB. */
	for (UINT32 i = 0; i < h->memory_count; i++) {
		const struct handoff_memory_range *m = &h->memory[i];

		if (m->type != HANDOFF_MEMORY_RAM && m->type != HANDOFF_MEMORY_ACPI &&
		    m->type != HANDOFF_MEMORY_NVS)
			continue;
		if (m->base + m->length > top)
			top = m->base + m->length;
	}
	top = (top + GIB - 1) & ~(GIB - 1);
	if (top > MAX_MAPPED) {
		log_warn("RAM above %llu GiB is left unmapped", MAX_MAPPED / GIB);
		top = MAX_MAPPED;
	}

	pml4 = alloc_table();
	pdpt = alloc_table();
	if (!pml4 || !pdpt)
		return log_error_status(EFI_OUT_OF_RESOURCES, "page tables");
	pml4[0] = (UINTN)pdpt | PTE_PRESENT | PTE_WRITE;
	for (UINT64 gib = 0; gib < top / GIB; gib++) {
		UINT64 *pd;

		if (huge) {
			pdpt[gib] = (gib * GIB) | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
			continue;
		}
		pd = alloc_table();
		if (!pd)
			return log_error_status(EFI_OUT_OF_RESOURCES, "page directory %llu", gib);
		for (UINT64 i = 0; i < 512; i++)
			pd[i] = (gib * GIB + i * (2ull << 20)) | PTE_PRESENT | PTE_WRITE |
				PTE_LARGE;
		pdpt[gib] = (UINTN)pd | PTE_PRESENT | PTE_WRITE;
	}
	__asm__ volatile("mov %0, %%cr3" : : "r"((UINT64)(UINTN)pml4) : "memory");
	/* Without EFER.NXE bit 63 of an entry is reserved: NX is then simply not applied. */
	if (cpu_has_extended(20)) {
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
		nx_enabled = TRUE;
	}
	log_debug("identity map up to %llu GiB in %s pages", top / GIB, huge ? "1 GiB" : "2 MiB");
	return EFI_SUCCESS;
}

/* The table an entry maps through, splitting a large page into 512 smaller ones first. */
static UINT64 *split(UINT64 *entry, UINT64 small)
{
	UINT64 *table, base, attributes = *entry & PTE_ATTRIBUTES;

	if (!(*entry & PTE_LARGE))
		return (UINT64 *)(UINTN)(*entry & 0x000ffffffffff000ull);
	table = alloc_table();
	if (!table)
		return NULL;
	base = *entry & 0x000fffffffffe000ull;
	for (UINT64 i = 0; i < 512; i++)
		table[i] =
			(base + i * small) | attributes | (small == EFI_PAGE_SIZE ? 0 : PTE_LARGE);
	*entry = (UINTN)table | PTE_PRESENT | PTE_WRITE;
	return table;
}

/* The 4 KiB entry of addr, splitting large pages on the way; NULL in *ret when addr is unmapped. */
static EFI_STATUS pte_find(UINT64 addr, UINT64 **ret)
{
	UINT64 cr3, *pml4, *pdpt, *pd, *pt;

	*ret = NULL;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pml4 = (UINT64 *)(UINTN)(cr3 & 0x000ffffffffff000ull);
	if (!(pml4[(addr >> 39) & 511] & PTE_PRESENT))
		return EFI_SUCCESS;
	pdpt = (UINT64 *)(UINTN)(pml4[(addr >> 39) & 511] & 0x000ffffffffff000ull);
	if (!(pdpt[(addr >> 30) & 511] & PTE_PRESENT))
		return EFI_SUCCESS;
	pd = split(&pdpt[(addr >> 30) & 511], 2ull << 20);
	if (!pd)
		return log_error_status(EFI_OUT_OF_RESOURCES, "page directory for %llx", addr);
	pt = split(&pd[(addr >> 21) & 511], EFI_PAGE_SIZE);
	if (!pt)
		return log_error_status(EFI_OUT_OF_RESOURCES, "page table for %llx", addr);
	*ret = &pt[(addr >> 12) & 511];
	return EFI_SUCCESS;
}

/* Map table pages from index first on read-only; splitting for them adds more, which follow. */
static EFI_STATUS protect_tables_from(UINTN first)
{
	EFI_STATUS status;
	UINT64 *pte;

	for (UINTN i = first; i < table_count; i++) {
		status = pte_find(tables[i], &pte);
		if (EFI_ERROR(status))
			return status;
		if (pte)
			*pte &= ~PTE_WRITE;
	}
	return EFI_SUCCESS;
}

static void set_cr0_wp(BOOLEAN on)
{
	UINT64 cr0;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = on ? cr0 | CR0_WP : cr0 & ~CR0_WP;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
}

/* PAGING_* bits to PTE bits that are set (present, writable, NX) when they are asked for. */
static UINT64 pte_bits(UINT32 attributes)
{
	UINT64 bits = 0;

	if (attributes & PAGING_READ_ONLY)
		bits |= PTE_WRITE;
	if (attributes & PAGING_NOT_PRESENT)
		bits |= PTE_PRESENT;
	if ((attributes & PAGING_NO_EXECUTE) && nx_enabled)
		bits |= PTE_NX;
	return bits;
}

/* Each 4 KiB entry of the range becomes (entry & ~clear) | set; the TLB is flushed. */
static EFI_STATUS update_range(UINT64 base, UINT64 size, UINT64 set, UINT64 clear)
{
	UINT64 cr3, *pte;
	EFI_TPL old_tpl;
	UINTN first_new = table_count;
	EFI_STATUS status = EFI_SUCCESS;

	if ((base | size) & (EFI_PAGE_SIZE - 1))
		return EFI_INVALID_PARAMETER;
	/*
	 * The tables are read-only once protected: lift CR0.WP while they change, at TPL_HIGH_LEVEL
	 * so no notification runs unprotected or nests a change that sets WP under us.
	 */
	old_tpl = efi_raise_tpl(TPL_HIGH_LEVEL);
	if (tables_protected)
		set_cr0_wp(FALSE);
	for (UINT64 addr = base; addr - base < size && !EFI_ERROR(status); addr += EFI_PAGE_SIZE) {
		status = pte_find(addr, &pte);
		if (pte)
			*pte = (*pte & ~clear) | set;
	}
	if (tables_protected) {
		if (!EFI_ERROR(status))
			status = protect_tables_from(first_new);
		set_cr0_wp(TRUE);
	}
	/* Split entries changed too: flush the whole TLB, not one page at a time. */
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
	efi_restore_tpl(old_tpl);
	return status;
}

EFI_STATUS paging_set_attributes(UINT64 base, UINT64 size, UINT32 attributes)
{
	/* Present and writable are set bits of an entry: they go when their attribute is asked. */
	UINT64 kept = PTE_PRESENT | PTE_WRITE, bits = pte_bits(attributes);

	return update_range(base, size, (kept & ~bits) | (bits & PTE_NX), PTE_ATTRIBUTES);
}

EFI_STATUS paging_change_attributes(UINT64 base, UINT64 size, UINT32 set, UINT32 clear)
{
	UINT64 on = pte_bits(set), off = pte_bits(clear);

	/* Setting read-only or not-present clears an entry bit; setting no-execute sets one. */
	return update_range(base, size, (off & ~PTE_NX) | (on & PTE_NX),
			    (on & ~PTE_NX) | (off & PTE_NX));
}

EFI_STATUS paging_get_attributes(UINT64 addr, UINT32 *ret_attributes)
{
	UINT64 cr3, entry, *table;
	UINT32 attributes = 0;
	int level;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	table = (UINT64 *)(UINTN)(cr3 & 0x000ffffffffff000ull);
	/* Walk without splitting: PML4, PDPT, PD, PT; a large page ends the walk early. */
	for (level = 3;; level--) {
		entry = table[(addr >> (12 + 9 * level)) & 511];
		if (level == 0 || (entry & PTE_LARGE))
			break;
		if (!(entry & PTE_PRESENT))
			return EFI_NOT_FOUND;
		table = (UINT64 *)(UINTN)(entry & 0x000ffffffffff000ull);
	}
	if (level == 3 || (level > 0 && !(entry & PTE_PRESENT)))
		return EFI_NOT_FOUND;
	if (!(entry & PTE_PRESENT))
		attributes |= PAGING_NOT_PRESENT;
	if (!(entry & PTE_WRITE))
		attributes |= PAGING_READ_ONLY;
	if (entry & PTE_NX)
		attributes |= PAGING_NO_EXECUTE;
	*ret_attributes = attributes;
	return EFI_SUCCESS;
}

EFI_STATUS paging_protect_tables(void)
{
	EFI_STATUS status;
	UINT64 cr3;

	status = protect_tables_from(0);
		if (EFI_ERROR(status))
			return status;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
	/* CR0.WP: read-only pages bind firmware and payloads at CPL 0 too, as under OVMF. */
	set_cr0_wp(TRUE);
	tables_protected = TRUE;
	log_debug("%llu page-table pages mapped read-only", (UINT64)table_count);
	return EFI_SUCCESS;
}

BOOLEAN paging_is_table(UINT64 addr)
{
	for (UINTN i = 0; i < table_count; i++)
		if (addr >= tables[i] && addr - tables[i] < EFI_PAGE_SIZE)
			return TRUE;
	return FALSE;
}
