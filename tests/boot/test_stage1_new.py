# SPDX-License-Identifier: MIT
"""STAGE1.NEW (docs/updating.md): stage0 tries it, stage1 promotes it at the boot manager or removes
it after three failed tries; a power cut at each step of a promotion leaves a disk that boots."""
import subprocess

import pytest
from conftest import BUILD, ESP_START, SECTOR, build_disk
from qemu_harness import partition_range
from test_safe_update import BOOT_TIMEOUT, HELLO, UD2, patched_stage1

NEW_VERSION = "new-stage1-2.0"


def new_stage1(tmp_path):
    """The same stage1 under another version string: a different file to the boot count too."""
    out = tmp_path / "new.bin"
    subprocess.run([str(BUILD / "mkimage"), "wrap", "--kind", "stage1", "--version-string",
                    NEW_VERSION, str(BUILD / "stage1.elf"), str(out)],
                   check=True, capture_output=True)
    return out.read_bytes()


def disk_with(tmp_path, strata):
    files = {f"/STRATA/{name}": data for name, data in strata.items()}
    files["/STRATA/RUNTIME.BIN"] = (BUILD / "runtime.bin").read_bytes()
    files["/EFI/BOOT/BOOTX64.EFI"] = (BUILD / "efi-apps" / "hello.efi").read_bytes()
    return build_disk(tmp_path / "disk.img", files)


def strata_files(disk):
    """{name: bytes} of /STRATA on the ESP, as mtools reads it (not through Strata)."""
    spec = f"{disk}@@{ESP_START * SECTOR}"
    listing = subprocess.run(["mdir", "-b", "-i", spec, "::/STRATA"], check=True,
                             capture_output=True, text=True).stdout.split()
    files = {}
    for path in listing:
        name = path.rsplit("/", 1)[-1].upper()
        files[name] = subprocess.run(["mtype", "-i", spec, f"::/STRATA/{name}"], check=True,
                                     capture_output=True).stdout
    return files


