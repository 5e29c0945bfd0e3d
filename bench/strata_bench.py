#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""make bench: boot time, Strata's phases, disk throughput and sizes, Strata against OVMF.

Every QEMU run is timed from just before its process starts. Strata and OVMF runs alternate, so
a slow spell of the host hits both. Writes report.json and report.md into --out (build/bench) and
prints the table. See bench/README.md for what each row means.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import sys
import time
from pathlib import Path

import bench_qemu as q
import bench_report as r

ROOT = Path(__file__).resolve().parents[1]
LINUX_IMAGES = ["linux-uki", "grub", "systemd-boot"]
LINUX_MARKER = "STRATA-USERSPACE-OK"
# Per-run timeouts (seconds) by accelerator: OVMF alone takes ~6 s to its payload under TCG.
TIMEOUTS = {"tcg": {"exit": 60, "readbench": 90, "linux": 120},
            "kvm": {"exit": 20, "readbench": 30, "linux": 60}}
RESULTS_PREFACE = """<!-- SPDX-License-Identifier: MIT -->
# Latest make bench figures

Written by `/usr/bin/python3 bench/strata_bench.py --results bench/RESULTS.md` (the same tables as
`make bench`'s build/bench/report.md); bench/README.md says what each row measures. Under TCG
the absolute times are emulation speed: the Strata/OVMF ratios are the figures to read.
"""
# What --rows picks from, in the order they run.
ROW_GROUPS = ["exit", "readbench", "pvh", "coreboot", "linux", "variables", "secureboot",
              "storage"]
# The systemd-boot entry of the efivarfs variables row (images/initramfs/init, strata.action).
VARBENCH_ENTRY = ("title Strata varbench\nlinux /linux/vmlinuz\ninitrd /linux/initrd.img\n"
                  "options console=ttyS0 panic=-1 strata.action=varbench\n")
# isa-debug-exit with value 0: QEMU's exit status is (0 << 1) | 1.
DEBUG_EXIT_OK = 1


def parse_args(argv):
    env = os.environ
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", type=Path,
                   default=Path(env.get("STRATA_BUILD", ROOT / "build")).resolve())
    p.add_argument("--out", type=Path, help="report folder (default BUILD/bench)")
    p.add_argument("--runs", type=int, default=int(env.get("BENCH_RUNS", 5)),
                   help="runs per firmware for the exit-on-entry and readbench rows")
    p.add_argument("--linux-runs", type=int,
                   default=int(env["BENCH_LINUX_RUNS"]) if env.get("BENCH_LINUX_RUNS") else None,
                   help="runs per firmware for the Linux rows (default: --runs under KVM, "
                        "at most 3 under TCG)")
    p.add_argument("--budget", type=float, default=float(env.get("BENCH_BUDGET", 540)),
                   help="seconds after which no further run pair starts")
    p.add_argument("--accel", choices=["kvm", "tcg"], default=env.get("BENCH_ACCEL") or None)
    p.add_argument("--quick", action="store_true",
                   help="1 run, exit-on-entry rows and sizes only (for the test)")
    p.add_argument("--results", type=Path, help="also write the markdown here (bench/RESULTS.md)")
    p.add_argument("--rows", default=",".join(ROW_GROUPS),
                   help=f"comma-separated row groups to run, of {','.join(ROW_GROUPS)} "
                        "(default all; sizes always)")
    args = p.parse_args(argv)
    args.rows = set(args.rows.split(","))
    if args.rows - set(ROW_GROUPS):
        p.error(f"--rows: unknown {', '.join(sorted(args.rows - set(ROW_GROUPS)))}")
    args.out = (args.out or args.build / "bench").resolve()
    args.accel = q.accel(args.accel)
    if args.quick:
        args.runs = 1
        args.linux_runs = 0
    elif args.linux_runs is None:
        args.linux_runs = args.runs if args.accel == "kvm" else min(args.runs, 3)
    return args


def machine_info():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "kernel": f"Linux {platform.release()}",
            "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()), "qemu": q.qemu_version()}


class Budget:
    """Wall-clock budget: a row stops starting run pairs once the next would likely overrun."""

    def __init__(self, seconds):
        self.start = time.monotonic()
        self.seconds = seconds

    def elapsed(self):
        return time.monotonic() - self.start

    def allows(self, estimate):
        return self.elapsed() + estimate <= self.seconds


