# SPDX-License-Identifier: MIT
"""EFI_MEMORY_ATTRIBUTE_PROTOCOL and the Memory Attributes Table under Strata. OVMF 2022.11 has
no such protocol, so its self-test cases pass there with a NOTE; here the protocol must exist, an
NX_COMPAT image must read back its own read-only code and no-execute data, and the runtime blob
must show the OS a read-only code range and a no-execute data range."""
import re
import struct
import subprocess
import sys

from conftest import BUILD, ROOT, build_disk
from qemu_harness import build_efi_app
from test_memory_protection import PE_DLL_NX_COMPAT, pe_sections
from test_variables_flash import systemd_boot_action

sys.path.insert(0, str(ROOT / "tests" / "efi-apps"))
from ovmf_boot import selftest_files  # noqa: E402
from selftest_log import SelftestResult  # noqa: E402

TIMEOUT = 120

APP_SOURCE = r"""
#include <efi.h>
#include <efilib.h>

static EFI_GUID guid = { 0xf4560cf6, 0x40ec, 0x4b4a,
			 { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } };
typedef struct {
	EFI_STATUS (EFIAPI *Get)(void *This, UINT64 Base, UINT64 Length, UINT64 *Attributes);
} MEMATTR;
static UINT64 data_word = 1;

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	MEMATTR *p;
	UINT64 code = ~0ull, data = ~0ull;
	EFI_STATUS s1, s2;

	InitializeLib(image, st);
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &guid, NULL, (void **)&p))) {
		Print(L"MEMATTR absent\n");
		return EFI_SUCCESS;
	}
	s1 = p->Get(p, (UINTN)efi_main & ~0xfffull, 4096, &code);
	s2 = p->Get(p, (UINTN)&data_word & ~0xfffull, 4096, &data);
	Print(L"MEMATTR code %r 0x%lx data %r 0x%lx\n", s1, code, s2, data);
	return EFI_SUCCESS;
}
"""

EFI_MEMORY_XP = 0x4000
EFI_MEMORY_RO = 0x20000


def strata_disk(tmp_path, files):
    return build_disk(tmp_path / "disk.img", {"/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
                                              "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
                                              **files})


def test_selftest_memory_attribute_cases_pass_with_the_protocol(tmp_path, qemu):
    files = selftest_files()
    files["/selftest/options.txt"] = b"only=memory_attribute\n"
    run = qemu(strata_disk(tmp_path, files), memory="512")
    assert run.wait_for(" failed\n", TIMEOUT), run.log()
    result = SelftestResult(run.output)
    names = {"memory_attributes_table.header", "memory_attributes_table.entries",
             "memory_attributes_table.in_memory_map", "memory_attribute_protocol.set_get_clear",
             "memory_attribute_protocol.mixed_range",
             "memory_attribute_protocol.invalid_parameters"}
    assert names <= set(result.passed), (result.failed, run.log())
    assert "NOTE memory attribute protocol absent" not in run.output, run.log()


def test_nx_compat_image_reads_read_only_code_and_no_execute_data(tmp_path, qemu):
    app = build_efi_app(APP_SOURCE, tmp_path)
    dll, _, sections = pe_sections(app)
    assert all(rva % 4096 == 0 for _, rva, _, _ in sections), sections
    data = bytearray(app.read_bytes())
    struct.pack_into("<H", data, dll, struct.unpack_from("<H", data, dll)[0] | PE_DLL_NX_COMPAT)
    app.write_bytes(bytes(data))
    run = qemu(strata_disk(tmp_path, {"/EFI/BOOT/BOOTX64.EFI": app}))
    assert run.wait_for("nothing more to boot", TIMEOUT), run.log()
    m = re.search(r"MEMATTR code (\S+) 0x([0-9a-f]+) data (\S+) 0x([0-9a-f]+)", run.output)
    assert m, run.log()
    assert m.group(1) == m.group(3) == "Success", run.log()
    code, data = int(m.group(2), 16), int(m.group(4), 16)
    assert code & EFI_MEMORY_RO and not code & EFI_MEMORY_XP, run.log()
    assert data & EFI_MEMORY_XP and not data & EFI_MEMORY_RO, run.log()


LINUX_TIMEOUT = 300
MAT_WARNINGS = ("Entry type should be", "No matching entry found", "Entry covers multiple",
                "Entry type deviates", "Unexpected EFI Memory Attributes", "memattr: Failed")


def test_linux_applies_the_memory_attributes_table(tmp_path, qemu):
    """With efi=debug Linux lists the table's entries as it maps runtime memory by them; the
    variables written through efivarfs afterwards prove the blob runs with its code read-only
    and its data no-execute, at the addresses SetVirtualAddressMap moved it to."""
    disk = systemd_boot_action(tmp_path, "none")
    entry = tmp_path / "none.conf"
    entry.write_text("title Strata MAT\nlinux /linux/vmlinuz\ninitrd /linux/initrd.img\n"
                     "options console=ttyS0 panic=-1 efi=debug\n")
    subprocess.run(["mcopy", "-o", "-i", f"{disk}@@1M", str(entry),
                    "::/loader/entries/none.conf"], check=True)
    run = qemu(disk, memory="512")
    assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
    out = run.output
    assert "Processing EFI Memory Attributes table" in out, run.log()
    table = out.split("Processing EFI Memory Attributes table", 1)[1]
    rows = re.findall(r"memattr:\s+0x[0-9a-f]+-0x[0-9a-f]+ \[(Runtime Code|Runtime Data)\|RUN\|"
                      r"([^\]]*)\]", table)
    assert any(t == "Runtime Code" and "|RO|" in f"|{a}" for t, a in rows), (rows, run.log())
    assert any(t == "Runtime Data" and "|XP|" in f"|{a}" for t, a in rows), (rows, run.log())
    assert not any(w in out for w in MAT_WARNINGS), run.log()
    assert "strata: efivar readback: strata-var-ok" in out, run.log()
    assert "[Firmware Bug]" not in out, run.log()
