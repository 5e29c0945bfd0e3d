# SPDX-License-Identifier: MIT
"""What every QEMU test shares: the build folder, KVM-or-TCG, ESP disk images, a QEMU run on serial.

Disk images are made with sgdisk, mkfs.fat and mtools (no root, no loop mounts). Test folders add
this folder to sys.path and import from here, so there is one copy of each helper.
"""
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = Path(os.environ.get("STRATA_BUILD", ROOT / "build")).resolve()
ESP_START = 2048  # sectors: 1 MiB, where partitioning tools put the first partition
SECTOR = 512
EXPECTED_IMAGES = ROOT / "images" / "expected.txt"

# Debian's ovmf package; the 4M build is the one Debian 12 ships for q35.
OVMF_CODE = Path(os.environ.get("OVMF_CODE", "/usr/share/OVMF/OVMF_CODE_4M.fd"))
OVMF_VARS = Path(os.environ.get("OVMF_VARS", "/usr/share/OVMF/OVMF_VARS_4M.fd"))


def expected_images():
    """images/expected.txt as {image: {"strata": bool, "marker": str, "reason": str}}."""
    table = {}
    for line in EXPECTED_IMAGES.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, strata, marker, reason = (f.strip() for f in line.split("|"))
            table[name] = {"strata": strata == "yes", "marker": marker, "reason": reason}
    return table


def ovmf_command(disk, vars_copy, machine="q35", memory="512"):
    """QEMU booting disk under OVMF: the code read-only, vars_copy (a private copy) writable."""
    return ["qemu-system-x86_64", "-machine", f"{machine},accel={accel()}", "-m", memory,
            "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
            "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
            "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}",
            "-drive", f"if=none,id=boot,format=raw,file={disk}",
            "-device", "virtio-blk-pci,drive=boot,bootindex=1"]


def expect_lines(output, lines):
    """Assert that every line of lines is on the console output; the message names the first
    missing one and carries the output."""
    for line in lines:
        assert line in output, f"{line!r} missing\n---- serial log ----\n{output}\n---- end ----"


# What EDK2's CPU exception handler prints on the serial port before it halts.
EDK2_EXCEPTION = "X64 Exception Type"


def ovmf_output(disk, workdir, marker, timeout, machine="q35", extra=(), attempts=2):
    """OVMF's console output once it boots disk up to marker, each try on a fresh copy of the vars.

    A run that dumps an EDK2 exception is tried again, once by default; a timeout or a second
    exception fails with every log. (The one exception seen so far, in test_ide's reference run
    under load, was our storage app's: it left a BlockIo2 token that OVMF's IDE completed late
    in a dead stack frame. The app now waits for the event; the retry stays as a guard.)"""
    logs = []
    for attempt in range(attempts):
        vars_copy = Path(workdir) / f"ovmf-vars{attempt}.fd"
        shutil.copy(OVMF_VARS, vars_copy)
        run = QemuRun(ovmf_command(disk, vars_copy, machine) + list(extra))
        try:
            seen = run.wait_for_any((marker, EDK2_EXCEPTION), timeout)
        finally:
            run.kill()
        if seen == marker:
            return run.output
        logs.append(run.log())
        if seen != EDK2_EXCEPTION:
            break
        print(f"OVMF took a CPU exception of its own (try {attempt + 1}); trying again",
              file=sys.stderr)
    raise AssertionError(f"OVMF never printed {marker!r}\n" + "\n".join(logs))


@functools.lru_cache(maxsize=None)
def accel():
    """KVM when it really runs firmware here, TCG otherwise (dist/strata-accel, asked once per run;
    STRATA_ACCEL forces one)."""
    return subprocess.run([str(ROOT / "dist" / "strata-accel")], check=True, stdout=subprocess.PIPE,
                          text=True).stdout.strip()


