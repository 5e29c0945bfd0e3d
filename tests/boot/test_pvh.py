# SPDX-License-Identifier: MIT
"""The PVH entry: build/strata-pvh.elf carries Xen's PHYS32_ENTRY note, and QEMU's -kernel (SeaBIOS
runs its pvh.bin option ROM, which jumps to our entry with hvm_start_info in %ebx) boots the
Debian UKI to userspace with the memory map taken from the start info."""
import os
import re
import shutil
import subprocess
import struct
import time

import pytest
from conftest import BUILD, ESP_START, QemuRun, accel, build_disk, probe_image  # noqa: F401
from qemu_harness import qmp_screendump
from test_console_screen import APPS, render
from test_stage1 import strata_files
from test_stage1_storage import (SCRATCH_BLOCKS, SECTOR, hd, storage_app,  # noqa: F401
                                 storage_disk)

PVH_ELF = BUILD / "strata-pvh.elf"
IMAGE = BUILD / "images" / "linux-uki.img"
LINUX_TIMEOUT = 300
XEN_ELFNOTE_PHYS32_ENTRY = 18
PT_LOAD, PT_NOTE = 1, 4


def program_headers(data):
    """[(type, offset, paddr, filesz, memsz)] of an ELF64 file."""
    assert data[:4] == b"\x7fELF" and data[4] == 2, "not an ELF64 file"
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    headers = []
    for i in range(phnum):
        p_type, _, p_offset, _, p_paddr, p_filesz, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        headers.append((p_type, p_offset, p_paddr, p_filesz, p_memsz))
    return headers


def pvh_entry(data, headers):
    """The address in the PHYS32_ENTRY note of a PT_NOTE segment named "Xen", else None."""
    for p_type, offset, _, filesz, _ in headers:
        pos = offset
        while p_type == PT_NOTE and pos + 12 <= offset + filesz:
            namesz, descsz, n_type = struct.unpack_from("<III", data, pos)
            name = data[pos + 12:pos + 12 + namesz]
            desc = pos + 12 + (namesz + 3) // 4 * 4
            if name == b"Xen\0" and n_type == XEN_ELFNOTE_PHYS32_ENTRY and descsz >= 4:
                return struct.unpack_from("<I", data, desc)[0]
            pos = desc + (descsz + 3) // 4 * 4
    return None


def test_pvh_elf_has_the_entry_note_inside_a_segment_above_1mib():
    """What a PVH loader checks: the note, its 32-bit entry within a loaded segment, and every
    segment at or above 1 MiB (Cloud Hypervisor refuses lower ones; QEMU's SeaBIOS owns them)."""
    data = PVH_ELF.read_bytes()
    headers = program_headers(data)
    entry = pvh_entry(data, headers)
    assert entry is not None, "no XEN_ELFNOTE_PHYS32_ENTRY note"
    loads = [(paddr, filesz, memsz) for t, _, paddr, filesz, memsz in headers if t == PT_LOAD]
    assert loads and all(paddr >= 0x100000 for paddr, _, _ in loads), loads
    assert any(paddr <= entry < paddr + filesz for paddr, filesz, _ in loads), hex(entry)
    # Nothing for a loader to clear: stage0 zeroes its own .bss.
    assert all(filesz == memsz for _, filesz, memsz in loads), loads


def pvh_qemu(machine, disk_args, memory="512", firmware=("-kernel", PVH_ELF)):
    """QEMU with Strata through PVH, or firmware=("-bios", ROM) for the reset vector."""
    args = ["qemu-system-x86_64", "-machine", f"{machine},accel={accel()}", "-m", memory,
            "-cpu", "max", "-display", "none", "-serial", "stdio", "-monitor", "none",
            "-no-reboot", firmware[0], str(firmware[1])] + disk_args
    return QemuRun(args)


