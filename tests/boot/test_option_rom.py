# SPDX-License-Identifier: MIT
"""PCI option ROMs (issue 18): the EFI driver in a NIC's expansion ROM (Debian's ipxe-qemu, which
QEMU gives virtio-net-pci and e1000 by default) is loaded, started and connected by stage1, so the
Shell's `drivers` lists it with its ROM path and `dh -p SimpleNetwork` finds the NIC with the MAC
given to QEMU; so it does from a ROM whose driver is UEFI-compressed. A ROM whose driver is no PE
gets one warning and the boot goes on; `romfile=` (none) loads nothing; Secure Boot refuses the
unsigned driver by name; Linux boots with the driver bound."""
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUILD, build_disk, shipped_image
from qemu_harness import expected_images

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shell_script import ANSI, install  # noqa: E402

TIMEOUT = 300
IPXE = Path("/usr/lib/ipxe/qemu")
SCRIPT = r"""@echo -off
drivers
echo STRATA-SNP
dh -p SimpleNetwork
echo STRATA-OPROM-DONE
reset -s
"""


def boot(qemu, tmp_path, machine, device):
    disk = shipped_image("shell", tmp_path)
    install(disk, SCRIPT)
    run = qemu(disk, machine=machine, memory="512", extra=["-nic", "none", "-device", device])
    assert run.wait_for("STRATA-OPROM-DONE", TIMEOUT), run.log()
    assert run.wait_exit(60) == 0, run.log()
    return ANSI.sub("", run.output), run.log()


def random_mac():
    tail = [random.randrange(256) for _ in range(3)]
    return "52:54:00:" + ":".join(f"{b:02x}" for b in tail)


@pytest.mark.parametrize("machine,device,rom,driver", [
    ("q35", "virtio-net-pci", "efi-virtio.rom", "virtio-net.efidrv"),
    ("pc", "e1000", "efi-e1000.rom", "82540em.efidrv"),
])
def test_nic_option_rom_driver_gives_simple_network(tmp_path, qemu, machine, device, rom, driver):
    if not (IPXE / rom).exists():
        pytest.skip(f"{IPXE / rom} missing (Debian's ipxe-qemu, make deps)")
    mac = random_mac()
    out, log = boot(qemu, tmp_path, machine, f"{device},mac={mac},addr=0x5")
    assert "option-rom: 00:05.0: 1 EFI driver from its option ROM" in out, log
    drivers, snp = out.split("STRATA-SNP", 1)
    # The driver's image path is the ROM image's range inside the function, as OVMF's.
    assert re.search(rf"{re.escape(driver)}\s+Offset\(0x[0-9A-F]+,0x[0-9A-F]+\)", drivers), log
    assert f"MAC({mac.replace(':', '').upper()},0x1)" in snp, log
    assert "SimpleNetwork" in snp.split("STRATA-OPROM-DONE")[0].split("'SimpleNetwork'", 1)[1], log


def corrupt_rom(tmp_path):
    """efi-virtio.rom with its EFI driver's MZ signature broken: the ROM walk finds it, the PE
    loader refuses it."""
    data = bytearray((IPXE / "efi-virtio.rom").read_bytes())
    off = 0
    while True:
        pcir = off + int.from_bytes(data[off + 0x18:off + 0x1a], "little")
        length = int.from_bytes(data[pcir + 0x10:pcir + 0x12], "little") * 512
        if data[pcir + 0x14] == 3:
            pe = off + int.from_bytes(data[off + 0x16:off + 0x18], "little")
            assert data[pe:pe + 2] == b"MZ"
            data[pe:pe + 2] = b"XX"
            break
        assert not data[pcir + 0x15] & 0x80, "no EFI image in efi-virtio.rom"
        off += length
    path = tmp_path / "bad.rom"
    path.write_bytes(data)
    return path, off


@pytest.mark.parametrize("case", ["corrupt", "none"])
def test_bad_or_absent_rom_warns_and_boots_on(tmp_path, qemu, case):
    if not (IPXE / "efi-virtio.rom").exists():
        pytest.skip("Debian's ipxe-qemu is not installed (make deps)")
    romfile, image = corrupt_rom(tmp_path) if case == "corrupt" else ("", 0)
    out, log = boot(qemu, tmp_path, "q35", f"virtio-net-pci,romfile={romfile},addr=0x5")
    snp = out.split("STRATA-SNP", 1)[1]
    assert "MAC(" not in snp, log
    if case == "corrupt":
        assert f"option-rom: warning: 00:05.0: the EFI driver at {image:x} in its ROM did not " \
            "start" in out, log
    else:
        assert "option-rom:" not in out, log


