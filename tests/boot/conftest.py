# SPDX-License-Identifier: MIT
"""QEMU boot-test helpers: disk images made with sgdisk and mtools, QEMU runs read over serial."""
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("STRATA_BUILD", ROOT / "build")).resolve()
ESP_START = 2048  # sectors: 1 MiB, where partitioning tools put the first partition
SECTOR = 512


def accel():
    """KVM when /dev/kvm is usable by us, TCG otherwise; STRATA_ACCEL forces one."""
    forced = os.environ.get("STRATA_ACCEL")
    if forced:
        return forced
    return "kvm" if os.access("/dev/kvm", os.R_OK | os.W_OK) else "tcg"


def build_disk(path, files, size_mib=64):
    """A GPT disk with one FAT32 ESP holding files ({"/DIR/NAME": bytes or Path})."""
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
    for dest, src in files.items():
        if isinstance(src, (bytes, bytearray)):
            tmp = path.with_suffix(".tmp")
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
            time.sleep(0.02)
        return False

    def wait_exit(self, timeout):
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
def qemu():
    """Start QEMU on a disk with stage0 as the BIOS (or pflash); every run is killed at the end."""
    runs = []

    def start(disk, machine="q35", virtio="", pflash=False, extra=(), memory="256",
              device_bus=None):
        rom = BUILD / "stage0.rom"
        args = ["qemu-system-x86_64", "-machine", f"{machine},accel={accel()}", "-m", memory,
                "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                "-drive", f"if=none,id=boot,format=raw,file={disk}"]
        blk = "virtio-blk-pci,drive=boot" + (f",{virtio}" if virtio else "")
        if device_bus:
            blk += f",bus={device_bus}"
        args += list(extra) + ["-device", blk]
        if pflash:
            flash = Path(disk).with_suffix(".flash")
            shutil.copy(rom, flash)
            args += ["-drive", f"if=pflash,format=raw,readonly=on,file={flash}"]
        else:
            args += ["-bios", str(rom)]
        run = QemuRun(args)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill()


@pytest.fixture
def probe_image():
    """The hand-off probe wrapped as a stage1 image."""
    return (BUILD / "tests" / "handoff_probe.bin").read_bytes()


@pytest.fixture
def probe_runtime():
    """The hand-off probe wrapped as a runtime-kind image: a valid blob for the loader's checks."""
    return (BUILD / "tests" / "handoff_probe_runtime.bin").read_bytes()