@pytest.fixture
def runs():
    started = []
    yield started
    for run in started:
        run.kill()


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_linux_uki_boots_through_pvh(runs, machine):
    """-kernel strata-pvh.elf, the UKI on virtio-blk: stage0 takes SeaBIOS's memory map and RSDP
    from the start info, stage1 installs those tables (a 2.0 RSDP for SeaBIOS's 1.0 one) and
    Linux reaches userspace with them as from the ROM."""
    if not IMAGE.exists():
        pytest.skip(f"{IMAGE} not built (make images)")
    run = pvh_qemu(machine, ["-drive", f"if=none,id=boot,format=raw,snapshot=on,file={IMAGE}",
                             "-device", "virtio-blk-pci,drive=boot"])
    runs.append(run)
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    assert run.wait_for("STRATA-DONE", 60), run.log()
    out = run.output
    assert re.search(r"memory: \d+ ranges from PVH start info", out), run.log()
    acpi = re.search(r"acpi: RSDP at 0x([0-9a-f]+) from the PVH start info \(revision 0 at "
                     r"0x([0-9a-f]+)\), with FADT", out)
    assert acpi and 0xe0000 <= int(acpi.group(2), 16) < 0x100000, run.log()
    assert re.search(rf"ACPI: RSDP 0x{int(acpi.group(1), 16):016X} 000024 \(v02 ", out), run.log()
    # q35's ECAM window where SeaBIOS opened it, as its MCFG says; pc has none.
    mcfg = "platform: PCI through the entry's MCFG: ECAM at 0xb0000000, buses 0-255"
    assert (mcfg in out) == (machine == "q35"), run.log()
    if machine == "q35":
        assert "PCI: MMCONFIG at [mem 0xb0000000-0xbfffffff] reserved in E820" in out, run.log()
    assert "efi: EFI v2.70 by Strata" in out
    assert "strata: efi: yes, 64-bit" in out, run.log()


@pytest.mark.parametrize("legacy,entry,acpi", [("on", "pvh", "on"), ("off", "pvh", "on"),
                                               ("on", "bios", "on"), ("on", "pvh", "off")])
def test_linux_uki_boots_on_microvm_from_virtio_mmio(runs, legacy, entry, acpi):
    """-M microvm: no PCI, the UKI on a virtio-blk-device (virtio-mmio version 1 with QEMU's
    default force-legacy=on, version 2 with off), Strata through PVH or as microvm's -bios
    (its reset vector, instead of qboot). The transports come from the DSDT's LNRO0005 devices,
    or from microvm's fixed slots with acpi=off. stage0 boots from it, stage1 publishes it and
    starts the kernel. Under TCG, Linux itself stops on microvm before userspace whatever the
    firmware (no port 0x61, HPET or PM timer to calibrate the TSC against, no kvmclock: QEMU's
    own -kernel bzImage boot stops there too), so userspace is waited for under KVM only."""
    if not IMAGE.exists():
        pytest.skip(f"{IMAGE} not built (make images)")
    firmware = ("-kernel", PVH_ELF) if entry == "pvh" else ("-bios", BUILD / "stage0.rom")
    run = pvh_qemu(f"microvm,acpi={acpi}", ["-global", f"virtio-mmio.force-legacy={legacy}",
                               "-drive", f"if=none,id=boot,format=raw,snapshot=on,file={IMAGE}",
                               "-device", "virtio-blk-device,drive=boot"], firmware=firmware)
    runs.append(run)
    marker = "STRATA-USERSPACE-OK" if accel() == "kvm" else "Linux version"
    assert run.wait_for(marker, LINUX_TIMEOUT), run.log()
    out = run.output
    version = 1 if legacy == "on" else 2
    assert "platform: machine: no PCI host bridge (microvm)" in out, run.log()
    source = "PVH start info" if entry == "pvh" else "fw_cfg"
    assert re.search(rf"memory: \d+ ranges from {source}", out), run.log()
    transports = "1 virtio-mmio transports from the DSDT" if acpi == "on" else \
        "24 virtio-mmio transports from microvm's slots"
    assert f"disk: {transports}" in out, run.log()
    boot = re.search(rf"disk: boot disk virtio-mmio@(feb0[0-9a-f]{{4}}) \(virtio-blk on "
                     rf"virtio-mmio {version}, 64 MiB, slot order\)", out)
    assert boot, run.log()
    assert f"disk: virtio-mmio@{boot.group(1)}: virtio-blk, virtio-mmio {version}" in out
    assert "ExitBootServices: handing over to the OS" in out, run.log()


