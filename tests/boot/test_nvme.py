# SPDX-License-Identifier: MIT
"""NVMe disks: stage0 finds the stages on a namespace (q35 and pc, several namespaces, bootindex),
stage1 publishes BlockIo on every namespace with OVMF's NVMe() device path node."""
import struct
import subprocess
import uuid
import zlib

import pytest
from conftest import build_disk
from qemu_harness import OVMF_CODE, expect_lines, ovmf_output
from test_stage0 import boot_to_probe
from test_stage1_storage import (SCRATCH_BLOCKS, SCRATCH_WRITE_LINES, SECTOR,  # noqa: F401
                                 assert_scratch_written, hd, run_log, storage_app,
                                 storage_disk)


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_boot_disk_on_nvme(tmp_path, qemu, probe_image, machine):
    """The stages on the namespace of `-device nvme,serial=...,drive=...`: stage0 boots them."""
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    out = boot_to_probe(qemu, disk, machine=machine, disk_device="nvme,serial=strata1,addr=5")
    assert "disk: boot disk 00:05.0 nsid 1 (NVMe, 64 MiB, PCI order), ESP is partition 1" in out
    assert "probe: boot disk pci 00:05.0 nvme, ESP partition 1 lba 2048-" in out


def test_nvme_namespaces_without_stages_are_passed_over(tmp_path, qemu, probe_image):
    """Three namespaces on one controller: the first two have no stages, the third boots."""
    empty = build_disk(tmp_path / "empty.img", {"/EFI/BOOT/README.TXT": b"no stages here\n"})
    other = build_disk(tmp_path / "other.img", {"/README.TXT": b"nor here\n"})
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    extra = ["-device", "nvme,id=nvme0,serial=strata2,addr=5",
             "-drive", f"if=none,id=ns1,format=raw,file={empty}",
             "-device", "nvme-ns,drive=ns1,bus=nvme0,nsid=1",
             "-drive", f"if=none,id=ns2,format=raw,file={other}",
             "-device", "nvme-ns,drive=ns2,bus=nvme0,nsid=2"]
    out = boot_to_probe(qemu, disk, extra=extra, disk_device="nvme-ns,bus=nvme0,nsid=3")
    assert "disk: warning: 00:05.0 nsid 1: ESP 1 has no /STRATA directory" in out
    assert "disk: warning: 00:05.0 nsid 2: ESP 1 has no /STRATA directory" in out
    assert "disk: boot disk 00:05.0 nsid 3 (NVMe, 64 MiB, PCI order)" in out
    assert "probe: boot disk pci 00:05.0 nvme" in out


def test_stage1_block_io_on_every_namespace(tmp_path, qemu, storage_app):
    """stage1 on an NVMe controller with three namespaces: the storage disk (nsid 1, booted),
    a 1 MiB scratch one written through BlockIo/DiskIo and flushed (nsid 2), and a 4096-byte LBA
    one (nsid 3); each with OVMF's NVMe(nsid,EUI-64) node. QEMU reports eui64=0x0011..01 as the
    bytes 00 11 .. 01, OVMF copies them into NamespaceUuid as read and EDK2's text prints them
    last first: 01-..-00."""
    disk = storage_disk(tmp_path, storage_app)
    rw, big = tmp_path / "scratch.img", tmp_path / "4k.img"
    rw.write_bytes(bytes(SCRATCH_BLOCKS * SECTOR))
    big.write_bytes(bytes(1024 * 4096))
    extra = ["-device", "nvme,id=nvme0,serial=strata3,addr=5",
             "-drive", f"if=none,id=scratch,format=raw,file={rw}",
             "-device", "nvme-ns,drive=scratch,bus=nvme0,nsid=2,eui64=0x0011223344556602",
             "-drive", f"if=none,id=big,format=raw,file={big}",
             "-device", "nvme-ns,drive=big,bus=nvme0,nsid=3,logical_block_size=4096,"
                        "physical_block_size=4096,eui64=0x0011223344556603"]
    run_ = qemu(disk, extra=extra, memory="512",
                disk_device="nvme-ns,bus=nvme0,nsid=1,eui64=0x0011223344556601")
    assert run_.wait_for("STORAGE-TEST-DONE", 120), run_.log()
    out = run_.output
    root = "PciRoot(0x0)/Pci(0x5,0x0)/NVMe(0x1,01-66-55-44-33-22-11-00)"
    lines = [
        f"STORAGE: blockio {root} blocks={64 * 2048} bs=512 part=0 ro=0 diskio=1 fs=0",
        f"STORAGE: blockio {hd(1, root)} blocks=81920 bs=512 part=1 ro=0 diskio=1 fs=1",
        f"STORAGE: note {hd(2, root)} a note on the FAT16 data partition",
        "STORAGE: blockio PciRoot(0x0)/Pci(0x5,0x0)/NVMe(0x2,02-66-55-44-33-22-11-00) "
        "blocks=2048 bs=512 part=0 ro=0 diskio=1 fs=0",
        "STORAGE: blockio PciRoot(0x0)/Pci(0x5,0x0)/NVMe(0x3,03-66-55-44-33-22-11-00) "
        "blocks=1024 bs=4096 part=0 ro=0 diskio=1 fs=0",
        *SCRATCH_WRITE_LINES,
    ]
    missing = [line for line in lines if line not in out]
    assert not missing, "missing:\n" + "\n".join(missing) + "\n" + run_log(out)
    assert "disk: boot disk 00:05.0 nsid 1 (NVMe, 64 MiB, PCI order)" in out
    assert "disk: 00:05.0 nsid 3: NVMe namespace, 4 MiB, 0 partitions" in out, run_log(out)
    assert_scratch_written(rw)


