# SPDX-License-Identifier: MIT
"""What the mkimage tests share: running mkimage, stage and PE inputs built once, ESP access."""
import os
import struct
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MKIMAGE = os.environ.get("MKIMAGE", os.path.join(ROOT, "build", "mkimage"))
HEADER = struct.Struct("<8sHHIIIQQQQ32s32sII")
STAGE_MAGIC = b"STRATA\x1a\x01"
ESP_OFFSET = 2048 * 512
ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLSRC="/dev/null")


def mkimage(*args, cwd=None):
    return subprocess.run([MKIMAGE, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def ok(*args):
    r = mkimage(*args)
    assert r.returncode == 0, f"mkimage {' '.join(map(str, args))}: {r.stderr}"
    return r


def leftovers(directory):
    """Temporary files mkimage may have left next to its output."""
    return [n for n in os.listdir(directory) if ".tmp-" in n]


STAGE_C = r"""
static int counter = 5;
int *volatile ptrs[] = { &counter, &counter };
void _start(void) { for (;;) *ptrs[0] += 1; }
"""


def build_elf(directory, name, extra=(), source=STAGE_C):
    src = os.path.join(directory, name + ".c")
    out = os.path.join(directory, name + ".elf")
    with open(src, "w") as f:
        f.write(source)
    subprocess.run(["gcc", "-O2", "-ffreestanding", "-nostdlib", "-fno-stack-protector", *extra,
                    "-o", out, src], check=True)
    return out


PIE_FLAGS = ("-fpie", "-fvisibility=hidden", "-pie", "-Wl,--no-dynamic-linker", "-Wl,-z,text",
             "-Wl,--build-id=none", "-Wl,-e,_start")


def make_pe(machine=0x8664, magic=0x20B, subsystem=10):
    """A minimal PE/COFF image: headers plus one 512-byte .text section."""
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 64)
    opt_size = 240 if magic == 0x20B else 224
    coff = struct.pack("<4sHHIIIHH", b"PE\0\0", machine, 1, 0, 0, 0, opt_size, 0x22)
    opt = bytearray(opt_size)
    struct.pack_into("<HBBIIIII", opt, 0, magic, 2, 0, 512, 0, 0, 0x1000, 0x1000)
    struct.pack_into("<II", opt, 32, 0x1000, 0x200)           # section / file alignment
    struct.pack_into("<II", opt, 56, 0x2000, 0x200)           # size of image / headers
    struct.pack_into("<H", opt, 68, subsystem)
    struct.pack_into("<I", opt, opt_size - 132, 16)           # NumberOfRvaAndSizes
    section = struct.pack("<8sIIIIIIHHI", b".text", 512, 0x1000, 512, 0x200, 0, 0, 0, 0,
                          0x60000020)
    headers = bytes(dos + coff + opt + section)
    return headers.ljust(0x200, b"\0") + b"\xc3".ljust(512, b"\0")


@pytest.fixture(scope="session")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    elf = build_elf(str(d), "stage", PIE_FLAGS)
    files = {"elf": elf}
    for name, kind, version in [("stage1", "stage1", "s1-one"), ("stage1v2", "stage1", "s1-two"),
                                ("runtime", "runtime", "rt-one")]:
        out = d / (name + ".bin")
        ok("wrap", "--kind", kind, "--version-code", "0x010203", "--version-string", version,
           elf, out)
        files[name] = str(out)
    for name, data in [("payload", make_pe()), ("pe_i386", make_pe(machine=0x14C)),
                       ("pe32", make_pe(magic=0x10B)), ("pe_console", make_pe(subsystem=3))]:
        (d / (name + ".efi")).write_bytes(data)
        files[name] = str(d / (name + ".efi"))
    (d / "notes.txt").write_text("hello from the ESP\n")
    files["notes"] = str(d / "notes.txt")
    files["dir"] = str(d)
    return files


def create(inputs, out, *extra):
    return mkimage("create", "-o", out, "--stage1", inputs["stage1"], "--runtime",
                   inputs["runtime"], "--payload", inputs["payload"], *extra)


@pytest.fixture
def disk(inputs, tmp_path):
    out = tmp_path / "disk.img"
    r = create(inputs, out, "--size", "64M", "--file", inputs["notes"] + ":/loader/notes.txt")
    assert r.returncode == 0, r.stderr
    return out


def esp_spec(image):
    return f"{image}@@{ESP_OFFSET}"


def esp_read(image, path, tmp_path):
    out = tmp_path / ("read-" + path.replace("/", "_"))
    subprocess.run(["mcopy", "-n", "-i", esp_spec(image), "::" + path, str(out)], check=True,
                   env=ENV, capture_output=True)
    return out.read_bytes()


def extract_esp(image, tmp_path):
    info = subprocess.run(["sgdisk", "-i", "1", str(image)], capture_output=True, text=True,
                          check=True).stdout
    first = int(info.split("First sector: ")[1].split()[0])
    last = int(info.split("Last sector: ")[1].split()[0])
    esp = tmp_path / "esp.fat"
    with open(image, "rb") as f:
        f.seek(first * 512)
        esp.write_bytes(f.read((last - first + 1) * 512))
    return esp