@pytest.mark.parametrize("device", ["virtio-blk", "virtio-scsi"])
def test_native_loader_reaches_userspace_on_microvm(tmp_path, runs, device):
    """microvm through PVH with the native-linux image (a Boot Loader Specification entry on
    the ESP, no BOOTX64.EFI) on a virtio-blk-device, or a disk behind a virtio-scsi-device:
    stage0 boots from it, and stage1 finds the ESP stage0 booted from by its transport's base
    (and the unit's target and LUN) and boots the entry there. The entry's options gain
    tsc_early_khz, so Linux, which has no PIT gate, HPET or PM timer to calibrate its TSC against
    on microvm, reaches userspace under TCG too (the frequency only paces its clock)."""
    native = BUILD / "images" / "native-linux.img"
    if not native.exists():
        pytest.skip(f"{native} not built (make images)")
    disk = tmp_path / "native.img"
    shutil.copyfile(native, disk)
    spec = f"{disk}@@{ESP_START * SECTOR}"
    entry = subprocess.run(["mtype", "-i", spec, "::/loader/entries/strata-native.conf"],
                           check=True, capture_output=True, text=True).stdout
    assert "\noptions console=ttyS0 " in entry, entry
    conf = tmp_path / "strata-native.conf"
    conf.write_text(entry.replace("\noptions ", "\noptions tsc_early_khz=1000000 "))
    subprocess.run(["mcopy", "-o", "-i", spec, str(conf), "::/loader/entries/strata-native.conf"],
                   check=True, env={**os.environ, "MTOOLS_SKIP_CHECK": "1"})
    attach = ["-device", "virtio-blk-device,drive=boot"] if device == "virtio-blk" else \
        ["-device", "virtio-scsi-device,id=hba", "-device", "scsi-hd,bus=hba.0,drive=boot"]
    run = pvh_qemu("microvm", ["-drive", f"if=none,id=boot,format=raw,file={disk}"] + attach)
    runs.append(run)
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    out = run.output
    boot = r"virtio-mmio@feb0[0-9a-f]{4} \(virtio-blk on virtio-mmio 1" if device == "virtio-blk" \
        else r"virtio-mmio@feb0[0-9a-f]{4} scsi 0:0 \(virtio-scsi"
    assert re.search(rf"disk: boot disk {boot}, 64 MiB, slot order\)", out), run.log()
    assert "boot: no \\EFI\\BOOT\\BOOTX64.EFI on the boot ESP: 1 Boot Loader Specification " \
        "entries, strata-native first" in out, run.log()
    assert "tsc_early_khz=1000000" in out, run.log()


def test_linux_uki_reaches_userspace_on_microvm_from_an_efi_entry(tmp_path, runs):
    """The UKI on microvm under TCG too: moved off the removable path and named by a Boot
    Loader Specification `efi` entry whose options replace its own command line (systemd-stub
    takes the loader's options without Secure Boot), adding tsc_early_khz as above."""
    if not IMAGE.exists():
        pytest.skip(f"{IMAGE} not built (make images)")
    disk = tmp_path / "uki.img"
    shutil.copyfile(IMAGE, disk)
    spec = f"{disk}@@{ESP_START * SECTOR}"
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
    for cmd in (["mmd", "-i", spec, "::/EFI/Linux", "::/loader", "::/loader/entries"],
                ["mmove", "-i", spec, "::/EFI/BOOT/BOOTX64.EFI", "::/EFI/Linux/uki.efi"]):
        subprocess.run(cmd, check=True, env=env)
    conf = tmp_path / "uki.conf"
    conf.write_text("title Debian UKI\nefi /EFI/Linux/uki.efi\noptions console=ttyS0 panic=-1 "
                    "strata.image=linux-uki tsc_early_khz=1000000\n")
    subprocess.run(["mcopy", "-i", spec, str(conf), "::/loader/entries/uki.conf"], check=True,
                   env=env)
    run = pvh_qemu("microvm", ["-drive", f"if=none,id=boot,format=raw,file={disk}",
                               "-device", "virtio-blk-device,drive=boot"])
    runs.append(run)
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    out = run.output
    assert "1 Boot Loader Specification entries, uki first" in out, run.log()
    assert "tsc_early_khz=1000000" in out, run.log()


