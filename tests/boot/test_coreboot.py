# SPDX-License-Identifier: MIT
"""Strata as a coreboot payload: build/tests/coreboot_rom.bin plays coreboot's part under QEMU
(coreboot tables in CBMEM with a forward at 0x500, the payload started as coreboot starts one, a
cdecl call with the tables' address), and build/strata-pvh.elf, as an ELF or added to a CBFS by
Debian's cbfstool, boots the Debian UKI to userspace with the memory map from the tables."""
import re
import subprocess

import pytest
from conftest import BUILD, QemuRun, accel, build_disk  # noqa: F401
from qemu_harness import qmp_screendump
from test_console_screen import screen_text
from test_pvh import no_fw_cfg_image, runs  # noqa: F401
from test_stage1 import APPS, strata_files

PAYLOAD = BUILD / "strata-pvh.elf"
# stage0 with fw_cfg's ports where QEMU decodes nothing (mk/coreboot_rom.mk): as with no fw_cfg.
NO_FW_CFG = BUILD / "tests" / "strata-pvh-no-fw-cfg.elf"
ROM = BUILD / "tests" / "coreboot_rom.bin"
CBFSTOOL = BUILD / "cbfstool" / "cbfstool"
IMAGE = BUILD / "images" / "linux-uki.img"
LINUX_TIMEOUT = 300


def elf_entry(path):
    """e_entry of an ELF64 file: what coreboot (through cbfstool) calls."""
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2
    return int.from_bytes(data[0x18:0x20], "little")


def rom_qemu(machine, payload, argument=None, device="virtio-blk-pci,drive=boot", acpi=True,
             disk=IMAGE, display=None, extra=()):
    """QEMU with the stand-in ROM as its BIOS, the payload file in fw_cfg, the UKI (or disk) on
    device; without acpi the ROM's tables name no ACPI or SMBIOS (a coreboot build without them),
    with acpi "corrupt" an RSDP whose checksum fails; display "off" or "24" is the ROM's frame
    buffer choice (none, or 24 bits per pixel instead of 32)."""
    for path in (ROM, payload, disk):
        if not path.exists():
            pytest.skip(f"{path} not built")
    args = ["qemu-system-x86_64", "-machine", f"{machine},accel={accel()}", "-m", "512",
            "-cpu", "max", "-display", "none", "-serial", "stdio", "-monitor", "none",
            "-no-reboot", "-bios", str(ROM),
            "-fw_cfg", f"name=opt/strata/payload,file={payload}",
            "-drive", f"if=none,id=boot,format=raw,snapshot=on,file={disk}",
            "-device", device, *extra]
    if argument:
        args += ["-fw_cfg", f"name=opt/coreboot-rom/argument,string={argument}"]
    if acpi is not True:
        args += ["-fw_cfg", f"name=opt/coreboot-rom/acpi,string={acpi or 'off'}"]
    if display:
        args += ["-fw_cfg", f"name=opt/coreboot-rom/display,string={display}"]
    return QemuRun(args)


def check_tables_used(run, acpi=True):
    """stage0 read the tables the ROM wrote and took its memory map from them; the OS sees the
    tables' CBMEM area reserved, and the RSDP and SMBIOS the ROM put there (not stage1's copies
    of QEMU's) or, without them, stage1's from fw_cfg."""
    out = run.output
    rom = re.search(r"coreboot-rom: tables at 0x([0-9a-f]+), .* payload at 0x([0-9a-f]+)", out)
    assert rom, run.log()
    tables = int(rom.group(1), 16)
    assert f"coreboot: tables at {tables:x}:" in out, run.log()
    assert re.search(r"memory: \d+ ranges from coreboot tables", out), run.log()
    reserved = [(int(a, 16), int(b, 16)) for a, b in re.findall(
        r"BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] reserved", out)]
    assert any(a <= tables <= b for a, b in reserved), (hex(tables), reserved)
    if acpi:
        check_platform_tables(run, reserved)
    else:
        assert "coreboot: no ACPI RSDP in the tables" in out, run.log()
        assert "coreboot-rom: ACPI RSDP" not in out, run.log()
        assert re.search(r"acpi: RSDP at 0x[0-9a-f]+ \(from QEMU's revision 0\)", out), run.log()
        assert re.search(r"smbios: SMBIOS [0-9.]+, 2\.1 entry point", out), run.log()
    return int(rom.group(2), 16)