class Bench:
    """The inputs of every row and what the runs found."""

    def __init__(self, args):
        self.args = args
        self.build = args.build
        self.work = args.out / "work"
        self.timeouts = TIMEOUTS[args.accel]
        self.ovmf = q.OVMF_CODE.exists() and q.OVMF_VARS.exists()
        self.notes = []
        self.rows = []
        self.logs = {}  # row id -> firmware -> [serial logs]
        self.budget = Budget(args.budget)
        self.strata = ("bios", self.build / "stage0.rom")
        self.runs_done = {}

    def firmwares(self):
        return [("strata", self.strata)] + ([("ovmf", ("ovmf", None))] if self.ovmf else [])

    def run(self, row, name, firmware, disk, timeout, check, marker=None, tag="", extra=(),
            reboot=False, disk_device="virtio-blk-pci", machine="q35"):
        """One timed run; prints its figure, keeps the log, saves it when check(res) fails."""
        args = q.qemu_command(self.args.accel, firmware, disk, self.work, f"{row}-{name}{tag}",
                              extra, reboot, disk_device, machine)
        res = q.run_qemu(args, timeout, marker)
        self.logs.setdefault(row, {}).setdefault(name, []).append(res.log)
        ok = bool(check(res))
        figure = res.marker_at if marker else res.wall
        status = "timeout" if res.timed_out else f"exit {res.rc}"
        print(f"  {row:<14} {name:<6} run {tag}: {figure if figure is None else round(figure, 3)}"
              f" s ({status}{'' if ok else ', FAILED'})", flush=True)
        if not ok:
            failed = self.args.out / "failed-logs"
            failed.mkdir(parents=True, exist_ok=True)
            (failed / f"{row}-{name}-{tag}.log").write_text(res.log)
            self.notes.append(f"{row} {name} run {tag} failed ({status}): log in "
                              f"{failed / f'{row}-{name}-{tag}.log'}")
        return res, ok

    def rounds(self, key, count):
        """Round numbers 0..count-1 while the budget allows another round as long as the last;
        records how many ran under runs_done[key] and notes a cut."""
        last = 0.0
        self.runs_done[key] = 0
        for i in range(count):
            if not self.budget.allows(last):
                self.notes.append(f"{key}: stopped after {i} of {count} runs; the time budget "
                                  f"of {self.args.budget:.0f} s would be exceeded")
                return
            start = time.monotonic()
            yield i
            last = time.monotonic() - start
            self.runs_done[key] = i + 1

    def add_row(self, row_id, label, unit, strata, ovmf, note=""):
        self.rows.append({"id": row_id, "label": label, "unit": unit, "strata": strata,
                          "ovmf": ovmf, "ratio": r.ratio(strata, ovmf), "note": note})


def exited_ok(res):
    """The payload (or the floor ROM) wrote 0 to isa-debug-exit before the timeout."""
    return not res.timed_out and res.rc == DEBUG_EXIT_OK


def readbench_ok(res):
    parsed = r.parse_readbench(res.log)
    return exited_ok(res) and "READBENCH-DONE Success" in res.log and parsed.get("mbps") and \
        parsed.get("write_mbps")


def varbench_ok(res):
    return exited_ok(res) and r.parse_varbench(res.log) is not None


def prepare(bench):
    """The floor ROM and the generated disks, in a fresh work folder."""
    b = bench.build
    shutil.rmtree(bench.work, ignore_errors=True)
    bench.work.mkdir(parents=True)
    bench.floor = q.write_floor_rom(bench.work / "floor.rom")
    stages = dict(stage1=b / "stage1.bin", runtime=b / "runtime.bin")
    bench.exit_disk = q.make_disk(b / "mkimage", bench.work / "exit-on-entry.img",
                                  b / "efi-apps/exit-on-entry.efi", **stages)
    if not bench.args.quick and bench.args.rows & {"readbench", "storage"}:
        data = q.write_bench_file(bench.work / "data.bin")
        bench.read_disk = q.make_disk(b / "mkimage", bench.work / "readbench.img",
                                      b / "efi-apps/readbench.efi", size="192M",
                                      files=[(data, q.BENCH_FILE_ESP_PATH)], **stages)
        data.unlink()
        crashing = q.write_crashing_stage1(b / "stage1.bin", bench.work / "crashing-stage1.bin")
        bench.signed = q.make_signed_stages(b / "mkimage", b / "stage0.rom", bench.work)
        bench.signed_disk = q.make_disk(b / "mkimage", bench.work / "signed.img",
                                        b / "efi-apps/exit-on-entry.efi",
                                        stage1=bench.signed["stage1"],
                                        runtime=bench.signed["runtime"])
        bench.recovery_disk = q.make_disk(b / "mkimage", bench.work / "recovery.img",
                                          b / "efi-apps/exit-on-entry.efi", stage1=crashing,
                                          runtime=b / "runtime.bin",
                                          files=[(b / "stage1.bin", "/STRATA/STAGE1.BAK")])
    if not bench.args.quick and "secureboot" in bench.args.rows:
        bench.load_disk, bench.load_what = q.make_loadbench_disk(b / "mkimage", b, bench.work,
                                                                 stages)
    if not bench.args.quick and "variables" in bench.args.rows:
        bench.var_disk = q.make_disk(b / "mkimage", bench.work / "varbench.img",
                                     b / "efi-apps/varbench.efi", **stages)
        systemd_boot = b / "images" / "systemd-boot.img"
        bench.var_linux_disk = None
        if systemd_boot.exists():
            # systemd-boot's image, its one entry (timeout 0) running strata.action=varbench.
            bench.var_linux_disk = q.copy_disk(systemd_boot, bench.work, "varbench-linux")
            (bench.work / "varbench.conf").write_text(VARBENCH_ENTRY)
            (bench.work / "loader.conf").write_text("timeout 0\ndefault varbench.conf\n")
            q.add_esp_files(bench.var_linux_disk,
                            [(bench.work / "varbench.conf", "/loader/entries/varbench.conf"),
                             (bench.work / "loader.conf", "/loader/loader.conf")])