def test_bootindex_chooses_between_nvme_and_virtio(tmp_path, qemu, probe_image):
    """Both disks bootable: bootindex on the NVMe namespace or on the virtio disk decides."""
    first = build_disk(tmp_path / "first.img", {"/STRATA/STAGE1.BIN": probe_image})
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    for nvme_index, virtio_index, expected in ((2, 1, "00:03.0"), (1, 2, "00:06.0")):
        extra = ["-drive", f"if=none,id=nv,format=raw,file={first}",
                 "-device", f"nvme,drive=nv,serial=strata4,addr=6,bootindex={nvme_index}"]
        out = boot_to_probe(qemu, disk, extra=extra, virtio=f"addr=3,bootindex={virtio_index}")
        assert f"probe: boot disk pci {expected}" in out, out
        if expected == "00:06.0":
            assert "disk: boot disk 00:06.0 nsid 1 (NVMe, 64 MiB, bootindex)" in out, out


ESP_TYPE = uuid.UUID("C12A7328-F81F-11D2-BA4B-00A0C93EC93B")


def gpt_4k_disk(path, files, size_mib=64):
    """A disk of 4096-byte sectors (sgdisk and mkimage write 512-byte GPTs only): protective
    MBR, GPT with 128 entries (4 blocks), one FAT16 ESP with 4096-byte sectors from 1 MiB."""
    bs, count = 4096, size_mib * 1024 * 1024 // 4096
    first, last = 256, count - 7
    esp = path.with_suffix(".esp")
    esp.write_bytes(bytes((last - first + 1) * bs))
    subprocess.run(["mkfs.fat", "-F", "16", "-S", "4096", "-s", "1", "-n", "STRATA", str(esp)],
                   check=True, capture_output=True)
    for dest, data in files.items():
        parts = dest.strip("/").split("/")
        for i in range(1, len(parts)):
            subprocess.run(["mmd", "-D", "s", "-i", str(esp), "::/" + "/".join(parts[:i])],
                           capture_output=True)
        src = path.with_suffix(".src")
        src.write_bytes(data)
        subprocess.run(["mcopy", "-i", str(esp), str(src), "::" + dest], check=True,
                       capture_output=True)
    entries = bytearray(128 * 128)
    entries[0:128] = (ESP_TYPE.bytes_le + uuid.uuid4().bytes_le
                      + struct.pack("<QQQ", first, last, 0)
                      + "ESP".encode("utf-16-le").ljust(72, b"\0"))

    def header(mine, other, entries_lba):
        h = bytearray(struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x10000, 92, 0, 0, mine,
                                  other, 6, count - 6, disk_guid, entries_lba, 128, 128,
                                  zlib.crc32(entries)))
        h[16:20] = struct.pack("<I", zlib.crc32(h))
        return bytes(h).ljust(bs, b"\0")

    disk_guid = uuid.uuid4().bytes_le
    mbr = bytearray(bs)
    mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\x00\x02\x00", 0xEE, b"\xff\xff\xff", 1,
                               count - 1)
    mbr[510:512] = b"\x55\xaa"
    with open(path, "wb") as f:
        f.truncate(count * bs)
        f.write(mbr + header(1, count - 1, 2) + entries)
        f.seek(first * bs)
        f.write(esp.read_bytes())
        f.seek((count - 5) * bs)
        f.write(entries + header(count - 1, 1, count - 5))
    esp.unlink()
    return path


