# SPDX-License-Identifier: MIT
"""make bench results: statistics, Strata log and readbench parsing, the markdown report."""
import re
import statistics

# Strata's log lines, "[   0.070] disk: boot disk ...": seconds since stage0's reset (TSC).
LOG_LINE = re.compile(r"\[\s*(\d+\.\d+)\]\s+(.*)")

# The phases of a Strata boot, in boot order, each the first log line matching its pattern.
PHASES = [
    ("stage0: C code running", r"^stage0: Strata stage0"),
    ("stage0: memory map (fw_cfg e820)", r"^memory: \d+ ranges"),
    ("stage0: PCI enumerated, BARs set", r"^stage0: PCI:"),
    ("stage0: boot disk, GPT, FAT", r"^disk: boot disk"),
    ("stage0: stage1 loaded and verified", r"^stage0: stage1 .*verified"),
    ("stage0: runtime loaded and verified", r"^stage0: runtime .*verified"),
    ("stage0: entering stage1", r"^stage0: entering stage1"),
    ("stage1: memory map", r"^memory: .*usable"),
    ("stage1: disks and partitions", r"^disk: [0-9a-f]{2}:[0-9a-f]{2}\.\d: "),
    ("stage1: ACPI tables", r"^acpi: RSDP"),
    ("stage1: SMBIOS", r"^smbios: "),
    ("stage1: runtime services ready", r"^runtime: services ready"),
    ("stage1: UEFI environment ready", r"^stage1: UEFI environment ready"),
    ("boot: payload started", r"^boot: starting"),
    ("ExitBootServices", r"ExitBootServices: handing over"),
]

MEMORY_TYPES = {5: "RuntimeServicesCode", 6: "RuntimeServicesData", 10: "ACPIMemoryNVS"}


def stats(values):
    """median/min/max of the runs that produced a figure; None marks a run that did not."""
    failed = sum(v is None for v in values)
    values = [v for v in values if v is not None]
    if not values:
        return {"runs": [], "median": None, "min": None, "max": None, "failed": failed}
    return {"runs": [round(v, 4) for v in values], "median": round(statistics.median(values), 4),
            "min": round(min(values), 4), "max": round(max(values), 4), "failed": failed}


def stage1_span(log):
    """Seconds from stage1's first log line to the payload's start, from Strata's log, or None."""
    start = None
    for line in log.splitlines():
        m = LOG_LINE.search(line)
        if not m:
            continue
        stamp, text = float(m.group(1)), m.group(2)
        if start is None and text.startswith("stage1: Strata stage1"):
            start = stamp
        elif start is not None and text.startswith("boot: starting"):
            return stamp - start
    return None


