# SPDX-License-Identifier: MIT
"""The debug support tables (UEFI 2.10 §18.4): EFI_DEBUG_IMAGE_INFO_TABLE lists every loaded image
and follows LoadImage and UnloadImage; EFI_SYSTEM_TABLE_POINTER sits on a 4 MiB boundary with the
system table's address and a good CRC. The same application runs on OVMF first, then Strata."""

import pytest

from conftest import BUILD, build_disk
from qemu_harness import OVMF_CODE, build_efi_app, ovmf_output

TIMEOUT = 120

APP_SOURCE = r"""
#include <efi.h>
#include <efilib.h>

static EFI_GUID debug_guid = { 0x49152e77, 0x1ada, 0x4764,
			       { 0xb7, 0xa2, 0x7a, 0xfe, 0xfe, 0xd9, 0x5e, 0x8b } };

typedef struct {
	UINT32 ImageInfoType;
	EFI_LOADED_IMAGE *LoadedImageProtocolInstance;
	EFI_HANDLE ImageHandle;
} NORMAL;

typedef struct {
	volatile UINT32 UpdateStatus;
	UINT32 TableSize;
	NORMAL **Table;
} HEADER;

typedef struct {
	UINT64 Signature;
	UINT64 EfiSystemTableBase;
	UINT32 Crc32;
} STP;

static HEADER *header(EFI_SYSTEM_TABLE *st)
{
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++)
		if (!CompareMem(&st->ConfigurationTable[i].VendorGuid, &debug_guid, 16))
			return st->ConfigurationTable[i].VendorTable;
	return NULL;
}

/* Whether handle is listed, with its own LoadedImage. */
static BOOLEAN listed(HEADER *h, EFI_HANDLE handle, EFI_LOADED_IMAGE *li)
{
	for (UINT32 i = 0; i < h->TableSize; i++)
		if (h->Table[i] && h->Table[i]->ImageHandle == handle)
			return h->Table[i]->ImageInfoType == 1 &&
			       h->Table[i]->LoadedImageProtocolInstance == li;
	return FALSE;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_LOADED_IMAGE *li, *child_li;
	EFI_HANDLE child = NULL;
	EFI_DEVICE_PATH *path;
	HEADER *h;
	UINT32 before;
	EFI_STATUS s;

	InitializeLib(image, st);
	BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	h = header(st);
	if (!h) {
		Print(L"DBG: FAIL no debug image info table\n");
		return EFI_NOT_FOUND;
	}
	Print(L"DBG: self listed %d\n", listed(h, image, li));
	before = h->TableSize;
	path = FileDevicePath(li->DeviceHandle, L"\\EFI\\BOOT\\BOOTX64.EFI");
	s = BS->LoadImage(FALSE, image, path, NULL, 0, &child);
	if (EFI_ERROR(s)) {
		Print(L"DBG: FAIL LoadImage %r\n", s);
		return s;
	}
	BS->HandleProtocol(child, &LoadedImageProtocol, (void **)&child_li);
	Print(L"DBG: after LoadImage +%d listed %d modified %d\n", h->TableSize - before,
	      listed(h, child, child_li), (h->UpdateStatus & 2) != 0);
	s = BS->UnloadImage(child);
	Print(L"DBG: after UnloadImage %r +%d listed %d\n", s, h->TableSize - before,
	      listed(h, child, child_li));

	/* The system table pointer: scan down from 4 GiB in 4 MiB steps, as a debugger does. */
	for (UINT64 a = 0x100000000ull - 0x400000; a >= 0x400000; a -= 0x400000) {
		EFI_MEMORY_DESCRIPTOR *map = NULL;
		STP *p = (STP *)a;
		UINT32 crc, saved;
		BOOLEAN ram = FALSE;
		UINTN entries, key, dsize;
		UINT32 dver;

		/* Only addresses in RAM the memory map lists: below the PCI hole of a small VM. */
		map = LibMemoryMap(&entries, &key, &dsize, &dver);
		for (UINTN i = 0; map && i < entries; i++) {
			EFI_MEMORY_DESCRIPTOR *d = (void *)((UINT8 *)map + i * dsize);

			if (d->Type != EfiReservedMemoryType && d->Type != EfiMemoryMappedIO &&
			    d->Type != EfiMemoryMappedIOPortSpace && a >= d->PhysicalStart &&
			    a < d->PhysicalStart + d->NumberOfPages * 4096)
				ram = TRUE;
		}
		FreePool(map);
		if (!ram || p->Signature != EFI_SYSTEM_TABLE_SIGNATURE)
			continue;
		saved = p->Crc32;
		p->Crc32 = 0;
		BS->CalculateCrc32(p, sizeof(*p), &crc);
		p->Crc32 = saved;
		Print(L"DBG: system table pointer found, table %d crc %d\n",
		      p->EfiSystemTableBase == (UINT64)st, crc == saved);
		break;
	}
	Print(L"DBG: done\n");
	return EFI_SUCCESS;
}
"""

EXPECTED = [
    "DBG: self listed 1",
    "DBG: after LoadImage +1 listed 1 modified 1",
    "DBG: after UnloadImage Success +0 listed 0",
    "DBG: system table pointer found, table 1 crc 1",
    "DBG: done",
]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return build_efi_app(APP_SOURCE, tmp_path_factory.mktemp("debug-tables"))


def check(out, log):
    assert "DBG: FAIL" not in out, log
    for line in EXPECTED:
        assert line in out, f"{line!r} missing\n{log}"


def test_debug_tables_on_ovmf(tmp_path, app):
    if not OVMF_CODE.exists():
        pytest.skip(f"{OVMF_CODE} missing (Debian package ovmf)")
    disk = build_disk(tmp_path / "disk.img", {"/EFI/BOOT/BOOTX64.EFI": app})
    out = ovmf_output(disk, tmp_path, "DBG: done", TIMEOUT * 2)
    check(out, out)


def test_debug_tables_on_strata(tmp_path, qemu, app):
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": app,
    })
    run = qemu(disk)
    assert run.wait_for("DBG: done", TIMEOUT), run.log()
    check(run.output, run.log())
