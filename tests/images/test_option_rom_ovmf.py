# SPDX-License-Identifier: MIT
"""The reference for tests/boot/test_option_rom.py: under OVMF, a virtio-net NIC's iPXE option
ROM driver shows in the Shell's `drivers` with its Offset(..) path, and after `connect -r` (OVMF's
boot manager connects only the boot device; Strata connects ROM drivers at once, and the same
script runs there) `dh -p SimpleNetwork` finds the NIC with the MAC given to QEMU."""
import random
import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import image_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shell_script import ANSI, install  # noqa: E402

BOOT_TIMEOUT = 600
ROM = Path("/usr/lib/ipxe/qemu/efi-virtio.rom")
SCRIPT = r"""@echo -off
connect -r
drivers
echo STRATA-SNP
dh -p SimpleNetwork
echo STRATA-OPROM-DONE
reset -s
"""


def test_nic_option_rom_driver_gives_simple_network_on_ovmf(ovmf, tmp_path):
    if not ROM.exists():
        pytest.skip(f"{ROM} missing (Debian's ipxe-qemu)")
    disk = tmp_path / "shell.img"
    shutil.copy(image_path("shell"), disk)
    install(disk, SCRIPT)
    mac = "52:54:00:" + ":".join(f"{random.randrange(256):02x}" for _ in range(3))
    run = ovmf(disk, extra=["-nic", "none", "-device", f"virtio-net-pci,mac={mac},addr=0x5"])
    assert run.wait_for("STRATA-OPROM-DONE", BOOT_TIMEOUT), run.log()
    out = ANSI.sub("", run.output)
    drivers, snp = out.split("STRATA-SNP", 1)
    assert re.search(r"virtio-net\.efidrv\s+Offset\(0x[0-9A-F]+,0x[0-9A-F]+\)", drivers), \
        run.log()
    assert f"MAC({mac.replace(':', '').upper()},0x1)" in snp, run.log()
