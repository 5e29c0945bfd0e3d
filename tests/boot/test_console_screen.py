# SPDX-License-Identifier: MIT
"""ConOut on the screen: efi-apps/console-text prints script.h's text, and QEMU's screen (QMP
screendump) must equal that text rendered here with the same PSF font, pixel for pixel; Strata's
own boot lines are drawn on the screen too."""
import ast
import importlib.util
import re
import time

import pytest
from conftest import BUILD, ROOT, build_disk
from qemu_harness import build_efi_app, qmp_screendump
from screenshot import read_png, write_png
from test_stage1 import strata_files

APPS = BUILD / "efi-apps"
SCRIPT = ROOT / "efi-apps" / "console-text" / "script.h"
FONT = BUILD / "font" / "Lat15-Terminus16.psf"
# The VGA palette stage1/protocols/text_gop.c draws the 16 EFI colours with, as (r, g, b).
PALETTE = [(0, 0, 0), (0, 0, 0xaa), (0, 0xaa, 0), (0, 0xaa, 0xaa), (0xaa, 0, 0), (0xaa, 0, 0xaa),
           (0xaa, 0x55, 0), (0xaa, 0xaa, 0xaa), (0x55, 0x55, 0x55), (0x55, 0x55, 0xff),
           (0x55, 0xff, 0x55), (0x55, 0xff, 0xff), (0xff, 0x55, 0x55), (0xff, 0x55, 0xff),
           (0xff, 0xff, 0x55), (0xff, 0xff, 0xff)]


