# SPDX-License-Identifier: MIT
"""Linux on Strata's GOP: the Debian UKI's kernel finds the frame buffer (efifb), and its console
draws on the screen we gave it, read back through QMP on q35 and pc."""
import re

import pytest
from conftest import BUILD
from qemu_harness import qmp_screendump

IMAGE = BUILD / "images" / "linux-uki.img"
LINUX_TIMEOUT = 300
# images/initramfs/init's screen hook: four rows of 40 reverse-video cells at the top left.
BLOCK_COLUMNS, BLOCK_ROWS = 40, 4
FONT_W, FONT_H = 8, 16
GREY = (0xaa, 0xaa, 0xaa)  # the console's default foreground, the cells' background in reverse


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_linux_console_is_drawn_on_the_gop_frame_buffer(tmp_path, qemu, machine):
    if not IMAGE.exists():
        pytest.skip(f"{IMAGE} not built (make images)")
    qmp = tmp_path / "qmp.sock"
    run = qemu(IMAGE, machine=machine, memory="512", snapshot=True,
               extra=["-cpu", "max", "-smbios", "type=1,serial=strata-fbcon-screen",
                      "-qmp", f"unix:{qmp},server=on,wait=off"])
    assert run.wait_for("STRATA-FBCON-DRAWN", LINUX_TIMEOUT), run.log()
    out = run.output
    gop = re.search(r"gop: \S+ (\d+)x(\d+), \d+ modes, frame buffer at ([0-9a-f]+)", out)
    assert gop, run.log()
    width, height, base = int(gop.group(1)), int(gop.group(2)), int(gop.group(3), 16)
    # The kernel took the frame buffer the GOP reported, at the mode it was in.
    efifb = re.search(r"efifb: framebuffer at (0x[0-9a-f]+)", out)
    assert efifb and int(efifb.group(1), 16) == base, run.log()
    assert f"efifb: mode is {width}x{height}x32" in out, run.log()
    assert re.search(r"fb0: EFI VGA frame buffer device", out), run.log()
    assert f"frame buffer device {width // FONT_W}x{height // FONT_H}" in out, run.log()
    assert f"strata: fbcon: EFI VGA {width},{height}" in out, run.log()

    screen_w, screen_h, rgb = qmp_screendump(qmp, tmp_path / "screen.ppm")
    assert (screen_w, screen_h) == (width, height)

    def pixel(x, y):
        return tuple(rgb[(y * screen_w + x) * 3:(y * screen_w + x) * 3 + 3])

    block = [(x, y) for y in range(BLOCK_ROWS * FONT_H) for x in range(BLOCK_COLUMNS * FONT_W)]
    wrong = [(x, y, pixel(x, y)) for x, y in block if pixel(x, y) != GREY]
    assert not wrong, f"{len(wrong)} pixels of the block differ, first: {wrong[:5]}"
    # Right of the block the cleared screen is black; the text row below it has lit pixels.
    assert all(pixel(x, y) == (0, 0, 0) for y in range(0, BLOCK_ROWS * FONT_H, 7)
               for x in range(BLOCK_COLUMNS * FONT_W, screen_w, 5))
    text_row = range(BLOCK_ROWS * FONT_H, (BLOCK_ROWS + 1) * FONT_H)
    assert sum(pixel(x, y) != (0, 0, 0) for y in text_row for x in range(0, 41 * FONT_W)) > 200


def test_linux_boots_on_virtio_gpu_which_gives_no_efifb(tmp_path, qemu):
    """virtio-gpu's GOP is Blt only, as OVMF's: the kernel must not take a frame buffer from it,
    and the device, reset at ExitBootServices, no longer reads the firmware's memory."""
    if not IMAGE.exists():
        pytest.skip(f"{IMAGE} not built (make images)")
    run = qemu(IMAGE, memory="512", snapshot=True,
               extra=["-cpu", "max", "-vga", "none", "-device", "virtio-gpu-pci"])
    assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
    assert "Blt only (virtio-gpu)" in run.output, run.log()
    assert "ExitBootServices: handing over to the OS" in run.output
    assert "efifb: framebuffer at" not in run.output, run.log()
    assert run.wait_exit(30) is not None, "poweroff did not end QEMU\n" + run.log()
