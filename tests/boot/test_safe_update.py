# SPDX-License-Identifier: MIT
"""Safe stage1 updates (docs/updating.md): a stage1 that verifies but crashes, panics or hangs is
tried three times, then stage0 boots STAGE1.BAK and says so; QEMU runs without -no-reboot."""
import hashlib
import re
import struct
import zlib

import pytest
from conftest import BUILD, build_disk

HELLO = "Hello from Strata efi-apps/hello"
BOOT_TIMEOUT = 600  # several boots under TCG on a busy host
HEADER = 128
UD2 = b"\x0f\x0b"
CLI_HLT = b"\xfa\xf4\xeb\xfd"  # cli; hlt; jmp back to the hlt


def patched_stage1(code, name="stage1.bin"):
    """build/stage1.bin (or another stage image) with code at its entry point, header digest and
    CRC made valid again."""
    data = bytearray((BUILD / name).read_bytes())
    entry = struct.unpack_from("<Q", data, 32)[0]
    data[HEADER + entry:HEADER + entry + len(code)] = code
    data[88:120] = hashlib.sha256(data[HEADER:]).digest()
    struct.pack_into("<I", data, 120, 0)
    struct.pack_into("<I", data, 120, zlib.crc32(bytes(data[:HEADER])))
    return bytes(data)


def hello_disk(tmp_path, stage1_bin, **more):
    good = (BUILD / "stage1.bin").read_bytes()
    files = {"/STRATA/STAGE1.BIN": stage1_bin, "/STRATA/STAGE1.BAK": good,
             "/STRATA/RUNTIME.BIN": (BUILD / "runtime.bin").read_bytes(),
             "/EFI/BOOT/BOOTX64.EFI": (BUILD / "efi-apps" / "hello.efi").read_bytes()}
    files.update(more)
    return build_disk(tmp_path / "disk.img", files)


def boot_through_backup(qemu, disk, extra=()):
    run = qemu(disk, reboot=True, extra=list(extra))
    assert run.wait_for(HELLO, BOOT_TIMEOUT), run.log()
    out = run.output
    assert "STAGE1.BIN is not yet known good: try 3 of 3" in out, run.log()
    assert "try 4 of 3" not in out, run.log()
    assert "failed 3 tries in a row (it crashed, hung or reset before reaching the boot " \
        "manager): passing over it" in out, run.log()
    assert "booting the BACKUP stage1" in out, run.log()
    assert "STAGE1.BAK reached the boot manager on try 1: it is known good now" in out, run.log()
    assert "copy=STAGE1.BAK try=1 passed=STAGE1.BIN" in out, run.log()
    return out


def test_stage1_with_ud2_at_entry_falls_back_to_backup_after_three_tries(tmp_path, qemu):
    out = boot_through_backup(qemu, hello_disk(tmp_path, patched_stage1(UD2)))
    # stage0's handler still owns the IDT at stage1's first instruction.
    assert out.count("the stage1 being tried crashed before it was known good: resetting") == 3
    assert out.count("Strata stage0") == 4, out


def test_stage1_that_panics_late_falls_back_to_backup_after_three_tries(tmp_path, qemu):
    good = (BUILD / "stage1.bin").read_bytes()
    out = boot_through_backup(qemu, hello_disk(tmp_path, good), extra=[
        "-fw_cfg", "name=opt/strata/test-fault,string=panic-late"])
    assert out.count("panicking late in stage1's start-up as asked") == 3, out
    assert out.count("STAGE1.BIN is not yet known good: resetting for another try") == 3, out


def test_hanging_stage1_is_reset_by_the_i6300esb_watchdog_and_falls_back(tmp_path, qemu):
    out = boot_through_backup(qemu, hello_disk(tmp_path, patched_stage1(CLI_HLT)), extra=[
        "-device", "i6300esb", "-fw_cfg", "name=opt/strata/watchdog-seconds,string=20"])
    assert "i6300esb watchdog armed" in out, out
    assert out.count("Strata stage0") == 4, out
    assert "watchdog stopped" in out, out


