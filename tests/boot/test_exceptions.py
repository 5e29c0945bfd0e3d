# SPDX-License-Identifier: MIT
"""CPU exception reports: EFI applications that fault in five ways, and a fault inside stage1. Each
report names the vector, RIP, the image and the offset of the faulting instruction, checked
against the application's own symbol table (nm of its ELF, whose addresses are the PE's RVAs)."""
import re
import subprocess

import pytest

from conftest import BUILD, build_disk
from qemu_harness import build_efi_app, qmp_screendump
from test_console_screen import screen_text

BOOT_TIMEOUT = 120
PF_ADDRESS = 0x00007F0000001000  # beyond every identity-mapped byte: PML4 slot 254 is empty

# One application per fault, chosen by the FAULT_* macro prepended to the source. Each fault sits
# in its own function, so the test can tell whether the reported offset lies inside it.
APP_SOURCE = r"""
#include <efi.h>
#include <efilib.h>

static volatile UINT64 zero, depth_limit = ~0ull;

__attribute__((noinline)) void fault_pf(void)
{
	*(volatile UINT64 *)0x00007F0000001000ull = 1;
}

__attribute__((noinline)) void fault_ud(void)
{
	__asm__ volatile("ud2");
}

__attribute__((noinline)) UINT64 fault_de(void)
{
	return 100 / zero;
}

__attribute__((noinline)) void fault_gp(void)
{
	*(volatile UINT64 *)0x8000000000000000ull = 1;	/* not canonical */
}

__attribute__((noinline)) UINT64 fault_stack(UINT64 n)
{
	volatile UINT8 frame[1024];

	frame[n % sizeof(frame)] = (UINT8)n;
	if (n == depth_limit)
		return 0;
	return fault_stack(n + 1) + frame[(n * 7) % sizeof(frame)];
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	InitializeLib(image, st);
	Print(L"FAULT: about to fault\n");
#if defined(FAULT_PF)
	fault_pf();
#elif defined(FAULT_UD)
	fault_ud();
#elif defined(FAULT_DE)
	fault_de();
#elif defined(FAULT_GP)
	fault_gp();
#elif defined(FAULT_STACK)
	fault_stack(0);
#endif
	Print(L"FAULT: still running\n");
	return EFI_SUCCESS;
}
"""

REPORT = re.compile(r"exception: ERROR: (#?\w+) ([a-z -]+) \(vector (\d+)\) at RIP 0x([0-9a-f]+) "
                    r"in (.+)")
HALTED = "exception: ERROR: the fault is in the code of an EFI image"


def functions(elf):
    """{name: (start, size)} of the functions in an ELF, from nm."""
    out = subprocess.run(["nm", "-S", "--defined-only", str(elf)], check=True,
                         capture_output=True, text=True).stdout
    table = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tT":
            table[f[3]] = (int(f[0], 16), int(f[1], 16))
    return table


def run_fault(tmp_path, qemu, payload, extra=(), end="system halted"):
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": payload,
    })
    run = qemu(disk, extra=extra)
    assert run.wait_for(end, BOOT_TIMEOUT), run.log()
    return run


