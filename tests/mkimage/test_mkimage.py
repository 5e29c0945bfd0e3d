# SPDX-License-Identifier: MIT
"""mkimage end to end: wrap, create (raw, qcow2, iso), update, inspect, and every error path."""
import hashlib
import os
import struct
import subprocess

import pytest

from conftest import (ENV, HEADER, MKIMAGE, STAGE_MAGIC, build_elf, create, esp_read, esp_spec,
                      extract_esp, leftovers, mkimage, ok)


# ---- wrap ----------------------------------------------------------------------------------

def test_wrap_writes_header_the_checker_accepts(inputs):
    data = open(inputs["stage1"], "rb").read()
    (magic, fmt, hsize, kind, version, body_size, memory_size, entry, rela_off, rela_size,
     vstring, digest, crc, _) = HEADER.unpack_from(data)
    assert magic == STAGE_MAGIC and fmt == 1 and hsize == HEADER.size == 128
    assert kind == 1 and version == 0x010203 and vstring.rstrip(b"\0") == b"s1-one"
    assert len(data) == hsize + body_size
    assert memory_size % 4096 == 0 and memory_size >= body_size
    assert rela_size == 2 * 24 and rela_off % 8 == 0
    assert entry < body_size
    assert hashlib.sha256(data[hsize:]).digest() == digest
    assert data[hsize:hsize + 4] == b"\x7fELF"      # body is the memory image from vaddr 0


@pytest.mark.parametrize("case", ["shared_abs", "static", "interp", "not_elf"])
def test_wrap_refuses_bad_elf(inputs, tmp_path, case):
    d = str(tmp_path)
    if case == "shared_abs":
        # A default-visibility global in a shared object leaves a symbolic R_X86_64_64.
        elf = build_elf(d, case, ("-fpic", "-shared"),
                        "int g = 1; int *p = &g; void _start(void) { for (;;); }\n")
        message = "R_X86_64_RELATIVE"
    elif case == "static":
        elf = build_elf(d, case, ("-static", "-Wl,-e,_start"))
        message = "ET_DYN"
    elif case == "interp":
        elf = build_elf(d, case, ("-fpie", "-pie", "-Wl,-e,_start"))
        message = "PT_INTERP"
    else:
        elf = inputs["notes"]
        message = "not an ELF"
    out = tmp_path / "out.bin"
    r = mkimage("wrap", "--kind", "stage1", elf, out)
    assert r.returncode != 0
    assert message in r.stderr
    assert not out.exists() and not leftovers(d)


def patch_loads(elf, tmp_path, change):
    """Copy elf with change(index, vaddr) -> new vaddr applied to each PT_LOAD's p_vaddr."""
    data = bytearray(open(elf, "rb").read())
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads = 0
    for i in range(phnum):
        off = phoff + i * phentsize
        if struct.unpack_from("<I", data, off)[0] == 1:       # PT_LOAD
            vaddr, = struct.unpack_from("<Q", data, off + 16)
            struct.pack_into("<Q", data, off + 16, change(loads, vaddr))
            loads += 1
    out = tmp_path / "patched.elf"
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize("case,change,message", [
    ("overlap", lambda i, v: 0 if i < 2 else v, "overlaps"),
    ("negative", lambda i, v: (v - (1 << 40)) % (1 << 64) if i == 1 else v, "outside"),
])
def test_wrap_refuses_bad_segments(inputs, tmp_path, case, change, message):
    elf = patch_loads(inputs["elf"], tmp_path, change)
    out = tmp_path / "out.bin"
    r = mkimage("wrap", "--kind", "runtime", elf, out)
    assert r.returncode != 0 and message in r.stderr, r.stderr
    assert not out.exists() and not leftovers(str(tmp_path))


@pytest.mark.parametrize("args", [
    ["--kind", "bogus"], ["--version-string", "x" * 32, "--kind", "stage1"],
    ["--version-code", "0x1ffffffff", "--kind", "stage1"], ["--frobnicate", "--kind", "stage1"],
    [],
])
def test_wrap_refuses_bad_options(inputs, tmp_path, args):
    out = tmp_path / "out.bin"
    r = mkimage("wrap", *args, inputs["elf"], out)
    assert r.returncode != 0 and "mkimage:" in r.stderr
    assert not out.exists()


