# SPDX-License-Identifier: MIT
"""The native Linux loader: Boot Loader Specification entries on an ESP without BOOTX64.EFI boot a
kernel through its EFI stub with its command line and the initrd through LoadFile2; broken entries
are reported and the next one tried; loader.conf's default goes first."""
import re

import pytest
from conftest import BUILD, build_disk

IMAGES = BUILD / "images"
LINUX_TIMEOUT = 240
FAST_TIMEOUT = 60
CMDLINE = "console=ttyS0 panic=-1"


def kernel_and_initrd():
    """The Debian kernel and busybox initramfs `make images` leaves under build/images."""
    kernels = sorted((IMAGES / "root" / "boot").glob("vmlinuz-*"))
    initrds = [p for p in (IMAGES / "initramfs.cpio.gz", IMAGES / "initramfs.img") if p.exists()]
    if not kernels or not initrds:
        pytest.skip("no kernel or initramfs under build/images (run `make images` first)")
    return kernels[-1], initrds[0]


def entry(title, version, linux, initrd, options, sort_key="strata"):
    lines = [f"title {title}", f"version {version}", f"sort-key {sort_key}", f"linux {linux}"]
    if initrd:
        lines.append(f"initrd {initrd}")
    lines.append(f"options {options}")
    return ("\n".join(lines) + "\n").encode()


def strata_disk(tmp_path, files):
    base = {"/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
            "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin"}
    base.update(files)
    return build_disk(tmp_path / "disk.img", base)


def test_entry_boots_to_userspace_with_options_and_initrd(tmp_path, qemu):
    kernel, initrd = kernel_and_initrd()
    disk = strata_disk(tmp_path, {
        "/linux/vmlinuz": kernel,
        "/linux/initrd.img": initrd,
        # Version 2 is newer, but loader.conf names entry 1 as the default.
        "/loader/entries/strata-1.conf": entry("Strata one", "1", "/linux/vmlinuz",
                                               "/linux/initrd.img", f"{CMDLINE} strata.entry=1"),
        "/loader/entries/strata-2.conf": entry("Strata two", "2", "/linux/vmlinuz",
                                               "/linux/initrd.img", f"{CMDLINE} strata.entry=2"),
        "/loader/loader.conf": b"timeout 3\ndefault strata-1.conf\n",
    })
    run = qemu(disk, memory="512")
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    assert run.wait_for("STRATA-ENTRY-1", 30), run.log()
    out = run.output
    assert "2 Boot Loader Specification entries, strata-1 first" in out
    assert "boot: entry strata-1 (Strata one): initrd of" in out
    assert "boot: starting entry strata-1 (Strata one)" in out
    assert f"strata: cmdline: {CMDLINE} strata.entry=1" in out
    # The stub found the initrd through LoadFile2 (no initrd= option was given).
    assert "EFI stub: Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID device path" in out


def test_broken_entries_fall_through_to_a_good_one(tmp_path, qemu):
    kernel, initrd = kernel_and_initrd()
    disk = strata_disk(tmp_path, {
        "/linux/vmlinuz": kernel,
        "/linux/initrd.img": initrd,
        # Newest first: the missing kernel (3), the missing initrd (2), then the good one (1).
        "/loader/entries/no-kernel.conf": entry("No kernel", "3", "/linux/missing", None,
                                                f"{CMDLINE} strata.entry=3"),
        "/loader/entries/no-initrd.conf": entry("No initrd", "2", "/linux/vmlinuz",
                                                "/linux/missing.img", f"{CMDLINE} strata.entry=2"),
        "/loader/entries/good.conf": entry("Good", "1", "/linux/vmlinuz", "/linux/initrd.img",
                                           f"{CMDLINE} strata.entry=good"),
    })
    run = qemu(disk, memory="512")
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    assert run.wait_for("STRATA-ENTRY-good", 30), run.log()
    out = run.output
    assert "3 Boot Loader Specification entries, no-kernel first" in out
    assert ("boot: warning: entry no-kernel (No kernel): kernel /linux/missing: EFI_NOT_FOUND"
            in out)
    assert ("boot: warning: entry no-initrd (No initrd): initrd /linux/missing.img: EFI_NOT_FOUND"
            in out)
    assert out.index("entry no-kernel") < out.index("entry no-initrd") < out.index("entry good")