def test_boot_disk_on_4096_byte_lba_namespace(tmp_path, qemu, probe_image):
    """A namespace formatted with 4096-byte LBAs holding a 4096-byte-sector GPT and FAT: stage0
    reads both and boots the stages from it."""
    disk = gpt_4k_disk(tmp_path / "4k.img", {"/STRATA/STAGE1.BIN": probe_image})
    extra = ["-device", "nvme,id=nvme0,serial=strata5,addr=5"]
    out = boot_to_probe(qemu, disk, extra=extra,
                        disk_device="nvme-ns,bus=nvme0,nsid=1,logical_block_size=4096,"
                                    "physical_block_size=4096")
    assert "disk: boot disk 00:05.0 nsid 1 (NVMe, 64 MiB, PCI order), ESP is partition 1, FAT16" \
        in out, out
    assert "probe: boot disk pci 00:05.0 nvme, ESP partition 1 lba 256-16377" in out, out


def test_512_byte_gpt_on_4096_byte_namespace_is_passed_over(tmp_path, qemu, probe_image):
    """A 512-byte-sector image (as mkimage and sgdisk write) on a 4096-byte LBA namespace has no
    GPT at LBA 1 there: stage0 says so and boots the virtio disk."""
    wrong = build_disk(tmp_path / "wrong.img", {"/STRATA/STAGE1.BIN": probe_image})
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    extra = ["-device", "nvme,id=nvme0,serial=strata6,addr=5",
             "-drive", f"if=none,id=wrong,format=raw,file={wrong}",
             "-device", "nvme-ns,drive=wrong,bus=nvme0,nsid=1,logical_block_size=4096,"
                        "physical_block_size=4096"]
    out = boot_to_probe(qemu, disk, extra=extra, virtio="addr=6")
    assert "disk: warning: 00:05.0 nsid 1: no usable GPT" in out, out
    assert "probe: boot disk pci 00:06.0" in out, out


def test_ovmf_names_nvme_namespaces_as_strata_does(tmp_path, storage_app):
    """The reference: OVMF lists the same NVMe namespaces with the same NVMe() texts (the EUI-64
    bytes last first) and block sizes as stage1 does in the test above. OVMF connects only the
    devices QEMU's bootorder names, hence the bootindex on each namespace."""
    if not OVMF_CODE.exists():
        pytest.skip(f"{OVMF_CODE} missing (Debian package ovmf)")
    disk = storage_disk(tmp_path, storage_app)
    rw, big = tmp_path / "scratch.img", tmp_path / "4k.img"
    rw.write_bytes(bytes(SCRATCH_BLOCKS * SECTOR))
    big.write_bytes(bytes(1024 * 4096))
    out = ovmf_output(disk, tmp_path, "STORAGE-TEST-DONE", 180, extra=[
        "-device", "nvme,id=nvme0,serial=strata7,addr=5",
        "-drive", f"if=none,id=scratch,format=raw,file={rw}",
        "-device", "nvme-ns,drive=scratch,bus=nvme0,nsid=2,eui64=0x0011223344556602,bootindex=2",
        "-drive", f"if=none,id=big,format=raw,file={big}",
        "-device", "nvme-ns,drive=big,bus=nvme0,nsid=3,logical_block_size=4096,"
                   "physical_block_size=4096,eui64=0x0011223344556603,bootindex=3"])
    expect_lines(out, (
        "STORAGE: blockio PciRoot(0x0)/Pci(0x5,0x0)/NVMe(0x2,02-66-55-44-33-22-11-00) "
        "blocks=2048 bs=512 part=0 ro=0 diskio=1 fs=0",
        "STORAGE: blockio PciRoot(0x0)/Pci(0x5,0x0)/NVMe(0x3,03-66-55-44-33-22-11-00) "
        "blocks=1024 bs=4096 part=0 ro=0 diskio=1 fs=0"))