def bench_exit_on_entry(bench):
    """Rows: the QEMU floor, QEMU start to the payload's first instruction, firmware time."""
    floor, floor_headless, totals = [], [], {"strata": [], "ovmf": []}
    headless = {"strata": [], "ovmf": []}
    virtio_gpu = {"strata": [], "ovmf": []}
    # QEMU's default NIC (e1000e on q35) is in every other row: its iPXE option ROM is loaded.
    nics = {key: {"strata": [], "ovmf": []} for key, _ in NIC_ROWS}
    t = bench.timeouts["exit"]
    for i in bench.rounds("exit_on_entry", bench.args.runs):
        res, ok = bench.run("floor", "floor", ("bios", bench.floor), bench.exit_disk, t,
                            exited_ok, tag=str(i + 1))
        floor.append(res.wall if ok else None)
        # QEMU starts faster with no VGA device: the no-display row's floor has none either.
        res, ok = bench.run("floor_no_display", "floor", ("bios", bench.floor), bench.exit_disk,
                            t, exited_ok, tag=str(i + 1), extra=("-vga", "none"))
        floor_headless.append(res.wall if ok else None)
        for name, fw in bench.firmwares():
            res, ok = bench.run("exit_on_entry", name, fw, bench.exit_disk, t, exited_ok,
                                tag=str(i + 1))
            totals[name].append(res.wall if ok else None)
            # The same without a display: what finding and setting up the screen costs.
            res, ok = bench.run("no_display", name, fw, bench.exit_disk, t, exited_ok,
                                tag=str(i + 1), extra=("-vga", "none"))
            headless[name].append(res.wall if ok else None)
            # virtio-gpu instead: its flush per Blt goes through the control queue.
            res, ok = bench.run("virtio_gpu", name, fw, bench.exit_disk, t, exited_ok,
                                tag=str(i + 1),
                                extra=("-vga", "none", "-device", "virtio-gpu-pci"))
            virtio_gpu[name].append(res.wall if ok else None)
            for key, extra in NIC_ROWS:
                res, ok = bench.run(key, name, fw, bench.exit_disk, t, exited_ok,
                                    tag=str(i + 1), extra=extra)
                nics[key][name].append(res.wall if ok else None)
    fs = r.stats(floor)
    bench.add_row("floor", "QEMU floor: a ROM that exits at its reset vector (same for both)",
                  "s", fs, fs if bench.ovmf else None)
    bench.rows[-1]["ratio"] = None  # one set of runs shown in both columns
    st = {n: r.stats(totals[n]) for n in totals}
    bench.add_row("exit_on_entry", "QEMU start → payload's first instruction (exit-on-entry.efi)",
                  "s", st["strata"], st["ovmf"] if bench.ovmf else None)
    # Each run less the floor run of its own round, taken seconds before: drift in the host's
    # load then cancels rather than adds.
    fw = {n: r.stats([v - f if v is not None and f is not None else None
                      for v, f in zip(totals[n], floor)]) for n in totals}
    bench.add_row("firmware_time", "firmware time: the row above − the floor run of the same "
                  "round (std VGA: GOP, the text console and the boot lines drawn on it)", "s", fw["strata"], fw["ovmf"] if bench.ovmf else None)
    nd = {n: r.stats([v - f if v is not None and f is not None else None
                      for v, f in zip(headless[n], floor_headless)]) for n in headless}
    bench.add_row("firmware_time_no_display", "firmware time with -vga none (no display, so "
                  "no GOP; less a floor run with -vga none too): compare with the row above", "s", nd["strata"],
                  nd["ovmf"] if bench.ovmf else None)
    vg = {n: r.stats([v - f if v is not None and f is not None else None
                      for v, f in zip(virtio_gpu[n], floor)]) for n in virtio_gpu}
    bench.add_row("firmware_time_virtio_gpu", "firmware time with -vga none -device "
                  "virtio-gpu-pci (GOP, text console and boot lines on virtio-gpu)", "s",
                  vg["strata"], vg["ovmf"] if bench.ovmf else None)
    for key, _ in NIC_ROWS:
        nt = {n: r.stats([v - f if v is not None and f is not None else None
                          for v, f in zip(nics[key][n], floor)]) for n in nics[key]}
        bench.add_row(key, NIC_LABELS[key], "s", nt["strata"],
                      nt["ovmf"] if bench.ovmf else None)


# Pairs of the display-cost row: its figure is a few milliseconds, inside the log's resolution
# and the host's stalls only when averaged over many.
DISPLAY_PAIRS = 60


