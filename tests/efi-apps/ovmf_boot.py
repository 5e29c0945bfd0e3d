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
from qemu_harness import BUILD, ROOT, QemuRun, accel, build_disk  # noqa: E402,F401

APPS = BUILD / "efi-apps"

# Debian's ovmf package; the 4M build is the one Debian 12 ships for q35.
OVMF_CODE = Path(os.environ.get("OVMF_CODE", "/usr/share/OVMF/OVMF_CODE_4M.fd"))
OVMF_VARS = Path(os.environ.get("OVMF_VARS", "/usr/share/OVMF/OVMF_VARS_4M.fd"))

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
        args = ["qemu-system-x86_64", "-machine", f"{machine},accel={accel()}", "-m", memory,
                "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}",
                "-drive", f"if=none,id=boot,format=raw,file={disk}",
                "-device", "virtio-blk-pci,drive=boot,bootindex=1", *extra]
        if debug_exit:
            args += ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
        run = QemuRun(args)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill()