@pytest.mark.parametrize("fault,vector,mnemonic,function", [
    ("PF", 14, "#PF", "fault_pf"),
    ("UD", 6, "#UD", "fault_ud"),
    ("DE", 0, "#DE", "fault_de"),
    ("GP", 13, "#GP", "fault_gp"),
    ("STACK", 8, "#DF", "fault_stack"),
])
def test_payload_fault_report_names_vector_image_and_offset(tmp_path, qemu, fault, vector,
                                                            mnemonic, function):
    app = build_efi_app(f"#define FAULT_{fault} 1\n" + APP_SOURCE, tmp_path)
    start, size = functions(app.with_suffix(".so"))[function]
    run = run_fault(tmp_path, qemu, app)
    out = run.output
    assert "FAULT: about to fault" in out and "FAULT: still running" not in out, run.log()
    m = REPORT.search(out)
    assert m, run.log()
    assert (m.group(1), int(m.group(3))) == (mnemonic, vector), run.log()
    where = re.fullmatch(r"EFI image \\EFI\\BOOT\\BOOTX64\.EFI\+0x([0-9a-f]+)", m.group(5))
    assert where, run.log()
    offset = int(where.group(1), 16)
    assert start <= offset < start + size, f"{offset:#x} not in {function} at {start:#x}\n" \
        + run.log()
    assert HALTED in out, run.log()
    # Every general register and the control registers are in the report.
    for reg in ("RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "R8 ", "R15", "RSP", "RFLAGS",
                "CR2", "CR3", "error code"):
        assert reg in out, f"{reg} missing\n" + run.log()
    assert "backtrace (frame pointers):" in out, run.log()
    if fault == "PF":
        cr2 = int(re.search(r"CR2 0x([0-9a-f]+)", out).group(1), 16)
        assert cr2 == PF_ADDRESS, run.log()
        # A write to a page that is not present: error code bits W=1, P=0.
        code = int(re.search(r"error code 0x([0-9a-f]+)", out).group(1), 16)
        assert code & 3 == 2, run.log()
    if fault == "GP":
        assert "error code 0x0 " in out, run.log()
    if fault == "STACK":
        assert "stack overflow: CR2 0x" in out and "guard page below the firmware stack" in out, \
            run.log()