def fat_image(path, sectors, label, files, fat="32"):
    """A FAT file system image of sectors sectors holding files ({"/DIR/NAME": bytes or Path})."""
    path = Path(path)
    with open(path, "wb") as f:
        f.truncate(sectors * SECTOR)
    subprocess.run(["mkfs.fat", "-F", fat, "-n", label, str(path)], check=True,
                   capture_output=True)
    dirs = set()
    for dest in files:
        parts = dest.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    for d in sorted(dirs):
        subprocess.run(["mmd", "-i", str(path), "::/" + d], check=True, capture_output=True)
    for n, (dest, src) in enumerate(files.items()):
        if isinstance(src, (bytes, bytearray)):
            tmp = path.with_suffix(f".tmp{n}")
            tmp.write_bytes(src)
            src = tmp
        subprocess.run(["mcopy", "-i", str(path), str(src), "::" + dest], check=True,
                       capture_output=True)
    return path


def partition_range(disk, number):
    """(first, last) sector of a GPT partition, as sgdisk reads it."""
    info = subprocess.run(["sgdisk", f"-i{number}", str(disk)], check=True, capture_output=True,
                          text=True).stdout
    return (int(info.split("First sector: ")[1].split()[0]),
            int(info.split("Last sector: ")[1].split()[0]))


def write_at(disk, sector, source):
    with open(disk, "r+b") as f, open(source, "rb") as src:
        f.seek(sector * SECTOR)
        shutil.copyfileobj(src, f)


def build_disk(path, files, size_mib=64):
    """A GPT disk with one FAT32 ESP (label STRATA) holding files ({"/DIR/NAME": bytes or Path})."""
    path = Path(path)
    esp = path.with_suffix(".esp")
    total = size_mib * 1024 * 1024 // SECTOR
    with open(path, "wb") as f:
        f.truncate(total * SECTOR)
    subprocess.run(["sgdisk", f"-n1:{ESP_START}:0", "-t1:ef00", "-c1:ESP", str(path)],
                   check=True, capture_output=True)
    first, last = partition_range(path, 1)
    fat_image(esp, last - first + 1, "STRATA", files)
    write_at(path, first, esp)
    esp.unlink()
    return path


def foreign_disk(path, esp_files, data, esp_mib=48, size_mib=80):
    """A disk as an installer or a cloud image lays it out, not mkimage: GPT, a FAT32 ESP holding
    esp_files, then a Linux partition starting with data."""
    path = Path(path)
    with open(path, "wb") as f:
        f.truncate(size_mib * 1024 * 1024)
    subprocess.run(["sgdisk", f"-n1:{ESP_START}:+{esp_mib}M", "-t1:ef00", "-c1:EFI System",
                    "-n2:0:0", "-t2:8300", "-c2:root", str(path)], check=True,
                   capture_output=True)
    first, last = partition_range(path, 1)
    esp = fat_image(path.with_suffix(".esp"), last - first + 1, "EFI", esp_files)
    write_at(path, first, esp)
    esp.unlink()
    blob = path.with_suffix(".data")
    blob.write_bytes(data)
    write_at(path, partition_range(path, 2)[0], blob)
    blob.unlink()
    return path