def fsck(disk, tmp_path):
    first, last = partition_range(disk, 1)
    esp = tmp_path / "esp.check"
    with open(disk, "rb") as f:
        f.seek(first * SECTOR)
        esp.write_bytes(f.read((last - first + 1) * SECTOR))
    r = subprocess.run(["fsck.fat", "-n", str(esp)], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def boot_hello(qemu, disk, extra=()):
    run = qemu(disk, reboot=True, extra=list(extra))
    assert run.wait_for(HELLO, BOOT_TIMEOUT), run.log()
    run.kill()
    return run.output


def test_good_stage1_new_is_promoted_and_the_old_bin_becomes_bak(tmp_path, qemu):
    old, new = (BUILD / "stage1.bin").read_bytes(), new_stage1(tmp_path)
    disk = disk_with(tmp_path, {"STAGE1.BIN": old, "STAGE1.BAK": old[:1000], "STAGE1.NEW": new})
    out = boot_hello(qemu, disk)
    assert f"stage1 {NEW_VERSION} from STAGE1.NEW verified" in out, out
    assert "STAGE1.NEW promoted: it is STAGE1.BIN now" in out, out
    assert "copy=STAGE1.NEW try=1 passed=none watchdog=ICH9 TCO update=promoted" in out, out
    files = strata_files(disk)
    assert "STAGE1.NEW" not in files
    assert files["STAGE1.BIN"] == new and files["STAGE1.BAK"] == old
    assert fsck(disk, tmp_path)[0] == 0, fsck(disk, tmp_path)[1]
    out = boot_hello(qemu, disk)
    assert f"stage1 {NEW_VERSION} from STAGE1.BIN verified" in out, out


def test_broken_stage1_new_is_tried_three_times_then_removed(tmp_path, qemu):
    old = (BUILD / "stage1.bin").read_bytes()
    disk = disk_with(tmp_path, {"STAGE1.BIN": old, "STAGE1.NEW": patched_stage1(UD2)})
    out = boot_hello(qemu, disk)
    assert "STAGE1.NEW is not yet known good: try 3 of 3" in out, out
    assert "STAGE1.NEW" in out and "failed 3 tries in a row" in out, out
    assert "STAGE1.NEW failed its tries and was removed" in out, out
    assert "copy=STAGE1.BIN try=1 passed=STAGE1.NEW watchdog=ICH9 TCO update=discarded" in out, \
        out
    files = strata_files(disk)
    assert set(files) == {"STAGE1.BIN", "RUNTIME.BIN"} and files["STAGE1.BIN"] == old
    assert fsck(disk, tmp_path)[0] == 0, fsck(disk, tmp_path)[1]


@pytest.mark.parametrize("step", ["1", "2", "3"])
def test_power_cut_after_each_promotion_step_leaves_a_disk_that_boots(tmp_path, qemu, step):
    """Halt right after step N (test hook), kill QEMU (fresh CMOS, as after a power cut), boot
    again: the disk boots and the promotion completes, the old stage1 kept as STAGE1.BAK."""
    old, new = (BUILD / "stage1.bin").read_bytes(), new_stage1(tmp_path)
    disk = disk_with(tmp_path, {"STAGE1.BIN": old, "STAGE1.BAK": old, "STAGE1.NEW": new})
    run = qemu(disk, reboot=True,
               extra=["-fw_cfg", f"name=opt/strata/test-update-stop,string={step}"])
    assert run.wait_for(f"halting after step {step} of the promotion", BOOT_TIMEOUT), run.log()
    run.kill()
    assert fsck(disk, tmp_path)[0] == 0, fsck(disk, tmp_path)[1]
    boot_hello(qemu, disk)
    files = strata_files(disk)
    assert "STAGE1.NEW" not in files
    assert files["STAGE1.BIN"] == new and files["STAGE1.BAK"] == old


@pytest.mark.parametrize("left", [{"STAGE1.NEW"}, {"STAGE1.BAK"}],
                         ids=["cut-inside-bin-to-bak", "cut-inside-new-to-bin"])
def test_power_cut_inside_a_rename_leaves_a_disk_that_boots(tmp_path, qemu, left):
    """A rename drops the old name before writing the new one: a cut in between leaves the file
    unnamed. The one copy left still boots (and a NEW left alone is promoted to BIN)."""
    old, new = (BUILD / "stage1.bin").read_bytes(), new_stage1(tmp_path)
    strata = {"STAGE1.NEW": new, "STAGE1.BAK": old}
    disk = disk_with(tmp_path, {name: strata[name] for name in left})
    out = boot_hello(qemu, disk)
    files = strata_files(disk)
    if "STAGE1.NEW" in left:
        assert "STAGE1.NEW promoted" in out, out
        assert files["STAGE1.BIN"] == new and "STAGE1.NEW" not in files
    else:
        assert "booting the BACKUP stage1" in out, out
        assert files["STAGE1.BAK"] == old


def uki_disk(tmp_path, new):
    """The Debian UKI image with this build's stage1 as BIN and BAK, and new where the test
    initramfs's hook copies it from (to /STRATA/STAGE1.NEW, from Linux)."""
    import shutil
    image = BUILD / "images" / "linux-uki.img"
    if not image.exists():
        pytest.skip(f"{image} not built (make images)")
    disk = tmp_path / "uki.img"
    shutil.copy(image, disk)
    for _ in range(2):
        subprocess.run([str(BUILD / "mkimage"), "update", str(disk), "--stage1",
                        str(BUILD / "stage1.bin")], check=True, capture_output=True)
    src = tmp_path / "new.bin"
    src.write_bytes(new)
    first, _ = partition_range(disk, 1)
    subprocess.run(["mcopy", "-i", f"{disk}@@{first * SECTOR}", str(src),
                    "::/STRATA-TEST-NEW.BIN"], check=True)
    return disk


def boot_linux_twice(qemu, disk):
    """Linux writes STAGE1.NEW and reboots; the second Linux reports the firmware's status."""
    run = qemu(disk, memory="512", reboot=True,
               extra=["-cpu", "max", "-smbios", "type=1,serial=strata-install-new"])
    assert run.wait_for("STRATA-DONE", BOOT_TIMEOUT), run.log()
    run.kill()
    out = run.output
    assert "strata: install-new: STAGE1.NEW written, rebooting" in out, run.log()
    assert out.count("STRATA-USERSPACE-OK") == 1, run.log()  # the first Linux rebooted earlier
    return out


def test_stage1_new_written_from_linux_is_promoted(tmp_path, qemu):
    old, new = (BUILD / "stage1.bin").read_bytes(), new_stage1(tmp_path)
    disk = uki_disk(tmp_path, new)
    out = boot_linux_twice(qemu, disk)
    assert f"stage1 {NEW_VERSION} from STAGE1.NEW verified" in out, out
    assert "strata: boot status: copy=STAGE1.NEW try=1 passed=none" in out, out
    assert "update=promoted" in out.split("strata: boot status:")[1].split("\n")[0], out
    files = strata_files(disk)
    assert "STAGE1.NEW" not in files
    assert files["STAGE1.BIN"] == new and files["STAGE1.BAK"] == old


def test_broken_stage1_new_written_from_linux_is_discarded(tmp_path, qemu):
    old = (BUILD / "stage1.bin").read_bytes()
    disk = uki_disk(tmp_path, patched_stage1(UD2))
    out = boot_linux_twice(qemu, disk)
    assert "STAGE1.NEW is not yet known good: try 3 of 3" in out, out
    assert "strata: boot status: copy=STAGE1.BIN try=0 passed=STAGE1.NEW" in out, out
    assert "update=discarded" in out.split("strata: boot status:")[1].split("\n")[0], out
    files = strata_files(disk)
    assert "STAGE1.NEW" not in files
    assert files["STAGE1.BIN"] == old and files["STAGE1.BAK"] == old
