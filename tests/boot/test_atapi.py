# SPDX-License-Identifier: MIT
"""AHCI ATAPI: a q35 `-cdrom` (ICH9 port 2) becomes a read-only, removable BlockIo of 2048-byte
blocks in stage1, through PACKET commands, with OVMF's Sata(port,0xFFFF,0) node; an empty drive
is named and passed over."""
from test_stage1_storage import BOOT_TIMEOUT, run_log, storage_app, storage_disk  # noqa: F401
from test_virtio_scsi import iso


def test_ahci_cdrom_is_a_read_only_2048_byte_block_io(tmp_path, qemu, storage_app):
    disk = storage_disk(tmp_path, storage_app)
    cd = iso(tmp_path)
    blocks = cd.stat().st_size // 2048
    extra = ["-cdrom", str(cd), "-device", "ide-cd,bus=ide.3"]
    run_ = qemu(disk, extra=extra, memory="512")
    assert run_.wait_for("STORAGE-TEST-DONE", BOOT_TIMEOUT), run_.log()
    out = run_.output
    line = (f"STORAGE: blockio PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x2,0xFFFF,0x0) blocks={blocks} "
            "bs=2048 part=0 ro=1 diskio=1 fs=0")
    assert line in out, run_log(out)
    assert "disk: 00:1f.2 port 2: ATAPI CD-ROM removable read-only, " in out, run_log(out)
    assert "disk: 00:1f.2 port 3: ATAPI QEMU DVD-ROM, no medium" in out, run_log(out)
    assert "Sata(0x3," not in out, run_log(out)
