# SPDX-License-Identifier: MIT
"""Helpers for booting the built images (build/images/*.img) under OVMF: expected.txt, QEMU runs."""
import shutil
import struct
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from qemu_harness import (BUILD, EXPECTED_IMAGES as EXPECTED, OVMF_CODE, OVMF_VARS,  # noqa: E402,F401
                          ROOT, SECTOR, QemuRun, accel, expected_images, ovmf_command)

IMAGES = BUILD / "images"


# The table tests/images reads; one parser of images/expected.txt in qemu_harness.
expected = expected_images


def image_path(name):
    """build/images/NAME.img, or a skip when it has not been built."""
    path = IMAGES / f"{name}.img"
    if not path.exists():
        pytest.skip(f"{path} not built (make images)")
    return path


def esp_offset(image):
    """Byte offset of the first GPT partition (the ESP) of a raw disk image."""
    with open(image, "rb") as f:
        f.seek(SECTOR)
        header = f.read(92)
        assert header[:8] == b"EFI PART", f"{image}: no GPT header"
        entries_lba = struct.unpack_from("<Q", header, 72)[0]
        f.seek(entries_lba * SECTOR)
        first_lba = struct.unpack_from("<Q", f.read(128), 32)[0]
    return first_lba * SECTOR


@pytest.fixture
def ovmf(tmp_path):
    """Boot a copy of a disk image under OVMF (pflash code + a private copy of the vars)."""
    runs = []

    def start(image, machine="q35", memory="512", extra=()):
        if not OVMF_CODE.exists():
            pytest.skip(f"{OVMF_CODE} missing (Debian package ovmf)")
        n = len(runs)
        vars_copy = tmp_path / f"vars{n}.fd"
        shutil.copy(OVMF_VARS, vars_copy)
        # A copy: the guest may write to its disk (shim and systemd-boot write variables only,
        # but a disk image in build/ must stay as built).
        disk = tmp_path / f"disk{n}.img"
        shutil.copy(image, disk)
        run = QemuRun(ovmf_command(disk, vars_copy, machine, memory) + list(extra))
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill()
