# SPDX-License-Identifier: MIT
"""The boot manager's boot options: BootNext once, BootOrder read again after each option, bad and
inactive options skipped with a message, short-form paths, load options and BootCurrent."""
import re

import pytest

from conftest import BUILD, build_disk
from qemu_harness import build_efi_app

BOOT_TIMEOUT = 120

# A gnu-efi application that is its own boot options. Started by the removable media path (no
# load options) it writes Boot0001..Boot0007, BootOrder and BootNext pointing back at itself in
# several path forms, each with a "mode" as optional data, and exits with an error. Started
# through an option it prints the mode and BootCurrent it was given, and returns.
APP_SOURCE = r"""
#include <efi.h>
#include <efilib.h>

#define ATTR (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
	      EFI_VARIABLE_RUNTIME_ACCESS)
#define SELF L"\\EFI\\BOOT\\BOOTX64.EFI"

static UINT8 buf[1024];

/* A file path node for name, then an end node, at p; returns the bytes written. */
static UINTN file_path(UINT8 *p, CHAR16 *name)
{
	UINTN len = 4 + (StrLen(name) + 1) * 2;

	p[0] = MEDIA_DEVICE_PATH;
	p[1] = MEDIA_FILEPATH_DP;
	p[2] = (UINT8)len;
	p[3] = (UINT8)(len >> 8);
	CopyMem(p + 4, name, len - 4);
	p[len] = END_DEVICE_PATH_TYPE;
	p[len + 1] = END_ENTIRE_DEVICE_PATH_SUBTYPE;
	p[len + 2] = 4;
	p[len + 3] = 0;
	return len + 4;
}

static void set(CHAR16 *name, UINTN size, void *data)
{
	EFI_STATUS s = RT->SetVariable(name, &gEfiGlobalVariableGuid, ATTR, size, data);

	if (EFI_ERROR(s))
		Print(L"OPT: cannot set %s: %r\n", name, s);
}

/* Boot#### = attributes, description, the path (path_size bytes at path), the mode as data. */
static void option(CHAR16 *name, UINT32 attr, CHAR16 *desc, void *path, UINTN path_size,
		   CHAR16 *mode)
{
	UINTN d = (StrLen(desc) + 1) * 2, m = (StrLen(mode) + 1) * 2;

	*(UINT32 *)buf = attr;
	*(UINT16 *)(buf + 4) = (UINT16)path_size;
	CopyMem(buf + 6, desc, d);
	CopyMem(buf + 6 + d, path, path_size);
	CopyMem(buf + 6 + d + path_size, mode, m);
	set(name, 6 + d + path_size + m, buf);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	static UINT8 path[512];
	EFI_LOADED_IMAGE *li;
	EFI_DEVICE_PATH *dev, *node, *last = NULL;
	CHAR16 mode[32] = L"removable";
	UINT16 current = 0xffff, next, order[] = { 4, 1, 2, 5, 6, 7, 8 };
	UINTN size = 2, dev_size, n;
	EFI_STATUS s;

	InitializeLib(image, st);
	BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (li->LoadOptionsSize >= 2) {
		n = li->LoadOptionsSize / 2 < 31 ? li->LoadOptionsSize / 2 : 31;
		CopyMem(mode, li->LoadOptions, n * 2);
		mode[n] = 0;
	}
	RT->GetVariable(L"BootCurrent", &gEfiGlobalVariableGuid, NULL, &size, &current);
	size = 2;
	s = RT->GetVariable(L"BootNext", &gEfiGlobalVariableGuid, NULL, &size, &next);
	Print(L"OPT: ran mode=%s current=%04X bootnext=%r\n", mode, current, s);
	if (StrCmp(mode, L"removable"))
		return EFI_SUCCESS;

	dev = DevicePathFromHandle(li->DeviceHandle);
	dev_size = DevicePathSize(dev) - 4;
	for (node = dev; !IsDevicePathEnd(node); node = NextDevicePathNode(node))
		last = node;

	/* 1: a full path to a file that is not there. */
	CopyMem(path, dev, dev_size);
	n = dev_size + file_path(path + dev_size, L"\\EFI\\MISSING.EFI");
	option(L"Boot0001", LOAD_OPTION_ACTIVE, L"missing", path, n, L"missing");
	/* 3: the full path of this file (BootNext). */
	n = dev_size + file_path(path + dev_size, SELF);
	option(L"Boot0003", LOAD_OPTION_ACTIVE, L"full", path, n, L"next");
	/* 6: the partition alone: its removable media path. */
	CopyMem(path, dev, dev_size + 4);
	option(L"Boot0006", LOAD_OPTION_ACTIVE, L"device", path, dev_size + 4, L"device");
	/* 2: short form, HD(...)/File(...). */
	n = DevicePathNodeLength(last);
	CopyMem(path, last, n);
	n += file_path(path + n, SELF);
	option(L"Boot0002", LOAD_OPTION_ACTIVE, L"short", path, n, L"order");
	/* 4: inactive, must be skipped. */
	option(L"Boot0004", 0, L"inactive", path, n, L"inactive");
	/* 5: short form, File(...) alone. */
	n = file_path(path, SELF);
	option(L"Boot0005", LOAD_OPTION_ACTIVE, L"file", path, n, L"fileonly");
	/* 7: not a load option at all. */
	set(L"Boot0007", 3, "abc");
	/* 8 is in BootOrder but does not exist. */
	set(L"BootOrder", sizeof(order), order);
	next = 3;
	set(L"BootNext", sizeof(next), &next);
	Print(L"OPT: options written\n");
	return EFI_ABORTED;
}
"""



