# SPDX-License-Identifier: MIT
"""The EDK2 UEFI Shell runs a script of commands under Strata, as it does on OVMF (issue 18)."""
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUILD, shipped_image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shell_script import (ANSI, BCFG_SCRIPT, KERNEL_SCRIPT, check_output, install,  # noqa: E402
                          install_script, kernel_files, today)

TIMEOUT = 400


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_shell_script_runs_and_powers_off(tmp_path, qemu, machine):
    disk = shipped_image("shell", tmp_path)
    install_script(disk)
    dates = [today()]
    run = qemu(disk, machine=machine, memory="512")
    assert run.wait_for("STRATA-SHELL-SCRIPT-DONE", TIMEOUT), run.log()
    # reset -s: the runtime's ACPI power-off ends QEMU with status 0.
    assert run.wait_exit(60) == 0, run.log()
    dates.append(today())
    check_output(run.output, run.log(), dates)


def test_kernel_started_from_the_shell_gets_its_command_line_and_initrd(tmp_path, qemu):
    disk = shipped_image("shell", tmp_path)
    native = shipped_image("native-linux", tmp_path)
    install(disk, KERNEL_SCRIPT, kernel_files(native, tmp_path))
    run = qemu(disk, memory="512", extra=["-cpu", "max"])
    assert run.wait_for("STRATA-USERSPACE-OK", TIMEOUT), run.log()
    assert run.wait_for("STRATA-ENTRY-from-shell", 60), run.log()


def test_bcfg_boot_add_persists_in_the_flash_store(tmp_path, qemu):
    disk = shipped_image("shell", tmp_path)
    install(disk, BCFG_SCRIPT)
    store = tmp_path / "vars.fd"
    store.write_bytes(b"\xff" * 1024 * 1024)
    run = qemu(disk, memory="512", vars_store=store)
    assert run.wait_for("STRATA-SHELL-BCFG-DONE", TIMEOUT), run.log()
    assert run.wait_exit(60) == 0, run.log()
    out = ANSI.sub("", run.output)
    assert "Strata Shell entry" in out, run.log()
    listing = subprocess.run([str(BUILD / "mkimage"), "vars", "list", str(store)],
                             capture_output=True, text=True, check=True).stdout
    assert "Boot0000" in listing and "BootOrder" in listing, listing
    # The load option's description, as UCS-2, is in Boot0000's data.
    data = subprocess.run([str(BUILD / "mkimage"), "vars", "get", str(store), "Boot0000"],
                          capture_output=True, check=True).stdout
    assert "Strata Shell entry".encode("utf-16-le") in data, data
