# SPDX-License-Identifier: MIT
"""`mkimage update --runtime` (docs/updating.md): the old RUNTIME.BIN becomes RUNTIME.BAK, and
stage0 boots the backup when RUNTIME.BIN does not verify."""
import subprocess

from conftest import BUILD, SECTOR

BOOT_TIMEOUT = 120
HELLO = "Hello from Strata efi-apps/hello"


def mkimage(*args):
    return subprocess.run([str(BUILD / "mkimage"), *map(str, args)], check=True,
                          capture_output=True, text=True).stdout


def wrap_runtime(tmp_path, version):
    out = tmp_path / f"runtime-{version}.bin"
    mkimage("wrap", "--kind", "runtime", "--version-string", version, BUILD / "runtime.elf", out)
    return out


def test_update_runtime_keeps_backup_and_stage0_falls_back_to_it(tmp_path, qemu):
    disk = tmp_path / "disk.img"
    mkimage("create", "-o", disk, "--size", "32M", "--stage1", BUILD / "stage1.bin",
            "--runtime", wrap_runtime(tmp_path, "rt-1.0"),
            "--payload", BUILD / "efi-apps" / "hello.efi")
    out = mkimage("update", disk, "--runtime", wrap_runtime(tmp_path, "rt-2.0"))
    assert "runtime is now rt-2.0" in out
    out = mkimage("inspect", disk)
    assert "/STRATA/RUNTIME.BIN: runtime rt-2.0" in out, out
    assert "/STRATA/RUNTIME.BAK: runtime rt-1.0" in out, out

    run = qemu(disk)
    assert run.wait_for(HELLO, BOOT_TIMEOUT), run.log()
    assert "runtime rt-2.0 verified" in run.output, run.log()
    run.kill()

    # A RUNTIME.BIN that is not a stage image: stage0 takes RUNTIME.BAK and says so.
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a runtime" * 100)
    first = subprocess.run(["sgdisk", "-i1", str(disk)], capture_output=True, text=True).stdout
    start = int(first.split("First sector: ")[1].split()[0])
    subprocess.run(["mcopy", "-o", "-i", f"{disk}@@{start * SECTOR}", str(junk),
                    "::/STRATA/RUNTIME.BIN"], check=True)
    run = qemu(disk)
    assert run.wait_for(HELLO, BOOT_TIMEOUT), run.log()
    out = run.output
    assert "RUNTIME.BIN is unusable: booting the BACKUP runtime RUNTIME.BAK" in out, run.log()
    assert "runtime rt-1.0 verified" in out, run.log()


def runtime_new_disk(tmp_path, new):
    from conftest import build_disk
    return build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": (BUILD / "stage1.bin").read_bytes(),
        "/STRATA/RUNTIME.BIN": (BUILD / "runtime.bin").read_bytes(),
        "/STRATA/RUNTIME.NEW": new,
        "/EFI/BOOT/BOOTX64.EFI": (BUILD / "efi-apps" / "hello.efi").read_bytes()})


def test_good_runtime_new_is_promoted_and_the_old_bin_becomes_bak(tmp_path, qemu):
    from test_stage1_new import strata_files
    new = wrap_runtime(tmp_path, "rt-new").read_bytes()
    disk = runtime_new_disk(tmp_path, new)
    run = qemu(disk, reboot=True)
    assert run.wait_for(HELLO, BOOT_TIMEOUT), run.log()
    run.kill()
    out = run.output
    assert "RUNTIME.NEW is not yet known good: try 1 of 3" in out, out
    assert "runtime rt-new verified" in out, out
    assert "RUNTIME.NEW promoted: it is RUNTIME.BIN now" in out, out
    assert "runtime=RUNTIME.NEW runtime_update=promoted" in out, out
    files = strata_files(disk)
    assert "RUNTIME.NEW" not in files
    assert files["RUNTIME.BIN"] == new
    assert files["RUNTIME.BAK"] == (BUILD / "runtime.bin").read_bytes()


def test_runtime_new_that_crashes_stage1_is_tried_three_times_then_removed(tmp_path, qemu):
    from test_safe_update import UD2, patched_stage1
    from test_stage1_new import strata_files
    disk = runtime_new_disk(tmp_path, patched_stage1(UD2, "runtime.bin"))
    run = qemu(disk, reboot=True)
    assert run.wait_for(HELLO, BOOT_TIMEOUT), run.log()
    run.kill()
    out = run.output
    assert "RUNTIME.NEW is not yet known good: try 3 of 3" in out, out
    assert out.count("RUNTIME.NEW is not yet known good: resetting for another try") == 3, out
    assert "RUNTIME.NEW" in out and "failed 3 tries in a row: passing over it" in out, out
    assert "RUNTIME.NEW failed its tries and was removed" in out, out
    assert "runtime=RUNTIME.BIN runtime_update=discarded" in out, out
    files = strata_files(disk)
    assert "RUNTIME.NEW" not in files
    assert files["RUNTIME.BIN"] == (BUILD / "runtime.bin").read_bytes()