def check_platform_tables(run, reserved):
    """The ROM's RSDP (revision 2, XSDT) and SMBIOS: named by stage0, installed by stage1 and
    found there by Linux, inside memory the OS keeps."""
    out = run.output
    rsdp = re.search(r"coreboot-rom: ACPI RSDP at 0x([0-9a-f]+)", out)
    smbios = re.search(r"coreboot-rom: SMBIOS at 0x([0-9a-f]+)", out)
    assert rsdp and smbios, run.log()
    rsdp, smbios = int(rsdp.group(1), 16), int(smbios.group(1), 16)
    assert f"coreboot: ACPI RSDP at {rsdp:x}, SMBIOS at {smbios:x}" in out, run.log()
    assert f"acpi: RSDP at 0x{rsdp:x} from coreboot's tables (revision 2 at 0x{rsdp:x})" in out, \
        run.log()
    assert f"smbios: SMBIOS entry points from the entry at 0x{smbios:x}: 2.1" in out, run.log()
    assert "(from QEMU's revision" not in out, run.log()
    assert re.search(rf"efi: .*ACPI 2\.0=0x{rsdp:x} .*SMBIOS=0x{smbios:x} ", out), run.log()
    assert re.search(rf"ACPI: RSDP 0x{rsdp:016X} 000024 \(v02 ", out), run.log()
    assert re.search(r"ACPI: XSDT 0x[0-9A-F]+ ", out) and "ACPI: FACP" in out, run.log()
    assert "SMBIOS 2.8 present." in out, run.log()
    assert any(a <= rsdp <= b for a, b in reserved), (hex(rsdp), reserved)


@pytest.mark.parametrize("machine,device,acpi", [("q35", "virtio-blk-pci,drive=boot", True),
                                                 ("pc", "virtio-blk-pci,drive=boot", True),
                                                 ("q35", "nvme,drive=boot,serial=coreboot", True),
                                                 ("pc", "virtio-blk-pci,drive=boot", False)])
def test_linux_uki_boots_through_the_coreboot_rom(runs, machine, device, acpi):
    """The payload ELF entered at its e_entry with the tables as the argument: the UKI reaches
    userspace (from virtio-blk or NVMe) with stage0's memory map and the ACPI and SMBIOS tables
    from the coreboot tables, or, when they name none, stage1's from fw_cfg."""
    run = rom_qemu(machine, PAYLOAD, device=device, acpi=acpi)
    runs.append(run)
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    entry = check_tables_used(run, acpi)
    assert entry == elf_entry(PAYLOAD), hex(entry)
    # On q35 the ROM's MCFG (QEMU's, from the PCIEXBAR it set) says where ECAM is.
    mcfg = "platform: PCI through the entry's MCFG: ECAM at 0xb0000000, buses 0-255"
    assert (mcfg in run.output) == (machine == "q35" and acpi), run.log()
    assert "efi: EFI v2.70 by Strata" in run.output
    # Linux draws on coreboot's frame buffer, where the GOP over it said it is.
    base = check_framebuffer_gop(run, 32)
    assert re.search(rf"efifb: framebuffer at 0x{base:x}, ", run.output), run.log()
    assert "efifb: mode is 800x600x32" in run.output, run.log()


def check_framebuffer_gop(run, bpp):
    """The ROM's framebuffer record became the GOP, on the std VGA whose BAR holds it (stage0
    followed the BAR when it moved it), in the ROM's mode; the native driver stood aside."""
    out = run.output
    assert f"coreboot-rom: framebuffer at 0xfd000000 800x600x{bpp}" in out, run.log()
    assert f"coreboot: framebuffer 800x600, {bpp} bpp at fd000000" in out, run.log()
    moved = re.search(r"coreboot: framebuffer of (\S+) now at ([0-9a-f]+)", out)
    assert moved, run.log()
    where, base = moved.group(1), int(moved.group(2), 16)
    assert f"gop: {where}: 800x600, 1 modes, frame buffer at {base:x} (coreboot frame buffer)" \
        in out, run.log()
    assert f"gop: {where}: coreboot's frame buffer preferred to a native driver" in out, run.log()
    assert "(Bochs VBE)" not in out, run.log()
    return base


