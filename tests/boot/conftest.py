# SPDX-License-Identifier: MIT
"""Fixtures of the QEMU boot tests: stage0 as BIOS or pflash on a disk, and the probe images."""
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from qemu_harness import (BUILD, ESP_START, ROOT, SECTOR, QemuRun, accel,  # noqa: E402,F401
                          build_disk)


def shipped_image(name, tmp_path):
    """A private copy of build/images/NAME.img for a test that writes it; skips when not built."""
    src = BUILD / "images" / f"{name}.img"
    if not src.exists():
        pytest.skip(f"{src} not built (make images)")
    copy = tmp_path / f"{name}.img"
    shutil.copy(src, copy)
    return copy


@pytest.fixture
def qemu():
    """Start QEMU on a disk with stage0 as the BIOS (or pflash); every run is killed at the end."""
    runs = []

    def start(disk, machine="q35", virtio="", pflash=False, extra=(), memory="256",
              device_bus=None, snapshot=False, reboot=False, disk_format="raw",
              vars_store=None, disk_device=None, rom=None):
        rom = rom or BUILD / "stage0.rom"  # rom: another stage0.rom, e.g. one holding a key
        args = ["qemu-system-x86_64", "-machine", f"{machine},accel={accel()}", "-m", memory,
                "-display", "none", "-serial", "stdio", "-monitor", "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                # No default NIC: its iPXE option ROM would be loaded at every boot (and refused
                # under Secure Boot); tests/boot/test_option_rom.py adds the NICs it checks.
                "-nic", "none",
                "-drive", f"if=none,id=boot,format={disk_format},file={disk}"
                + (",snapshot=on" if snapshot else "")]
        if not reboot:
            args.append("-no-reboot")  # a reset ends QEMU, so a reboot loop cannot hide
        # disk_device: another controller for the boot disk, e.g. "ide-hd,bus=ide.0" (q35: AHCI).
        blk = (f"{disk_device},drive=boot" if disk_device else
               "virtio-blk-pci,drive=boot" + (f",{virtio}" if virtio else ""))
        if device_bus:
            blk += f",bus={device_bus}"
        args += list(extra) + ["-device", blk]
        if vars_store:
            # As libvirt sets it up: the code read-only, the VM's own variable store writable.
            args += ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={rom}",
                     "-drive", f"if=pflash,format=raw,unit=1,file={vars_store}"]
        elif pflash:
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
