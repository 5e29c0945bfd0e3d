# SPDX-License-Identifier: MIT
"""Helpers for booting the built images (build/images/*.img) under OVMF: expected.txt, QEMU runs."""
import os
import shutil
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("STRATA_BUILD", ROOT / "build")).resolve()
IMAGES = BUILD / "images"
EXPECTED = ROOT / "images" / "expected.txt"
SECTOR = 512

# Debian's ovmf package; the 4M build is the one Debian 12 ships for q35.
OVMF_CODE = Path(os.environ.get("OVMF_CODE", "/usr/share/OVMF/OVMF_CODE_4M.fd"))
OVMF_VARS = Path(os.environ.get("OVMF_VARS", "/usr/share/OVMF/OVMF_VARS_4M.fd"))


def expected():
    """images/expected.txt as {image: {"strata": bool, "marker": str, "reason": str}}."""
    table = {}
    for line in EXPECTED.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, strata, marker, reason = (f.strip() for f in line.split("|"))
        table[name] = {"strata": strata == "yes", "marker": marker, "reason": reason}
    return table


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


def accel():
    """KVM when /dev/kvm is usable by us, TCG otherwise; STRATA_ACCEL forces one."""
    forced = os.environ.get("STRATA_ACCEL")
    if forced:
        return forced
    return "kvm" if os.access("/dev/kvm", os.R_OK | os.W_OK) else "tcg"


class QemuRun:
    """One QEMU process with the serial console on pipes (stdin for keys), read by a thread."""

    def __init__(self, args):
        self.args = args
        self.output = ""
        self.started = time.monotonic()
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in iter(lambda: self.proc.stdout.read1(4096), b""):
            with self.lock:
                self.output += raw.decode("utf-8", "replace").replace("\r", "")

    def wait_for(self, marker, timeout):
        """True once marker shows on the console; False on timeout or QEMU exit without it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if marker in self.output:
                    return True
            if self.proc.poll() is not None:
                self.reader.join(2)
                return marker in self.output
            time.sleep(0.05)
        return False

    def send(self, data):
        """Type bytes on the serial console."""
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def wait_exit(self, timeout):
        """QEMU's exit status, or None if it is still running after timeout seconds."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self.reader.join(2)
        return rc

    def elapsed(self):
        return time.monotonic() - self.started

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(2)

    def log(self):
        return "---- serial log ----\n" + self.output + "\n---- end ----"


@pytest.fixture
def ovmf(tmp_path):
    """Boot a copy of a disk image under OVMF (pflash code + a private copy of the vars)."""
    runs = []

    def start(image, machine="q35", memory="512"):
        if not OVMF_CODE.exists():
            pytest.skip(f"{OVMF_CODE} missing (Debian package ovmf)")
        n = len(runs)
        vars_copy = tmp_path / f"vars{n}.fd"
        shutil.copy(OVMF_VARS, vars_copy)
        # A copy: the guest may write to its disk (shim and systemd-boot write variables only,
        # but a disk image in build/ must stay as built).
        disk = tmp_path / f"disk{n}.img"
        shutil.copy(image, disk)
        args = ["qemu-system-x86_64", "-machine", f"{machine},accel={accel()}", "-m", memory,
                "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}",
                "-drive", f"if=none,id=boot,format=raw,file={disk}",
                "-device", "virtio-blk-pci,drive=boot,bootindex=1"]
        run = QemuRun(args)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill()
