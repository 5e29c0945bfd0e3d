# SPDX-License-Identifier: MIT
"""make bench fixtures and QEMU runs: the floor ROM, the bench disks, one timed QEMU process."""
import hashlib
import os
import shutil
import struct
import subprocess
import threading
import time
import zlib
from pathlib import Path

OVMF_CODE = Path(os.environ.get("OVMF_CODE", "/usr/share/OVMF/OVMF_CODE_4M.fd"))
OVMF_VARS = Path(os.environ.get("OVMF_VARS", "/usr/share/OVMF/OVMF_VARS_4M.fd"))
OVMF_SECBOOT = Path(os.environ.get("OVMF_SECBOOT", "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"))
# efitools and sbsigntool, unpacked by the unit tests' fetch (mk/unit.mk).
SB_TOOLS = "tests/secure-boot/root/usr/bin"
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")

# The KVM probe: it decides the accelerator and writes the floor ROM (dist/strata-accel).
STRATA_ACCEL = Path(__file__).resolve().parents[1] / "dist" / "strata-accel"

BENCH_FILE_SIZE = 64 * 1024 * 1024
BENCH_BLOCK = 4096
BENCH_FILE_ESP_PATH = "/BENCH/DATA.BIN"  # efi-apps/readbench/readbench.c reads this name


def accel(forced=None):
    """KVM when it really runs firmware here, TCG otherwise; forced (or STRATA_ACCEL) picks one."""
    env = dict(os.environ, **({"STRATA_ACCEL": forced} if forced else {}))
    return subprocess.run([str(STRATA_ACCEL)], env=env, check=True, stdout=subprocess.PIPE,
                          text=True).stdout.strip()


def write_floor_rom(path):
    """A 64 KiB ROM that exits QEMU from its reset vector at once: the cost of QEMU itself. It is
    the KVM probe's ROM (real to protected mode, then isa-debug-exit with 0)."""
    subprocess.run([str(STRATA_ACCEL), "--write-rom", str(path)], check=True)
    return Path(path)


def write_bench_file(path):
    """The 64 MiB file readbench reads: each 4 KiB block starts with its own offset (u64 LE)."""
    data = bytearray(BENCH_FILE_SIZE)
    for off in range(0, BENCH_FILE_SIZE, BENCH_BLOCK):
        struct.pack_into("<Q", data, off, off)
    Path(path).write_bytes(data)
    return Path(path)


def make_disk(mkimage, out, payload, stage1, runtime, size="32M", files=()):
    """A Strata boot disk (mkimage create) with payload as BOOTX64.EFI; OVMF boots it too."""
    args = [str(mkimage), "create", "-o", str(out), "--size", size, "--stage1", str(stage1),
            "--runtime", str(runtime), "--payload", str(payload), "--seed", "strata-bench"]
    for src, dest in files:
        args += ["--file", f"{src}:{dest}"]
    subprocess.run(args, check=True, capture_output=True)
    return Path(out)


def make_loadbench_disk(mkimage, build, work, stages):
    """loadbench.efi's disk: the Debian UKI signed by a fresh db key, and PK, KEK and db .auth
    files (openssl, efitools) that turn Secure Boot on; None (and why) without the inputs."""
    tools = Path(build) / SB_TOOLS
    uki = Path(build) / "images" / "work" / "linux-uki" / "linux.efi"
    if not (tools / "sign-efi-sig-list").exists() or not uki.exists():
        return None, f"{tools} (make unit-tests) or {uki} (make images) missing"
    work = Path(work) / "loadbench"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PATH=f"{tools}:{os.environ['PATH']}",
               LD_LIBRARY_PATH=str(tools.parents[1] / "lib" / "x86_64-linux-gnu"))
    guid = "53545241-5441-4245-4e43-480000000001"
    script = (
        "set -e; for n in PK KEK db; do openssl req -x509 -newkey rsa:2048 -nodes -sha256 "
        f"-days 3650 -subj /CN=strata-bench-$n/ -keyout $n.key -out $n.crt 2>/dev/null; "
        f"cert-to-efi-sig-list -g {guid} $n.crt $n.esl; done; "
        "sign-efi-sig-list -t '2026-01-01 00:00:00' -k PK.key -c PK.crt PK PK.esl PK.auth; "
        "sign-efi-sig-list -t '2026-01-01 00:00:00' -k PK.key -c PK.crt KEK KEK.esl KEK.auth; "
        "sign-efi-sig-list -t '2026-01-01 00:00:00' -k KEK.key -c KEK.crt db db.esl db.auth; "
        f"sbsign --key db.key --cert db.crt --output IMAGE.EFI {uki}")
    subprocess.run(script, shell=True, check=True, cwd=work, env=env, capture_output=True)
    files = [(work / n, f"/loadbench/{n}") for n in ("IMAGE.EFI", "PK.auth", "KEK.auth",
                                                      "db.auth")]
    disk = make_disk(mkimage, Path(work).parent / "loadbench.img",
                     Path(build) / "efi-apps" / "loadbench.efi", size="64M", files=files,
                     **stages)
    return disk, f"{uki.stat().st_size / 1e6:.1f} MB"


def make_signed_stages(mkimage, rom, work):
    """A fresh RSA-3072 key (openssl), stage0.rom with it, stage1 and the runtime signed by it."""
    key = Path(work) / "signing.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                    "rsa_keygen_bits:3072", "-out", str(key)], check=True, capture_output=True)
    out = {"rom": Path(work) / "signed.rom"}
    subprocess.run([str(mkimage), "rom", "--key", str(key), str(rom), str(out["rom"])],
                   check=True, capture_output=True)
    for name in ("stage1", "runtime"):
        out[name] = Path(work) / f"{name}.signed"
        subprocess.run([str(mkimage), "sign", "--key", str(key), str(Path(rom).parent /
                        f"{name}.bin"), str(out[name])], check=True, capture_output=True)
    return out


