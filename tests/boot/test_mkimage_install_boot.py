# SPDX-License-Identifier: MIT
"""A disk mkimage did not make (GPT, an ESP with shim and GRUB, a root partition) boots to Linux
userspace under Strata once `mkimage install` has put the stages on its ESP, raw and qcow2."""
import subprocess
from pathlib import Path

import pytest
from conftest import BUILD
from qemu_harness import ESP_START, SECTOR, foreign_disk

LINUX_TIMEOUT = 300
SOURCE = BUILD / "images" / "shim-grub.img"


def distribution_esp(tmp_path):
    """The shim-grub image's ESP without /STRATA: shim as BOOTX64.EFI, GRUB, kernel, initrd."""
    if not SOURCE.exists():
        pytest.skip(f"{SOURCE} not built (make images)")
    tree = tmp_path / "esp"
    tree.mkdir()
    spec = f"{SOURCE}@@{ESP_START * SECTOR}"
    subprocess.run(["mcopy", "-s", "-n", "-i", spec, "::/EFI", "::/linux", str(tree)],
                   check=True, capture_output=True)
    files = {"/" + str(p.relative_to(tree)): p for p in sorted(tree.rglob("*")) if p.is_file()}
    assert "/EFI/BOOT/BOOTX64.EFI" in files and "/linux/vmlinuz" in files
    return files


def install(disk):
    subprocess.run([str(BUILD / "mkimage"), "install", str(disk), "--stage1",
                    str(BUILD / "stage1.bin"), "--runtime", str(BUILD / "runtime.bin")],
                   check=True, capture_output=True)


@pytest.mark.parametrize("disk_format", ["raw", "qcow2"])
def test_installed_disk_boots_shim_grub_linux_under_strata(qemu, tmp_path, disk_format):
    disk = foreign_disk(tmp_path / "debian.img", distribution_esp(tmp_path),
                        b"root partition\n" * 64, esp_mib=64, size_mib=96)
    if disk_format == "qcow2":
        raw, disk = disk, Path(tmp_path / "debian.qcow2")
        subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", str(raw), str(disk)],
                       check=True)
    install(disk)
    run = qemu(disk, memory="512", extra=["-cpu", "max"], disk_format=disk_format)
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    assert "from STAGE1.BIN verified" in run.output, run.log()
