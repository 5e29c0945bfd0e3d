# SPDX-License-Identifier: MIT
"""AHCI ATAPI: a q35 `-cdrom` (ICH9 port 2) becomes a read-only, removable BlockIo of 2048-byte
blocks in stage1, through PACKET commands, with OVMF's Sata(port,0xFFFF,0) node; an empty drive
is a BlockIo with no medium (test_media_change.py inserts one)."""
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
    # The empty drive: MediaPresent FALSE, LastBlock 0 (as OVMF's ScsiDisk leaves them).
    assert ("STORAGE: blockio PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x3,0xFFFF,0x0) blocks=1 bs=2048 "
            "part=0 ro=1 diskio=1 fs=0") in out, run_log(out)


def test_ovmf_names_the_ahci_cdrom_as_strata_does(tmp_path, storage_app):
    """The reference: OVMF's AtaAtapiPassThru and ScsiDisk give the same CD the same Sata()
    text, block count, block size and read-only flag (a bootindex makes OVMF connect it)."""
    import shutil
    import sys
    from pathlib import Path

    import pytest
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "efi-apps"))
    from ovmf_boot import OVMF_CODE, OVMF_VARS, QemuRun, ovmf_command
    if not OVMF_CODE.exists():
        pytest.skip(f"{OVMF_CODE} missing (Debian package ovmf)")
    disk = storage_disk(tmp_path, storage_app)
    cd = iso(tmp_path)
    blocks = cd.stat().st_size // 2048
    vars_copy = tmp_path / "vars.fd"
    shutil.copy(OVMF_VARS, vars_copy)
    run_ = QemuRun(ovmf_command(disk, vars_copy) + [
        "-drive", f"if=none,id=cd,format=raw,media=cdrom,readonly=on,file={cd}",
        "-device", "ide-cd,drive=cd,bus=ide.2,bootindex=2"])
    try:
        assert run_.wait_for("STORAGE-TEST-DONE", 180), run_.log()
        out = run_.output
    finally:
        run_.kill()
    line = (f"STORAGE: blockio PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x2,0xFFFF,0x0) blocks={blocks} "
            "bs=2048 part=0 ro=1")
    assert line in out, run_log(out)