def bench_display_cost(bench):
    """Row (Strata only): what std VGA's GOP, the text console and the boot lines drawn on it
    add to stage1 (issue 15's budget: 5 ms under TCG), from Strata's own log: stage1's first line
    to the payload's start, in interleaved runs with std VGA and with -vga none, both -nic none
    (no option ROM's time to add noise)."""
    t = bench.timeouts["exit"]
    spans = {"std": [], "none": []}
    for i in bench.rounds("display_cost", 2 if bench.args.quick else DISPLAY_PAIRS):
        for key, extra in (("std", ("-nic", "none")), ("none", ("-vga", "none", "-nic", "none"))):
            res, ok = bench.run(f"display_{key}", "strata", bench.strata, bench.exit_disk, t,
                                exited_ok, tag=str(i + 1), extra=extra)
            span = r.stage1_span(res.log) if ok else None
            spans[key].append(span * 1000 if span is not None else None)
    bench.add_row("display_cost_ms", "GOP and text console on std VGA: stage1's first log line → "
                  "the payload, std VGA less -vga none over interleaved pairs, from Strata's log "
                  "(the lower halves' means' difference; the minima's – the medians')", "ms",
                  r.paired_difference(spans["std"], spans["none"]), None,
                  note="Strata only: OVMF's log has no time stamps; budget 5 ms under TCG")


# Option ROMs: without any NIC, and with a virtio-net NIC whose iPXE ROM (Debian's ipxe-qemu)
# both firmwares load, start and connect (docs/uefi-shell.md).
NIC_ROWS = [
    ("firmware_time_no_nic", ("-nic", "none")),
    ("firmware_time_virtio_net", ("-nic", "none", "-device", "virtio-net-pci")),
]
NIC_LABELS = {
    "firmware_time_no_nic": "firmware time with -nic none (no NIC, so no option ROM)",
    "firmware_time_virtio_net": "firmware time with -nic none -device virtio-net-pci (its "
                                "iPXE option ROM loaded and connected)",
}


# The exit-on-entry disk on another controller: what its driver costs beside virtio-blk's.
# (row, label, the disk's -device, the controller's own -device arguments if it needs one)
DISK_CONTROLLER_ROWS = [
    ("firmware_time_nvme", "firmware time, the disk on NVMe (-device nvme)", "nvme,serial=bench",
     ()),
    ("firmware_time_ahci", "firmware time, the disk on q35's AHCI port 0 (-hda)",
     "ide-hd,bus=ide.0", ()),
    ("firmware_time_virtio_scsi", "firmware time, the disk on virtio-scsi (-device scsi-hd)",
     "scsi-hd,bus=scsi0.0", ("-device", "virtio-scsi-pci,id=scsi0")),
    # A second -machine overrides the q35 of the common command line (the accel stays).
    ("firmware_time_ide", "firmware time, the disk on pc's IDE primary master (-M pc -hda)",
     "ide-hd,bus=ide.0,unit=0", ("-machine", "pc")),
]


def bench_disk_controllers(bench):
    """Rows: firmware time (less the floor run of the same round) booting from each controller."""
    t = bench.timeouts["exit"]
    for row_id, label, device, controller in DISK_CONTROLLER_ROWS:
        totals = {"strata": [], "ovmf": []}
        for i in bench.rounds(row_id, bench.args.runs):
            res, ok = bench.run("floor", "floor", ("bios", bench.floor), bench.exit_disk, t,
                                exited_ok, tag=f"{row_id}-{i + 1}")
            floor = res.wall if ok else None
            for name, fw in bench.firmwares():
                res, ok = bench.run(row_id, name, fw, bench.exit_disk, t, exited_ok,
                                    tag=str(i + 1), disk_device=device, extra=controller)
                totals[name].append(res.wall - floor if ok and floor is not None else None)
        st = {n: r.stats(totals[n]) for n in totals}
        bench.add_row(row_id, label, "s", st["strata"], st["ovmf"] if bench.ovmf else None)


def bench_read_controllers(bench):
    """Rows: readbench's 64 MiB read with its disk on each other controller (virtio-blk is the
    readbench row), Strata against OVMF."""
    for row_id, label, device, controller in DISK_CONTROLLER_ROWS:
        row_id = row_id.replace("firmware_time", "readbench_mbps")
        mbps = {"strata": [], "ovmf": []}
        for i in bench.rounds(row_id, bench.args.runs):
            for name, fw in bench.firmwares():
                res, ok = bench.run(row_id, name, fw, bench.read_disk,
                                    bench.timeouts["readbench"], readbench_ok, tag=str(i + 1),
                                    disk_device=device, extra=controller)
                mbps[name].append(r.parse_readbench(res.log)["mbps"] if ok else None)
        st = {n: r.stats(mbps[n]) for n in mbps}
        bench.add_row(row_id, "read a 64 MiB file through EFI_FILE_PROTOCOL, "
                      f"{label.split(', ', 1)[1]}, 1 MiB reads", "MB/s", st["strata"],
                      st["ovmf"] if bench.ovmf else None)


# Growth of firmware time allowed when a disk hangs on every controller (issue 14).
EVERY_CONTROLLER_BUDGET = 0.20


