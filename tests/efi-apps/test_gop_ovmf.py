# SPDX-License-Identifier: MIT
"""gop-pattern's picture on OVMF's std VGA, virtio-gpu and ramfb, read back through QMP: the
reference for Strata's GOP."""
import pytest
from ovmf_boot import APPS, build_disk, ovmf  # noqa: F401 (ovmf is a fixture; puts tests/ on the path)

from gop_pattern import check_screen  # noqa: E402


@pytest.mark.parametrize("display", ["VGA", "virtio-gpu-pci", "ramfb"])
def test_gop_pattern_is_on_the_screen_pixel_for_pixel_on_ovmf(ovmf, tmp_path, display):
    disk = build_disk(tmp_path / "gop.img", {"/EFI/BOOT/BOOTX64.EFI": APPS / "gop-pattern.efi"})
    qmp = tmp_path / "qmp.sock"
    extra = ["-qmp", f"unix:{qmp},server=on,wait=off"]
    if display != "VGA":
        extra += ["-vga", "none", "-device", display]
    run = ovmf(disk, extra=extra)
    # OVMF's VideoToVideo on std VGA and ramfb (its FrameBufferBltLib) leaves out the first row
    # (see gop_pattern.expected); on virtio-gpu it copies every row, as Strata's does on all.
    check_screen(run, qmp, tmp_path / "screen.ppm",
                 first_row_of_video_to_video=display == "virtio-gpu-pci")
