# SPDX-License-Identifier: MIT
"""IDE disks on pc's PIIX3: stage0 boots the stages from any channel and unit, stage1 publishes
BlockIo on every IDE disk with OVMF's Ata() device path node, and the Debian UKI boots."""
import pytest
from conftest import build_disk
from test_linux import IMAGES, LINUX_TIMEOUT
from test_stage0 import boot_to_probe
from test_stage1_storage import (SCRATCH_BLOCKS, SECTOR, hd, run_log,  # noqa: F401
                                 storage_app, storage_disk)

IDE = "00:01.1"  # pc's PIIX3 IDE function


def test_boot_disk_on_ide_primary_master(tmp_path, qemu, probe_image):
    """`-M pc -hda disk.img`: the stages on the primary master boot."""
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    out = boot_to_probe(qemu, disk, machine="pc", disk_device="ide-hd,bus=ide.0,unit=0")
    assert f"disk: boot disk {IDE} primary master (IDE, 64 MiB, PCI order), ESP is partition 1" \
        in out, out
    assert f"probe: boot disk pci {IDE} ide, ESP partition 1 lba 2048-" in out, out


@pytest.mark.parametrize("bus,unit,name", [("ide.0", 1, "primary slave"),
                                           ("ide.1", 1, "secondary slave")])
def test_boot_disk_on_other_ide_units(tmp_path, qemu, probe_image, bus, unit, name):
    """A disk without stages on the primary master is passed over for the one on another unit
    (QEMU's default CD-ROM sits on the secondary master)."""
    empty = build_disk(tmp_path / "empty.img", {"/EFI/BOOT/README.TXT": b"no stages here\n"})
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    extra = ["-drive", f"if=none,id=empty,format=raw,file={empty}",
             "-device", "ide-hd,drive=empty,bus=ide.0,unit=0"]
    out = boot_to_probe(qemu, disk, machine="pc", extra=extra,
                        disk_device=f"ide-hd,bus={bus},unit={unit}")
    assert f"disk: warning: {IDE} primary master: ESP 1 has no /STRATA directory" in out, out
    assert f"disk: boot disk {IDE} {name} (IDE, 64 MiB, PCI order)" in out, out
    assert f"probe: boot disk pci {IDE} ide" in out, out


def test_bootindex_chooses_an_ide_unit(tmp_path, qemu, probe_image):
    """Two bootable IDE disks: bootindex on the secondary slave puts it first."""
    first = build_disk(tmp_path / "first.img", {"/STRATA/STAGE1.BIN": probe_image})
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    extra = ["-drive", f"if=none,id=first,format=raw,file={first}",
             "-device", "ide-hd,drive=first,bus=ide.0,unit=0,bootindex=2"]
    out = boot_to_probe(qemu, disk, machine="pc", extra=extra,
                        disk_device="ide-hd,bus=ide.1,unit=1,bootindex=1")
    assert f"disk: boot disk {IDE} secondary slave (IDE, 64 MiB, bootindex)" in out, out
