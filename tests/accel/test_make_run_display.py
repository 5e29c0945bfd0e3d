# SPDX-License-Identifier: MIT
"""make run opens QEMU's window when there is a display ($DISPLAY or $WAYLAND_DISPLAY) and keeps
the serial console in the terminal either way; QEMU itself is replaced by true."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("STRATA_BUILD", ROOT / "build"))


def qemu_command(**display):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MAKE", "MFLAGS")) and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(display, QEMU="true")
    proc = subprocess.run(["make", "-s", "-C", str(ROOT), f"BUILD={BUILD}", "run-image",
                           "IMAGE=hello", "ACCEL=tcg"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("strata-run: true ")]
    assert len(lines) == 1, proc.stderr
    return lines[0].split()


@pytest.mark.parametrize("display", [{"DISPLAY": ":9"}, {"WAYLAND_DISPLAY": "wayland-1"}])
def test_make_run_shows_the_window_when_a_display_is_available(display):
    if not (BUILD / "images" / "hello.img").exists():
        pytest.skip("build/images/hello.img not built (make images)")
    args = qemu_command(**display)
    assert "-nographic" not in args
    assert args[args.index("-serial") + 1] == "mon:stdio"


def test_make_run_without_a_display_keeps_everything_in_the_terminal():
    if not (BUILD / "images" / "hello.img").exists():
        pytest.skip("build/images/hello.img not built (make images)")
    args = qemu_command()
    assert "-nographic" in args and "-serial" not in args
    # RUN_DISPLAY=no wins over a display that is there.
    assert "-nographic" in qemu_command(DISPLAY=":9", RUN_DISPLAY="no")
