/* SPDX-License-Identifier: MIT */
/* The persistent variable store on pflash unit 1: mounted at entry, moved at SetVirtualAddressMap. */
#include "lib/drivers/cfi_flash.h"
#include "runtime/runtime.h"

/*
 * Both are static data with link-time pointers (the flash functions, the flash itself), so the
 * relocations keep them right at every move; the MMIO base is the one address set at run time,
 * and flash_store_virtual_map converts it.
 */
static struct cfi_flash flash = CFI_FLASH_INIT;
struct var_store runtime_nv_store = { .flash = &flash.dev };
BOOLEAN runtime_nv_lost;

/* A console line built by hand: the runtime links no printf. */
struct line {
	char text[160];
	UINTN len;
};

static void put(struct line *l, const char *s)
{
	while (*s && l->len + 1 < sizeof(l->text))
		l->text[l->len++] = *s++;
	l->text[l->len] = 0;
}

static void put_u32(struct line *l, UINT32 v)
{
	char digits[11];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n && l->len + 1 < sizeof(l->text))
		l->text[l->len++] = digits[--n];
	l->text[l->len] = 0;
}

void flash_store_init(const struct runtime_boot_info *info)
{
	struct var_store_report r;
	struct line l = { .len = 0 };
	EFI_STATUS status;

	if (info->size < __builtin_offsetof(struct runtime_boot_info, flash_block_size) +
				 sizeof(info->flash_block_size) ||
	    !info->flash_size)
		return;
	flash.base = info->flash_base;
	flash.dev.size = info->flash_size;
	flash.dev.block_size = info->flash_block_size;
	status = var_store_mount(&runtime_nv_store, &r);

	put(&l, "variables: ");
	put_u32(&l, info->flash_size >> 10);
	put(&l, " KiB store on pflash");
	if (EFI_ERROR(status)) {
		/* Unusable (read-only, or too small): volatile, as without a flash. */
		put(&l, " not usable (");
		/* QEMU's readonly=on answers an erase with the same error bit as a failed one. */
		put(&l, status == EFI_UNSUPPORTED ? "too small" : "read-only or failing");
		put(&l, ")");
		runtime_log(l.text);
		return;
	}
	put(&l, ", ");
	put_u32(&l, r.variables);
	put(&l, " variables kept");
	if (r.formatted)
		put(&l, r.damaged ? ", held nothing that verifies: formatted" : ", blank: formatted");
	else if (r.damaged) {
		put(&l, ", DAMAGED: ");
		put_u32(&l, r.damaged);
		put(&l, " records or stretches skipped");
	}
	if (r.salvaged)
		put(&l, ", no bank header verified: records salvaged into a new bank");
	runtime_log(l.text);
}

void flash_store_virtual_map(EFI_STATUS (*convert)(UINT64 *address))
{
	if (!runtime_nv_store.mounted)
		return;
	/* An OS that leaves the flash out of its map gets no non-volatile writes, not a fault. */
	if (EFI_ERROR(convert(&flash.base))) {
		runtime_nv_store.mounted = FALSE;
		runtime_nv_lost = TRUE;
	}
}