@pytest.mark.parametrize("machine,bpp", [("q35", 32), ("pc", 32), ("q35", 24)])
def test_coreboot_framebuffer_is_the_gop_and_shows_the_boot_lines(tmp_path, runs, machine, bpp):
    """The ROM sets std VGA to 800x600 as coreboot's Bochs driver does and names it in a
    framebuffer record: stage1's GOP is that frame buffer in that one mode (24 bits per pixel
    drawn through a converted copy), and the console's text on it, read back from a QMP
    screendump against the font, shows the boot lines."""
    disk = build_disk(tmp_path / "hello.img",
                      strata_files({"/EFI/BOOT/BOOTX64.EFI": APPS / "hello.efi"}))
    qmp = tmp_path / "qmp.sock"
    run = rom_qemu(machine, PAYLOAD, disk=disk, display=None if bpp == 32 else str(bpp),
                   extra=["-qmp", f"unix:{qmp},server=on,wait=off"])
    runs.append(run)
    # hello returns, nothing else is bootable: stage1 halts with its last lines on the screen.
    assert run.wait_for("system halted", 240), run.log()
    check_framebuffer_gop(run, bpp)
    width, height, rgb = qmp_screendump(qmp, tmp_path / "screen.ppm")
    assert (width, height) == (800, 600)
    text = "\n".join(screen_text(width, height, rgb, width // 8, height // 16))
    for line in ("console: text console 100x37 on the screen", "stage1: UEFI environment ready",
                 "boot: starting \\EFI\\BOOT\\BOOTX64.EFI", "Hello from Strata efi-apps/hello",
                 "boot: ERROR: system halted"):
        assert line in text, f"{line!r} not on the screen:\n{text}\n" + run.log()


def test_linux_takes_a_24_bit_coreboot_framebuffer_from_the_gops_bitmask(runs):
    """A 24-bit frame buffer is a PixelBitMask GOP: Linux's efifb takes its depth and line
    length from the masks and PixelsPerScanLine and draws in coreboot's frame buffer."""
    run = rom_qemu("q35", PAYLOAD, display="24")
    runs.append(run)
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    base = check_framebuffer_gop(run, 24)
    assert re.search(rf"efifb: framebuffer at 0x{base:x}, ", run.output), run.log()
    assert "efifb: mode is 800x600x24, linelength=2400" in run.output, run.log()


def test_no_framebuffer_record_leaves_the_native_driver(tmp_path, runs):
    """Without a framebuffer record the GOP is the native Bochs VBE driver's, as from the ROM."""
    disk = build_disk(tmp_path / "hello.img",
                      strata_files({"/EFI/BOOT/BOOTX64.EFI": APPS / "hello.efi"}))
    run = rom_qemu("q35", PAYLOAD, disk=disk, display="off")
    runs.append(run)
    assert run.wait_for("system halted", 240), run.log()
    assert "coreboot: framebuffer" not in run.output, run.log()
    assert re.search(r"gop: 00:01\.0: \d+x\d+, \d+ modes, .*\(Bochs VBE\)", run.output), \
        run.log()


def test_cbfstool_adds_the_payload_and_it_boots_from_the_cbfs(tmp_path, runs):
    """Debian's cbfstool takes the ELF as a coreboot build does (add-payload), its SELF keeps the
    ELF's load addresses and entry, and the ROM runs it from that CBFS to Linux userspace."""
    if not CBFSTOOL.exists():
        pytest.skip(f"{CBFSTOOL} not built (make {CBFSTOOL})")
    cbfs = tmp_path / "coreboot.rom"
    subprocess.run([CBFSTOOL, cbfs, "create", "-m", "x86", "-s", "0x40000"], check=True,
                   capture_output=True)
    subprocess.run([CBFSTOOL, cbfs, "add-payload", "-f", PAYLOAD, "-n", "fallback/payload",
                    "-c", "none"], check=True, capture_output=True)
    listing = subprocess.run([CBFSTOOL, cbfs, "print", "-v"], check=True, capture_output=True,
                             text=True).stdout
    assert re.search(r"fallback/payload\s+0x[0-9a-f]+\s+simple elf", listing), listing
    assert f"entry (0x{elf_entry(PAYLOAD):x})" in listing, listing

    run = rom_qemu("q35", cbfs)
    runs.append(run)
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    assert "coreboot-rom: CBFS fallback/payload at" in run.output, run.log()
    loads = re.findall(r"load: 0x([0-9a-f]+), length: \d+/(\d+)", listing)
    for load, length in loads:
        assert f"coreboot-rom: segment 0x{int(load, 16):08x} + 0x{int(length):08x}" in \
            run.output, (loads, run.log())
    assert check_tables_used(run) == elf_entry(PAYLOAD)


@pytest.mark.parametrize("argument", ["bad", "null"])
def test_payload_finds_the_forward_when_its_argument_is_wrong(runs, argument):
    """An argument with no LBIO header (or NULL): stage0 says so, finds the forward coreboot
    leaves at 0x500 and boots on with the tables it names."""
    run = rom_qemu("q35", PAYLOAD, argument)
    runs.append(run)
    assert run.wait_for("stage0: entering stage1", 120), run.log()
    out = run.output
    assert "scanning low memory" in out, run.log()
    tables = re.search(r"coreboot-rom: tables at 0x([0-9a-f]+)", out).group(1)
    assert f"coreboot: tables at {int(tables, 16):x}:" in out, run.log()
    assert re.search(r"memory: \d+ ranges from coreboot tables", out), run.log()


def test_payload_without_valid_tables_takes_the_memory_map_from_fw_cfg(runs):
    """Both tables fail their checksum: a clear console line, then QEMU's e820 from fw_cfg."""
    run = rom_qemu("q35", PAYLOAD, "corrupt")
    runs.append(run)
    assert run.wait_for("stage0: entering stage1", 120), run.log()
    out = run.output
    assert "no valid tables at the entry's argument" in out, run.log()
    assert "no coreboot tables found: memory map from fw_cfg" in out, run.log()
    assert re.search(r"memory: \d+ ranges from fw_cfg", out), run.log()


def test_bad_rsdp_from_the_tables_falls_back_to_qemus_tables(runs):
    """The tables name an RSDP whose checksum fails: stage1 says so and installs QEMU's tables
    from fw_cfg instead; SMBIOS still comes from the tables."""
    run = rom_qemu("q35", PAYLOAD, acpi="corrupt")
    runs.append(run)
    assert run.wait_for("UEFI environment ready", 120), run.log()
    out = run.output
    rsdp = int(re.search(r"coreboot-rom: ACPI RSDP at 0x([0-9a-f]+)", out).group(1), 16)
    assert f"coreboot: ACPI RSDP at {rsdp:x}" in out, run.log()
    assert f"acpi: warning: no valid RSDP with an RSDT or XSDT at 0x{rsdp:x} from coreboot's " \
        "tables: EFI_CRC_ERROR" in out, run.log()
    assert re.search(r"acpi: RSDP at 0x[0-9a-f]+ \(from QEMU's revision 0\), with FADT", out), \
        run.log()
    assert "smbios: SMBIOS entry points from the entry at" in out, run.log()


def test_firmware_without_fw_cfg_boots_linux_from_the_coreboot_tables(tmp_path, runs):
    """stage0 and stage1 that find no fw_cfg device (as on coreboot hardware): stage0 says so
    and boots on, the memory map, ACPI and SMBIOS from the ROM's tables, the disk without QEMU's
    bootorder, and the UKI reaches userspace."""
    run = rom_qemu("q35", NO_FW_CFG, disk=no_fw_cfg_image(tmp_path))
    runs.append(run)
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    assert "stage0: QEMU fw_cfg absent: memory map and ACPI from the entry's tables" in \
        run.output, run.log()
    assert "QEMU fw_cfg device not found" not in run.output
    check_tables_used(run)
