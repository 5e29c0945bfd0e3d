# SPDX-License-Identifier: MIT
"""Clear messages where things go wrong: a truncated bzImage in a BLS entry is refused before it
starts, a payload that returns is named with its status in the closing message, and a bad
STAGE1.BAK is warned about while STAGE1.BIN boots."""
import pytest

from conftest import BUILD, build_disk

IMAGES = BUILD / "images"
TIMEOUT = 60
HELLO = BUILD / "efi-apps" / "hello.efi"


def strata_files(**extra):
    files = {"/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
             "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin"}
    files.update(extra)
    return files


def test_truncated_bzimage_in_a_bls_entry_is_refused_with_its_sizes(tmp_path, qemu):
    kernels = sorted((IMAGES / "root" / "boot").glob("vmlinuz-*"))
    if not kernels:
        pytest.skip("no kernel under build/images (run `make images` first)")
    kernel = kernels[-1].read_bytes()
    cut = kernel[:len(kernel) // 2]
    setup_sects = kernel[0x1F1] or 4
    expected = (setup_sects + 1) * 512 + int.from_bytes(kernel[0x1F4:0x1F8], "little") * 16
    disk = build_disk(tmp_path / "disk.img", strata_files(**{
        "/linux/vmlinuz": cut,
        "/loader/entries/cut.conf": b"title Cut\nversion 1\nlinux /linux/vmlinuz\n"
                                    b"options console=ttyS0\n",
    }))
    run = qemu(disk, memory="512")
    assert run.wait_for("nothing more to boot", TIMEOUT), run.log()
    out = run.output
    assert (f"truncated bzImage: the file has {len(cut)} bytes, its setup header says "
            f"{expected}; not started") in out, run.log()
    assert "starting entry cut" not in out, run.log()
    assert "no boot option is left to try: no boot option worked" in out, run.log()
    assert "exception:" not in out, run.log()


def test_returning_payload_is_named_with_its_status_at_the_end(tmp_path, qemu):
    disk = build_disk(tmp_path / "disk.img", strata_files(**{"/EFI/BOOT/BOOTX64.EFI": HELLO}))
    run = qemu(disk)
    assert run.wait_for("nothing more to boot", TIMEOUT), run.log()
    out = run.output
    assert "boot: \\EFI\\BOOT\\BOOTX64.EFI returned EFI_SUCCESS" in out, run.log()
    assert ("no boot option is left to try (1 started and returned; the last, "
            "\\EFI\\BOOT\\BOOTX64.EFI, returned EFI_SUCCESS)") in out, run.log()
    # The old message pointed at a file that was there.
    assert "an EFI application belongs at" not in out, run.log()


def test_bad_backup_is_warned_about_while_stage1_bin_boots(tmp_path, qemu):
    stage1 = (BUILD / "stage1.bin").read_bytes()
    bad = bytearray(stage1)
    bad[len(bad) // 2] ^= 0xFF
    disk = build_disk(tmp_path / "disk.img", strata_files(**{
        "/STRATA/STAGE1.BAK": bytes(bad), "/EFI/BOOT/BOOTX64.EFI": HELLO}))
    run = qemu(disk)
    assert run.wait_for("nothing more to boot", TIMEOUT), run.log()
    out = run.output
    assert "from STAGE1.BIN verified" in out, run.log()
    assert "\\STRATA\\STAGE1.BAK: " in out and "(corrupt file)" in out, run.log()
    assert ("STAGE1.BAK is unusable (see above): if STAGE1.BIN breaks, there is no backup to "
            "fall back to") in out, run.log()
    assert "stage1: Strata stage1" in out and "(backup copy)" not in out, run.log()


def test_good_backup_is_verified_and_named(tmp_path, qemu):
    disk = build_disk(tmp_path / "disk.img", strata_files(**{
        "/STRATA/STAGE1.BAK": BUILD / "stage1.bin", "/EFI/BOOT/BOOTX64.EFI": HELLO}))
    run = qemu(disk)
    assert run.wait_for("nothing more to boot", TIMEOUT), run.log()
    assert "stage0: backup stage1 " in run.output and " in STAGE1.BAK verified" in run.output, \
        run.log()
