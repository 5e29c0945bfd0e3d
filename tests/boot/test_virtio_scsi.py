# SPDX-License-Identifier: MIT
"""virtio-scsi: stage0 boots the stages from a unit on either transport, Linux boots from it, and
stage1 publishes BlockIo on every target and LUN (disks, and CD-ROMs read-only with 2048-byte
blocks) with OVMF's Scsi(target,lun) device path node."""
import subprocess

import pytest
from conftest import BUILD, build_disk
from qemu_harness import OVMF_CODE, expect_lines, ovmf_output
from test_stage0 import boot_to_probe
from test_stage1_storage import (BOOT_TIMEOUT, READONLY_BLOCKS, SCRATCH_BLOCKS,  # noqa: F401
                                 SCRATCH_WRITE_LINES, SECTOR, assert_scratch_written,
                                 assert_selftest_storage_cases_pass, hd, run_log,
                                 selftest_disk, storage_app, storage_disk)

LINUX_TIMEOUT = 300
ROOT = "PciRoot(0x0)/Pci(0x5,0x0)"


def hba(transport=""):
    """The HBA at 00:05.0, on the legacy or modern transport or both (transitional)."""
    return ["-device", "virtio-scsi-pci,id=scsi0,addr=5" + (f",{transport}" if transport else "")]


@pytest.mark.parametrize("transport", ["disable-modern=on", "disable-legacy=on"],
                         ids=["legacy", "modern"])
def test_linux_uki_boots_from_virtio_scsi_disk(qemu, transport):
    """The Debian UKI image on `-device scsi-hd` behind virtio-scsi: stage0 finds the stages,
    stage1 reads the UKI, Linux's own virtio_scsi driver takes the HBA over and reaches
    userspace after stage1 reset it at ExitBootServices."""
    image = BUILD / "images" / "linux-uki.img"
    if not image.exists():
        pytest.skip(f"{image} not built (make images)")
    run = qemu(image, machine="q35", memory="512", extra=["-cpu", "max"] + hba(transport),
               snapshot=True, disk_device="scsi-hd,bus=scsi0.0")
    assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
    out = run.output
    assert "disk: boot disk 00:05.0 scsi 0:0 (virtio-scsi, 64 MiB, PCI order)" in out, run.log()
    assert "disk: 00:05.0 scsi 0:0: SCSI disk, 64 MiB, 1 partition" in out, run.log()
    assert "ExitBootServices: handing over to the OS" in out


def test_stages_on_a_later_target_and_lun(tmp_path, qemu, probe_image):
    """Target 0 holds a disk without stages; the stages are on target 3, LUN 2: stage0 walks
    every target's REPORT LUNS, passes the first over and boots the second."""
    empty = build_disk(tmp_path / "empty.img", {"/EFI/BOOT/README.TXT": b"no stages here\n"})
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    extra = hba() + ["-drive", f"if=none,id=empty,format=raw,file={empty}",
                     "-device", "scsi-hd,drive=empty,bus=scsi0.0,scsi-id=0,lun=0"]
    out = boot_to_probe(qemu, disk, extra=extra,
                        disk_device="scsi-hd,bus=scsi0.0,scsi-id=3,lun=2")
    assert "disk: warning: 00:05.0 scsi 0:0: ESP 1 has no /STRATA directory" in out, out
    assert "disk: boot disk 00:05.0 scsi 3:2 (virtio-scsi, 64 MiB, PCI order)" in out, out
    assert "probe: boot disk pci 00:05.0 virtio-scsi, ESP partition 1" in out, out