class QemuRun:
    """One QEMU process with the serial console on a pipe, read by a thread."""

    def __init__(self, args):
        self.args = args
        self.output = ""
        self.started = time.monotonic()
        # stdin is the serial line's input: tests type keys with send().
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in iter(lambda: self.proc.stdout.read1(4096), b""):
            with self.lock:
                self.output += raw.decode("utf-8", "replace").replace("\r", "")

    def wait_for(self, marker, timeout):
        """True once marker shows on the console; False on timeout or QEMU exit without it."""
        return self.wait_for_any((marker,), timeout) == marker

    def wait_for_any(self, markers, timeout):
        """The first of markers to show on the console (in that order of preference), or None on
        timeout or QEMU exit without any."""
        deadline = time.monotonic() + timeout
        while True:
            exited = self.proc.poll() is not None
            if exited:
                self.reader.join(2)
            with self.lock:
                for marker in markers:
                    if marker in self.output:
                        return marker
            if exited or time.monotonic() >= deadline:
                return None
            time.sleep(0.05)

    def send(self, data):
        """Type bytes on the serial console."""
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def elapsed(self):
        return time.monotonic() - self.started

    def wait_exit(self, timeout):
        """QEMU's exit status, or None if it is still running after timeout seconds."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self.reader.join(2)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(2)

    def log(self):
        return "---- serial log ----\n" + self.output + "\n---- end ----"


# gnu-efi as Debian installs it, and the flags mk/efi-apps.mk builds applications with.
GNUEFI_INC = "/usr/include/efi"
GNUEFI_LIB = "/usr/lib"
GNUEFI_CFLAGS = ["-std=gnu11", "-O2", f"-I{GNUEFI_INC}", f"-I{GNUEFI_INC}/x86_64",
                 f"-I{GNUEFI_INC}/protocol", "-DGNU_EFI_USE_MS_ABI", "-fpic", "-fshort-wchar",
                 "-ffreestanding", "-fno-stack-protector", "-fno-stack-check", "-mno-red-zone",
                 "-maccumulate-outgoing-args", "-fcf-protection=none", "-Wall", "-Werror",
                 "-Wno-pointer-sign"]


def qmp_screendump(socket_path, out, timeout=20):
    """Save QEMU's screen through its QMP socket as a PPM file; returns (width, height, rgb)."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(socket_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(timeout)
        sock.connect(str(socket_path))
        replies = sock.makefile("r")
        json.loads(replies.readline())  # the greeting
        for command in ({"execute": "qmp_capabilities"},
                        {"execute": "screendump", "arguments": {"filename": str(out)}}):
            sock.sendall(json.dumps(command).encode() + b"\n")
            while True:
                reply = json.loads(replies.readline())
                if "return" in reply:
                    break
                assert "error" not in reply, reply
    return read_ppm(out)


def read_ppm(path):
    """(width, height, rgb bytes) of a binary PPM (P6, maxval 255) as QEMU's screendump writes."""
    data = Path(path).read_bytes()
    fields, at = [], 0
    while len(fields) < 4:
        while data[at:at + 1].isspace():
            at += 1
        end = at
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    assert fields[0] == b"P6" and fields[3] == b"255", fields
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[at + 1:at + 1 + width * height * 3]


def build_efi_app(source, workdir):
    """Compile C source into an EFI application (PE32+) with gnu-efi, in workdir; its path."""
    d = Path(workdir)
    (d / "app.c").write_text(source)
    steps = [
        ["gcc", *GNUEFI_CFLAGS, "-c", str(d / "app.c"), "-o", str(d / "app.o")],
        ["ld", "-nostdlib", "-shared", "-Bsymbolic", "-znocombreloc", "-z", "noexecstack",
         "--no-undefined", "-T", f"{GNUEFI_LIB}/elf_x86_64_efi.lds", "-o", str(d / "app.so"),
         f"{GNUEFI_LIB}/crt0-efi-x86_64.o", str(d / "app.o"), f"{GNUEFI_LIB}/libefi.a",
         f"{GNUEFI_LIB}/libgnuefi.a"],
        ["objcopy", "-j", ".text", "-j", ".sdata", "-j", ".data", "-j", ".rodata", "-j",
         ".dynamic", "-j", ".dynsym", "-j", ".rel", "-j", ".rela", "-j", ".rel.*", "-j",
         ".rela.*", "-j", ".reloc", "--target", "efi-app-x86_64", "--subsystem=10",
         str(d / "app.so"), str(d / "app.efi")],
    ]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True)
        assert result.returncode == 0, f"{' '.join(step)}\n{result.stdout}{result.stderr}"
    return d / "app.efi"