def test_kernel_without_efi_stub_boots_through_the_x86_boot_protocol(tmp_path, qemu):
    kernel, initrd = kernel_and_initrd()
    # The same kernel with its PE header gone ("MZ" cleared): only the bzImage header is left.
    stubless = bytearray(kernel.read_bytes())
    stubless[0:2] = b"\0\0"
    disk = strata_disk(tmp_path, {
        "/linux/vmlinuz": bytes(stubless),
        "/linux/initrd.img": initrd,
        "/loader/entries/legacy.conf": entry("Legacy", "1", "/linux/vmlinuz", "/linux/initrd.img",
                                             f"{CMDLINE} strata.entry=legacy"),
    })
    run = qemu(disk, memory="512")
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    assert run.wait_for("STRATA-ENTRY-legacy", 30), run.log()
    out = run.output
    assert re.search(r"boot: starting entry legacy \(Legacy\) through the x86 boot protocol "
                     r"2\.\d+ at ", out), run.log()
    assert f"strata: cmdline: {CMDLINE} strata.entry=legacy" in out
    # No EFI for this kernel, but the RSDP we gave and the e820 map from our memory map.
    assert "EFI stub" not in out
    assert "BIOS-e820: [mem 0x0000000000100000-" in out
    assert run.wait_for("STRATA-DONE", 30), run.log()
    assert "strata: efi: no" in run.output
    assert "ACPI: RSDP" in run.output


def test_entries_that_return_or_cannot_boot_are_reported_then_the_boot_manager_halts(tmp_path,
                                                                                      qemu):
    # Needs no kernel: an EFI program that returns (with an initrd it never asks for), a bzImage
    # without a PE header, an entry without linux, a missing kernel, a file that is no entry.
    bzimage = bytearray(4096)
    bzimage[0x202:0x206] = b"HdrS"
    app = ("title App\nversion 3\nsort-key strata\nefi /apps/hello.efi\n"
           "initrd /linux/old-bzimage\noptions one two\n")
    disk = strata_disk(tmp_path, {
        "/apps/hello.efi": BUILD / "efi-apps" / "hello.efi",
        "/loader/entries/app.conf": app.encode(),
        "/linux/old-bzimage": bytes(bzimage),
        "/loader/entries/old.conf": entry("Old", "2", "/linux/old-bzimage", None, "quiet"),
        "/loader/entries/gone.conf": entry("Gone", "1", "linux/gone", None, "quiet"),
        "/loader/entries/empty.conf": b"title Nothing to boot\n",
        "/loader/entries/readme.txt": b"not an entry\n",
    })
    run = qemu(disk)
    assert run.wait_for("nothing more to boot", FAST_TIMEOUT), run.log()
    out = run.output
    assert ("boot: warning: entry empty.conf has no linux or efi line (or too many lines): "
            "EFI_INVALID_PARAMETER") in out
    assert "3 Boot Loader Specification entries, app first" in out
    assert "boot: entry app (App): initrd of 4096 bytes through LoadFile2" in out
    assert "Hello from Strata efi-apps/hello" in out
    assert "boot: entry app (App) returned" in out
    assert ("boot: warning: entry old (Old): no EFI stub, and boot protocol 0.00 without a "
            "64-bit entry: EFI_UNSUPPORTED") in out
    assert "boot: warning: entry gone (Gone): kernel linux/gone: EFI_NOT_FOUND" in out
    assert "readme" not in out


def test_no_entries_and_no_removable_path_says_so(tmp_path, qemu):
    run = qemu(strata_disk(tmp_path, {}))
    assert run.wait_for("nothing more to boot", FAST_TIMEOUT), run.log()
    assert ("boot: no \\EFI\\BOOT\\BOOTX64.EFI and no Boot Loader Specification entries on the "
            "boot ESP") in run.output
