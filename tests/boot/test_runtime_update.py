# SPDX-License-Identifier: MIT
"""`mkimage update --runtime` (docs/updates.md): the old RUNTIME.BIN becomes RUNTIME.BAK, and
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
