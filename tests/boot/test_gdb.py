# SPDX-License-Identifier: MIT
"""The GDB helper (gdb/strata_gdb.py) in a batch run of Debian's gdb: boot the Debian UKI under
QEMU's gdbstub, follow the runtime to its virtual address after SetVirtualAddressMap, stop in
GetVariable as Linux calls it there, and print a backtrace with Strata's function names."""
import re
import shutil
import socket
import subprocess

import pytest

from conftest import BUILD, ROOT, SECTOR, QemuRun, accel

GDB_TIMEOUT = 600
IMAGE = BUILD / "images" / "linux-uki.img"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_these_stages(tmp_path):
    """A copy of the UKI image carrying this build's stage1 and runtime, whose ELFs GDB reads."""
    disk = tmp_path / "linux-uki.img"
    shutil.copy(IMAGE, disk)
    info = subprocess.run(["sgdisk", "-i1", str(disk)], check=True, capture_output=True,
                          text=True).stdout
    start = int(re.search(r"First sector: (\d+)", info).group(1)) * SECTOR
    for src, dest in (("stage1.bin", "STAGE1.BIN"), ("runtime.bin", "RUNTIME.BIN")):
        subprocess.run(["mcopy", "-o", "-i", f"{disk}@@{start}", str(BUILD / src),
                        f"::/STRATA/{dest}"], check=True, capture_output=True)
    return disk


def test_gdb_stops_in_get_variable_at_its_virtual_address(tmp_path):
    if not shutil.which("gdb"):
        pytest.skip("gdb missing (Debian package gdb; make deps installs it)")
    if not IMAGE.exists():
        pytest.skip(f"{IMAGE} missing (run `make images` first)")
    disk = with_these_stages(tmp_path)
    port = free_port()
    qemu = QemuRun(["qemu-system-x86_64", "-machine", f"q35,accel={accel()}", "-m", "512",
                    "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                    "-bios", str(BUILD / "stage0.rom"), "-gdb", f"tcp:127.0.0.1:{port}", "-S",
                    "-drive", f"if=none,id=boot,format=raw,snapshot=on,file={disk}",
                    "-device", "virtio-blk-pci,drive=boot"])
    script = tmp_path / "script.gdb"
    script.write_text(f"""set pagination off
set confirm off
source {ROOT / "gdb" / "strata_gdb.py"}
strata-symbols {BUILD}
target remote 127.0.0.1:{port}
break efi_get_variable if $pc >= 0xffff800000000000
continue
echo GDB-STOPPED\\n
printf "PC=%#lx\\n", $pc
info symbol $pc
bt 3
strata-where $pc
kill
""")
    try:
        result = subprocess.run(["gdb", "-q", "-batch", "-nx", "-x", str(script)],
                                capture_output=True, text=True, timeout=GDB_TIMEOUT)
    finally:
        qemu.kill()
    out = result.stdout + result.stderr
    log = out + "\n" + qemu.log()
    assert "strata: stage0 symbols at 0x0" in out, log
    m = re.search(r"strata: runtime symbols at (0x[0-9a-f]+)\n", out)
    assert m, log
    assert re.search(r"strata: stage1 symbols at 0x[0-9a-f]+", out), log
    reloc = re.search(r"strata: runtime relocated (0x[0-9a-f]+) -> (0x[0-9a-f]+)", out)
    assert reloc, log
    virt = int(reloc.group(2), 16)
    assert virt >= 0xFFFF800000000000, log
    assert f"strata: runtime symbols at {reloc.group(2)}" in out, log
    assert "GDB-STOPPED" in out, log
    pc = int(re.search(r"PC=(0x[0-9a-f]+)", out).group(1), 16)
    assert virt <= pc < virt + 0x100000, log
    # Frame 0 is the runtime's GetVariable at its virtual address, by name and source line.
    frame0 = re.search(r"#0 +(?:(0x[0-9a-f]+) in )?efi_get_variable \(.*\) at "
                       r"runtime/variables\.c:\d+", out)
    assert frame0, log
    # The helper names the part of Strata the stop is in.
    assert re.search(r"efi_get_variable(?: \+ \d+)? in section \.text of .*runtime\.elf\n.*"
                     r"efi_get_variable", out, re.S), log


def test_gdb_loads_symbols_of_an_image_from_the_debug_image_table(tmp_path):
    """A payload that executes ud2: stopped in stage1's exception handler, strata-images finds the
    image in the debug image info table and loads its ELF, so GDB names the faulting function."""
    if not shutil.which("gdb"):
        pytest.skip("gdb missing (Debian package gdb; make deps installs it)")
    from qemu_harness import build_disk, build_efi_app
    from test_exceptions import APP_SOURCE
    app = build_efi_app("#define FAULT_UD 1\n" + APP_SOURCE, tmp_path)
    symbols = tmp_path / "symbols"
    symbols.mkdir()
    shutil.copy(app.with_suffix(".so"), symbols / "BOOTX64.so")
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": app,
    })
    port = free_port()
    qemu = QemuRun(["qemu-system-x86_64", "-machine", f"q35,accel={accel()}", "-m", "256",
                    "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                    "-bios", str(BUILD / "stage0.rom"), "-gdb", f"tcp:127.0.0.1:{port}", "-S",
                    "-drive", f"if=none,id=boot,format=raw,file={disk}",
                    "-device", "virtio-blk-pci,drive=boot"])
    script = tmp_path / "script.gdb"
    script.write_text(f"""set pagination off
set confirm off
source {ROOT / "gdb" / "strata_gdb.py"}
strata-symbols {BUILD}
target remote 127.0.0.1:{port}
break exception_handler
continue
echo GDB-STOPPED\\n
strata-images {symbols}
strata-where f->rip
info symbol f->rip
kill
""")
    try:
        result = subprocess.run(["gdb", "-q", "-batch", "-nx", "-x", str(script)],
                                capture_output=True, text=True, timeout=GDB_TIMEOUT)
    finally:
        qemu.kill()
    out = result.stdout + result.stderr
    log = out + "\n" + qemu.log()
    assert "GDB-STOPPED" in out, log
    assert re.search(r"0x[0-9a-f]+ +0x[0-9a-f]+  \\EFI\\BOOT\\BOOTX64\.EFI  symbols from "
                     r".*BOOTX64\.so", out), log
    assert re.search(r"fault_ud(?: \+ \d+)? in section \.text of .*BOOTX64\.so", out), log