def packed_rom(tmp_path):
    """efi-virtio.rom with its EFI driver UEFI-compressed (compression type 1) by the encoder of
    tests/unit/test_uefi_decompress.c, the image's lengths and the last-image bit redone."""
    tool = BUILD / "tests" / "unit" / "test_uefi_decompress"
    if not tool.exists():
        pytest.skip(f"{tool} not built (make all)")
    data = (IPXE / "efi-virtio.rom").read_bytes()
    off = 0
    while True:
        pcir = off + int.from_bytes(data[off + 0x18:off + 0x1a], "little")
        if data[pcir + 0x14] == 3:
            break
        off += int.from_bytes(data[pcir + 0x10:pcir + 0x12], "little") * 512
    init = int.from_bytes(data[off + 2:off + 4], "little") * 512
    pe_at = int.from_bytes(data[off + 0x16:off + 0x18], "little")
    (tmp_path / "driver.efi").write_bytes(data[off + pe_at:off + init])
    subprocess.run([str(tool), "--compress", str(tmp_path / "driver.efi"),
                    str(tmp_path / "driver.z")], check=True)
    packed = (tmp_path / "driver.z").read_bytes()
    image = bytearray(data[off:off + pe_at]) + packed
    image += bytes(-len(image) % 512)
    blocks = len(image) // 512
    assert blocks < init // 512, "the packed driver is no smaller"
    image[2:4] = blocks.to_bytes(2, "little")
    image[0x0c:0x0e] = (1).to_bytes(2, "little")
    p = pcir - off
    image[p + 0x10:p + 0x12] = blocks.to_bytes(2, "little")
    image[p + 0x15] |= 0x80
    path = tmp_path / "packed.rom"
    path.write_bytes(data[:off] + image)
    return path


def test_compressed_rom_driver_gives_simple_network(tmp_path, qemu):
    if not (IPXE / "efi-virtio.rom").exists():
        pytest.skip("Debian's ipxe-qemu is not installed (make deps)")
    mac = random_mac()
    out, log = boot(qemu, tmp_path, "q35",
                    f"virtio-net-pci,romfile={packed_rom(tmp_path)},mac={mac},addr=0x5")
    assert "option-rom: 00:05.0: 1 EFI driver from its option ROM" in out, log
    assert f"MAC({mac.replace(':', '').upper()},0x1)" in out.split("STRATA-SNP", 1)[1], log


def test_secure_boot_refuses_the_unsigned_rom_driver_and_boots_on(tmp_path, qemu):
    """Under Secure Boot the ROM's driver goes through the same db check as any LoadImage: iPXE's
    is unsigned, so it is refused by name and the boot goes on to the (allowed) payload."""
    if not (IPXE / "efi-virtio.rom").exists():
        pytest.skip("Debian's ipxe-qemu is not installed (make deps)")
    from test_secure_boot import HELLO, authenticode_sha256, sha256_list
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": HELLO,
    })
    db = tmp_path / "db.esl"
    db.write_bytes(sha256_list(authenticode_sha256(HELLO.read_bytes())))
    run = qemu(disk, extra=["-fw_cfg", f"name=opt/strata/secure-boot/db,file={db}",
                            "-device", "virtio-net-pci,addr=0x5"])
    assert run.wait_for("nothing more to boot", 90), run.log()
    out = run.output
    assert "Secure Boot on" in out, run.log()
    assert re.search(r"refused PciRoot\(0x0\)/Pci\(0x5,0x0\)/Offset\(0x[0-9A-F]+,0x[0-9A-F]+\): "
                     r"unsigned", out), run.log()
    assert "option-rom: warning: 00:05.0:" in out and "EFI_ACCESS_DENIED" in out, run.log()
    assert "\\EFI\\BOOT\\BOOTX64.EFI returned EFI_SUCCESS" in out, run.log()


def test_linux_boots_with_the_ipxe_driver_bound(qemu):
    """ExitBootServices with iPXE's driver on the NIC (it stops the NIC in its own handler): the
    UKI image still reaches userspace."""
    image = BUILD / "images" / "linux-uki.img"
    if not image.exists() or not (IPXE / "efi-virtio.rom").exists():
        pytest.skip("linux-uki image or ipxe-qemu missing")
    marker = expected_images()["linux-uki"]["marker"]
    run = qemu(image, memory="512", snapshot=True,
               extra=["-cpu", "max", "-device", "virtio-net-pci,addr=0x5"])
    assert run.wait_for(marker, 300), run.log()
    assert "option-rom: 00:05.0: 1 EFI driver from its option ROM" in run.output, run.log()
