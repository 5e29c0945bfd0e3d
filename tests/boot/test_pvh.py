# SPDX-License-Identifier: MIT
"""The PVH entry: build/strata-pvh.elf carries Xen's PHYS32_ENTRY note, and QEMU's -kernel (SeaBIOS
runs its pvh.bin option ROM, which jumps to our entry with hvm_start_info in %ebx) boots the
Debian UKI to userspace with the memory map taken from the start info."""
import re
import struct

import pytest
from conftest import BUILD, QemuRun, accel

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


def pvh_qemu(machine, disk_args, memory="512"):
    args = ["qemu-system-x86_64", "-machine", f"{machine},accel={accel()}", "-m", memory,
            "-cpu", "max", "-display", "none", "-serial", "stdio", "-monitor", "none",
            "-no-reboot", "-kernel", str(PVH_ELF)] + disk_args
    return QemuRun(args)


@pytest.fixture
def runs():
    started = []
    yield started
    for run in started:
        run.kill()


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_linux_uki_boots_through_pvh(runs, machine):
    """-kernel strata-pvh.elf, the UKI on virtio-blk: stage0 takes SeaBIOS's memory map from the
    start info, Linux reaches userspace as from the ROM."""
    if not IMAGE.exists():
        pytest.skip(f"{IMAGE} not built (make images)")
    run = pvh_qemu(machine, ["-drive", f"if=none,id=boot,format=raw,snapshot=on,file={IMAGE}",
                             "-device", "virtio-blk-pci,drive=boot"])
    runs.append(run)
    assert run.wait_for("STRATA-USERSPACE-OK", LINUX_TIMEOUT), run.log()
    assert run.wait_for("STRATA-DONE", 60), run.log()
    out = run.output
    assert re.search(r"memory: \d+ ranges from PVH start info", out), run.log()
    assert "efi: EFI v2.70 by Strata" in out
    assert "strata: efi: yes, 64-bit" in out, run.log()
