# SPDX-License-Identifier: MIT
"""The EDK2 UEFI Shell runs a script of commands under Strata, as it does on OVMF (issue 18)."""
import sys
from pathlib import Path

import pytest

from conftest import shipped_image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shell_script import check_output, install_script, today  # noqa: E402

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
