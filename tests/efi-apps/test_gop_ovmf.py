# SPDX-License-Identifier: MIT
"""gop-pattern's picture on OVMF's std VGA, read back through QMP: the reference for Strata's GOP."""
from ovmf_boot import APPS, build_disk, ovmf  # noqa: F401 (ovmf is a fixture; puts tests/ on the path)

from gop_pattern import check_screen  # noqa: E402


def test_gop_pattern_is_on_the_screen_pixel_for_pixel_on_ovmf(ovmf, tmp_path):
    disk = build_disk(tmp_path / "gop.img", {"/EFI/BOOT/BOOTX64.EFI": APPS / "gop-pattern.efi"})
    qmp = tmp_path / "qmp.sock"
    run = ovmf(disk, extra=["-qmp", f"unix:{qmp},server=on,wait=off"])
    # OVMF's VideoToVideo leaves out the first row (see gop_pattern.expected); Strata's does not.
    check_screen(run, qmp, tmp_path / "screen.ppm", first_row_of_video_to_video=False)
