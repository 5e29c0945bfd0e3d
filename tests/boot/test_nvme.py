# SPDX-License-Identifier: MIT
"""NVMe disks: stage0 finds the stages on a namespace (q35 and pc, several namespaces, bootindex),
stage1 publishes BlockIo on every namespace with OVMF's NVMe() device path node."""
import pytest
from conftest import build_disk

PROBE_OK = "HANDOFF-PROBE-OK"
BOOT_TIMEOUT = 60
PROBE_EXIT = 1  # isa-debug-exit: (0 << 1) | 1


def boot_to_probe(qemu, disk, **kw):
    run = qemu(disk, **kw)
    assert run.wait_for(PROBE_OK, BOOT_TIMEOUT), run.log()
    assert run.wait_exit(10) == PROBE_EXIT, run.log()
    return run.output


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_boot_disk_on_nvme(tmp_path, qemu, probe_image, machine):
    """The stages on the namespace of `-device nvme,serial=...,drive=...`: stage0 boots them."""
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    out = boot_to_probe(qemu, disk, machine=machine, disk_device="nvme,serial=strata1,addr=5")
    assert "disk: boot disk 00:05.0 nsid 1 (NVMe, 64 MiB, PCI order), ESP is partition 1" in out
    assert "probe: boot disk pci 00:05.0 nvme, ESP partition 1 lba 2048-" in out


def test_nvme_second_namespace_and_bootindex(tmp_path, qemu, probe_image):
    """Three namespaces on one controller: the first has no stages, the third boots; then a
    bootindex on a virtio disk wins over PCI order."""
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
