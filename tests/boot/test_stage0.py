# SPDX-License-Identifier: MIT
"""stage0 end to end: reset vector to the jump into stage1 (the hand-off probe), and its fallbacks."""
import re
import struct

import pytest
from conftest import build_disk

PROBE_OK = "HANDOFF-PROBE-OK"
HALTED = "system halted"
BOOT_TIMEOUT = 60
PROBE_EXIT = 1  # isa-debug-exit: (0 << 1) | 1
STAGE_HEADER_SIZE = 128


def corrupt_body(image):
    """Flip one byte of the body, so the header checks out but the SHA-256 does not."""
    data = bytearray(image)
    data[STAGE_HEADER_SIZE + len(data[STAGE_HEADER_SIZE:]) // 2] ^= 0x40
    return bytes(data)


def boot_to_probe(qemu, disk, **kw):
    run = qemu(disk, **kw)
    assert run.wait_for(PROBE_OK, BOOT_TIMEOUT), run.log()
    assert run.wait_exit(10) == PROBE_EXIT, run.log()
    return run.output


@pytest.mark.parametrize("machine", ["q35", "pc"])
@pytest.mark.parametrize("virtio", ["disable-modern=on", "disable-legacy=on"],
                         ids=["legacy", "modern"])
def test_stage1_receives_handoff_block(tmp_path, qemu, probe_image, machine, virtio):
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    out = boot_to_probe(qemu, disk, machine=machine, virtio=virtio)
    transport = "legacy" if "modern=on" in virtio else "modern"
    assert "probe: handoff magic ok, version 7" in out
    # Every function stage0 assigned BARs to comes with their sizes, so stage1 need not size them.
    functions = re.search(r"stage0: PCI: (\d+) functions", out).group(1)
    assert f"probe: pci: BAR sizes of {functions} functions" in out, out
    disk = re.search(r"probe: boot disk pci (\S+) ", out).group(1)
    line = re.search(rf"probe: pci {re.escape(disk)} flags (\w+) sizes (.*)", out)
    flags, sizes = int(line.group(1), 16), [int(v, 16) for v in line.group(2).split()]
    if transport == "legacy":  # BAR0: the legacy registers, in I/O space
        assert flags & 0xf == 1 and sizes[0] >= 0x20, line.group(0)
    else:  # BAR4: the capabilities' region, 64-bit prefetchable memory
        assert (flags >> 16) & 0xf == 6 and sizes[4] >= 0x4000 and sizes[5] == 0, line.group(0)
    # From the reset vector no entry names tables: stage1 takes QEMU's from fw_cfg.
    assert "probe: entry tables: ACPI RSDP 0, SMBIOS 0" in out, out
    assert f"probe: machine {machine}" in out
    # q35's configuration space through the ECAM window stage0 opened; pc has ports only.
    ecam = "b0000000 buses 0-255" if machine == "q35" else "0 buses 0-0"
    assert f"probe: pci ecam {ecam}" in out, out
    assert f"(virtio-blk {transport}" in out
    assert "ESP partition 1 lba 2048-" in out
    assert "from STAGE1.BIN" in out and "BACKUP" not in out
    assert "probe: running at" in out and "relocated" in out
    assert "type 1" in out  # the e820 RAM ranges made it through


def test_boots_from_pflash(tmp_path, qemu, probe_image):
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    boot_to_probe(qemu, disk, pflash=True)


@pytest.mark.parametrize("machine,bridges,bus", [
    ("q35", ["pcie-root-port,id=rp1,bus=pcie.0,chassis=1"], "rp1"),
    ("pc", ["pci-bridge,id=br1,chassis_nr=1", "pci-bridge,id=br2,chassis_nr=2,bus=br1,addr=4"],
     "br2"),
], ids=["q35-root-port", "pc-nested-bridges"])
def test_boot_disk_behind_bridges(tmp_path, qemu, probe_image, machine, bridges, bus):
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    extra = [arg for b in bridges for arg in ("-device", b)]
    out = boot_to_probe(qemu, disk, machine=machine, extra=extra, device_bus=bus)
    expected_bus = "01" if machine == "q35" else "02"
    assert f"probe: boot disk pci {expected_bus}:" in out


def test_skips_disk_without_esp_and_boots_second_disk(tmp_path, qemu, probe_image):
    blank = tmp_path / "blank.img"
    blank.write_bytes(bytes(8 * 1024 * 1024))
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    extra = ["-drive", f"if=none,id=blank,format=raw,file={blank}",
             "-device", "virtio-blk-pci,drive=blank,addr=5"]
    out = boot_to_probe(qemu, disk, extra=extra, virtio="addr=6")
    assert "00:05.0: no usable GPT" in out
    assert "probe: boot disk pci 00:06.0" in out


@pytest.mark.parametrize("damage", ["corrupt", "truncated", "missing", "not-an-image"])
def test_bad_stage1_falls_back_to_backup(tmp_path, qemu, probe_image, damage):
    bad = {
        "corrupt": corrupt_body(probe_image),
        "truncated": probe_image[: len(probe_image) // 2],
        "missing": None,
        "not-an-image": b"MZ" + bytes(4000),
    }[damage]
    files = {"/STRATA/STAGE1.BAK": probe_image}
    if bad is not None:
        files["/STRATA/STAGE1.BIN"] = bad
    disk = build_disk(tmp_path / "disk.img", files)
    out = boot_to_probe(qemu, disk)
    assert "STAGE1.BIN is unusable, falling back to the backup copy STAGE1.BAK" in out
    assert "booting the BACKUP stage1" in out
    assert "from STAGE1.BAK" in out
    reason = {
        "corrupt": "SHA-256 of the body does not match",
        "truncated": "truncated file or sizes out of range",
        "missing": "cannot open: EFI_NOT_FOUND",
        "not-an-image": "no stage image header",
    }[damage]
    assert reason in out


def test_both_stage1_copies_bad_halts_with_clear_error(tmp_path, qemu, probe_image):
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": corrupt_body(probe_image),
        "/STRATA/STAGE1.BAK": probe_image[:200],
    })
    run = qemu(disk)
    assert run.wait_for(HALTED, BOOT_TIMEOUT), run.log()
    assert "no usable stage1: STAGE1.BIN and STAGE1.BAK both failed" in run.output
    # Halted, not rebooting (-no-reboot would make QEMU exit) and not running the probe.
    assert run.wait_exit(2) is None, run.log()
    assert PROBE_OK not in run.output


