# SPDX-License-Identifier: MIT
"""The shell image's script runs under OVMF: the reference for what Strata must do (issue 18)."""
import shutil
import sys
from pathlib import Path

from conftest import image_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shell_script import (DRIVER_SCRIPT, PCI_DRIVER_DEVICE, build_pci_driver,  # noqa: E402
                          check_driver_output, check_output, install, install_script, today)

BOOT_TIMEOUT = 600


def test_shell_script_runs_and_powers_off_on_ovmf(ovmf):
    run = ovmf(image_path("shell"))
    assert run.wait_for("STRATA-SHELL-OK", BOOT_TIMEOUT), run.log()
    # reset -s: an ACPI power-off ends QEMU with status 0.
    assert run.wait_exit(120) == 0, run.log()
    out = run.output
    assert "UEFI Interactive Shell v2" in out, run.log()  # ver
    assert "FS0:" in out, run.log()  # map -r names the ESP


def test_shell_command_script_runs_on_ovmf(ovmf, tmp_path):
    """The commands tests/boot/test_shell.py runs under Strata, first on the reference."""
    disk = tmp_path / "shell.img"
    shutil.copy(image_path("shell"), disk)
    install_script(disk)
    dates = [today()]
    run = ovmf(disk)
    assert run.wait_for("STRATA-SHELL-SCRIPT-DONE", BOOT_TIMEOUT), run.log()
    assert run.wait_exit(120) == 0, run.log()
    dates.append(today())
    check_output(run.output, run.log(), dates)


def test_loaded_driver_binds_its_pci_device_and_child_on_ovmf(ovmf, tmp_path):
    """tests/boot/test_shell_driver.py's driver and commands, first on the reference."""
    disk = tmp_path / "shell.img"
    shutil.copy(image_path("shell"), disk)
    install(disk, DRIVER_SCRIPT, [(build_pci_driver(tmp_path), "/pcidrv.efi")])
    run = ovmf(disk, extra=PCI_DRIVER_DEVICE)
    assert run.wait_for("STRATA-SHELL-DRIVER-DONE", BOOT_TIMEOUT), run.log()
    assert run.wait_exit(120) == 0, run.log()
    check_driver_output(run.output, run.log())
