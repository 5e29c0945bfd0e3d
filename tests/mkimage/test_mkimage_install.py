# SPDX-License-Identifier: MIT
"""mkimage install: Strata's stages onto the ESP of a disk mkimage did not make, all else kept."""
import hashlib
import os
import subprocess
import sys

import pytest

from conftest import ENV, mkimage, ok

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from qemu_harness import SECTOR, foreign_disk, partition_range, write_at  # noqa: E402

ROOT_DATA = b"a root file system, which install must not touch\n" * 2048
ESP_FILES = {"/EFI/BOOT/BOOTX64.EFI": b"shim stand-in" * 100,
             "/EFI/debian/grub.cfg": b"search --label root\n"}


def partition_bytes(disk, number):
    first, last = partition_range(disk, number)
    with open(disk, "rb") as f:
        f.seek(first * SECTOR)
        return f.read((last - first + 1) * SECTOR)


def esp_listing(disk, tmp_path):
    esp = tmp_path / "esp.fat"
    esp.write_bytes(partition_bytes(disk, 1))
    return subprocess.run(["mdir", "-/", "-b", "-i", str(esp), "::/"], check=True, env=ENV,
                          capture_output=True, text=True).stdout


def esp_file(disk, path, tmp_path):
    esp = tmp_path / "esp-read.fat"
    esp.write_bytes(partition_bytes(disk, 1))
    out = tmp_path / "file"
    subprocess.run(["mcopy", "-n", "-i", str(esp), "::" + path, str(out)], check=True, env=ENV,
                   capture_output=True)
    return out.read_bytes()


def install(inputs, disk, stage1=None):
    return mkimage("install", disk, "--stage1", stage1 or inputs["stage1"], "--runtime",
                   inputs["runtime"])


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.fixture
def foreign(tmp_path):
    return foreign_disk(tmp_path / "cloud.img", ESP_FILES, ROOT_DATA)


def test_install_adds_the_stages_and_keeps_everything_else(inputs, foreign, tmp_path):
    table = subprocess.run(["sgdisk", "-p", str(foreign)], capture_output=True, text=True).stdout
    root = partition_bytes(foreign, 2)
    r = install(inputs, foreign)
    assert r.returncode == 0, r.stderr
    assert "/STRATA/STAGE1.BIN is s1-one" in r.stdout and "/STRATA/RUNTIME.BIN is rt-one" in r.stdout
    listing = esp_listing(foreign, tmp_path)
    for path in ["::/STRATA/STAGE1.BIN", "::/STRATA/RUNTIME.BIN", "::/EFI/BOOT/BOOTX64.EFI",
                 "::/EFI/debian/grub.cfg"]:
        assert path in listing, listing
    assert ".BAK" not in listing
    assert esp_file(foreign, "/STRATA/STAGE1.BIN", tmp_path) == open(inputs["stage1"], "rb").read()
    for dest, data in ESP_FILES.items():
        assert esp_file(foreign, dest, tmp_path) == data
    assert partition_bytes(foreign, 2) == root
    assert subprocess.run(["sgdisk", "-p", str(foreign)], capture_output=True,
                          text=True).stdout == table
    esp = tmp_path / "esp-check.fat"
    esp.write_bytes(partition_bytes(foreign, 1))
    fsck = subprocess.run(["fsck.fat", "-n", str(esp)], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout
    ok("inspect", foreign)


def test_installing_again_keeps_the_replaced_stages_as_backups(inputs, foreign, tmp_path):
    ok("install", foreign, "--stage1", inputs["stage1"], "--runtime", inputs["runtime"])
    r = install(inputs, foreign, stage1=inputs["stage1v2"])
    assert r.returncode == 0, r.stderr
    assert esp_file(foreign, "/STRATA/STAGE1.BIN", tmp_path) == \
        open(inputs["stage1v2"], "rb").read()
    assert esp_file(foreign, "/STRATA/STAGE1.BAK", tmp_path) == \
        open(inputs["stage1"], "rb").read()
    assert esp_file(foreign, "/STRATA/RUNTIME.BAK", tmp_path) == \
        open(inputs["runtime"], "rb").read()


def test_install_into_qcow2_keeps_it_qcow2_with_the_same_other_data(inputs, foreign, tmp_path):
    qcow2 = tmp_path / "cloud.qcow2"
    subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", str(foreign), str(qcow2)],
                   check=True)
    r = install(inputs, qcow2)
    assert r.returncode == 0, r.stderr
    assert open(qcow2, "rb").read(4) == b"QFI\xfb"
    raw = tmp_path / "back.raw"
    subprocess.run(["qemu-img", "convert", "-f", "qcow2", "-O", "raw", str(qcow2), str(raw)],
                   check=True)
    assert partition_bytes(raw, 2) == partition_bytes(foreign, 2)
    assert "::/STRATA/STAGE1.BIN" in esp_listing(raw, tmp_path)


def refusal(inputs, disk, message):
    before = digest(disk)
    r = install(inputs, disk)
    assert r.returncode == 1 and message in r.stderr, r.stderr
    assert digest(disk) == before
    assert not [n for n in os.listdir(os.path.dirname(disk)) if ".tmp-" in n]


def test_install_refuses_a_disk_without_an_esp(inputs, tmp_path):
    disk = tmp_path / "data.img"
    with open(disk, "wb") as f:
        f.truncate(16 << 20)
    subprocess.run(["sgdisk", "-n1:2048:0", "-t1:8300", str(disk)], check=True,
                   capture_output=True)
    refusal(inputs, disk, "no EFI system partition")


def test_install_refuses_a_disk_without_a_gpt(inputs, tmp_path):
    disk = tmp_path / "blank.img"
    with open(disk, "wb") as f:
        f.truncate(16 << 20)
    refusal(inputs, disk, "Strata's stages go on an EFI system partition of a GPT disk")


def test_install_refuses_an_esp_without_room(inputs, tmp_path):
    disk = foreign_disk(tmp_path / "full.img", ESP_FILES, ROOT_DATA, esp_mib=33, size_mib=48)
    # Fill the ESP but for 16 KiB, less than the stages need.
    esp = tmp_path / "esp.fat"
    esp.write_bytes(partition_bytes(disk, 1))
    listing = subprocess.run(["mdir", "-i", str(esp), "::/"], check=True, env=ENV,
                             capture_output=True, text=True).stdout
    free = int("".join(c for c in listing.split("bytes free")[0].splitlines()[-1] if c.isdigit()))
    filler = tmp_path / "filler"
    filler.write_bytes(bytes(free - (16 << 10)))
    subprocess.run(["mcopy", "-i", str(esp), str(filler), "::/FILLER"], check=True, env=ENV,
                   capture_output=True)
    write_at(disk, partition_range(disk, 1)[0], esp)
    refusal(inputs, disk, "no room on the ESP")


def test_install_refuses_qcow2_with_a_backing_file(inputs, foreign, tmp_path):
    overlay = tmp_path / "overlay.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", str(foreign),
                    str(overlay)], check=True)
    refusal(inputs, overlay, "has a backing file")


def test_install_refuses_a_stage_that_does_not_verify(inputs, foreign, tmp_path):
    bad = tmp_path / "bad.bin"
    data = bytearray(open(inputs["stage1"], "rb").read())
    data[-1] ^= 0xFF
    bad.write_bytes(data)
    before = digest(foreign)
    r = install(inputs, foreign, stage1=bad)
    assert r.returncode == 1 and r.stderr
    assert digest(foreign) == before
