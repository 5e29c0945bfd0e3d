# SPDX-License-Identifier: MIT
"""stage1 installs QEMU's ACPI and SMBIOS tables and RNG protocol; bad loaders cost only ACPI."""
import struct
import subprocess

import pytest

from conftest import BUILD, accel

BOOT_TIMEOUT = 120
HELLO = "Hello from Strata efi-apps/hello"
READY = "stage1: UEFI environment ready"
APPS = BUILD / "efi-apps"


def require_inputs(*paths):
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        pytest.fail("missing build outputs (mk/boot.mk BOOT_TEST_INPUTS should list them): "
                    + ", ".join(missing))


def make_disk(tmp_path, files):
    """A mkimage disk with stage1, the runtime and files ({"/DEST": bytes or Path})."""
    require_inputs(BUILD / "stage1.bin", BUILD / "runtime.bin", BUILD / "mkimage",
                   *[p for p in files.values() if not isinstance(p, bytes)])
    disk = tmp_path / "disk.img"
    args = [str(BUILD / "mkimage"), "create", "-o", str(disk), "--size", "32M",
            "--stage1", str(BUILD / "stage1.bin"), "--runtime", str(BUILD / "runtime.bin")]
    for dest, src in files.items():
        if isinstance(src, bytes):
            path = tmp_path / dest.strip("/").replace("/", "_")
            path.write_bytes(src)
            src = path
        args += ["--file", f"{src}:{dest}"]
    subprocess.run(args, check=True, capture_output=True)
    return disk


@pytest.fixture
def hello_disk(tmp_path):
    return make_disk(tmp_path, {"/EFI/BOOT/BOOTX64.EFI": APPS / "hello.efi"})


@pytest.fixture
def selftest_disk(tmp_path):
    """The self-test's configuration-table cases only: they check every checksum and pointer."""
    return make_disk(tmp_path, {"/EFI/BOOT/BOOTX64.EFI": APPS / "selftest.efi",
                                "/selftest/options.txt": b"only=config_tables.\n"})


def boot_to(qemu, disk, marker, machine="q35", extra=()):
    run = qemu(disk, machine=machine, extra=extra)
    assert run.wait_for(marker, BOOT_TIMEOUT), run.log()
    return run


@pytest.mark.parametrize("machine, entry_point", [
    ("q35", "2.1"),
    ("pc", "2.1"),
    ("q35,smbios-entry-point-type=64", "3.0"),
])
def test_acpi_and_smbios_tables_pass_the_selftest_checks(qemu, selftest_disk, machine,
                                                         entry_point):
    run = boot_to(qemu, selftest_disk, "passed, ", machine)
    run.wait_for("failed", 5)
    assert "PASS config_tables.acpi_rsdp" in run.output, run.log()
    assert "PASS config_tables.smbios" in run.output, run.log()
    assert "acpi: RSDP at" in run.output and "with FADT" in run.output, run.log()
    assert f"{entry_point} entry point" in run.output, run.log()


def host_has_rdrand():
    with open("/proc/cpuinfo") as f:
        return " rdrand" in f.read()


def test_rng_protocol_installed_when_the_cpu_has_rdrand(qemu, hello_disk):
    # TCG's "max" model has RDRAND; under KVM "max" is the host CPU.
    run = boot_to(qemu, hello_disk, HELLO, extra=("-cpu", "max"))
    if accel() == "kvm" and not host_has_rdrand():
        assert "rng: no RDRAND on this CPU" in run.output, run.log()
    else:
        assert "rng: EFI_RNG_PROTOCOL on RDRAND" in run.output, run.log()


def test_no_rng_protocol_without_rdrand(qemu, hello_disk):
    run = boot_to(qemu, hello_disk, HELLO, extra=("-cpu", "qemu64,-rdrand"))
    assert "rng: no RDRAND on this CPU: no EFI_RNG_PROTOCOL" in run.output, run.log()


def test_boot_goes_on_without_acpi(qemu, hello_disk):
    run = boot_to(qemu, hello_disk, HELLO, machine="q35,acpi=off")
    assert "acpi: QEMU offers no etc/table-loader" in run.output, run.log()
    assert READY in run.output, run.log()


# Table-loader commands as QEMU's hw/acpi/bios-linker-loader.c lays them out: 128 bytes each.
def name(s):
    return s.encode().ljust(56, b"\0")[:56]


def allocate(file, align=64, zone=1):
    return (struct.pack("<I", 1) + name(file) + struct.pack("<IB", align, zone)).ljust(128, b"\0")


def add_pointer(dest, offset, size, src):
    return (struct.pack("<I", 2) + name(dest) + name(src)
            + struct.pack("<IB", offset, size)).ljust(128, b"\0")


def add_checksum(file, offset, start, length):
    return (struct.pack("<I", 3) + name(file)
            + struct.pack("<III", offset, start, length)).ljust(128, b"\0")


def write_pointer(dest, dst_offset, src, src_offset, size):
    return (struct.pack("<I", 4) + name(dest) + name(src)
            + struct.pack("<IIB", dst_offset, src_offset, size)).ljust(128, b"\0")