@pytest.mark.parametrize("scratch", ["virtio-blk", "virtio-scsi"])
def test_microvm_disk_has_ovmfs_virtio_mmio_device_path(tmp_path, runs, storage_app, scratch):
    """BlockIo on a microvm disk under OVMF's path: VenHw(virtio-mmio transport GUID) with the
    transport's base as 8 bytes, then the partitions as on any disk; a second disk in another
    slot gets its own base, a unit behind a virtio-scsi-device that base and Scsi(target,lun).
    The storage app checks writes through BlockIo and DiskIo too."""
    disk = storage_disk(tmp_path, storage_app)
    rw = tmp_path / "scratch.img"
    rw.write_bytes(bytes(SCRATCH_BLOCKS * SECTOR))
    device = ["-device", "virtio-blk-device,drive=scratch"] if scratch == "virtio-blk" else \
        ["-device", "virtio-scsi-device,id=hba", "-device", "scsi-hd,bus=hba.0,drive=scratch"]
    run = pvh_qemu("microvm", ["-drive", f"if=none,id=boot,format=raw,file={disk}",
                               "-device", "virtio-blk-device,drive=boot",
                               "-drive", f"if=none,id=scratch,format=raw,file={rw}"] + device)
    runs.append(run)
    assert run.wait_for("STORAGE-TEST-DONE", 120), run.log()
    out = run.output
    boot = re.search(r"disk: boot disk virtio-mmio@([0-9a-f]+) ", out)
    assert boot, run.log()
    base = int(boot.group(1), 16)
    root = f"VenHw(837DCA9E-E874-4D82-B29A-23FE0E23D1E2,{struct.pack('<Q', base).hex().upper()})"
    assert f"STORAGE: blockio {root} blocks=" in out, run.log()
    assert f"STORAGE: blockio {hd(1, root)} blocks=" in out, run.log()
    unit = "" if scratch == "virtio-blk" else "/Scsi(0x0,0x0)"
    others = re.findall(r"STORAGE: blockio (VenHw\(837DCA9E-E874-4D82-B29A-23FE0E23D1E2,"
                        rf"[0-9A-F]{{16}}\)){re.escape(unit)} blocks={SCRATCH_BLOCKS} ", out)
    assert len(others) == 1 and others[0] != root, run.log()
    assert "disk: 2 virtio-mmio transports from the DSDT" in out, run.log()
    for line in ("STORAGE: write-blocks Success", "STORAGE: read-back Success same=1",
                 "STORAGE: flush Success"):
        assert line in out, run.log()


def test_microvm_virtio_gpu_device_shows_the_console(tmp_path, runs):
    """microvm has no VGA: a virtio-gpu-device on one of its virtio-mmio transports becomes the
    GOP (in its EDID's 1280x800), and the text console on it shows console-text's script
    exactly as the font renders it."""
    disk = build_disk(tmp_path / "console.img",
                      strata_files({"/EFI/BOOT/BOOTX64.EFI": APPS / "console-text.efi"}))
    qmp = tmp_path / "qmp.sock"
    run = pvh_qemu("microvm", ["-drive", f"if=none,id=boot,format=raw,file={disk}",
                               "-device", "virtio-blk-device,drive=boot",
                               "-device", "virtio-gpu-device",
                               "-qmp", f"unix:{qmp},server=on,wait=off"])
    runs.append(run)
    assert run.wait_for("CONSOLE-TEXT-READY", 120), run.log()
    gop = re.search(r"gop: virtio-mmio@(feb0[0-9a-f]{4}): 1280x800, \d+ modes, Blt only "
                    r"\(virtio-gpu\)", run.output)
    assert gop, run.log()
    mode = re.search(r"CONSOLE-MODE (\d+) (\d+)x(\d+)", run.output)
    assert mode and (int(mode.group(2)), int(mode.group(3))) == (160, 50), run.log()
    for _ in range(10):
        width, height, rgb = qmp_screendump(qmp, tmp_path / "screen.ppm")
        assert (width, height) == (1280, 800)
        want = render(width, height, 160, 50)
        if rgb == want:
            return
        time.sleep(0.5)
    wrong = sum(1 for i in range(0, len(want), 3) if rgb[i:i + 3] != want[i:i + 3])
    assert not wrong, f"{wrong} pixels differ\n" + run.log()