def bench_every_controller(bench):
    """Row: firmware time with the boot disk on virtio-blk and an empty disk on NVMe, AHCI and
    virtio-scsi as well, against virtio-blk alone in the same round; flagged in the notes when
    Strata's median grows by more than EVERY_CONTROLLER_BUDGET (a report, never an assertion)."""
    t = bench.timeouts["exit"]
    empty = []
    for n in range(3):
        path = bench.work / f"empty{n}.img"
        with open(path, "wb") as f:
            f.truncate(16 * 1024 * 1024)
        empty.append(path)
    others = ["-drive", f"if=none,id=e0,format=raw,file={empty[0]}",
              "-device", "nvme,serial=every,drive=e0",
              "-drive", f"if=none,id=e1,format=raw,file={empty[1]}",
              "-device", "ide-hd,bus=ide.1,drive=e1",
              "-drive", f"if=none,id=e2,format=raw,file={empty[2]}",
              "-device", "virtio-scsi-pci,id=scsi9", "-device", "scsi-hd,bus=scsi9.0,drive=e2"]
    boot = "virtio-blk-pci,bootindex=1"  # OVMF would otherwise try the empty disks first
    alone, every = {"strata": [], "ovmf": []}, {"strata": [], "ovmf": []}
    for i in bench.rounds("firmware_time_every_controller", bench.args.runs):
        res, ok = bench.run("floor", "floor", ("bios", bench.floor), bench.exit_disk, t,
                            exited_ok, tag=f"every-{i + 1}")
        floor = res.wall if ok else None
        for name, fw in bench.firmwares():
            for figures, extra, tag in ((alone, (), "alone"), (every, others, "every")):
                res, ok = bench.run("firmware_time_every_controller", name, fw, bench.exit_disk,
                                    t, exited_ok, tag=f"{tag}-{i + 1}", disk_device=boot,
                                    extra=extra)
                figures[name].append(res.wall - floor if ok and floor is not None else None)
    st = {n: r.stats(alone[n]) for n in alone}
    bench.add_row("firmware_time_virtio_blk_alone", "firmware time, virtio-blk boot disk alone "
                  "(the baseline of the row below)", "s", st["strata"],
                  st["ovmf"] if bench.ovmf else None)
    st = {n: r.stats(every[n]) for n in every}
    base = bench.rows[-1]["strata"]["median"]
    growth = (st["strata"]["median"] / base - 1 if base and st["strata"]["median"] is not None
              else None)
    bench.add_row("firmware_time_every_controller", "firmware time, the same and an empty disk "
                  "on NVMe, AHCI and virtio-scsi (every driver probes)", "s", st["strata"],
                  st["ovmf"] if bench.ovmf else None)
    bench.rows[-1]["budget"] = {"limit": EVERY_CONTROLLER_BUDGET, "growth": growth}
    if growth is not None:
        verdict = "within" if growth <= EVERY_CONTROLLER_BUDGET else "OVER"
        bench.notes.append(f"firmware time with a disk on every controller: Strata's median "
                           f"{growth:+.0%} against virtio-blk alone, {verdict} the budget of "
                           f"+{EVERY_CONTROLLER_BUDGET:.0%}")


# The PVH entry (build/strata-pvh.elf through -kernel): on q35 SeaBIOS runs first and counts
# as firmware time; on microvm qboot does, and the disk is virtio-blk on virtio-mmio, with no
# PCI to enumerate. The floor run is on the same machine. No OVMF figure: Debian's OVMF has no
# PVH entry and no microvm build.
PVH_ROWS = [
    ("firmware_time_pvh_q35", "firmware time through PVH on q35 (-kernel strata-pvh.elf, "
     "SeaBIOS first)", "q35", "virtio-blk-pci"),
    ("firmware_time_pvh_microvm", "firmware time through PVH on microvm (qboot first), the "
     "disk on virtio-mmio", "microvm", "virtio-blk-device"),
]


def bench_pvh(bench):
    """Rows: firmware time (less a floor run on the same machine) through the PVH entry."""
    t = bench.timeouts["exit"]
    elf = bench.build / "strata-pvh.elf"
    for row_id, label, machine, device in PVH_ROWS:
        totals = []
        for i in bench.rounds(row_id, bench.args.runs):
            res, ok = bench.run("floor", "floor", ("bios", bench.floor), bench.exit_disk, t,
                                exited_ok, tag=f"{row_id}-{i + 1}", machine=machine,
                                disk_device=device)
            floor = res.wall if ok else None
            res, ok = bench.run(row_id, "strata", ("pvh", elf), bench.exit_disk, t, exited_ok,
                                tag=str(i + 1), disk_device=device, machine=machine)
            totals.append(res.wall - floor if ok and floor is not None else None)
        bench.add_row(row_id, label, "s", r.stats(totals), None)


def bench_coreboot(bench):
    """Row: firmware time through the coreboot-shaped test ROM (it writes the tables and loads
    the ELF from fw_cfg, as coreboot's part), less a floor run in the same round."""
    t = bench.timeouts["exit"]
    rom = bench.build / "tests" / "coreboot_rom.bin"
    if not rom.exists():
        bench.notes.append(f"coreboot row skipped: {rom} not built")
        return
    totals = []
    for i in bench.rounds("firmware_time_coreboot_q35", bench.args.runs):
        res, ok = bench.run("floor", "floor", ("bios", bench.floor), bench.exit_disk, t,
                            exited_ok, tag=f"coreboot-{i + 1}")
        floor = res.wall if ok else None
        res, ok = bench.run("firmware_time_coreboot_q35", "strata",
                            ("coreboot", (rom, bench.build / "strata-pvh.elf")), bench.exit_disk,
                            t, exited_ok, tag=str(i + 1))
        totals.append(res.wall - floor if ok and floor is not None else None)
    bench.add_row("firmware_time_coreboot_q35", "firmware time through the coreboot test ROM on "
                  "q35 (the ROM's tables and ELF load included)", "s", r.stats(totals), None)