def write_crashing_stage1(good, out):
    """good with ud2 at its entry and its digest and CRC sealed again: it verifies, then faults
    (the recovery row; docs/updating.md)."""
    data = bytearray(Path(good).read_bytes())
    entry = struct.unpack_from("<Q", data, 32)[0]
    data[128 + entry:128 + entry + 2] = b"\x0f\x0b"
    data[88:120] = hashlib.sha256(data[128:]).digest()
    struct.pack_into("<I", data, 120, 0)
    struct.pack_into("<I", data, 120, zlib.crc32(bytes(data[:128])))
    Path(out).write_bytes(bytes(data))
    return Path(out)


def qemu_command(accel_name, firmware, disk, workdir, tag, extra=(), reboot=False,
                 disk_device="virtio-blk-pci", machine="q35"):
    """The one QEMU command line every row uses; only the firmware options differ.

    firmware is ("bios", rom), ("pvh", elf) (QEMU's -kernel: SeaBIOS or qboot, then the PVH
    entry), ("coreboot", (test_rom, elf)) (the coreboot-shaped test ROM, then the ELF's coreboot
    entry), ("pflash", (rom, vars_template)), ("ovmf", None) or ("ovmf-secboot", None) (OVMF's
    Secure Boot build, empty vars: setup mode; its machine needs smm=on); OVMF and
    Strata from pflash get a fresh copy of their vars store each run (made here, before the
    clock starts), so every run starts from the same state.
    """
    args = [QEMU, "-machine", f"{machine},accel={accel_name}", "-m", "512", "-display", "none",
            "-serial", "stdio", "-monitor", "none", *([] if reboot else ["-no-reboot"]),
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-drive", f"if=none,id=d0,file={disk},format=raw",
            *extra, "-device", f"{disk_device},drive=d0"]  # extra may hold the disk's bus
    kind, rom = firmware
    if kind == "bios":
        return args + ["-bios", str(rom)]
    if kind == "pvh":
        return args + ["-kernel", str(rom)]
    if kind == "coreboot":
        test_rom, elf = rom
        return args + ["-bios", str(test_rom), "-fw_cfg", f"name=opt/strata/payload,file={elf}"]
    if kind == "pflash":
        code, template = rom
        vars_copy = Path(workdir) / f"strata-vars-{tag}.fd"
        shutil.copyfile(template, vars_copy)
        return args + ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={code}",
                       "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}"]
    vars_copy = Path(workdir) / f"ovmf-vars-{tag}.fd"
    shutil.copyfile(OVMF_VARS, vars_copy)
    if kind == "ovmf-secboot":
        # Only SMM may write its store, as Debian's README and the notes run it.
        return args + ["-global", "driver=cfi.pflash01,property=secure,value=on",
                       "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_SECBOOT}",
                       "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}"]
    return args + ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
                   "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}"]


class RunResult:
    """One QEMU process: wall seconds to exit (or to the marker), exit status, serial log."""

    def __init__(self, wall, marker_at, rc, log, timed_out):
        self.wall = wall
        self.marker_at = marker_at
        self.rc = rc
        self.log = log
        self.timed_out = timed_out


def run_qemu(args, timeout, marker=None):
    """Start QEMU and time it from just before the process is created.

    Without a marker the figure is the time to exit. With one, it is the time at which the
    marker's last byte was read from the serial pipe; QEMU is then killed (it would only power
    off). The console goes through a pipe read by a thread, so QEMU never blocks on it.
    """
    chunks = []
    seen = threading.Event()
    marker_at = [None]
    start = time.monotonic()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)

    def read():
        tail = b""
        needle = marker.encode() if marker else None
        for raw in iter(lambda: proc.stdout.read1(65536), b""):
            now = time.monotonic()
            chunks.append(raw)
            if needle and marker_at[0] is None and needle in tail + raw:
                marker_at[0] = now - start
                seen.set()
            tail = (tail + raw)[-len(needle):] if needle else b""

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    timed_out = False
    rc = None
    if marker:
        deadline = start + timeout
        while not seen.is_set() and proc.poll() is None and time.monotonic() < deadline:
            seen.wait(0.02)
        timed_out = not seen.is_set() and proc.poll() is None
        if proc.poll() is None:
            proc.kill()
        rc = proc.wait()
    else:
        # A blocking wait: Popen.wait(timeout) polls with sleeps of up to 50 ms, which would
        # round every figure up to the next poll. The timeout is a timer that kills QEMU.
        expired = threading.Event()

        def expire():
            expired.set()
            proc.kill()

        timer = threading.Timer(timeout, expire)
        timer.start()
        rc = proc.wait()
        timer.cancel()
        timed_out = expired.is_set()
    wall = time.monotonic() - start
    reader.join(5)
    log = b"".join(chunks).decode("utf-8", "replace").replace("\r", "")
    return RunResult(wall, marker_at[0], rc, log, timed_out)


def add_esp_files(disk, files):
    """Put (host path, ESP path) files on a copy of a shipped image's ESP (at 1 MiB), through
    mtools, overwriting what is there."""
    for src, dest in files:
        subprocess.run(["mcopy", "-o", "-i", f"{disk}@@1M", str(src), f"::{dest}"],
                       check=True, capture_output=True)


def copy_disk(src, workdir, tag):
    """A private copy of a disk for one run: payloads may write (systemd-boot's random seed)."""
    dst = Path(workdir) / f"disk-{tag}.img"
    shutil.copyfile(src, dst)
    return dst


def qemu_version():
    try:
        out = subprocess.run([QEMU, "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.splitlines()[0].strip()
