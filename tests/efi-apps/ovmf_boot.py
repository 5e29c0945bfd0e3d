# SPDX-License-Identifier: MIT
"""Booting efi-apps on OVMF: ESP disk images (sgdisk + mtools), QEMU over serial, a fixture.

Test modules import the ovmf fixture from here; there is deliberately no conftest.py in this
directory, so a run that also collects tests/boot leaves its `from conftest import` alone.
"""
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("STRATA_BUILD", ROOT / "build")).resolve()
APPS = BUILD / "efi-apps"
ESP_START = 2048  # sectors: 1 MiB, where partitioning tools put the first partition
SECTOR = 512

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


def accel():
    """KVM when /dev/kvm is usable by us, TCG otherwise; STRATA_ACCEL forces one."""
    forced = os.environ.get("STRATA_ACCEL")
    if forced:
        return forced
    return "kvm" if os.access("/dev/kvm", os.R_OK | os.W_OK) else "tcg"


def build_disk(path, files, size_mib=64):
    """A GPT disk with one FAT32 ESP (label STRATA) holding files ({"/DIR/NAME": bytes or Path})."""
    path = Path(path)
    esp = path.with_suffix(".esp")
    total = size_mib * 1024 * 1024 // SECTOR
    with open(path, "wb") as f:
        f.truncate(total * SECTOR)
    subprocess.run(["sgdisk", f"-n1:{ESP_START}:0", "-t1:ef00", "-c1:ESP", str(path)],
                   check=True, capture_output=True)
    end = int(subprocess.run(["sgdisk", "-i1", str(path)], check=True, capture_output=True,
                             text=True).stdout.split("Last sector: ")[1].split()[0])
    with open(esp, "wb") as f:
        f.truncate((end - ESP_START + 1) * SECTOR)
    subprocess.run(["mkfs.fat", "-F", "32", "-n", "STRATA", str(esp)], check=True,
                   capture_output=True)
    dirs = set()
    for dest in files:
        parts = dest.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    for d in sorted(dirs):
        subprocess.run(["mmd", "-i", str(esp), "::/" + d], check=True, capture_output=True)
    for n, (dest, src) in enumerate(files.items()):
        if isinstance(src, (bytes, bytearray)):
            tmp = path.with_suffix(f".tmp{n}")
            tmp.write_bytes(src)
            src = tmp
        subprocess.run(["mcopy", "-i", str(esp), str(src), "::" + dest], check=True,
                       capture_output=True)
    with open(path, "r+b") as f, open(esp, "rb") as e:
        f.seek(ESP_START * SECTOR)
        shutil.copyfileobj(e, f)
    esp.unlink()
    return path


class QemuRun:
    """One QEMU process with the serial console on a pipe, read by a thread."""

    def __init__(self, args):
        self.args = args
        self.output = ""
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
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

    def wait_exit(self, timeout):
        """QEMU's exit status, or None if it is still running after timeout seconds."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self.reader.join(2)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(2)

    def log(self):
        return "---- serial log ----\n" + self.output + "\n---- end ----"


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