# ---- create --------------------------------------------------------------------------------

def test_create_gpt_accepted_by_sgdisk_and_our_reader(disk):
    r = subprocess.run(["sgdisk", "-v", str(disk)], capture_output=True, text=True)
    assert r.returncode == 0 and "No problems found" in r.stdout
    info = subprocess.run(["sgdisk", "-i", "1", str(disk)], capture_output=True, text=True).stdout
    assert "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" in info
    assert "First sector: 2048" in info
    out = ok("inspect", disk).stdout
    assert "GPT read from the primary header" in out
    assert "ESP at byte 1048576" in out


def test_create_esp_passes_fsck_and_is_fat32(disk, tmp_path):
    esp = extract_esp(disk, tmp_path)
    r = subprocess.run(["fsck.fat", "-n", str(esp)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Warning" not in r.stdout + r.stderr
    assert esp.read_bytes()[0x52:0x5A] == b"FAT32   "


def test_create_small_image_uses_fat16(inputs, tmp_path):
    out = tmp_path / "small.img"
    r = create(inputs, out, "--size", "8M")
    assert r.returncode == 0, r.stderr
    esp = extract_esp(out, tmp_path)
    assert esp.read_bytes()[0x36:0x3E] == b"FAT16   "
    assert subprocess.run(["fsck.fat", "-n", str(esp)], capture_output=True).returncode == 0


def test_create_stages_only_disk(inputs, tmp_path):
    """No payload, 4 MiB: the disk to attach beside an installer ISO holds /STRATA and nothing
    else (docs/storage.md)."""
    out = tmp_path / "stages.img"
    r = mkimage("create", "-o", out, "--size", "4M", "--stage1", inputs["stage1"], "--runtime",
                inputs["runtime"])
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size == 4 << 20
    files = subprocess.run(["mdir", "-/", "-b", "-i", esp_spec(out), "::/"], env=ENV, text=True,
                           capture_output=True, check=True).stdout.split()
    assert sorted(files) == ["::/STRATA/", "::/STRATA/RUNTIME.BIN", "::/STRATA/STAGE1.BIN"], files
    assert esp_read(out, "/STRATA/STAGE1.BIN", tmp_path) == open(inputs["stage1"], "rb").read()


def test_create_puts_files_in_place(disk, inputs, tmp_path):
    listing = subprocess.run(["mdir", "-/", "-b", "-i", esp_spec(disk), "::/"], env=ENV,
                             capture_output=True, text=True, check=True).stdout
    for path in ["::/STRATA/STAGE1.BIN", "::/STRATA/RUNTIME.BIN", "::/EFI/BOOT/BOOTX64.EFI",
                 "::/loader/notes.txt"]:
        assert path in listing
    assert "STAGE1.BAK" not in listing
    assert esp_read(disk, "/STRATA/STAGE1.BIN", tmp_path) == open(inputs["stage1"], "rb").read()
    assert esp_read(disk, "/STRATA/RUNTIME.BIN", tmp_path) == open(inputs["runtime"], "rb").read()
    assert esp_read(disk, "/EFI/BOOT/BOOTX64.EFI", tmp_path) == open(inputs["payload"], "rb").read()


def test_create_payload_with_destination(inputs, tmp_path):
    out = tmp_path / "dest.img"
    r = create(inputs, out, "--payload", inputs["payload"] + ":/EFI/strata/app.efi")
    assert r.returncode == 0, r.stderr
    assert esp_read(out, "/EFI/strata/app.efi", tmp_path) == open(inputs["payload"], "rb").read()


def test_create_is_reproducible(inputs, tmp_path):
    images = []
    for sub in ["a", "b"]:
        (tmp_path / sub).mkdir()
        images.append(tmp_path / sub / "disk.img")
        r = create(inputs, images[-1], "--size", "40M")
        assert r.returncode == 0, r.stderr
        os.utime(inputs["payload"])     # a newer source file must not change the image
    assert images[0].read_bytes() == images[1].read_bytes()
    other = tmp_path / "a" / "other.img"
    assert create(inputs, other, "--size", "40M", "--seed", "disk.img").returncode == 0
    assert other.read_bytes() == images[0].read_bytes()


def test_create_seed_changes_guids(inputs, tmp_path):
    a, b = tmp_path / "a.img", tmp_path / "b.img"
    assert create(inputs, a, "--size", "8M").returncode == 0
    assert create(inputs, b, "--size", "8M").returncode == 0
    guid = [subprocess.run(["sgdisk", "-p", str(x)], capture_output=True, text=True).stdout
            .split("Disk identifier (GUID): ")[1].split()[0] for x in (a, b)]
    assert guid[0] != guid[1]


def test_create_qcow2(inputs, tmp_path):
    out = tmp_path / "disk.qcow2"
    r = create(inputs, out, "--format", "qcow2")
    assert r.returncode == 0, r.stderr
    info = subprocess.run(["qemu-img", "info", str(out)], capture_output=True, text=True).stdout
    assert "file format: qcow2" in info and "64 MiB" in info
    assert "verifies: yes" in ok("inspect", out).stdout


def test_create_iso_is_el_torito_and_gpt(inputs, tmp_path):
    out = tmp_path / "disk.iso"
    r = create(inputs, out, "--format", "iso")
    assert r.returncode == 0, r.stderr
    report = subprocess.run(["xorriso", "-indev", str(out), "-report_el_torito", "plain"],
                            capture_output=True, text=True)
    assert report.returncode == 0
    boot = [line for line in report.stdout.splitlines() if line.startswith("El Torito boot img")]
    assert len(boot) == 1 and "UEFI" in boot[0]
    assert int(boot[0].split()[-2]) > 0           # load size fits El Torito's 16 bits
    r = subprocess.run(["sgdisk", "-v", str(out)], capture_output=True, text=True)
    assert "No problems found" in r.stdout
    out2 = tmp_path / "again"
    out2.mkdir()
    assert create(inputs, out2 / "disk.iso", "--format", "iso").returncode == 0
    assert (out2 / "disk.iso").read_bytes() == out.read_bytes()
    inspect = ok("inspect", out).stdout
    assert inspect.count("verifies: yes") == 2


BAD_CREATE = {
    "missing stage1": (["--stage1", "/nonexistent/stage1.bin"], "No such file"),
    "missing payload": (["--payload", "/nonexistent/app.efi"], "No such file"),
    "text payload": (["--payload", "{notes}"], "not a PE/COFF file"),
    "i386 payload": (["--payload", "{pe_i386}"], "not x86-64"),
    "pe32 payload": (["--payload", "{pe32}"], "not PE32+"),
    "console payload": (["--payload", "{pe_console}"], "not an EFI application"),
    "too small": (["--size", "1M"], "too small"),
    "bad size": (["--size", "12Q"], "unknown unit"),
    "odd size": (["--size", "1000001"], "multiple of 512"),
    "unknown option": (["--frobnicate"], "unknown option"),
    "unknown format": (["--format", "vhdx"], "unknown"),
    "runtime as stage1": (["--stage1", "{runtime}"], "not of kind stage1"),
    "payload as stage1": (["--stage1", "{payload}"], "not a stage image"),
    "file without dest": (["--file", "{notes}"], "SRC:DEST"),
    "missing file": (["--file", "/nonexistent:/x.txt"], "No such file"),
    "relative dest": (["--file", "{notes}:/a/../b"], "'..'"),
    "duplicate dest": (["--file", "{notes}:/efi/boot/bootx64.efi"], "two files"),
    "stray argument": (["extra"], "unexpected argument"),
}


@pytest.mark.parametrize("case", sorted(BAD_CREATE))
def test_create_errors_leave_no_output(inputs, tmp_path, case):
    extra, message = BAD_CREATE[case]
    extra = [a.format(**inputs) for a in extra]
    out = tmp_path / "bad.img"
    r = create(inputs, out, *extra)
    assert r.returncode != 0
    assert r.stderr.startswith("mkimage: ") and message in r.stderr, r.stderr
    assert not out.exists() and not leftovers(tmp_path)


def test_create_files_too_big_for_esp(inputs, tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(4 << 20))
    out = tmp_path / "full.img"
    r = create(inputs, out, "--size", "4M", "--file", f"{big}:/big.bin")
    assert r.returncode != 0 and "too small" in r.stderr
    assert not out.exists() and not leftovers(tmp_path)


def test_create_requires_output_and_stages(inputs, tmp_path):
    r = mkimage("create", "--stage1", inputs["stage1"], "--runtime", inputs["runtime"])
    assert r.returncode != 0 and "-o IMAGE" in r.stderr
    r = mkimage("create", "-o", tmp_path / "x.img", "--stage1", inputs["stage1"])
    assert r.returncode != 0 and "--runtime" in r.stderr
    assert not (tmp_path / "x.img").exists()


# ---- update --------------------------------------------------------------------------------

def test_update_keeps_previous_stage1_as_bak(disk, inputs, tmp_path):
    r = ok("update", disk, "--stage1", inputs["stage1v2"])
    assert "s1-two" in r.stdout
    assert esp_read(disk, "/STRATA/STAGE1.BIN", tmp_path) == open(inputs["stage1v2"], "rb").read()
    assert esp_read(disk, "/STRATA/STAGE1.BAK", tmp_path) == open(inputs["stage1"], "rb").read()
    assert not leftovers(disk.parent)
    out = ok("inspect", disk).stdout
    assert "/STRATA/STAGE1.BIN: stage1 s1-two" in out
    assert "/STRATA/STAGE1.BAK: stage1 s1-one" in out
    # A second update replaces the backup with the copy that was current.
    ok("update", disk, "--stage1", inputs["stage1"])
    assert esp_read(disk, "/STRATA/STAGE1.BAK", tmp_path) == open(inputs["stage1v2"], "rb").read()
    esp = extract_esp(disk, tmp_path)
    assert subprocess.run(["fsck.fat", "-n", str(esp)], capture_output=True).returncode == 0


@pytest.mark.parametrize("new", ["runtime", "payload", "notes", "corrupt", "missing"])
def test_update_refuses_non_stage1_and_leaves_image(disk, inputs, tmp_path, new):
    if new == "corrupt":
        data = bytearray(open(inputs["stage1v2"], "rb").read())
        data[-1] ^= 0xFF
        path = tmp_path / "corrupt.bin"
        path.write_bytes(bytes(data))
    elif new == "missing":
        path = tmp_path / "missing.bin"
    else:
        path = inputs[new]
    before = disk.read_bytes()
    r = mkimage("update", disk, "--stage1", path)
    assert r.returncode != 0 and r.stderr.startswith("mkimage: ")
    assert disk.read_bytes() == before
    assert not leftovers(disk.parent)


def test_update_refuses_bad_images(inputs, tmp_path):
    junk = tmp_path / "junk.img"
    junk.write_bytes(b"\0" * (1 << 20))
    r = mkimage("update", junk, "--stage1", inputs["stage1v2"])
    assert r.returncode != 0 and "no GPT" in r.stderr
    r = mkimage("update", tmp_path / "none.img", "--stage1", inputs["stage1v2"])
    assert r.returncode != 0 and "No such file" in r.stderr
    r = mkimage("update", junk)
    assert r.returncode != 0 and "--stage1" in r.stderr
    qcow = tmp_path / "disk.qcow2"
    assert create(inputs, qcow, "--format", "qcow2").returncode == 0
    r = mkimage("update", qcow, "--stage1", inputs["stage1v2"])
    assert r.returncode != 0 and "qcow2" in r.stderr
    assert not leftovers(tmp_path)


def test_update_uses_backup_gpt_when_primary_damaged(disk, inputs, tmp_path):
    with open(disk, "r+b") as f:
        f.seek(512 + 24)
        f.write(b"\xff" * 8)                     # primary my_lba: header CRC now wrong
    r = ok("update", disk, "--stage1", inputs["stage1v2"])
    assert "primary GPT damaged" in r.stderr
    assert esp_read(disk, "/STRATA/STAGE1.BIN", tmp_path) == open(inputs["stage1v2"], "rb").read()


# ---- inspect -------------------------------------------------------------------------------

def test_inspect_reports_partitions_and_stage_files(disk, inputs):
    out = ok("inspect", disk).stdout
    assert "disk: 131072 blocks of 512 bytes (64 MiB)" in out
    assert "ESP" in out and "EFI system partition" in out
    assert "/STRATA/STAGE1.BIN: stage1 s1-one (0x010203)" in out
    assert "/STRATA/RUNTIME.BIN: runtime rt-one (0x010203)" in out
    assert "/STRATA/STAGE1.BAK: absent" in out
    digest = hashlib.sha256(open(inputs["stage1"], "rb").read()[HEADER.size:]).hexdigest()
    assert digest in out
    assert out.count("verifies: yes") == 2
    assert "::/EFI/BOOT/BOOTX64.EFI" in out


def test_inspect_flags_a_corrupt_stage_file(disk, tmp_path):
    data = bytearray(esp_read(disk, "/STRATA/RUNTIME.BIN", tmp_path))
    data[HEADER.size + 10] ^= 1
    bad = tmp_path / "bad.bin"
    bad.write_bytes(bytes(data))
    subprocess.run(["mcopy", "-o", "-i", esp_spec(disk), str(bad), "::/STRATA/RUNTIME.BIN"],
                   env=ENV, check=True)
    r = mkimage("inspect", disk)
    assert r.returncode != 0
    assert "RUNTIME.BIN" in r.stdout and "DOES NOT VERIFY" in r.stdout and "SHA-256" in r.stdout


def test_inspect_errors(tmp_path):
    r = mkimage("inspect", tmp_path / "none.img")
    assert r.returncode != 0 and "No such file" in r.stderr
    junk = tmp_path / "junk.img"
    junk.write_bytes(b"\0" * 8192)
    r = mkimage("inspect", junk)
    assert r.returncode != 0 and "no GPT" in r.stderr
    r = mkimage("inspect")
    assert r.returncode != 0 and "IMAGE" in r.stderr


# ---- command line --------------------------------------------------------------------------

@pytest.mark.parametrize("command", [[], ["wrap"], ["create"], ["update"], ["inspect"]])
def test_help(command):
    r = mkimage(*command, "--help")
    assert r.returncode == 0 and "usage: mkimage" in r.stdout


def test_no_command_or_unknown_command():
    r = mkimage()
    assert r.returncode != 0 and "usage" in r.stderr
    r = mkimage("frobnicate")
    assert r.returncode != 0 and "unknown command" in r.stderr


def test_tools_missing_is_reported(inputs, tmp_path):
    out = tmp_path / "x.img"
    env = dict(os.environ, PATH="/nonexistent")
    r = subprocess.run([os.path.abspath(MKIMAGE), "create", "-o", str(out), "--stage1",
                        inputs["stage1"], "--runtime", inputs["runtime"]], capture_output=True,
                       text=True, env=env)
    assert r.returncode != 0 and "mkfs.fat" in r.stderr
    assert not out.exists() and not leftovers(tmp_path)


def test_update_with_broken_current_stage1_keeps_older_backup(disk, inputs, tmp_path):
    ok("update", disk, "--stage1", inputs["stage1v2"])          # BAK = s1-one
    data = bytearray(esp_read(disk, "/STRATA/STAGE1.BIN", tmp_path))
    data[HEADER.size + 1] ^= 1
    bad = tmp_path / "bad.bin"
    bad.write_bytes(bytes(data))
    subprocess.run(["mcopy", "-o", "-i", esp_spec(disk), str(bad), "::/STRATA/STAGE1.BIN"],
                   env=ENV, check=True)
    r = ok("update", disk, "--stage1", inputs["stage1"])
    assert "keeping the existing /STRATA/STAGE1.BAK" in r.stderr
    assert esp_read(disk, "/STRATA/STAGE1.BAK", tmp_path) == open(inputs["stage1"], "rb").read()


def test_update_iso(inputs, tmp_path):
    iso = tmp_path / "disk.iso"
    assert create(inputs, iso, "--format", "iso").returncode == 0
    ok("update", iso, "--stage1", inputs["stage1v2"])
    out = ok("inspect", iso).stdout
    assert "/STRATA/STAGE1.BIN: stage1 s1-two" in out and "/STRATA/STAGE1.BAK: stage1 s1-one" in out
    report = subprocess.run(["xorriso", "-indev", str(iso), "-report_el_torito", "plain"],
                            capture_output=True, text=True)
    assert "UEFI" in report.stdout
