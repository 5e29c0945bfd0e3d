# SPDX-License-Identifier: MIT
"""NVMe disks: stage0 finds the stages on a namespace (q35 and pc, several namespaces, bootindex),
stage1 publishes BlockIo on every namespace with OVMF's NVMe() device path node."""
import pytest
from conftest import build_disk
from test_stage0 import boot_to_probe
from test_stage1_storage import (SCRATCH_BLOCKS, SECTOR, hd, run_log,  # noqa: F401
                                 storage_app, storage_disk)


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
        "STORAGE: write-blocks Success",
        "STORAGE: read-back Success same=1",
        "STORAGE: write-disk Success",
        "STORAGE: read-disk Success same=1",
        "STORAGE: flush Success",
        "STORAGE: read-ex Success transaction Success signalled Success same=1",
    ]
    missing = [line for line in lines if line not in out]
    assert not missing, "missing:\n" + "\n".join(missing) + "\n" + run_log(out)
    assert "disk: boot disk 00:05.0 nsid 1 (NVMe, 64 MiB, PCI order)" in out
    assert "disk: 00:05.0 nsid 3: NVMe namespace, 4 MiB, 0 partitions" in out, run_log(out)
    pattern = bytes((i * 7 + 3) & 0xFF for i in range(1024))
    data = rw.read_bytes()
    assert data[5 * SECTOR:5 * SECTOR + 1024] == pattern
    assert data[10 * SECTOR + 100:10 * SECTOR + 1100] == pattern[24:1024]


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