def bench_readbench(bench):
    """Row: MB/s reading a 64 MiB file through EFI_FILE_PROTOCOL; also the memory map totals."""
    mbps = {"strata": [], "ovmf": []}
    write_mbps = {"strata": [], "ovmf": []}
    bench.readbench = {}
    for i in bench.rounds("readbench", bench.args.runs):
        for name, fw in bench.firmwares():
            res, ok = bench.run("readbench", name, fw, bench.read_disk,
                                bench.timeouts["readbench"], readbench_ok, tag=str(i + 1))
            parsed = r.parse_readbench(res.log)
            mbps[name].append(parsed["mbps"] if ok else None)
            write_mbps[name].append(parsed.get("write_mbps") if ok else None)
            if ok and name not in bench.readbench:
                bench.readbench[name] = parsed
    st = {n: r.stats(mbps[n]) for n in mbps}
    bench.add_row("readbench_mbps", "read a 64 MiB file through EFI_FILE_PROTOCOL, 1 MiB reads "
                  "(MB/s, higher is better)", "MB/s", st["strata"],
                  st["ovmf"] if bench.ovmf else None)
    st = {n: r.stats(write_mbps[n]) for n in write_mbps}
    bench.add_row("writebench_mbps", "write a new 64 MiB file through EFI_FILE_PROTOCOL, 1 MiB "
                  "writes and a Flush (MB/s, higher is better)", "MB/s", st["strata"],
                  st["ovmf"] if bench.ovmf else None)


def bench_recovery(bench):
    """Row (Strata only): a STAGE1.BIN that verifies and faults at its entry, three tries with a
    reset each, then STAGE1.BAK to the payload's first instruction (docs/updating.md)."""
    times = []
    for i in bench.rounds("recovery", bench.args.runs):
        res, ok = bench.run("recovery", "strata", bench.strata, bench.recovery_disk,
                            bench.timeouts["exit"] * 4, exited_ok, tag=str(i + 1), reboot=True)
        ok = ok and "booting the BACKUP stage1" in res.log
        times.append(res.wall if ok else None)
    bench.add_row("recovery", "QEMU start → payload through STAGE1.BAK after 3 crashes of "
                  "STAGE1.BIN (3 resets)", "s", r.stats(times), None,
                  note="Strata only: OVMF has no stage to fall back to")


def bench_signed_stages(bench):
    """Rows (Strata only): firmware time with a key in stage0.rom and signed stages, less the
    floor run of the same round (compare firmware_time); and stage0's two RSA checks alone, from
    its log (docs/secure-boot.md, signed stages)."""
    t = bench.timeouts["exit"]
    totals, checks = [], []
    for i in bench.rounds("firmware_time_signed_stages", bench.args.runs):
        res, ok = bench.run("floor", "floor", ("bios", bench.floor), bench.exit_disk, t,
                            exited_ok, tag=f"signed-{i + 1}")
        floor = res.wall if ok else None
        res, ok = bench.run("firmware_time_signed_stages", "strata",
                            ("bios", bench.signed["rom"]), bench.signed_disk, t, exited_ok,
                            tag=str(i + 1))
        us = [int(m) for m in re.findall(r"signature verified \((\d+) us\)", res.log)]
        ok = ok and len(us) == 2
        totals.append(res.wall - floor if ok and floor is not None else None)
        checks.append(sum(us) / 1000 if ok else None)
    bench.add_row("firmware_time_signed_stages", "firmware time, Secure Boot for stages on "
                  "(a key in stage0.rom, STAGE1.BIN and RUNTIME.BIN signed)", "s",
                  r.stats(totals), None, note="Strata only: compare firmware_time (unsigned)")
    bench.add_row("stage0_signature_checks", "stage0's RSA-3072 checks of STAGE1.BIN and "
                  "RUNTIME.BIN together (its log)", "ms", r.stats(checks), None,
                  note="Strata only: OVMF's code is in flash, not on the ESP")


def bench_linux(bench):
    """Rows: QEMU start to the initramfs's STRATA-USERSPACE-OK, per image, round-robin."""
    images = [n for n in LINUX_IMAGES if (bench.build / "images" / f"{n}.img").exists()]
    for n in LINUX_IMAGES:
        if n not in images:
            bench.notes.append(f"{n}: build/images/{n}.img missing (make images): row skipped")
    times = {n: {"strata": [], "ovmf": []} for n in images}
    for i in bench.rounds("linux", bench.args.linux_runs):
        for image in images:
            for name, fw in bench.firmwares():
                disk = q.copy_disk(bench.build / "images" / f"{image}.img", bench.work, name)
                res, _ = bench.run(image, name, fw, disk, bench.timeouts["linux"],
                                   lambda res: res.marker_at is not None, LINUX_MARKER,
                                   tag=str(i + 1))
                disk.unlink()
                times[image][name].append(res.marker_at)
    for image in images:
        st = {n: r.stats(times[image][n]) for n in ("strata", "ovmf")}
        note = " (includes its 5 s menu timeout)" if image == "systemd-boot" else ""
        bench.add_row(image.replace("-", "_"), f"QEMU start → Linux userspace, {image}{note}",
                      "s", st["strata"], st["ovmf"] if bench.ovmf else None)