def sdt(signature, body, revision=1):
    return (signature + struct.pack("<IBB", 36 + len(body), revision, 0) + b"STRATA"
            + b"TESTTBL " + struct.pack("<III", 1, 0, 0) + body)


def small_tables():
    """An ACPI 1.0 RSDP and, in one blob, FACS, DSDT with \\_S5, a revision 1 FADT and an RSDT."""
    facs = b"FACS" + struct.pack("<I", 64) + bytes(56)
    dsdt = sdt(b"DSDT", bytes([0x08]) + b"_S5_" + bytes([0x12, 0x06, 0x04, 0x0a, 5, 0, 0, 0]))
    fadt_body = bytearray(116 - 36)
    struct.pack_into("<II", fadt_body, 0, 0, 64)  # FIRMWARE_CTRL, DSDT: offsets into the blob
    struct.pack_into("<I", fadt_body, 64 - 36, 0x604)
    fadt = sdt(b"FACP", bytes(fadt_body))
    blob = bytearray(512)
    blob[0:64] = facs
    blob[64:64 + len(dsdt)] = dsdt
    blob[256:256 + len(fadt)] = fadt
    blob[448:448 + 40] = sdt(b"RSDT", struct.pack("<I", 256))
    rsdp = b"RSD PTR " + b"\0" + b"STRATA" + b"\0" + struct.pack("<I", 448)
    t, r = "etc/acpi/tables", "etc/acpi/rsdp"
    commands = [allocate(r, 16, 2), allocate(t),
                add_pointer(t, 256 + 36, 4, t), add_pointer(t, 256 + 40, 4, t),
                add_checksum(t, 256 + 9, 256, len(fadt)), add_checksum(t, 64 + 9, 64, len(dsdt)),
                add_pointer(t, 448 + 36, 4, t), add_checksum(t, 448 + 9, 448, 40),
                add_pointer(r, 16, 4, t), add_checksum(r, 8, 0, 20)]
    return commands, {t: bytes(blob), r: rsdp}


def fw_cfg_args(tmp_path, commands, files):
    """QEMU options that stand in for its own ACPI build (which acpi=off leaves out)."""
    args = []
    for i, (fname, data) in enumerate([("etc/table-loader", b"".join(commands))]
                                      + list(files.items())):
        path = tmp_path / f"fw_cfg_{i}.bin"
        path.write_bytes(data)
        args += ["-fw_cfg", f"name={fname},file={path}"]
    return args


def test_table_loader_from_fw_cfg_files_installs_the_tables(qemu, hello_disk, tmp_path):
    commands, files = small_tables()
    # A WRITE_POINTER into a file QEMU does not have: a warning, and the tables stay.
    commands.append(write_pointer("opt/strata/none", 0, "etc/acpi/tables", 64, 8))
    run = boot_to(qemu, hello_disk, HELLO, machine="q35,acpi=off",
                  extra=fw_cfg_args(tmp_path, commands, files))
    assert "acpi: RSDP at" in run.output and "with FADT, 2 files, 1 write-backs" in run.output, \
        run.log()
    assert "acpi: warning: WRITE_POINTER to opt/strata/none at 0: EFI_NOT_FOUND" in run.output, \
        run.log()


def test_vmgenid_address_is_written_back(qemu, hello_disk):
    """vmgenid's WRITE_POINTER goes to a writable fw_cfg file, through DMA."""
    run = boot_to(qemu, hello_disk, HELLO, extra=("-device", "vmgenid"))
    assert "with FADT, 3 files, 1 write-backs" in run.output, run.log()
    assert "WRITE_POINTER" not in run.output, run.log()


@pytest.mark.parametrize("case, message", [
    ("unterminated_name", "ALLOCATE: empty or unterminated file name"),
    ("unknown_file", "ADD_POINTER: file not allocated"),
    ("pointer_out_of_range", "ADD_POINTER: pointer outside its file"),
    ("checksum_out_of_range", "ADD_CHECKSUM: range outside its file"),
    ("truncated_stream", "size not a small multiple of 128 bytes"),
])
def test_malformed_table_loader_is_refused_and_boot_goes_on(qemu, hello_disk, tmp_path, case,
                                                            message):
    commands, files = small_tables()
    t = "etc/acpi/tables"
    if case == "unterminated_name":
        commands[1] = struct.pack("<I", 1) + b"x" * 124
    elif case == "unknown_file":
        commands.append(add_pointer(t, 0, 4, "etc/acpi/none"))
    elif case == "pointer_out_of_range":
        commands.append(add_pointer(t, 510, 4, t))
    elif case == "checksum_out_of_range":
        commands.append(add_checksum(t, 9, 500, 13))
    elif case == "truncated_stream":
        commands[-1] = commands[-1][:100]
    run = boot_to(qemu, hello_disk, HELLO, machine="q35,acpi=off",
                  extra=fw_cfg_args(tmp_path, commands, files))
    assert message in run.output and "no ACPI tables" in run.output, run.log()
    assert "stage1: warning: ACPI tables unavailable" in run.output, run.log()
    assert READY in run.output, run.log()
