# SPDX-License-Identifier: MIT
"""A UEFI driver loaded with the Shell's `load -nc` binds through PCI I/O and ConnectController
(issue 18): built here with gnu-efi for the ids of a pci-testdev, `connect -r` must start it on
that function and, by the recursion, on the child it makes; `drivers` and `dh -d` show what it
manages, and `disconnect -r` runs its Stop, children first. tests/images/test_shell_ovmf.py runs
the same on OVMF."""
import sys
from pathlib import Path

import pytest

from conftest import shipped_image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shell_script import (DRIVER_SCRIPT, PCI_DRIVER_DEVICE, build_pci_driver,  # noqa: E402
                          check_driver_output, install)

TIMEOUT = 400


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_loaded_driver_binds_its_pci_device_and_child_and_stops(tmp_path, qemu, machine):
    disk = shipped_image("shell", tmp_path)
    install(disk, DRIVER_SCRIPT, [(build_pci_driver(tmp_path), "/pcidrv.efi")])
    run = qemu(disk, machine=machine, memory="512", extra=PCI_DRIVER_DEVICE)
    assert run.wait_for("STRATA-SHELL-DRIVER-DONE", TIMEOUT), run.log()
    assert run.wait_exit(60) == 0, run.log()
    check_driver_output(run.output, run.log())