def test_bootindex_chooses_between_two_units_of_one_hba(tmp_path, qemu, probe_image):
    """Both units bootable: the bootorder line `.../scsi@5/channel@0/disk@T,L` names one unit,
    so bootindex decides even against target order."""
    first = build_disk(tmp_path / "first.img", {"/STRATA/STAGE1.BIN": probe_image})
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    for first_index, second_index, expected in ((2, 1, "1:0"), (1, 2, "0:0")):
        extra = hba() + ["-drive", f"if=none,id=first,format=raw,file={first}",
                         "-device", f"scsi-hd,drive=first,bus=scsi0.0,scsi-id=0,"
                                    f"bootindex={first_index}"]
        out = boot_to_probe(qemu, disk, extra=extra,
                            disk_device=f"scsi-hd,bus=scsi0.0,scsi-id=1,bootindex={second_index}")
        assert f"disk: boot disk 00:05.0 scsi {expected} (virtio-scsi, 64 MiB, bootindex)" in out, \
            out


def iso(tmp_path, blocks_of_data=300):
    """An ISO 9660 image made by xorriso, with a file large enough to read past the first MiB."""
    root = tmp_path / "iso"
    root.mkdir()
    (root / "README.TXT").write_bytes(b"Strata CD-ROM test medium\n")
    (root / "DATA.BIN").write_bytes(bytes((i * 13) & 0xFF for i in range(blocks_of_data * 2048)))
    path = tmp_path / "cd.iso"
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-V", "STRATA_CD", "-o", str(path),
                    str(root)], check=True, capture_output=True)
    return path


@pytest.mark.parametrize("transport", ["disable-modern=on", "disable-legacy=on"],
                         ids=["legacy", "modern"])
def test_stage1_block_io_on_every_unit(tmp_path, qemu, storage_app, transport):
    """stage1 on one HBA with the storage disk (0:0, booted), a 1 MiB scratch disk written
    through BlockIo, DiskIo and BlockIo2 and flushed (1:0), a 4096-byte-block disk (1:5) and a
    CD-ROM with an xorriso ISO (2:0) and a `readonly=on` disk, refused writes (3:0): each with OVMF's Scsi(target,lun) node; the CD read-only,
    removable, with 2048-byte blocks; an empty CD drive (4:0) is a BlockIo with no medium."""
    disk = storage_disk(tmp_path, storage_app)
    rw, big, cd = tmp_path / "scratch.img", tmp_path / "4k.img", iso(tmp_path)
    rw.write_bytes(bytes(SCRATCH_BLOCKS * SECTOR))
    big.write_bytes(bytes(1024 * 4096))
    ro = tmp_path / "ro.img"
    ro.write_bytes(bytes(READONLY_BLOCKS * SECTOR))
    cd_blocks = cd.stat().st_size // 2048
    extra = hba(transport) + [
        "-drive", f"if=none,id=ro,format=raw,readonly=on,file={ro}",
        "-device", "scsi-hd,drive=ro,bus=scsi0.0,scsi-id=3,lun=0",
        "-drive", f"if=none,id=scratch,format=raw,file={rw}",
        "-device", "scsi-hd,drive=scratch,bus=scsi0.0,scsi-id=1,lun=0",
        "-drive", f"if=none,id=big,format=raw,file={big}",
        "-device", "scsi-hd,drive=big,bus=scsi0.0,scsi-id=1,lun=5,logical_block_size=4096,"
                   "physical_block_size=4096",
        "-drive", f"if=none,id=cd,format=raw,media=cdrom,readonly=on,file={cd}",
        "-device", "scsi-cd,drive=cd,bus=scsi0.0,scsi-id=2,lun=0",
        "-device", "scsi-cd,bus=scsi0.0,scsi-id=4,lun=0"]
    run_ = qemu(disk, extra=extra, memory="512", disk_device="scsi-hd,bus=scsi0.0,scsi-id=0")
    assert run_.wait_for("STORAGE-TEST-DONE", BOOT_TIMEOUT), run_.log()
    out = run_.output
    root = f"{ROOT}/Scsi(0x0,0x0)"
    lines = [
        f"STORAGE: blockio {root} blocks={64 * 2048} bs=512 part=0 ro=0 diskio=1 fs=0",
        f"STORAGE: blockio {hd(1, root)} blocks=81920 bs=512 part=1 ro=0 diskio=1 fs=1",
        f"STORAGE: note {hd(2, root)} a note on the FAT16 data partition",
        f"STORAGE: blockio {ROOT}/Scsi(0x1,0x0) blocks=2048 bs=512 part=0 ro=0 diskio=1 fs=0",
        f"STORAGE: blockio {ROOT}/Scsi(0x1,0x5) blocks=1024 bs=4096 part=0 ro=0 diskio=1 fs=0",
        f"STORAGE: blockio {ROOT}/Scsi(0x2,0x0) blocks={cd_blocks} bs=2048 part=0 ro=1 "
        "diskio=1 fs=0",
        f"STORAGE: blockio {ROOT}/Scsi(0x3,0x0) blocks={READONLY_BLOCKS} bs=512 part=0 ro=1 "
        "diskio=1 fs=0",
        "STORAGE: readonly-write Write Protected",
        *SCRATCH_WRITE_LINES,
    ]
    missing = [line for line in lines if line not in out]
    assert not missing, "missing:\n" + "\n".join(missing) + "\n" + run_log(out)
    assert "disk: boot disk 00:05.0 scsi 0:0 (virtio-scsi, 64 MiB, PCI order)" in out
    assert "disk: 00:05.0 scsi 2:0: SCSI CD-ROM removable read-only, " in out, run_log(out)
    assert "disk: 00:05.0 scsi 4:0: QEMU CD-ROM, no medium" in out, run_log(out)
    assert "/Scsi(0x4,0x0) blocks=1 bs=2048 part=0 ro=1 diskio=1 fs=0" in out, run_log(out)
    assert_scratch_written(rw)


