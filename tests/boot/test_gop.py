# SPDX-License-Identifier: MIT
"""Strata's GOP on QEMU's displays: gop-pattern's picture read back through QMP, pixel for pixel,
as tests/efi-apps/test_gop_ovmf.py checks it on OVMF."""
import re

import pytest
from conftest import BUILD, build_disk
from gop_pattern import check_screen
from test_stage1 import strata_files

APPS = BUILD / "efi-apps"


# The size set at start: the monitor's preferred one, from the EDID QEMU's displays report (edid=on
# by default; QEMU 7.1 and later prefer 1280x800 unless xres/yres say otherwise) or from
# virtio-gpu's display info, when it is one of the modes offered; else 1024x768 (ramfb, which has
# no EDID).
@pytest.mark.parametrize("machine,display,size", [
    ("q35", "VGA", "1280x800"), ("pc", "VGA", "1280x800"),
    ("q35", "bochs-display", "1280x800"), ("q35", "VGA,xres=1920,yres=1080", "1920x1080"),
    ("q35", "VGA,edid=off", "1024x768"), ("q35", "bochs-display,xres=1600,yres=1200", "1024x768"),
    ("q35", "virtio-gpu-pci", "1280x800"),
    ("pc", "virtio-gpu-pci,xres=1024,yres=768", "1024x768"),
    ("q35", "virtio-vga", "1280x800"),
    ("q35", "ramfb", "1024x768"), ("pc", "ramfb", "1024x768")])
def test_gop_pattern_is_on_the_screen_pixel_for_pixel(tmp_path, qemu, machine, display, size):
    disk = build_disk(tmp_path / "gop.img",
                      strata_files({"/EFI/BOOT/BOOTX64.EFI": APPS / "gop-pattern.efi"}))
    qmp = tmp_path / "qmp.sock"
    extra = ["-qmp", f"unix:{qmp},server=on,wait=off"]
    if display != "VGA":
        extra += ["-vga", "none", "-device", display]
    run = qemu(disk, machine=machine, extra=extra)
    check_screen(run, qmp, tmp_path / "screen.ppm")
    assert re.search(rf"gop: .* {size}, \d+ modes", run.output), run.log()
    assert f"GOP-MODE {size}" in run.output, run.log()
    if display.startswith(("virtio-gpu", "virtio-vga")):
        # As OVMF: the guest copy is no frame buffer the OS could keep drawing in.
        assert "Blt only" in run.output, run.log()
    if display == "ramfb":
        assert "gop: ramfb: 1024x768, 3 modes, frame buffer at" in run.output, run.log()