def test_microvm_hand_off_names_the_virtio_mmio_boot_disk(tmp_path, runs, probe_image):
    """The hand-off block on microvm through PVH: the boot disk by its transport's base (the
    one stage0 logged), no PCI address, the no-PCI flag; the memory map from the start info."""
    disk = build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": probe_image})
    run = pvh_qemu("microvm", ["-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                               "-drive", f"if=none,id=boot,format=raw,file={disk}",
                               "-device", "virtio-blk-device,drive=boot"])
    runs.append(run)
    assert run.wait_for("HANDOFF-PROBE-OK", 60), run.log()
    out = run.output
    boot = re.search(r"disk: boot disk virtio-mmio@([0-9a-f]+) ", out)
    assert boot, run.log()
    assert re.search(rf"probe: boot disk virtio-mmio {boot.group(1)}, ESP partition 1 lba 2048-"
                     r"\d+, no pci: yes", out), run.log()


# stage0 and stage1 with fw_cfg's ports where QEMU decodes nothing (mk/coreboot_rom.mk): as
# on a machine with no fw_cfg device.
NO_FW_CFG = BUILD / "tests" / "strata-pvh-no-fw-cfg.elf"
NO_FW_CFG_STAGE1 = BUILD / "tests" / "stage1-no-fw-cfg.bin"


def no_fw_cfg_image(tmp_path):
    """A copy of the UKI image whose STAGE1.BIN is the stage1 that sees no fw_cfg."""
    image = tmp_path / "linux-uki-no-fw-cfg.img"
    shutil.copyfile(IMAGE, image)
    subprocess.run([str(BUILD / "mkimage"), "update", str(image), "--stage1",
                    str(NO_FW_CFG_STAGE1)], check=True, capture_output=True)
    return image


def test_firmware_without_fw_cfg_boots_linux_through_pvh_on_q35(tmp_path, runs):
    """As under Cloud Hypervisor (no fw_cfg): stage0 says fw_cfg is absent, takes the memory map
    and the RSDP from the PVH start info; stage1 installs that RSDP and SMBIOS from the
    F-segment's entry point (SeaBIOS's here), and the UKI reaches userspace with them."""
    image = no_fw_cfg_image(tmp_path)
    run = pvh_qemu("q35", ["-drive", f"if=none,id=boot,format=raw,snapshot=on,file={image}",
                           "-device", "virtio-blk-pci,drive=boot"], firmware=("-kernel", NO_FW_CFG))
    runs.append(run)
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    out = run.output
    assert "stage0: QEMU fw_cfg absent" in out, run.log()
    assert re.search(r"memory: \d+ ranges from PVH start info", out), run.log()
    assert "from the PVH start info (revision 0" in out, run.log()
    smbios = re.search(r"smbios: SMBIOS entry points from the F-segment at 0xf0000: 2\.1", out)
    assert smbios, run.log()
    assert "SMBIOS 2.8 present." in out, run.log()
    assert "STRATA-DONE" in out or run.wait_for("STRATA-DONE", 60), run.log()


def test_firmware_without_fw_cfg_finds_microvms_disk_in_its_slots(tmp_path, runs):
    """microvm with no fw_cfg for stage0 and stage1: no DSDT from QEMU's blob, so the
    virtio-mmio disk is found in microvm's fixed slots, and the boot reaches ExitBootServices."""
    image = no_fw_cfg_image(tmp_path)
    run = pvh_qemu("microvm", ["-drive", f"if=none,id=boot,format=raw,snapshot=on,file={image}",
                               "-device", "virtio-blk-device,drive=boot"],
                   firmware=("-kernel", NO_FW_CFG))
    runs.append(run)
    assert run.wait_for("ExitBootServices: handing over to the OS", LINUX_TIMEOUT), run.log()
    out = run.output
    assert "stage0: QEMU fw_cfg absent" in out, run.log()
    assert re.search(r"memory: \d+ ranges from PVH start info", out), run.log()
    assert "disk: 24 virtio-mmio transports from microvm's slots" in out, run.log()