def lower_half_mean(values):
    """The mean of the values at or below their median: a stall of the host only adds time, and
    a mean of several resolves steps finer than the log's milliseconds."""
    ordered = sorted(values)
    return statistics.mean(ordered[:len(ordered) // 2 + 1])


def paired_difference(a, b):
    """What runs a took over runs b (interleaved pairs; None marks a run without a figure): the
    lower halves' means' difference as the median field, the minima's difference as min and the
    medians' as max, so the row reads like the others."""
    failed = sum(x is None or y is None for x, y in zip(a, b))
    pairs = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    if not pairs:
        return {"runs": [], "median": None, "min": None, "max": None, "failed": failed}
    xs, ys = [x for x, _ in pairs], [y for _, y in pairs]
    return {"runs": [round(x - y, 4) for x, y in pairs],
            "median": round(lower_half_mean(xs) - lower_half_mean(ys), 4),
            "min": round(min(xs) - min(ys), 4),
            "max": round(statistics.median(xs) - statistics.median(ys), 4), "failed": failed}


def ratio(strata, ovmf):
    """Strata's median over OVMF's, when both exist."""
    if not strata or not ovmf or strata["median"] is None or not ovmf["median"]:
        return None
    return round(strata["median"] / ovmf["median"], 3)


def parse_phases(log):
    """{phase: seconds since reset} from one Strata log; Linux's own lines are not looked at."""
    found = {}
    for line in log.splitlines():
        m = LOG_LINE.search(line)
        if not m:
            continue
        stamp, text = float(m.group(1)), m.group(2)
        for name, pattern in PHASES:
            if name not in found and re.search(pattern, text):
                found[name] = stamp
                break
        if "ExitBootServices" in found:
            break
    return found


def phase_stats(logs):
    """{phase: median/min/max timestamp and run count} over the logs that reached it."""
    per_log = [parse_phases(log) for log in logs]
    out = {}
    for name, _ in PHASES:
        stamps = [p[name] for p in per_log if name in p]
        if stamps:
            out[name] = {"median": round(statistics.median(stamps), 4), "min": min(stamps),
                         "max": max(stamps), "runs": len(stamps)}
    return out


def phase_table(sources):
    """One row per phase seen in any source ({source: [logs]}): its stats per source, and the
    step from the phase above in the same source."""
    per_source = {src: phase_stats(logs) for src, logs in sources.items()}
    rows, previous = [], {src: None for src in sources}
    for name, _ in PHASES:
        if not any(name in stats_ for stats_ in per_source.values()):
            continue
        row = {"phase": name}
        for src, stats_ in per_source.items():
            st = stats_.get(name)
            if st:
                prev = previous[src]
                st["step"] = round(st["median"] - prev, 4) if prev is not None else None
                previous[src] = st["median"]
            row[src] = st
        rows.append(row)
    return rows


def parse_readbench(log):
    """readbench's figures: MB/s (10^6 bytes/s), bytes, microseconds, pages per memory type."""
    out = {"pages": {}}
    m = re.search(r"readbench: read bytes=(\d+) us=(\d+) chunk=(\d+) open_us=(\d+)", log)
    if m:
        out.update(bytes=int(m.group(1)), us=int(m.group(2)), chunk=int(m.group(3)),
                   open_us=int(m.group(4)))
        out["mbps"] = out["bytes"] / out["us"] if out["us"] else None
    m = re.search(r"readbench: write bytes=(\d+) us=(\d+) chunk=(\d+) flush_us=(\d+)", log)
    if m:
        out["write"] = {"bytes": int(m.group(1)), "us": int(m.group(2)),
                        "chunk": int(m.group(3)), "flush_us": int(m.group(4))}
        out["write_mbps"] = out["write"]["bytes"] / out["write"]["us"] if out["write"]["us"] \
            else None
    for t, pages, name in re.findall(r"readbench: memmap type=(\d+) pages=(\d+) name=(\w+)", log):
        out["pages"][name] = int(pages)
    m = re.search(r"readbench: runtime-reserved pages=(\d+) kib=(\d+)", log)
    if m:
        out["runtime_reserved_kib"] = int(m.group(2))
    m = re.search(r"readbench: clock (.*)", log)
    out["clock"] = m.group(1).strip() if m else None
    return out


def parse_loadbench(log):
    """loadbench.efi's figures: milliseconds of LoadImage with Secure Boot off and on, or None."""
    m = re.search(r"loadbench: loadimage off_us=(\d+) on_us=(\d+)", log)
    return (int(m.group(1)) / 1000, int(m.group(2)) / 1000) if m else None


def parse_varbench(log):
    """varbench.efi's figure: milliseconds of 100 SetVariable calls of 1 KiB, or None."""
    m = re.search(r"varbench: set count=100 bytes=1024 us=(\d+)", log)
    return int(m.group(1)) / 1000 if m and "VARBENCH-DONE Success" in log else None


def parse_linux_varbench(log):
    """The initramfs's figure (strata.action=varbench): milliseconds of 100 efivarfs writes of
    1 KiB, or None when one failed."""
    m = re.search(r"strata: varbench: 100 writes of 1024 bytes in (\d+) us", log)
    return int(m.group(1)) / 1000 if m and "varbench write" not in log else None


def fmt(value, unit):
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "MB/s":
        return f"{value:.0f} MB/s"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value} {unit}"


def fmt_stats(s, unit):
    if not s or s["median"] is None:
        return "—" if not s or not s["failed"] else f"failed ×{s['failed']}"
    text = f"{fmt(s['median'], unit)} ({fmt(s['min'], unit).split()[0]}–" \
           f"{fmt(s['max'], unit).split()[0]})"
    return text + (f", failed ×{s['failed']}" if s["failed"] else "")


def kib(n):
    return "—" if n is None else f"{n / 1024:,.1f} KiB"


def reserved(sizes):
    """The runtime memory a firmware leaves the OS, as found by readbench, or a dash."""
    n = sizes.get("runtime_reserved_kib")
    return "—" if n is None else kib(n * 1024)


def render_markdown(report):
    """The report as markdown: boot rows, throughput, sizes, Strata's phases, notes."""
    m = report["machine"]
    lines = ["# Strata against OVMF: make bench", "",
             f"- date: {report['date']}",
             f"- machine: {m['cpu']}, {m['nproc']} CPUs, {m['kernel']}, load average "
             f"{m['loadavg']} at start, {m.get('loadavg_end', '?')} at the end",
             f"- QEMU: {m['qemu']}, accelerator **{report['accel'].upper()}**, q35, 512 MiB, "
             f"virtio-blk, serial on a pipe",
             f"- runs per row: {', '.join(f'{k} {v}' for k, v in report['runs'].items())}"
             f"{' (quick mode)' if report['quick'] else ''}; Strata and OVMF alternate",
             "", "## Boot time and throughput", "",
             "Median (min–max). Times run from QEMU process start.", "",
             "| measurement | Strata | OVMF | Strata/OVMF |", "|---|---|---|---|"]
    for row in report["rows"]:
        r = "—" if row["ratio"] is None else f"{row['ratio']:.2f}"
        lines.append(f"| {row['label']} | {fmt_stats(row['strata'], row['unit'])} | "
                     f"{fmt_stats(row['ovmf'], row['unit'])} | {r} |")
    sizes = report["sizes"]
    s, o = sizes["strata"], sizes["ovmf"]
    lines += ["", "## Sizes", "", "| item | Strata | OVMF |", "|---|---|---|",
              f"| flash image | stage0.rom {kib(s['stage0_rom'])} | OVMF_CODE {kib(o['code_fd'])} "
              f"(+ VARS {kib(o['vars_fd'])}) |",
              f"| loaded from disk | stage1.bin {kib(s['stage1_bin'])}, runtime.bin "
              f"{kib(s['runtime_bin'])} | — |",
              f"| total firmware bytes | {kib(s['total'])} | {kib(o['total'])} |",
              "| runtime memory left reserved for the OS (RuntimeServicesCode + Data + "
              f"ACPIMemoryNVS) | {reserved(s)} | {reserved(o)} |"]
    if report["phases"]:
        sources = [src for src in ("exit_on_entry", "linux_uki")
                   if any(p.get(src) for p in report["phases"])]
        heads = {"exit_on_entry": "exit-on-entry", "linux_uki": "linux-uki"}
        lines += ["", "## Where Strata's time goes", "",
                  "From Strata's log: seconds since stage0's first C instruction (its TSC, "
                  "calibrated on the PIT), median (min–max) over the runs of each image; step = "
                  "time since the phase above.", "",
                  "| phase | " + " | ".join(f"{heads[s]}: at | step" for s in sources) + " |",
                  "|---|" + "---|---|" * len(sources)]
        for p in report["phases"]:
            cells = []
            for src in sources:
                st = p.get(src)
                if not st:
                    cells += ["", ""]
                    continue
                step = "" if st["step"] is None else f"{st['step'] * 1000:.0f} ms"
                cells += [f"{st['median']:.3f} s ({st['min']:.3f}–{st['max']:.3f})", step]
            lines.append(f"| {p['phase']} | " + " | ".join(cells) + " |")
    if report["notes"]:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in report["notes"]]
    return "\n".join(lines) + "\n"
