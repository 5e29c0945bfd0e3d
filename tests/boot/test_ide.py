# SPDX-License-Identifier: MIT
"""IDE disks on pc's PIIX3: stage0 boots the stages from any channel and unit, stage1 publishes
BlockIo on every IDE disk with OVMF's Ata() device path node, and the Debian UKI boots."""
import pytest
from conftest import build_disk
from qemu_harness import OVMF_CODE, expect_lines, ovmf_output
from test_linux import IMAGES, LINUX_TIMEOUT
from test_stage0 import boot_to_probe
from test_virtio_scsi import iso
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
    # The stages came by bus-master DMA (BAR4), and their SHA-256 held.
    assert f"ide: {IDE} channel 0: bus-master DMA at io 0x" in out, out


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


def test_stage1_block_io_on_every_ide_disk(tmp_path, qemu, storage_app):
    """stage1 on pc with the storage disk on the primary master, a 1 MiB scratch disk on the
    secondary slave (written through BlockIo/DiskIo and flushed; the host checks the bytes) and
    an empty CD-ROM drive on the secondary master (a BlockIo, no medium): OVMF's Ata() nodes."""
    disk = storage_disk(tmp_path, storage_app)
    rw = tmp_path / "scratch.img"
    rw.write_bytes(bytes(SCRATCH_BLOCKS * SECTOR))
    extra = ["-drive", f"if=none,id=scratch,format=raw,file={rw}",
             "-device", "ide-hd,drive=scratch,bus=ide.1,unit=1",
             "-device", "ide-cd,bus=ide.1,unit=0"]
    run_ = qemu(disk, machine="pc", extra=extra, memory="512",
                disk_device="ide-hd,bus=ide.0,unit=0")
    assert run_.wait_for("STORAGE-TEST-DONE", 180), run_.log()
    out = run_.output
    root = "PciRoot(0x0)/Pci(0x1,0x1)/Ata(Primary,Master,0x0)"
    lines = [
        f"STORAGE: blockio {root} blocks={64 * 2048} bs=512 part=0 ro=0 diskio=1 fs=0",
        f"STORAGE: blockio {hd(1, root)} blocks=81920 bs=512 part=1 ro=0 diskio=1 fs=1",
        f"STORAGE: note {hd(2, root)} a note on the FAT16 data partition",
        "STORAGE: blockio PciRoot(0x0)/Pci(0x1,0x1)/Ata(Secondary,Slave,0x0) "
        "blocks=2048 bs=512 part=0 ro=0 diskio=1 fs=0",
        "STORAGE: write-blocks Success",
        "STORAGE: read-back Success same=1",
        "STORAGE: write-disk Success",
        "STORAGE: read-disk Success same=1",
        "STORAGE: flush Success",
        "STORAGE: read-ex Success transaction Success signalled Success same=1",
    ]
    missing = [line for line in lines if line not in out]
    assert not missing, "missing:\n" + "\n".join(missing) + "\n" + run_log(out)
    assert f"disk: boot disk {IDE} primary master (IDE, 64 MiB, PCI order)" in out, run_log(out)
    assert f"disk: {IDE} secondary slave: IDE disk, 1 MiB, 0 partitions" in out, run_log(out)
    assert f"disk: {IDE} secondary master: ATAPI QEMU DVD-ROM, no medium" in out, run_log(out)
    assert f"/Ata(Secondary,Master,0x0) blocks=1 bs=2048 part=0 ro=1 diskio=1 fs=0" in out, \
        run_log(out)
    pattern = bytes((i * 7 + 3) & 0xFF for i in range(1024))
    data = rw.read_bytes()
    assert data[5 * SECTOR:5 * SECTOR + 1024] == pattern
    assert data[10 * SECTOR + 100:10 * SECTOR + 1100] == pattern[24:1024]


def test_linux_uki_boots_from_pc_hda(qemu):
    """`-M pc -hda linux-uki.img`: stage0 and stage1 read the primary master, Linux's ata_piix
    takes the channel over after ExitBootServices and reaches userspace."""
    image = IMAGES / "linux-uki.img"
    if not image.exists():
        pytest.skip(f"{image} not built (make images)")
    run = qemu(image, machine="pc", memory="512", extra=["-cpu", "max"], snapshot=True,
               disk_device="ide-hd,bus=ide.0,unit=0")
    assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
    out = run.output
    assert f"disk: boot disk {IDE} primary master (IDE" in out, run.log()
    assert f"disk: {IDE} primary master: IDE disk, 64 MiB, 1 partition" in out, run.log()
    assert "ExitBootServices: handing over to the OS" in out


def test_ide_cdrom_is_a_read_only_2048_byte_block_io(tmp_path, qemu, storage_app):
    """`-M pc -cdrom x.iso` (the secondary master): stage1 reads it through PACKET commands as a
    read-only, removable BlockIo of 2048-byte blocks with OVMF's Ata(Secondary,Master,0x0)."""
    disk = storage_disk(tmp_path, storage_app)
    cd = iso(tmp_path)
    blocks = cd.stat().st_size // 2048
    run_ = qemu(disk, machine="pc", extra=["-cdrom", str(cd)], memory="512",
                disk_device="ide-hd,bus=ide.0,unit=0")
    assert run_.wait_for("STORAGE-TEST-DONE", 180), run_.log()
    out = run_.output
    line = (f"STORAGE: blockio PciRoot(0x0)/Pci(0x1,0x1)/Ata(Secondary,Master,0x0) "
            f"blocks={blocks} bs=2048 part=0 ro=1 diskio=1 fs=0")
    assert line in out, run_log(out)
    assert f"disk: {IDE} secondary master: ATAPI CD-ROM removable read-only, " in out, \
        run_log(out)


def test_ovmf_names_ide_units_as_strata_does(tmp_path, storage_app):
    """The reference: OVMF on pc lists an IDE secondary slave disk and a secondary master CD-ROM
    with the same Ata() texts, block sizes and read-only flags as stage1 does above. OVMF
    connects only the devices QEMU's bootorder names, hence the bootindex on each."""
    if not OVMF_CODE.exists():
        pytest.skip(f"{OVMF_CODE} missing (Debian package ovmf)")
    disk = storage_disk(tmp_path, storage_app)
    rw = tmp_path / "scratch.img"
    rw.write_bytes(bytes(SCRATCH_BLOCKS * SECTOR))
    cd = iso(tmp_path)
    out = ovmf_output(disk, tmp_path, "STORAGE-TEST-DONE", 240, machine="pc", extra=[
        "-drive", f"if=none,id=scratch,format=raw,file={rw}",
        "-device", "ide-hd,drive=scratch,bus=ide.1,unit=1,bootindex=2",
        "-drive", f"if=none,id=cd,format=raw,media=cdrom,readonly=on,file={cd}",
        "-device", "ide-cd,drive=cd,bus=ide.1,unit=0,bootindex=3"])
    expect_lines(out, (
        "STORAGE: blockio PciRoot(0x0)/Pci(0x1,0x1)/Ata(Secondary,Slave,0x0) "
        "blocks=2048 bs=512 part=0 ro=0 diskio=1 fs=0",
        "STORAGE: blockio PciRoot(0x0)/Pci(0x1,0x1)/Ata(Secondary,Master,0x0) "
        f"blocks={cd.stat().st_size // 2048} bs=2048 part=0 ro=1 diskio=1 fs=0"))