def test_good_stage1_is_tried_once_and_known_good_after(tmp_path, qemu):
    """On pc (i440FX) without an i6300esb there is no watchdog, and the console says so."""
    good = (BUILD / "stage1.bin").read_bytes()
    run = qemu(hello_disk(tmp_path, good), machine="pc", reboot=True)
    assert run.wait_for(HELLO, BOOT_TIMEOUT), run.log()
    out = run.output
    assert "STAGE1.BIN is not yet known good: try 1 of 3, no watchdog: a hang needs a reset " \
        "from outside" in out, out
    assert "copy=STAGE1.BIN try=1 passed=none watchdog=none update=none" in out, out
    assert out.count("Strata stage0") == 1, out


def test_panic_of_a_known_good_stage1_halts_instead_of_resetting(tmp_path, qemu):
    """hello returns, nothing is left to boot and stage1 panics: STAGE1.BIN is known good by
    then, so the panic halts with its report instead of resetting into another try."""
    good = (BUILD / "stage1.bin").read_bytes()
    run = qemu(hello_disk(tmp_path, good), reboot=True)
    assert run.wait_for("system halted", BOOT_TIMEOUT), run.log()
    out = run.output
    assert "nothing more to boot" in out, out
    assert "resetting for another try" not in out, out
    assert out.count("Strata stage0") == 1, out


@pytest.mark.parametrize("failure", ["ud2-at-entry", "panic-late", "hang-i6300esb"])
def test_debian_uki_reaches_userspace_through_backup_when_stage1_fails(tmp_path, qemu, failure):
    """The issue's cases end to end: `mkimage update` puts a failing STAGE1.BIN in the shipped
    Debian UKI image (the good one becomes STAGE1.BAK); Linux still reaches userspace."""
    import shutil
    import subprocess
    image = BUILD / "images" / "linux-uki.img"
    if not image.exists():
        pytest.skip(f"{image} not built (make images)")
    disk = tmp_path / "uki.img"
    shutil.copy(image, disk)
    broken = tmp_path / "broken.bin"
    extra = ["-cpu", "max"]
    if failure == "ud2-at-entry":
        broken.write_bytes(patched_stage1(UD2))
    elif failure == "panic-late":
        broken.write_bytes((BUILD / "stage1.bin").read_bytes())
        extra += ["-fw_cfg", "name=opt/strata/test-fault,string=panic-late"]
    else:
        broken.write_bytes(patched_stage1(CLI_HLT))
        extra += ["-device", "i6300esb", "-fw_cfg", "name=opt/strata/watchdog-seconds,string=20"]
    for stage1 in (BUILD / "stage1.bin", broken):
        subprocess.run([str(BUILD / "mkimage"), "update", str(disk), "--stage1", str(stage1)],
                       check=True, capture_output=True)
    run = qemu(disk, memory="512", reboot=True, extra=extra)
    assert run.wait_for("STRATA-DONE", BOOT_TIMEOUT), run.log()
    out = run.output
    assert "STAGE1.BIN is not yet known good: try 3 of 3" in out, run.log()
    assert "failed 3 tries in a row" in out, run.log()
    assert "booting the BACKUP stage1" in out, run.log()
    assert out.count("Strata stage0") == 4, run.log()
    assert "strata: efi: yes, 64-bit" in out, run.log()  # printed by the initramfs
    # The OS sees the boot status (docs/updating.md).
    assert re.search(r"strata: efivars names: .*\bStrataBootStatus\b", out), run.log()
    watchdog = "i6300esb" if failure == "hang-i6300esb" else "ICH9 TCO"
    assert "strata: boot status: copy=STAGE1.BAK try=1 passed=STAGE1.BIN " \
        f"watchdog={watchdog} update=none" in out, run.log()


def test_hanging_stage1_is_reset_by_the_ich9_tco_timer_on_q35(tmp_path, qemu):
    """No i6300esb: on q35 stage0 arms ICH9's TCO timer, which QEMU lets reset the machine when
    its noreboot pin strap is off."""
    out = boot_through_backup(qemu, hello_disk(tmp_path, patched_stage1(CLI_HLT)), extra=[
        "-global", "ICH9-LPC.noreboot=off",
        "-fw_cfg", "name=opt/strata/watchdog-seconds,string=20"])
    assert "ICH9 TCO watchdog armed" in out, out
    assert out.count("Strata stage0") == 4, out
    assert "watchdog=ICH9 TCO" in out, out
