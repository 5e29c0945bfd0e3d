# SPDX-License-Identifier: MIT
"""Booting efi-apps on OVMF: ESP disk images (sgdisk + mtools), QEMU over serial, a fixture.

Test modules import the ovmf fixture from here; there is deliberately no conftest.py in this
directory, so a run that also collects tests/boot leaves its `from conftest import` alone.
"""
import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from qemu_harness import (BUILD, OVMF_CODE, OVMF_VARS, ROOT, QemuRun, accel,  # noqa: E402,F401
                          build_disk, ovmf_command)

APPS = BUILD / "efi-apps"


# The self-test's file-system fixture; efi-apps/selftest/fixture.h holds the same names and sizes.
PATTERN_SIZE = 20000
LONG_NAME = "A long file name for the self-test.txt"
LONG_NAME_TEXT = b"Strata self-test: long file name fixture.\n"


def pattern(size=PATTERN_SIZE):
    """The bytes of \\selftest\\subdir\\pattern.bin: byte i is (i * 31 + (i >> 8)) mod 256."""
    return bytes((i * 31 + (i >> 8)) & 0xFF for i in range(size))


def selftest_files():
    """Every file the self-test expects on its ESP, keyed by ESP path."""
    return {
        "/EFI/BOOT/BOOTX64.EFI": APPS / "selftest.efi",
        "/selftest/child.efi": APPS / "selftest-child.efi",
        "/selftest/" + LONG_NAME: LONG_NAME_TEXT,
        "/selftest/subdir/pattern.bin": pattern(),
    }


@pytest.fixture
def ovmf(tmp_path):
    """Boot a disk under OVMF (pflash code + a private copy of the vars); runs are killed after."""
    runs = []

    def start(disk, machine="q35", memory="512", extra=(), debug_exit=True):
        if not OVMF_CODE.exists():
            pytest.skip(f"{OVMF_CODE} missing (Debian package ovmf)")
        vars_copy = tmp_path / f"vars{len(runs)}.fd"
        shutil.copy(OVMF_VARS, vars_copy)
        args = ovmf_command(disk, vars_copy, machine, memory) + list(extra)
        if debug_exit:
            args += ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
        run = QemuRun(args)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill()
