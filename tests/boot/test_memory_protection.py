# SPDX-License-Identifier: MIT
"""Memory protection: an NX_COMPAT application's code is read-only and its data no-execute, page 0
is unmapped while boot services run, and an application without NX_COMPAT may still write its own
code. The faults are reported by stage1's exception handler, naming what was violated."""
import re
import struct

import pytest

from qemu_harness import build_efi_app
from test_exceptions import REPORT, functions, run_fault

PE_DLL_NX_COMPAT = 0x0100

APP_SOURCE = r"""
#include <efi.h>
#include <efilib.h>

static volatile UINT64 *volatile null_pointer;
static UINT8 data_code[16] = { 0xc3 };	/* ret, in .data */

__attribute__((noinline)) void fault_write_code(void)
{
	/* The first byte of this very function, rewritten with what it already holds. */
	volatile UINT8 *code = (volatile UINT8 *)(UINTN)fault_write_code;

	*code = *code;
}

__attribute__((noinline)) void fault_exec_data(void)
{
	((void (*)(void))(UINTN)data_code)();
}

__attribute__((noinline)) UINT64 fault_null(void)
{
	return *null_pointer;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	InitializeLib(image, st);
	Print(L"FAULT: about to fault\n");
#if defined(FAULT_WRITE_CODE)
	fault_write_code();
#elif defined(FAULT_EXEC_DATA)
	fault_exec_data();
#elif defined(FAULT_NULL)
	fault_null();
#endif
	Print(L"FAULT: still running\n");
	return EFI_SUCCESS;
}
"""


def pe_sections(path):
    """(DllCharacteristics offset, SectionAlignment, [(name, rva, size, characteristics)])."""
    data = path.read_bytes()
    pe = struct.unpack_from("<I", data, 0x3c)[0]
    count, opt_size = struct.unpack_from("<H", data, pe + 6)[0], struct.unpack_from(
        "<H", data, pe + 20)[0]
    opt = pe + 24
    table = opt + opt_size
    sections = []
    for i in range(count):
        s = table + 40 * i
        name = data[s:s + 8].rstrip(b"\0").decode()
        vsize, rva = struct.unpack_from("<II", data, s + 8)
        sections.append((name, rva, vsize, struct.unpack_from("<I", data, s + 36)[0]))
    return opt + 70, struct.unpack_from("<I", data, opt + 32)[0], sections


def build_app(tmp_path, fault, nx_compat):
    app = build_efi_app(f"#define FAULT_{fault} 1\n" + APP_SOURCE, tmp_path)
    dll, alignment, sections = pe_sections(app)
    # The protection this tests needs page-aligned sections, code apart from data.
    assert alignment >= 4096, sections
    assert all(rva % 4096 == 0 for _, rva, _, _ in sections), sections
    if nx_compat:
        data = bytearray(app.read_bytes())
        struct.pack_into("<H", data, dll, struct.unpack_from("<H", data, dll)[0] |
                         PE_DLL_NX_COMPAT)
        app.write_bytes(bytes(data))
    return app


@pytest.mark.parametrize("fault,function,message,code_bits", [
    ("WRITE_CODE", "fault_write_code", "write to a read-only page", 0x3),
    ("EXEC_DATA", None, "instruction fetch from a no-execute page", 0x11),
    ("NULL", "fault_null", "NULL pointer dereference: CR2 0x0 is in page 0", 0x0),
])
def test_violation_is_reported(tmp_path, qemu, fault, function, message, code_bits):
    app = build_app(tmp_path, fault, nx_compat=fault != "NULL")
    run = run_fault(tmp_path, qemu, app)
    out = run.output
    assert "FAULT: about to fault" in out and "FAULT: still running" not in out, run.log()
    m = REPORT.search(out)
    assert m and m.group(1) == "#PF", run.log()
    assert message in out, run.log()
    code = int(re.search(r"error code 0x([0-9a-f]+)", out).group(1), 16)
    assert code & 0x13 == code_bits, run.log()
    cr2 = int(re.search(r"CR2 0x([0-9a-f]+)", out).group(1), 16)
    where = re.fullmatch(r"EFI image \\EFI\\BOOT\\BOOTX64\.EFI\+0x([0-9a-f]+)", m.group(5))
    assert where, run.log()
    offset = int(where.group(1), 16)
    table = functions(app.with_suffix(".so"))
    if function:
        start, size = table[function]
        assert start <= offset < start + size, run.log()
    if fault == "WRITE_CODE":
        # CR2 is the function's own first byte, RIP inside it.
        assert cr2 - (int(m.group(4), 16) - offset) == table["fault_write_code"][0], run.log()
    if fault == "EXEC_DATA":
        # The fetch itself faults: RIP is CR2, in the image's .data.
        assert cr2 == int(m.group(4), 16), run.log()
        assert any(name == ".data" and rva <= offset < rva + size
                   for name, rva, size, _ in pe_sections(app)[2]), run.log()
    if fault == "NULL":
        assert cr2 == 0, run.log()


def test_image_without_nx_compat_may_write_its_code(tmp_path, qemu):
    """GRUB and Debian 12's shim have no NX_COMPAT: their pages stay writable and executable."""
    app = build_app(tmp_path, "WRITE_CODE", nx_compat=False)
    run = run_fault(tmp_path, qemu, app, end="FAULT: still running")
    assert "exception: ERROR" not in run.output, run.log()


def test_nx_compat_image_runs_and_its_pages_are_freed_writable(tmp_path, qemu):
    """An NX_COMPAT application that violates nothing runs to its end; the firmware reuses its
    freed pages afterwards (the boot manager goes on to the next option without a fault)."""
    app = build_app(tmp_path, "NONE", nx_compat=True)
    run = run_fault(tmp_path, qemu, app, end="FAULT: still running")
    assert "exception: ERROR" not in run.output, run.log()
