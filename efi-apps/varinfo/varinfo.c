// SPDX-License-Identifier: MIT
/* varinfo: prints QueryVariableInfo around a write, a delete, an oversized write and a fill. */
#include <efi.h>
#include <efilib.h>

/*
 * For tests/boot/test_variables_flash.py, which checks the figures against docs/variables.md
 * and `mkimage vars list`. Every line starts "varinfo: "; figures are decimal, statuses hex.
 * It leaves StrataQviTest (10000 bytes) in the store, so the host can compare afterwards.
 */

/* Our own vendor GUID for the test variables. */
static EFI_GUID vendor = { 0x5f1c2d3e, 0x4b5a, 0x4c6d,
			   { 0x8e, 0x7f, 0x53, 0x54, 0x52, 0x41, 0x54, 0xa3 } };

#define NV_ATTRS (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
		  EFI_VARIABLE_RUNTIME_ACCESS)
#define TEST_SIZE 10000
#define BIG_NAME L"StrataQviBig"

/* Fill records: a 40-byte header and the name (14 characters and NUL), then the data. */
#define FILL_NAME L"StrataQviFill0"
#define FILL_DIGIT 13
#define FILL_OVERHEAD (40 + sizeof(FILL_NAME))
#define FILL_DATA 60000
#define FILL_COST ((FILL_OVERHEAD + FILL_DATA + 7) & ~7ULL)
#define FILL_COST_MIN ((FILL_OVERHEAD + 1 + 7) & ~7ULL)

static EFI_SYSTEM_TABLE *sys;

static void print(CHAR16 *s)
{
	sys->ConOut->OutputString(sys->ConOut, s);
}

static void print_u64(UINT64 n, UINTN base)
{
	CHAR16 digits[24];
	int i = 23;

	digits[i] = 0;
	do {
		digits[--i] = L"0123456789abcdef"[n % base];
		n /= base;
	} while (n && i > 0);
	print(&digits[i]);
}

/* "varinfo: <label> max=<n> remaining=<n> maxvar=<n> status=<hex>" */
static UINT64 query(CHAR16 *label, UINT64 *ret_maxvar)
{
	UINT64 max = 0, remaining = 0, maxvar = 0;
	EFI_STATUS status = sys->RuntimeServices->QueryVariableInfo(NV_ATTRS, &max, &remaining,
								     &maxvar);

	print(L"varinfo: ");
	print(label);
	print(L" max=");
	print_u64(max, 10);
	print(L" remaining=");
	print_u64(remaining, 10);
	print(L" maxvar=");
	print_u64(maxvar, 10);
	print(L" status=");
	print_u64(status, 16);
	print(L"\r\n");
	if (ret_maxvar)
		*ret_maxvar = maxvar;
	return remaining;
}

static void report(CHAR16 *label, EFI_STATUS status)
{
	print(L"varinfo: ");
	print(label);
	print(L" status=");
	print_u64(status, 16);
	print(L"\r\n");
}

static EFI_STATUS set(CHAR16 *name, UINTN size, VOID *data)
{
	return sys->RuntimeServices->SetVariable(name, &vendor, NV_ATTRS, size, data);
}

/*
 * Fills exactly what QueryVariableInfo says remains (StrataQviFill0.. of 60000 bytes, the last
 * one sized to the rest; the dead records written so far force a reclaim on the way), shows
 * that one byte more does not fit, then deletes them all again.
 */
static void fill(UINT8 *buf)
{
	CHAR16 name[] = FILL_NAME;
	UINTN count = 0;
	UINT64 remaining;

	while (count < 10 && (remaining = query(L"filling", NULL)) >= FILL_COST_MIN) {
		UINTN size = remaining >= FILL_COST ? FILL_DATA : remaining - FILL_OVERHEAD;

		name[FILL_DIGIT] = (CHAR16)(L'0' + count++);
		report(L"fill", set(name, size, buf));
	}
	query(L"full", NULL);
	name[FILL_DIGIT] = L'X';
	report(L"over-full", set(name, 1, buf));
	while (count) {
		name[FILL_DIGIT] = (CHAR16)(L'0' + --count);
		report(L"unfill", set(name, 0, NULL));
	}
	query(L"emptied", NULL);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	UINTN name_size = sizeof(BIG_NAME), size, big_size;
	UINT64 maxvar = 0;
	UINT8 *buf = NULL;
	UINT32 attrs = 0;
	EFI_STATUS status;

	sys = st;
	query(L"before", &maxvar);
	/* Room for the largest variable plus one byte, and the 10000-byte test value. */
	big_size = maxvar + 1;
	status = st->BootServices->AllocatePool(EfiLoaderData, big_size, (VOID **)&buf);
	if (EFI_ERROR(status)) {
		report(L"FAIL allocate", status);
		goto out;
	}
	for (UINTN i = 0; i < big_size; i++)
		buf[i] = (UINT8)(i * 7 + 3);

	report(L"write", set(L"StrataQviTest", TEST_SIZE, buf));
	query(L"after-write", NULL);
	size = big_size;
	status = st->RuntimeServices->GetVariable(L"StrataQviTest", &vendor, &attrs, &size, buf);
	report(size == TEST_SIZE && attrs == NV_ATTRS ? L"readback" : L"readback WRONG", status);

	report(L"delete", set(L"StrataQviTest", 0, NULL));
	query(L"after-delete", NULL);

	/* Name and data of exactly MaximumVariableSize bytes, then one byte more. */
	if (maxvar > name_size) {
		report(L"at-max", set(BIG_NAME, maxvar - name_size, buf));
		query(L"after-at-max", NULL);
		report(L"at-max-delete", set(BIG_NAME, 0, NULL));
		report(L"over-max", set(BIG_NAME, maxvar - name_size + 1, buf));
		query(L"after-over-max", NULL);
	}

	fill(buf);
	report(L"rewrite", set(L"StrataQviTest", TEST_SIZE, buf));
	query(L"final", NULL);
out:
	print(L"varinfo: done\r\n");
	st->RuntimeServices->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