def test_selftest_block_io_cases_pass_on_virtio_scsi(tmp_path, qemu):
    """The self-test's file system and BlockIo cases on a virtio-scsi boot disk."""
    run_ = qemu(selftest_disk(tmp_path), memory="512", extra=hba(),
                disk_device="scsi-hd,bus=scsi0.0")
    assert_selftest_storage_cases_pass(run_)


def test_ovmf_names_virtio_scsi_units_as_strata_does(tmp_path, storage_app):
    """The reference: OVMF lists the scratch disk, the 4096-byte disk and the CD of the test
    above with the same Scsi() texts, block sizes and read-only flags. OVMF connects only the
    devices QEMU's bootorder names, hence a bootindex on each unit."""
    if not OVMF_CODE.exists():
        pytest.skip(f"{OVMF_CODE} missing (Debian package ovmf)")
    disk = storage_disk(tmp_path, storage_app)
    rw, big, cd = tmp_path / "scratch.img", tmp_path / "4k.img", iso(tmp_path)
    rw.write_bytes(bytes(SCRATCH_BLOCKS * SECTOR))
    big.write_bytes(bytes(1024 * 4096))
    cd_blocks = cd.stat().st_size // 2048
    out = ovmf_output(disk, tmp_path, "STORAGE-TEST-DONE", 180, extra=hba() + [
        "-drive", f"if=none,id=scratch,format=raw,file={rw}",
        "-device", "scsi-hd,drive=scratch,bus=scsi0.0,scsi-id=1,lun=0,bootindex=2",
        "-drive", f"if=none,id=big,format=raw,file={big}",
        "-device", "scsi-hd,drive=big,bus=scsi0.0,scsi-id=1,lun=5,logical_block_size=4096,"
                   "physical_block_size=4096,bootindex=3",
        "-drive", f"if=none,id=cd,format=raw,media=cdrom,readonly=on,file={cd}",
        "-device", "scsi-cd,drive=cd,bus=scsi0.0,scsi-id=2,lun=0,bootindex=4"])
    expect_lines(out, (
        f"STORAGE: blockio {ROOT}/Scsi(0x1,0x0) blocks=2048 bs=512 part=0 ro=0",
        f"STORAGE: blockio {ROOT}/Scsi(0x1,0x5) blocks=1024 bs=4096 part=0 ro=0",
        f"STORAGE: blockio {ROOT}/Scsi(0x2,0x0) blocks={cd_blocks} bs=2048 part=0 ro=1"))