def test_payload_fault_report_is_on_the_screen(tmp_path, qemu):
    """A user without a serial console reads the report on the display: the text console
    draws it as it draws every log line (std VGA, 160x50 at the EDID's 1280x800)."""
    app = build_efi_app("#define FAULT_UD 1\n" + APP_SOURCE, tmp_path)
    qmp = tmp_path / "qmp.sock"
    run = run_fault(tmp_path, qemu, app, extra=["-qmp", f"unix:{qmp},server=on,wait=off"])
    width, height, rgb = qmp_screendump(qmp, tmp_path / "screen.ppm")
    # Long report lines wrap at the right edge: read the screen as one run of text.
    text = "".join(line.ljust(width // 8)
                   for line in screen_text(width, height, rgb, width // 8, height // 16))
    for piece in ("#UD invalid opcode (vector 6) at RIP 0x", "EFI image \\EFI\\BOOT\\BOOTX64.EFI+0x",
                  "backtrace (frame pointers):", "system halted"):
        assert piece in text, f"{piece!r} not on the screen:\n{text}\n" + run.log()


# GetVariable with a name in unmapped memory: the runtime blob faults reading it, at boot time,
# where stage1's handler still owns the IDT.
RUNTIME_FAULT_APP = r"""
#include <efi.h>
#include <efilib.h>

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_GUID guid = EFI_GLOBAL_VARIABLE;
	UINT8 data[16];
	UINTN size = sizeof(data);

	InitializeLib(image, st);
	Print(L"FAULT: about to fault\n");
	uefi_call_wrapper(st->RuntimeServices->GetVariable, 5, (CHAR16 *)0x00007F0000001000ull,
			  &guid, NULL, &size, data);
	Print(L"FAULT: still running\n");
	return EFI_SUCCESS;
}
"""


def test_fault_inside_the_runtime_is_reported_with_its_function_name(tmp_path, qemu):
    app = build_efi_app(RUNTIME_FAULT_APP, tmp_path)
    run = run_fault(tmp_path, qemu, app)
    out = run.output
    assert "FAULT: about to fault" in out and "FAULT: still running" not in out, run.log()
    m = REPORT.search(out)
    assert m, run.log()
    assert m.group(1) == "#PF", run.log()
    where = re.fullmatch(r"runtime: (\w+)\+0x([0-9a-f]+)", m.group(5))
    assert where, run.log()
    # The name and offset agree with the blob's own ELF symbols.
    table = functions(BUILD / "runtime.elf")
    assert where.group(1) in table, run.log()
    start, size = table[where.group(1)]
    assert int(where.group(2), 16) < size, run.log()
    # The backtrace walks from the runtime into the payload that called it.
    assert re.search(r"#\d+ +0x[0-9a-f]+  EFI image \\EFI\\BOOT\\BOOTX64\.EFI\+0x", out), run.log()


def test_fault_inside_stage1_is_reported_with_its_function_name(tmp_path, qemu):
    app = build_efi_app(APP_SOURCE, tmp_path)
    # Before the boot manager, stage1 is on trial (docs/updating.md): the report resets.
    run = run_fault(tmp_path, qemu, app,
                    extra=["-fw_cfg", "name=opt/strata/test-fault,string=ud2"],
                    end="resetting for another try")
    out = run.output
    m = REPORT.search(out)
    assert m, run.log()
    assert m.group(1) == "#UD", run.log()
    assert re.fullmatch(r"stage1: exception_test_ud2\+0x[0-9a-f]+", m.group(5)), run.log()
    # The backtrace goes through stage1's own functions by name: the frameless leaf's caller from
    # the word at RSP, then the frame chain.
    assert re.search(r"\? +0x[0-9a-f]+  stage1: exception_test_trigger\+0x", out), run.log()
    assert re.search(r"#1 +0x[0-9a-f]+  stage1: stage1_main\+0x", out), run.log()
    assert "FAULT: about to fault" not in out, run.log()
    assert "STAGE1.BIN is not yet known good: resetting for another try (try 1 of 3 failed)" \
        in out, run.log()


def test_fault_inside_stage0_is_reported_with_its_function_name(tmp_path, qemu):
    app = build_efi_app(APP_SOURCE, tmp_path)
    run = run_fault(tmp_path, qemu, app,
                    extra=["-fw_cfg", "name=opt/strata/test-fault,string=stage0-ud2"])
    out = run.output
    m = REPORT.search(out)
    assert m, run.log()
    assert m.group(1) == "#UD", run.log()
    assert re.fullmatch(r"stage0: exception_test_ud2\+0x[0-9a-f]+", m.group(5)), run.log()
    assert re.search(r"#1 +0x[0-9a-f]+  stage0: stage0_main\+0x", out), run.log()
    assert "stage1: Strata stage1" not in out, run.log()


def test_debian_uki_in_64_mib_is_reported_as_the_kernel_images_fault(qemu):
    """The issue's own case: the Debian UKI's kernel, at -m 64, writes past its memory over
    Strata's page tables. They are read-only, so the write faults and is reported as the kernel
    image's (loaded from memory by the UKI) instead of a silent triple fault."""
    image = BUILD / "images" / "linux-uki.img"
    if not image.exists():
        pytest.skip("no linux-uki image (run `make images` first)")
    run = qemu(image, memory="64", snapshot=True)
    assert run.wait_for("system halted", BOOT_TIMEOUT), run.log()
    out = run.output
    m = REPORT.search(out)
    assert m and m.group(1) == "#PF", run.log()
    assert re.fullmatch(r"EFI image \(loaded from memory by \\EFI\\BOOT\\BOOTX64\.EFI\)"
                        r"\+0x[0-9a-f]+", m.group(5)), run.log()
    assert "CR2 is in Strata's page tables (read-only)" in out, run.log()
    assert HALTED in out, run.log()


def test_nmi_is_reported_on_its_own_stack(tmp_path, qemu):
    """An NMI from QEMU's monitor while stage1 sits halted after its last boot option: the NMI
    gate (IST 2) reports where the CPU was, in stage1, by function name."""
    import socket
    import time

    monitor = tmp_path / "monitor.sock"
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": BUILD / "efi-apps" / "hello.efi",
    })
    run = qemu(disk, extra=["-monitor", f"unix:{monitor},server=on,wait=off"])
    assert run.wait_for("nothing more to boot", BOOT_TIMEOUT), run.log()
    assert run.wait_for("system halted", 10), run.log()
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(str(monitor))
        s.sendall(b"nmi\n")
        assert run.wait_for("exception: ERROR: NMI", 30), run.log()
        time.sleep(0.5)
    out = run.output
    m = REPORT.search(out)
    assert m and (m.group(1), m.group(3)) == ("NMI", "2"), run.log()
    assert m.group(2) == "non-maskable interrupt", run.log()
    assert re.fullmatch(r"stage1: \w+\+0x[0-9a-f]+", m.group(5)), run.log()
    assert out.rstrip().endswith("exception: ERROR: system halted"), run.log()