@pytest.fixture(scope="module")
def options_app(tmp_path_factory):
    """The application above, compiled and linked as mk/efi-apps.mk builds the others."""
    return build_efi_app(APP_SOURCE, tmp_path_factory.mktemp("options-app"))


def strata_disk(tmp_path, payload):
    return build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": payload,
    })


def test_boot_next_once_then_boot_order_read_again_with_fall_through(tmp_path, qemu, options_app):
    run = qemu(strata_disk(tmp_path, options_app))
    assert run.wait_for("nothing more to boot", BOOT_TIMEOUT), run.log()
    out = run.output
    runs = re.findall(r"OPT: ran mode=(\w+) current=(\w+) bootnext=([^\n]+)", out)
    # The removable media path first (no options yet), then BootNext once, then BootOrder in
    # its order: inactive 4 and missing 1 skipped, 2 (HD short form), 5 (file short form),
    # 6 (a bare partition: its removable media path).
    assert [(m, int(c, 16)) for m, c, _ in runs] == [
        ("removable", 0xffff), ("next", 3), ("order", 2), ("fileonly", 5), ("device", 6)], run.log()
    assert all(b == "Not Found" for _, _, b in runs), "BootNext was not deleted\n" + run.log()
    assert "OPT: options written" in out and "OPT: cannot set" not in out, run.log()
    assert "boot: warning: \\EFI\\BOOT\\BOOTX64.EFI returned an error: EFI_ABORTED" in out
    assert "boot: BootNext: Boot0003" in out
    assert "boot: Boot0004 (inactive) is not an active boot option, skipped" in out
    assert "boot: warning: cannot load Boot0001 (missing): EFI_NOT_FOUND" in out
    assert "boot: starting Boot0002 (short)" in out
    assert "boot: Boot0002 (short) returned" in out
    assert "boot: warning: Boot0007 is not a valid load option: EFI_INVALID_PARAMETER" in out
    assert "boot: warning: Boot0008 is in the boot order but cannot be read: EFI_NOT_FOUND" in out
    # Each option of BootOrder ran once, and the removable media path was not tried again.
    assert out.count("starting \\EFI\\BOOT\\BOOTX64.EFI") == 1, run.log()