def bench_secure_boot(bench):
    """Rows: LoadImage of the Debian UKI with Secure Boot off, then on (loadbench.efi enrols PK,
    KEK and db itself); Strata from pflash, OVMF's Secure Boot build (q35 with SMM)."""
    if not bench.load_disk:
        bench.notes.append(f"loadimage rows skipped: {bench.load_what}")
        return
    flash = ("pflash", (bench.build / "stage0.rom", bench.build / "strata-vars.fd"))
    fws = [("strata", flash)] + ([("ovmf", ("ovmf-secboot", None))] if bench.ovmf else [])
    figures = {"off": {"strata": [], "ovmf": []}, "on": {"strata": [], "ovmf": []}}
    for i in bench.rounds("secureboot", bench.args.runs):
        for name, fw in fws:
            res, ok = bench.run("loadbench", name, fw, bench.load_disk,
                                bench.timeouts["readbench"],
                                lambda res: exited_ok(res) and r.parse_loadbench(res.log),
                                tag=str(i + 1), machine="q35,smm=on")
            off, on = r.parse_loadbench(res.log) if ok else (None, None)
            figures["off"][name].append(off)
            figures["on"][name].append(on)
    for key, label in (("on", "Secure Boot on: the Authenticode hash and the signature checked "
                              "against db"), ("off", "Secure Boot off (setup mode)")):
        st = {n: r.stats(figures[key][n]) for n in ("strata", "ovmf")}
        bench.add_row(f"loadimage_uki_sb_{key}_ms", f"LoadImage of the Debian UKI "
                      f"({bench.load_what}, signed by a db key), {label}", "ms", st["strata"],
                      st["ovmf"] if bench.ovmf else None)


def bench_variables(bench):
    """Rows: 100 SetVariable calls of 1 KiB NON_VOLATILE at boot time (varbench.efi) and the
    same through efivarfs from Linux; Strata from pflash with its store, OVMF with its own."""
    flash = ("pflash", (bench.build / "stage0.rom", bench.build / "strata-vars.fd"))
    fws = [("strata", flash)] + ([("ovmf", ("ovmf", None))] if bench.ovmf else [])
    boot = {"strata": [], "ovmf": []}
    for i in bench.rounds("variables", bench.args.runs):
        for name, fw in fws:
            res, ok = bench.run("varbench", name, fw, bench.var_disk,
                                bench.timeouts["readbench"], varbench_ok, tag=str(i + 1))
            boot[name].append(r.parse_varbench(res.log) if ok else None)
    st = {n: r.stats(boot[n]) for n in boot}
    bench.add_row("varbench_boot_ms", "100 SetVariable calls of 1 KiB NON_VOLATILE at boot time "
                  "(varbench.efi; Strata from pflash)", "ms", st["strata"],
                  st["ovmf"] if bench.ovmf else None)
    if not bench.var_linux_disk:
        bench.notes.append("varbench_linux: build/images/systemd-boot.img missing (make "
                           "images): row skipped")
        return
    linux = {"strata": [], "ovmf": []}
    for i in bench.rounds("variables_linux", bench.args.linux_runs):
        for name, fw in fws:
            disk = q.copy_disk(bench.var_linux_disk, bench.work, name)
            res, _ = bench.run("varbench_linux", name, fw, disk, bench.timeouts["linux"],
                               lambda res: r.parse_linux_varbench(res.log) is not None,
                               "STRATA-DONE", tag=str(i + 1))
            disk.unlink()
            linux[name].append(r.parse_linux_varbench(res.log))
    st = {n: r.stats(linux[n]) for n in linux}
    bench.add_row("varbench_linux_ms", "the same 100 writes of 1 KiB through efivarfs from Linux "
                  "(systemd-boot image, strata.action=varbench)", "ms", st["strata"],
                  st["ovmf"] if bench.ovmf else None)


def sizes(bench):
    """File sizes of both firmwares and the runtime memory each leaves reserved for the OS."""
    b = bench.build
    strata = {k: (b / f).stat().st_size for k, f in
              (("stage0_rom", "stage0.rom"), ("stage1_bin", "stage1.bin"),
               ("runtime_bin", "runtime.bin"))}
    strata["total"] = sum(strata.values())
    ovmf = {"code_fd": None, "vars_fd": None, "total": None}
    if bench.ovmf:
        ovmf = {"code_fd": q.OVMF_CODE.stat().st_size, "vars_fd": q.OVMF_VARS.stat().st_size}
        ovmf["total"] = ovmf["code_fd"] + ovmf["vars_fd"]
    rb = getattr(bench, "readbench", {})
    memory_map = {}
    for name, out in (("strata", strata), ("ovmf", ovmf)):
        if name in rb:
            out["runtime_reserved_kib"] = rb[name].get("runtime_reserved_kib")
            memory_map[name] = rb[name]["pages"]
    return {"strata": strata, "ovmf": ovmf}, memory_map