def psf():
    """mk/psf2c.py's parser, so the test reads the font as the build converts it."""
    spec = importlib.util.spec_from_file_location("psf2c", ROOT / "mk" / "psf2c.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.parse_psf(FONT.read_bytes())


def steps():
    """script.h's STEP(col, row, attr, text) lines, texts joined as C joins adjacent literals."""
    text = SCRIPT.read_text().replace("\\\n", "\n")
    out = []
    for col, row, attr, body in re.findall(r"STEP\((-?\d+), (-?\d+), (0x[0-9a-f]+), (.*?)\)\s*\n",
                                           text, re.S):
        literal = "".join(ast.literal_eval(s) for s in re.findall(r'L("(?:[^"\\]|\\.)*")', body))
        out.append((int(col), int(row), int(attr, 16), literal))
    return out


def text_grid(columns, rows):
    """The cells (char, attribute) after the script, with GraphicsConsole's cursor rules."""
    grid = [[(" ", 0x07)] * columns for _ in range(rows)]
    for col, row, attr, text in steps():
        x, y = col % columns, row % rows
        for ch in text:
            if ch == "\n":
                if y + 1 < rows:
                    y += 1
                else:
                    grid = grid[1:] + [[(" ", attr)] * columns]
            elif ch == "\r":
                x = 0
            elif ch == "\b":
                x = max(x - 1, 0)
            else:
                grid[y][x] = (ch, attr)
                x += 1
                if x == columns:
                    x = 0
                    if y + 1 < rows:
                        y += 1
                    else:
                        grid = grid[1:] + [[(" ", attr)] * columns]
    return grid


def render(width, height, columns, rows):
    """RGB bytes of the whole screen: the grid centred, black around it."""
    font_w, font_h, glyphs, cmap = psf()
    fallback = cmap.get(0xFFFD, cmap.get(ord("?")))
    screen = bytearray(width * height * 3)
    x0, y0 = (width - columns * font_w) // 2, (height - rows * font_h) // 2
    per_row = (font_w + 7) // 8
    for r, line in enumerate(text_grid(columns, rows)):
        for c, (ch, attr) in enumerate(line):
            glyph = glyphs[cmap.get(ord(ch), fallback)]
            fg, bg = PALETTE[attr & 15], PALETTE[(attr >> 4) & 7]
            for gy in range(font_h):
                at = ((y0 + r * font_h + gy) * width + x0 + c * font_w) * 3
                for gx in range(font_w):
                    on = glyph[gy * per_row + gx // 8] & (0x80 >> (gx % 8))
                    screen[at + gx * 3:at + gx * 3 + 3] = bytes(fg if on else bg)
    # The cursor: the two bottom pixel rows of its cell inverted, as GraphicsConsole draws it.
    col, row = cursor_cell()
    for gy in (font_h - 2, font_h - 1):
        at = ((y0 + row * font_h + gy) * width + x0 + col * font_w) * 3
        for i in range(at, at + font_w * 3):
            screen[i] ^= 0xff
    return bytes(screen)


def cursor_cell():
    """script.h's CURSOR_COLUMN and CURSOR_ROW: where the app shows the cursor last."""
    text = SCRIPT.read_text()
    return tuple(int(re.search(rf"#define CURSOR_{axis} (\d+)", text).group(1))
                 for axis in ("COLUMN", "ROW"))


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_console_text_on_the_screen_equals_the_font_rendering(tmp_path, qemu, machine):
    disk = build_disk(tmp_path / "console.img",
                      strata_files({"/EFI/BOOT/BOOTX64.EFI": APPS / "console-text.efi"}))
    qmp = tmp_path / "qmp.sock"
    run = qemu(disk, machine=machine, extra=["-qmp", f"unix:{qmp},server=on,wait=off"])
    assert run.wait_for("CONSOLE-TEXT-READY", 240), run.log()
    mode = re.search(r"CONSOLE-MODE (\d+) (\d+)x(\d+)", run.output)
    assert mode, run.log()
    columns, rows = int(mode.group(2)), int(mode.group(3))
    # QEMU's EDID prefers 1280x800; with an 8x16 font the largest mode is the whole screen.
    assert (columns, rows) == (160, 50), run.log()
    for _ in range(10):
        width, height, rgb = qmp_screendump(qmp, tmp_path / "screen.ppm")
        assert (width, height) == (1280, 800)
        want = render(width, height, columns, rows)
        if rgb == want:
            return
        time.sleep(0.5)
    wrong = [i // 3 for i in range(0, len(want), 3) if rgb[i:i + 3] != want[i:i + 3]]
    assert not wrong, (f"{len(wrong)} pixels differ, first at "
                       f"{[(p % width, p // width) for p in wrong[:5]]}\n" + run.log())


def screen_text(width, height, rgb, columns, rows):
    """The screen read back as text: each cell's lit pixels matched against the font's glyphs."""
    font_w, font_h, glyphs, cmap = psf()
    per_row = (font_w + 7) // 8
    by_bitmap = {}
    for code, glyph in sorted(cmap.items(), reverse=True):
        by_bitmap[bytes(glyphs[glyph])] = chr(code)  # the lowest code point wins
    x0, y0 = (width - columns * font_w) // 2, (height - rows * font_h) // 2
    lines = []
    for r in range(rows):
        line = ""
        for c in range(columns):
            bitmap = bytearray(font_h * per_row)
            for gy in range(font_h):
                at = ((y0 + r * font_h + gy) * width + x0 + c * font_w) * 3
                for gx in range(font_w):
                    if rgb[at + gx * 3:at + gx * 3 + 3] != b"\0\0\0":
                        bitmap[gy * per_row + gx // 8] |= 0x80 >> (gx % 8)
            line += by_bitmap.get(bytes(bitmap), "\ufffd")
        lines.append(line.rstrip())
    return lines


def test_boot_lines_are_on_the_screen(tmp_path, qemu):
    disk = build_disk(tmp_path / "hello.img",
                      strata_files({"/EFI/BOOT/BOOTX64.EFI": APPS / "hello.efi"}))
    qmp = tmp_path / "qmp.sock"
    run = qemu(disk, extra=["-qmp", f"unix:{qmp},server=on,wait=off"])
    # hello returns, nothing else is bootable: stage1 halts with its last lines on the screen.
    assert run.wait_for("system halted", 240), run.log()
    width, height, rgb = qmp_screendump(qmp, tmp_path / "screen.ppm")
    # The README's screenshot (docs/screenshots/boot.png is one such): Strata's boot on the screen.
    shot = write_png(BUILD / "screenshots" / "boot.png", width, height, rgb)
    assert read_png(shot) == (width, height, rgb)
    text = "\n".join(screen_text(width, height, rgb, width // 8, height // 16))
    # Logged before the screen existed (kept and drawn once it did), then after it.
    for line in ("stage1: Strata stage1", "gop: 00:01.0: 1280x800, 10 modes",
                 "console: text console 160x50 on the screen", "stage1: UEFI environment ready",
                 "boot: starting \\EFI\\BOOT\\BOOTX64.EFI", "Hello from Strata efi-apps/hello",
                 "boot: ERROR: nothing more to boot", "boot: ERROR: system halted"):
        assert line in text, f"{line!r} not on the screen:\n{text}\n" + run.log()


# Sets the GOP's first mode (640x480) itself, then prints through ConOut: the console must lay
# its text out again for the new screen rather than draw where 1280x800 had it.
MODE_CHANGE_APP = r"""
#include <efi.h>
#include <efilib.h>

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	UINTN cols = 0, rows = 0;

	InitializeLib(image, st);
	st->BootServices->LocateProtocol(&gop_guid, NULL, (void **)&gop);
	gop->SetMode(gop, 0);
	st->ConOut->EnableCursor(st->ConOut, FALSE);
	st->ConOut->QueryMode(st->ConOut, st->ConOut->Mode->Mode, &cols, &rows);
	Print(L"AFTER-GOP-MODE %ux%u text %lux%lu mode %d\r\n",
	      gop->Mode->Info->HorizontalResolution, gop->Mode->Info->VerticalResolution, cols, rows,
	      st->ConOut->Mode->Mode);
	for (;;)
		st->BootServices->Stall(100000);
}
"""


# Also where SetMode makes a new virtio-gpu resource, or writes ramfb's configuration again.
@pytest.mark.parametrize("display", [None, "virtio-gpu-pci", "ramfb"])
def test_text_follows_a_gop_mode_set_by_the_payload(tmp_path, qemu, display):
    (tmp_path / "app").mkdir()
    app = build_efi_app(MODE_CHANGE_APP, tmp_path / "app")
    disk = build_disk(tmp_path / "mode.img", strata_files({"/EFI/BOOT/BOOTX64.EFI": app}))
    qmp = tmp_path / "qmp.sock"
    extra = ["-vga", "none", "-device", display] if display else []
    run = qemu(disk, extra=["-qmp", f"unix:{qmp},server=on,wait=off"] + extra)
    line = "AFTER-GOP-MODE 640x480 text 80x25 mode 0"
    assert run.wait_for(line, 240), run.log()
    for _ in range(10):
        width, height, rgb = qmp_screendump(qmp, tmp_path / "screen.ppm")
        text = screen_text(width, height, rgb, 80, 25)
        if (width, height) == (640, 480) and text[0] == line:
            return
        time.sleep(0.5)
    assert (width, height) == (640, 480) and text[0] == line, "\n".join(text) + run.log()
