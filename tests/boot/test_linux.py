# SPDX-License-Identifier: MIT
"""Real payloads under Strata: every shipped image boots to its marker; Linux sees what we gave it."""
import re

import pytest
from conftest import BUILD
from qemu_harness import expected_images

IMAGES = BUILD / "images"
LINUX_TIMEOUT = 300


def boot_image(qemu, name, machine="q35", memory="512"):
    image = IMAGES / f"{name}.img"
    if not image.exists():
        pytest.skip(f"{image} not built (make images)")
    # -cpu max: RDRAND under TCG too, so the kernel gets EFI_RNG_PROTOCOL seed material.
    return qemu(image, machine=machine, memory=memory, extra=["-cpu", "max"], snapshot=True)


@pytest.mark.parametrize("machine", ["q35", "pc"])
@pytest.mark.parametrize("name", sorted(expected_images()))
def test_image_boots_to_its_marker(qemu, name, machine):
    image = expected_images()[name]
    if not image["strata"]:
        pytest.xfail(f"{name} is not expected to boot under Strata yet: {image['reason']}")
    run = boot_image(qemu, name, machine=machine)
    assert run.wait_for(image["marker"], LINUX_TIMEOUT), run.log()


def memmap(out):
    """Linux's /sys/firmware/memmap as printed by the test initramfs: [(start, end, type)]."""
    return [(int(s, 16), int(e, 16), t)
            for s, e, t in re.findall(r"strata: memmap: (0x[0-9a-f]+)-(0x[0-9a-f]+) (.+)", out)]


def covering(ranges, address):
    return [t for s, e, t in ranges if s <= address <= e]


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_linux_uki_sees_efi_acpi_and_our_memory_map(qemu, machine):
    run = boot_image(qemu, "linux-uki", machine=machine)
    assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
    out = run.output
    assert "ExitBootServices: handing over to the OS" in out
    assert "efi: EFI v2.70 by Strata" in out
    assert "strata: efi: yes, 64-bit" in out
    assert re.search(r"strata: acpi: .*ACPI: (XSDT|RSDT)", out), run.log()
    assert re.search(r"strata: acpi: .*ACPI: FACP", out), run.log()
    # efivarfs lists the variables the runtime seeded.
    for var in ("PlatformLang", "SecureBoot", "OsIndicationsSupported", "ConOut", "ErrOut"):
        assert re.search(rf"strata: efivars names: .*\b{var}\b", out), run.log()

    ranges = memmap(out)
    assert ranges, run.log()
    # The runtime blob stays out of the OS's RAM; the RSDP sits in ACPI memory.
    blob = re.search(r"runtime: blob at ([0-9a-f]+), (\d+) KiB", out)
    assert blob, run.log()
    base, size = int(blob.group(1), 16), int(blob.group(2)) * 1024
    for address in (base, base + size - 1):
        kinds = covering(ranges, address)
        assert kinds and "System RAM" not in kinds, f"runtime blob at {address:#x} is {kinds}"
    rsdp = re.search(r"ACPI 2.0=(0x[0-9a-f]+)", out)
    assert rsdp and "ACPI Tables" in covering(ranges, int(rsdp.group(1), 16)), run.log()
    # What Linux counts as RAM is what we gave, less firmware ranges: within 16 MiB of -m 512.
    ram = sum(e - s + 1 for s, e, t in ranges if t == "System RAM")
    assert 496 * 2**20 <= ram <= 512 * 2**20, f"System RAM {ram >> 20} MiB"
    if machine == "q35":
        # stage0 turned on the PCIe MMCONFIG window and reserved it, so Linux uses it.
        assert "PCI: MMCONFIG for domain 0000" in out, run.log()
        assert "fail to add MMCONFIG" not in out
    # Linux's words when a runtime service faults or it gives up on them.
    assert "[Firmware Bug]" not in out and "EFI Runtime Services are disabled" not in out
    assert run.wait_exit(30) is not None, "poweroff did not end QEMU\n" + run.log()


def test_shim_starts_grub_which_boots_linux(qemu):
    run = boot_image(qemu, "shim-grub")
    assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
    assert "STRATA-GRUB: root=hd0,gpt1" in run.output, run.log()
    # shim leaves its MOK variables for the kernel (through our variable store); GRUB alone would not.
    assert "MokListRT" in run.output, run.log()


def test_systemd_boot_second_entry_chosen_by_keys_on_serial(qemu):
    run = boot_image(qemu, "systemd-boot")
    # The menu lists entry 1 (the default) then entry 2; a key stops the timeout.
    assert run.wait_for("Boot in", LINUX_TIMEOUT), run.log()
    run.send(b"\x1b[B")  # Down, as a VT100 terminal sends it
    run.send(b"\r")
    assert run.wait_for("STRATA-ENTRY-2", LINUX_TIMEOUT), run.log()
    assert "STRATA-ENTRY-1" not in run.output, run.log()
    assert run.wait_for("STRATA-DONE", 120), run.log()
    # systemd-boot's Loader* variables reach Linux through the runtime blob.
    assert re.search(r"strata: efivars names: .*\bLoaderEntrySelected\b", run.output), run.log()


def test_linux_uki_boots_from_ahci_disk(qemu):
    """q35 with the image on the ICH9 AHCI port 0 (as -hda attaches it): stage0 and stage1 read it."""
    image = IMAGES / "linux-uki.img"
    if not image.exists():
        pytest.skip(f"{image} not built (make images)")
    run = qemu(image, machine="q35", memory="512", extra=["-cpu", "max"], snapshot=True,
               disk_device="ide-hd,bus=ide.0")
    assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
    out = run.output
    assert "disk: boot disk 00:1f.2 port 0 (AHCI" in out, run.log()
    assert "disk: 00:1f.2 port 0: AHCI SATA disk, 64 MiB, 1 partition" in out, run.log()
    assert "ExitBootServices: handing over to the OS" in out


def test_linux_uki_boots_from_nvme_disk(qemu):
    """The image on an NVMe namespace (`-device nvme,serial=...,drive=...`): Linux's own nvme
    driver takes the controller over after stage1 shut it down at ExitBootServices."""
    image = IMAGES / "linux-uki.img"
    if not image.exists():
        pytest.skip(f"{image} not built (make images)")
    run = qemu(image, machine="q35", memory="512", extra=["-cpu", "max"], snapshot=True,
               disk_device="nvme,serial=strata-uki,addr=5")
    assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
    out = run.output
    assert "disk: boot disk 00:05.0 nsid 1 (NVMe" in out, run.log()
    assert "disk: 00:05.0 nsid 1: NVMe namespace, 64 MiB, 1 partition" in out, run.log()
    assert "ExitBootServices: handing over to the OS" in out