def standard_notes(bench):
    a = bench.args
    notes = [
        "Every run is a fresh QEMU process; OVMF gets a fresh copy of OVMF_VARS each run (made "
        "before the clock starts), so each run starts from the same state.",
        "The floor is the same QEMU command line with a 64 KiB ROM whose reset vector writes to "
        "isa-debug-exit: QEMU's own start-up and exit, shared by both firmwares.",
        "Linux rows: time until STRATA-USERSPACE-OK is read from the serial pipe; each run boots "
        "a private copy of the image (systemd-boot writes its random seed).",
        "MB/s is 10^6 bytes per second, timed inside the firmware by readbench.efi (TSC "
        "calibrated on the ACPI PM timer), only around the Read calls.",
    ]
    if a.accel == "tcg" and not a.quick:
        notes.append(f"TCG (KVM absent or unable to run firmware): Linux rows run {a.linux_runs} times per "
                     "firmware to keep make bench under 10 minutes on 2 cores; figures are "
                     "emulation speed, not what KVM users see.")
    load, cpus = float(bench.machine["loadavg"].split()[0]), bench.machine["nproc"] or 1
    if load > cpus / 2:
        notes.append(f"The host was busy when the run started (load average {load:.2f} on "
                     f"{cpus} CPUs): expect noise, wide min–max ranges, and OVMF (more CPU-bound "
                     "under TCG) to suffer more from it than Strata.")
    if not bench.ovmf:
        notes.append(f"OVMF not found ({q.OVMF_CODE}): OVMF columns empty (Debian package ovmf)")
    if a.quick:
        notes.append("Quick mode: 1 run, exit-on-entry rows only; no figure here is a benchmark.")
    return notes


def build_report(bench):
    phase_logs = {src: bench.logs.get(row, {}).get("strata", [])
                  for src, row in (("exit_on_entry", "exit_on_entry"), ("linux_uki", "linux-uki"))}
    sz, memory_map = sizes(bench)
    return {
        "schema": 1,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": bench.machine,
        "accel": bench.args.accel,
        "quick": bench.args.quick,
        "runs": bench.runs_done,
        "rows": bench.rows,
        "phases": r.phase_table({k: v for k, v in phase_logs.items() if v}),
        "sizes": sz,
        "memory_map_pages": memory_map,
        "readbench": {n: {k: v.get(k) for k in ("clock", "bytes", "chunk", "open_us")}
                      for n, v in getattr(bench, "readbench", {}).items()},
        "notes": standard_notes(bench) + bench.notes,
        "elapsed_s": round(bench.budget.elapsed(), 1),
    }


def check_inputs(bench):
    need = ["stage0.rom", "stage1.bin", "runtime.bin", "mkimage", "efi-apps/exit-on-entry.efi",
            "strata-pvh.elf"]
    if not bench.args.quick:
        need += ["efi-apps/readbench.efi", "efi-apps/varbench.efi", "strata-vars.fd"]
    missing = [n for n in need if not (bench.build / n).exists()]
    if missing:
        sys.exit(f"strata_bench: missing in {bench.build}: {', '.join(missing)} (run make)")


def main(argv=None):
    args = parse_args(argv)
    bench = Bench(args)
    check_inputs(bench)
    bench.machine = machine_info()
    print(f"bench: {args.accel.upper()}, {args.runs} run(s) per row"
          f"{'' if args.quick else f', {args.linux_runs} for Linux rows'}", flush=True)
    prepare(bench)
    if "exit" in args.rows or args.quick:
        bench_exit_on_entry(bench)
        bench_display_cost(bench)
    if not args.quick:
        # The recovery and disk-controller rows share the readbench group's disks and place.
        for group, rows in (("readbench", (bench_readbench, bench_recovery, bench_disk_controllers,
                                          bench_signed_stages)),
                            ("pvh", (bench_pvh,)), ("coreboot", (bench_coreboot,)),
                            ("linux", (bench_linux,)),
                            ("variables", (bench_variables,)),
                            ("secureboot", (bench_secure_boot,)),
                            ("storage", (bench_read_controllers, bench_every_controller))):
            if group in args.rows:
                for row in rows:
                    row(bench)
    bench.machine["loadavg_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report = build_report(bench)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    markdown = r.render_markdown(report)
    (args.out / "report.md").write_text(markdown)
    if args.results:
        args.results.write_text(RESULTS_PREFACE + markdown.split("\n", 1)[1])
    shutil.rmtree(bench.work, ignore_errors=True)
    print(markdown, end="")
    print(f"bench: {report['elapsed_s']} s; {args.out / 'report.md'}, {args.out / 'report.json'}")
    # Success: Strata gave a figure in the first row run.
    return 0 if report["rows"] and report["rows"][0]["strata"]["median"] is not None else 1


if __name__ == "__main__":
    sys.exit(main())
