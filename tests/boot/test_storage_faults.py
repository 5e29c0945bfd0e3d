# SPDX-License-Identifier: MIT
"""Faulty and hung disks: QEMU's blkdebug fails a read of STAGE1.BIN once (the driver tries it
again and stage0 boots) or every time (a clear error, then the next disk), and a throttled
virtio-blk disk makes a read outlast the timeout (the device is reset, the read sent again, and
the stage1 it returns passes its SHA-256 check)."""
import pytest
from conftest import BUILD, build_disk
from keys_typing import qmp_commands
from test_stage0 import BOOT_TIMEOUT, PROBE_OK

# The disk under test on each controller, first in bootindex; the good disk is second.
# (machine, the disk's -device, its name in stage0's log); HBA: a controller it needs.
CONTROLLERS = {
    "virtio-blk": ("q35", "virtio-blk-pci,addr=5,bootindex=1", "00:05.0"),
    "virtio-scsi": ("q35", "scsi-hd,bus=scsi0.0,bootindex=1", "00:05.0 scsi 0:0"),
    "nvme": ("q35", "nvme,serial=faulty,addr=5,bootindex=1", "00:05.0 nsid 1"),
    "ahci": ("q35", "ide-hd,bus=ide.0,bootindex=1", "00:1f.2 port 0"),
    "ide": ("pc", "ide-hd,bus=ide.0,unit=0,bootindex=1", "00:01.1 primary master"),
}
HBA = {"virtio-scsi": ["-device", "virtio-scsi-pci,id=scsi0,addr=5"]}


def faulty_disk(tmp_path, image, once):
    """A disk with image as STAGE1.BIN behind blkdebug, which fails with EIO the read that
    covers a sector inside the file (the first one only with once)."""
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": image})
    offset = disk.read_bytes().find(image[:4096])
    assert offset > 0 and offset % 512 == 0
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n'
                    f'sector = "{offset // 512 + 4}"\nonce = "{"on" if once else "off"}"\n')
    return f"blkdebug:{conf}:{disk}"


@pytest.mark.parametrize("controller", list(CONTROLLERS))
def test_transient_read_error_is_retried(tmp_path, qemu, probe_image, controller):
    """One EIO on a read of STAGE1.BIN: the driver tries again and stage0 boots that disk."""
    machine, device, name = CONTROLLERS[controller]
    run = qemu(faulty_disk(tmp_path, probe_image, once=True), machine=machine,
               disk_device=device, extra=HBA.get(controller, []))
    assert run.wait_for(PROBE_OK, BOOT_TIMEOUT), run.log()
    out = run.output
    assert f"disk: boot disk {name} (" in out, run.log()
    assert "STAGE1.BIN is unusable" not in out, run.log()


@pytest.mark.parametrize("controller", list(CONTROLLERS))
def test_persistent_read_error_goes_on_to_the_next_disk(tmp_path, qemu, probe_image,
                                                         controller):
    """EIO on every read of STAGE1.BIN: an error that says so, and the good disk boots."""
    machine, device, name = CONTROLLERS[controller]
    good = build_disk(tmp_path / "good.img", {"/STRATA/STAGE1.BIN": probe_image})
    extra = HBA.get(controller, []) + [
        "-drive", f"if=none,id=good,format=raw,file={good}",
        "-device", "virtio-blk-pci,drive=good,addr=9,bootindex=2"]
    run = qemu(faulty_disk(tmp_path, probe_image, once=False), machine=machine,
               disk_device=device, extra=extra)
    assert run.wait_for(PROBE_OK, 3 * BOOT_TIMEOUT), run.log()
    out = run.output
    assert "load: ERROR: \\STRATA\\STAGE1.BIN: reading" in out, run.log()
    assert f"disk: warning: {name}: ESP 1 holds no usable stage1" in out, run.log()
    assert "disk: boot disk 00:09.0 (virtio-blk" in out, run.log()
    assert "probe: boot disk pci 00:09.0" in out, run.log()


def test_throttled_virtio_blk_read_times_out_and_recovers(tmp_path, qemu):
    """At 16 kB/s the one read of the 230 KiB stage1 outlasts VIRTIO_TIMEOUT_MS: the driver
    resets the device and sends it again; once the console says so the test lifts the throttle,
    and the data that read returns is stage1's own (its SHA-256 checks out and it runs)."""
    stage1 = (BUILD / "stage1.bin").read_bytes()
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": stage1})
    qmp = tmp_path / "qmp.sock"
    run = qemu(f"{disk},throttling.bps-total=16000", extra=[
        "-qmp", f"unix:{qmp},server=on,wait=off"])
    warning = "virtio-blk: warning: type 0 at sector"
    assert run.wait_for(warning, 90), run.log()
    qmp_commands(qmp, [{"execute": "block_set_io_throttle", "arguments": {
        "device": "boot", "bps": 0, "bps_rd": 0, "bps_wr": 0, "iops": 0, "iops_rd": 0,
        "iops_wr": 0}}])
    assert run.wait_for("boot: Esc or F12", BOOT_TIMEOUT), run.log()
    out = run.output
    assert "no answer in 10000 ms, resetting (try 1)" in out, run.log()
    assert "from STAGE1.BIN verified" in out, run.log()
    assert "stage1: UEFI environment ready" in out, run.log()