def test_runtime_blob_is_loaded_and_checked(tmp_path, qemu, probe_image, probe_runtime):
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image,
                                              "/STRATA/RUNTIME.BIN": probe_runtime})
    out = boot_to_probe(qemu, disk)
    assert "probe: runtime at" in out and "runtime absent" not in out


def test_runtime_of_wrong_kind_is_refused_and_boot_goes_on(tmp_path, qemu, probe_image):
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image,
                                              "/STRATA/RUNTIME.BIN": probe_image})
    out = boot_to_probe(qemu, disk)
    assert "RUNTIME.BIN: wrong kind of stage image" in out
    assert "probe: runtime absent" in out


def test_damaged_primary_gpt_uses_backup(tmp_path, qemu, probe_image):
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    with open(disk, "r+b") as f:
        f.seek(512 + 16)  # LBA 1: header CRC field
        crc = struct.unpack("<I", f.read(4))[0]
        f.seek(512 + 16)
        f.write(struct.pack("<I", crc ^ 0xFFFFFFFF))
    out = boot_to_probe(qemu, disk)
    assert "primary GPT damaged, using the backup" in out


def test_boot_disk_on_ahci_port(tmp_path, qemu, probe_image):
    """q35's built-in ICH9 AHCI at 00:1f.2: the disk on port 2 is found and named in the hand-off."""
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    out = boot_to_probe(qemu, disk, disk_device="ide-hd,bus=ide.2")
    assert "disk: boot disk 00:1f.2 port 2 (AHCI, 64 MiB, PCI order), ESP is partition 1" in out
    assert "probe: boot disk pci 00:1f.2 ahci, ESP partition 1 lba 2048-" in out


def test_ahci_disk_without_stages_passes_over_to_virtio_disk(tmp_path, qemu, probe_image):
    """An AHCI disk first in the boot order whose ESP has no /STRATA: the virtio disk boots."""
    other = build_disk(tmp_path / "other.img", {"/EFI/BOOT/README.TXT": b"no stages here\n"})
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    extra = ["-drive", f"if=none,id=other,format=raw,file={other}",
             "-device", "ide-hd,drive=other,bus=ide.0,bootindex=1"]
    out = boot_to_probe(qemu, disk, extra=extra, virtio="addr=6")
    assert "disk: warning: 00:1f.2 port 0: ESP 1 has no /STRATA directory" in out
    assert "disk: boot disk 00:06.0 (virtio-blk modern, 64 MiB, PCI order)" in out
    assert "probe: boot disk pci 00:06.0" in out


def test_disk_with_unusable_stages_passes_over_to_a_good_copy(tmp_path, qemu, probe_image):
    """Both stage1 copies bad on the first disk in the boot order: the second disk's boot."""
    bad = build_disk(tmp_path / "bad.img", {"/STRATA/STAGE1.BIN": corrupt_body(probe_image),
                                            "/STRATA/STAGE1.BAK": probe_image[:200]})
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    extra = ["-drive", f"if=none,id=bad,format=raw,file={bad}",
             "-device", "ide-hd,drive=bad,bus=ide.0,bootindex=1"]
    out = boot_to_probe(qemu, disk, extra=extra, virtio="addr=6")
    assert "no usable stage1: STAGE1.BIN and STAGE1.BAK both failed" in out, out
    assert "disk: warning: 00:1f.2 port 0: ESP 1 holds no usable stage1" in out
    assert "probe: boot disk pci 00:06.0" in out


def test_bootindex_chooses_between_two_bootable_disks(tmp_path, qemu, probe_image):
    """Two disks that would both boot: QEMU's bootorder (bootindex) decides, not PCI order."""
    first = build_disk(tmp_path / "first.img", {"/STRATA/STAGE1.BIN": probe_image})
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    extra = ["-drive", f"if=none,id=ahci,format=raw,file={first}",
             "-device", "ide-hd,drive=ahci,bus=ide.1,bootindex=1"]
    out = boot_to_probe(qemu, disk, extra=extra, virtio="addr=6,bootindex=2")
    assert "disk: boot disk 00:1f.2 port 1 (AHCI, 64 MiB, bootindex)" in out
    assert "probe: boot disk pci 00:1f.2 ahci" in out
    out = boot_to_probe(qemu, disk, extra=[
        "-drive", f"if=none,id=ahci,format=raw,file={first}",
        "-device", "ide-hd,drive=ahci,bus=ide.1,bootindex=2"], virtio="addr=6,bootindex=1")
    assert "probe: boot disk pci 00:06.0" in out
