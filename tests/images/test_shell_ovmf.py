# SPDX-License-Identifier: MIT
"""The shell image's script runs under OVMF: the reference for what Strata must do (issue 18)."""
from conftest import image_path

BOOT_TIMEOUT = 600


def test_shell_script_runs_and_powers_off_on_ovmf(ovmf):
    run = ovmf(image_path("shell"))
    assert run.wait_for("STRATA-SHELL-OK", BOOT_TIMEOUT), run.log()
    # reset -s: an ACPI power-off ends QEMU with status 0.
    assert run.wait_exit(120) == 0, run.log()
    out = run.output
    assert "UEFI Interactive Shell v2" in out, run.log()  # ver
    assert "FS0:" in out, run.log()  # map -r names the ESP
