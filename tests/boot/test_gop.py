# SPDX-License-Identifier: MIT
"""Strata's GOP on QEMU's displays: gop-pattern's picture read back through QMP, pixel for pixel,
as tests/efi-apps/test_gop_ovmf.py checks it on OVMF."""
import pytest
from conftest import BUILD, build_disk
from gop_pattern import check_screen
from test_stage1 import strata_files

APPS = BUILD / "efi-apps"


@pytest.mark.parametrize("machine,display", [("q35", "VGA"), ("pc", "VGA"),
                                             ("q35", "bochs-display")])
def test_gop_pattern_is_on_the_screen_pixel_for_pixel(tmp_path, qemu, machine, display):
    disk = build_disk(tmp_path / "gop.img",
                      strata_files({"/EFI/BOOT/BOOTX64.EFI": APPS / "gop-pattern.efi"}))
    qmp = tmp_path / "qmp.sock"
    extra = ["-qmp", f"unix:{qmp},server=on,wait=off"]
    if display != "VGA":
        extra += ["-vga", "none", "-device", display]
    run = qemu(disk, machine=machine, extra=extra)
    check_screen(run, qmp, tmp_path / "screen.ppm")
    assert "gop: " in run.output and "1024x768" in run.output, run.log()
