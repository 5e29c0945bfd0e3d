# SPDX-License-Identifier: MIT
"""Images made by mkimage boot under stage0; `mkimage update` swaps stage1 and keeps a backup."""
import subprocess

from conftest import BUILD

PROBE_OK = "HANDOFF-PROBE-OK"
BOOT_TIMEOUT = 60


def mkimage(*args):
    return subprocess.run([str(BUILD / "mkimage"), *map(str, args)], check=True,
                          capture_output=True, text=True)


def wrap_probe(tmp_path, version):
    out = tmp_path / f"probe-{version}.bin"
    mkimage("wrap", "--kind", "stage1", "--version-string", version,
            BUILD / "tests" / "handoff_probe.elf", out)
    return out


def boot(qemu, disk):
    run = qemu(disk)
    assert run.wait_for(PROBE_OK, BOOT_TIMEOUT), run.log()
    assert run.wait_exit(10) == 1, run.log()
    return run.output


def test_update_boots_new_stage1_then_falls_back_when_it_is_corrupted(tmp_path, qemu):
    disk = tmp_path / "disk.img"
    mkimage("create", "-o", disk, "--size", "32M", "--stage1", wrap_probe(tmp_path, "probe-1.0"),
            "--runtime", BUILD / "tests" / "handoff_probe_runtime.bin")
    out = boot(qemu, disk)
    assert "stage1 probe-1.0 from STAGE1.BIN verified" in out

    mkimage("update", disk, "--stage1", wrap_probe(tmp_path, "probe-2.0"))
    out = boot(qemu, disk)
    assert "stage1 probe-2.0 from STAGE1.BIN verified" in out
    assert "probe: runtime at" in out

    # Flip a byte inside STAGE1.BIN's body on the raw disk: the ESP's FAT still points at it.
    data = bytearray(disk.read_bytes())
    marker = b"probe-2.0"
    at = data.find(marker)
    assert at > 0
    body = at - 56 + 128  # version_string is at offset 56 of the 128-byte header
    data[body + 64] ^= 0xFF
    disk.write_bytes(bytes(data))
    out = boot(qemu, disk)
    assert "STAGE1.BIN is unusable, falling back to the backup copy STAGE1.BAK" in out
    assert "booting the BACKUP stage1 probe-1.0 from STAGE1.BAK" in out
