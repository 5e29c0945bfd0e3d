# SPDX-License-Identifier: MIT
"""make bench-test: the benchmark driver runs in quick mode and its report parses (no timings)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("STRATA_BUILD", ROOT / "build")).resolve()
DRIVER = ROOT / "bench" / "strata_bench.py"
INPUTS = ["stage0.rom", "stage1.bin", "runtime.bin", "mkimage", "efi-apps/exit-on-entry.efi"]

sys.path.insert(0, str(ROOT / "bench"))
import bench_qemu  # noqa: E402
import bench_report  # noqa: E402

STATS_KEYS = {"runs", "median", "min", "max", "failed"}


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    """One quick run of the driver: (exit status, report.json, report.md, its console output)."""
    missing = [n for n in INPUTS if not (BUILD / n).exists()]
    if missing:
        pytest.skip(f"not built: {', '.join(missing)} (make bench-test builds them)")
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run(["/usr/bin/python3", str(DRIVER), "--quick", "--out", str(out),
                           "--build", str(BUILD)], capture_output=True, text=True, timeout=300)
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() \
        else None
    md = (out / "report.md").read_text() if (out / "report.md").exists() else ""
    return proc.returncode, report, md, proc.stdout + proc.stderr


def test_quick_run_exits_zero_and_writes_both_reports(quick_report):
    rc, report, md, output = quick_report
    assert rc == 0, output
    assert report is not None, output
    assert "| measurement | Strata | OVMF | Strata/OVMF |" in md
    assert "| measurement |" in output, "the table is printed too"


def test_report_has_the_expected_keys(quick_report):
    _, report, _, output = quick_report
    for key in ("schema", "date", "machine", "accel", "quick", "runs", "rows", "phases",
                "sizes", "notes", "elapsed_s"):
        assert key in report, f"{key} missing:\n{output}"
    assert report["quick"] is True
    assert report["accel"] in ("kvm", "tcg")
    assert {"nproc", "cpu", "qemu"} <= set(report["machine"])


def test_quick_mode_has_the_exit_on_entry_rows_with_stats(quick_report):
    _, report, _, _ = quick_report
    rows = {row["id"]: row for row in report["rows"]}
    assert set(rows) == {"floor", "exit_on_entry", "firmware_time", "firmware_time_no_display",
                         "firmware_time_virtio_gpu", "firmware_time_no_nic",
                         "firmware_time_virtio_net", "display_cost_ms"}
    for row in rows.values():
        assert {"label", "unit", "strata", "ovmf", "ratio"} <= set(row)
        assert STATS_KEYS <= set(row["strata"])
        if row["ovmf"] is not None:
            assert STATS_KEYS <= set(row["ovmf"])


def test_sizes_and_phases_come_from_the_build_and_strata_log(quick_report):
    _, report, _, _ = quick_report
    strata = report["sizes"]["strata"]
    assert strata["stage0_rom"] == (BUILD / "stage0.rom").stat().st_size
    assert strata["total"] == sum(strata[k] for k in ("stage0_rom", "stage1_bin", "runtime_bin"))
    started = [p for p in report["phases"] if p["phase"] == "boot: payload started"]
    assert started and started[0]["exit_on_entry"]["runs"] == 1


def test_floor_rom_is_the_kvm_probes_rom_and_exits_qemu(tmp_path):
    rom = bench_qemu.write_floor_rom(tmp_path / "floor.rom")
    assert rom.stat().st_size == 64 * 1024
    run = subprocess.run([str(bench_qemu.STRATA_ACCEL), "--run", "tcg"],
                         env=dict(os.environ, STRATA_KVM_PROBE_ROM=str(rom)))
    assert run.returncode == 0


def test_quick_mode_display_cost_comes_from_two_pairs_of_strata_logs(quick_report):
    _, report, _, _ = quick_report
    row = {row["id"]: row for row in report["rows"]}["display_cost_ms"]
    assert row["ovmf"] is None and row["unit"] == "ms"
    assert len(row["strata"]["runs"]) == 2 and row["strata"]["failed"] == 0
    # Stage1 with a display takes more than a few microseconds and less than a second more.
    assert -1000 < row["strata"]["median"] < 1000


def test_stage1_span_runs_from_stage1s_first_line_to_the_payload():
    log = "\n".join([
        "[   0.040] stage0: entering stage1 at 0x7f00000",
        "[   0.042] stage1: Strata stage1 abc",
        "[   0.043] stage1: Strata stage1 abc (a second line of the same kind)",
        "[   0.061] boot: Esc or F12: boot menu",
        "[   0.063] boot: starting \\EFI\\BOOT\\BOOTX64.EFI",
        "[   0.090] boot: starting \\EFI\\BOOT\\BOOTX64.EFI",
    ])
    assert round(bench_report.stage1_span(log), 6) == 0.021
    assert bench_report.stage1_span("[   0.042] stage1: Strata stage1 abc\n") is None


def test_paired_difference_is_robust_to_a_stall_and_resolves_below_the_log_step():
    # Five pairs, one std run stalled by the host; ms steps alternate between 2 and 3 apart.
    std = [22.0, 23.0, 22.0, 90.0, 23.0]
    none = [20.0, 20.0, 20.0, 20.0, 20.0]
    d = bench_report.paired_difference(std, none)
    # The lower half (22, 22, 23) against 20s: 7/3 ms, where the medians differ by a whole 3.
    assert d["median"] == round(7 / 3, 4) and d["min"] == 2.0 and d["max"] == 3.0
    assert d["runs"] == [2.0, 3.0, 2.0, 70.0, 3.0] and d["failed"] == 0
    d = bench_report.paired_difference([None, 22.0], [20.0, 20.0])
    assert d["failed"] == 1 and d["median"] == 2.0


def test_phases_are_parsed_in_boot_order_and_stop_at_exit_boot_services():
    log = "\n".join([
        "[   0.010] stage0: Strata stage0 abc",
        "[   0.029] stage0: PCI: 7 functions, MMIO c0000000..c106d000",
        "[   0.110] boot: starting \\EFI\\BOOT\\BOOTX64.EFI",
        "\x1b[2J[   5.545] stage1: ExitBootServices: handing over to the OS",
        "[    0.000000] stage0: PCI: a Linux line after the hand-over",
    ])
    phases = bench_report.parse_phases(log)
    assert phases == {"stage0: C code running": 0.010, "stage0: PCI enumerated, BARs set": 0.029,
                      "boot: payload started": 0.110, "ExitBootServices": 5.545}
    table = bench_report.phase_table({"linux_uki": [log, log]})
    assert [p["linux_uki"]["step"] for p in table][:2] == [None, 0.019]


def test_readbench_output_is_parsed():
    log = ("readbench: clock TSC 2097096 kHz, calibrated on the ACPI PM timer at 0x608\n"
           "readbench: read bytes=67108864 us=120153 chunk=1048576 open_us=4500\n"
           "readbench: memmap type=5 pages=19 name=RuntimeServicesCode\n"
           "readbench: runtime-reserved pages=69 kib=276\nREADBENCH-DONE Success\n")
    out = bench_report.parse_readbench(log)
    assert out["bytes"] == 64 * 1024 * 1024
    assert round(out["mbps"]) == 559
    assert out["runtime_reserved_kib"] == 276
    assert out["pages"] == {"RuntimeServicesCode": 19}


def test_variable_rows_output_is_parsed():
    log = "varbench: set count=100 bytes=1024 us=5560412\nVARBENCH-DONE Success\n"
    assert bench_report.parse_varbench(log) == 5560.412
    assert bench_report.parse_varbench(log.replace("Success", "Device Error")) is None
    linux = "strata: varbench: 100 writes of 1024 bytes in 4760123 us\n"
    assert bench_report.parse_linux_varbench(linux) == 4760.123
    assert bench_report.parse_linux_varbench("strata: varbench write 7 failed\n" + linux) is None
    assert bench_report.parse_linux_varbench(linux.replace("1024", "1000")) is None
    assert bench_report.fmt(5560.412, "ms") == "5560.4 ms"


def test_pflash_firmware_gets_a_fresh_vars_copy(tmp_path):
    template = tmp_path / "template.fd"
    template.write_bytes(b"\xff" * 4096)
    args = bench_qemu.qemu_command("tcg", ("pflash", (tmp_path / "code.rom", template)),
                                   tmp_path / "disk.img", tmp_path, "varbench-strata1")
    copy = tmp_path / "strata-vars-varbench-strata1.fd"
    assert copy.read_bytes() == template.read_bytes()
    assert f"if=pflash,format=raw,unit=1,file={copy}" in args
    assert "-bios" not in args


def test_pvh_firmware_is_given_as_kernel_on_the_rows_machine(tmp_path):
    elf = tmp_path / "strata-pvh.elf"
    args = bench_qemu.qemu_command("tcg", ("pvh", elf), tmp_path / "disk.img", tmp_path,
                                   "pvh-strata1", disk_device="virtio-blk-device",
                                   machine="microvm")
    assert args[args.index("-kernel") + 1] == str(elf)
    assert "microvm,accel=tcg" in args and "virtio-blk-device,drive=d0" in args
    assert "-bios" not in args and not any("pflash" in a for a in args)
