# SPDX-License-Identifier: MIT
"""The picture efi-apps/gop-pattern draws, computed from its pattern.h, and a screen checked
against it; the OVMF and the Strata GOP tests share it."""
import re
import time
from pathlib import Path

from qemu_harness import ROOT, qmp_screendump

HEADER = ROOT / "efi-apps" / "gop-pattern" / "pattern.h"
READY = "GOP-PATTERN-READY"


def constants():
    """pattern.h's numbers, and its SOURCE_R/G/B(x, y) macros as Python functions."""
    values, text = {}, HEADER.read_text()
    for name, value in re.findall(r"^#define (\w+) (0x[0-9a-fA-F]+|\d+)$", text, re.M):
        values[name] = int(value, 0)
    for name, body in re.findall(r"^#define (SOURCE_[RGB])\(x, y\) (.+)$", text, re.M):
        values[name] = eval(f"lambda x, y: {body}")  # C's * ^ & mean the same in Python
    return values


def expected(c, first_row_of_video_to_video=True):
    """{(x, y): (r, g, b)} of every pixel the pattern defines. OVMF's VideoToVideo (Debian 12's
    edk2-stable202211) copies every row of the rectangle but its first: the reference is
    modelled as it is, pixel for pixel, with first_row_of_video_to_video=False."""
    screen = {}
    for y in range(c["FILL_Y"], c["FILL_Y"] + c["FILL_H"]):
        for x in range(c["FILL_X"], c["FILL_X"] + c["FILL_W"]):
            screen[x, y] = (c["FILL_R"], c["FILL_G"], c["FILL_B"])

    def source(x, y):
        return tuple(c[f"SOURCE_{k}"](x, y) & 0xFF for k in "RGB")

    def blit(dx, dy, pixel_at, first_row=0):
        block = {(i, j): pixel_at(i, j) for j in range(first_row, c["BLIT_H"])
                 for i in range(c["BLIT_W"])}
        for (i, j), rgb in block.items():
            screen[dx + i, dy + j] = rgb

    skip = 0 if first_row_of_video_to_video else 1
    blit(c["BLIT_X"], c["BLIT_Y"], lambda i, j: source(c["BLIT_SX"] + i, c["BLIT_SY"] + j))
    blit(c["COPY_X"], c["COPY_Y"], lambda i, j: screen[c["BLIT_X"] + i, c["BLIT_Y"] + j], skip)
    blit(c["OVERLAP_X"], c["OVERLAP_Y"], lambda i, j: screen[c["COPY_X"] + i, c["COPY_Y"] + j],
         skip)
    return screen


def differences(rgb, width, picture):
    return [(x, y, want, tuple(rgb[(y * width + x) * 3:(y * width + x) * 3 + 3]))
            for (x, y), want in picture.items()
            if tuple(rgb[(y * width + x) * 3:(y * width + x) * 3 + 3]) != want]


def check_screen(run, qmp_socket, out, first_row_of_video_to_video=True):
    """Wait for the app, take the screen, and compare it with the pattern pixel for pixel. The
    app draws the picture once more after its last line of text, so a screen taken before that
    draw ends may still show the text: a few more tries, never a looser comparison."""
    assert run.wait_for(READY, 240), run.log()
    assert "GOP-BOUNDS Invalid Parameter" in run.output, run.log()
    assert "GOP-READBACK-OK" in run.output, run.log()
    mode = re.search(r"GOP-MODE (\d+)x(\d+)", run.output)
    picture = expected(constants(), first_row_of_video_to_video)
    for _ in range(10):
        width, height, rgb = qmp_screendump(qmp_socket, out)
        assert (width, height) == (int(mode.group(1)), int(mode.group(2)))
        wrong = differences(rgb, width, picture)
        if not wrong:
            return
        time.sleep(0.5)
    assert not wrong, f"{len(wrong)} pixels differ, first: {wrong[:5]}"
