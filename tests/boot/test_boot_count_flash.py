# SPDX-License-Identifier: MIT
"""Boot counts that survive a power off (docs/updating.md): with pflash unit 1 holding the variable
store, stage0 keeps the try record there as StrataBootRecord besides CMOS, so a stage1 that hangs
on a machine without a watchdog, killed and started again by its user, is not tried forever."""
import re
import subprocess
import time

from conftest import BUILD
from test_safe_update import BOOT_TIMEOUT, CLI_HLT, HELLO, hello_disk, patched_stage1

TRY_TIMEOUT = 120
MIB = 1024 * 1024


def boot_counts(store):
    """`mkimage vars list`'s StrataBootRecord line: {copy: (tries, good)}, and the line."""
    listing = subprocess.run([str(BUILD / "mkimage"), "vars", "list", str(store)], check=True,
                             capture_output=True, text=True).stdout
    line = next((ln for ln in listing.splitlines() if " StrataBootRecord " in ln), "")
    counts = {c: (int(t), g == "good")
              for c, t, g in re.findall(r"(STAGE1\.\w+)=fingerprint:\w+,tries:(\d+),([\w-]+)",
                                        line)}
    return counts, line


def wait_for_counts(store, copy, want, timeout=30):
    """Poll the store file until copy's counts are want (stage0 writes them before its jump)."""
    deadline = time.monotonic() + timeout
    while True:
        counts, line = boot_counts(store)
        if counts.get(copy) == want or time.monotonic() > deadline:
            return counts, line
        time.sleep(0.5)


def template(tmp_path):
    store = tmp_path / "vars.fd"
    store.write_bytes((BUILD / "strata-vars.fd").read_bytes())
    return store


def test_hanging_stage1_without_watchdog_falls_back_after_three_power_offs(tmp_path, qemu):
    """pc without an i6300esb: nothing resets the hung stage1 but its user, who kills QEMU and
    starts it again (fresh CMOS each time); the fourth power on boots STAGE1.BAK."""
    disk = hello_disk(tmp_path, patched_stage1(CLI_HLT))
    store = template(tmp_path)
    for n in (1, 2, 3):
        run = qemu(disk, machine="pc", reboot=True, vars_store=store)
        assert run.wait_for(f"STAGE1.BIN is not yet known good: try {n} of 3, no watchdog: a "
                            "hang needs a reset from outside", TRY_TIMEOUT), run.log()
        assert ("boot counts from the variable store on pflash (CMOS held none: powered on)"
                in run.output) == (n > 1), run.log()
        counts, line = wait_for_counts(store, "STAGE1.BIN", (n, False))
        assert counts.get("STAGE1.BIN") == (n, False), (n, line, run.log())
        run.kill()  # the power off
    run = qemu(disk, machine="pc", reboot=True, vars_store=store)
    assert run.wait_for(HELLO, BOOT_TIMEOUT), run.log()
    out = run.output
    assert "failed 3 tries in a row (it crashed, hung or reset before " \
        "reaching the boot manager): passing over it" in out, run.log()
    assert "booting the BACKUP stage1" in out, run.log()
    assert "STAGE1.BAK reached the boot manager on try 1: it is known good now" in out, run.log()
    assert "copy=STAGE1.BAK try=1 passed=STAGE1.BIN" in out, run.log()
    assert out.count("Strata stage0") == 1, out  # the tries came from the store, not resets
    counts, line = wait_for_counts(store, "STAGE1.BAK", (0, True))
    assert counts.get("STAGE1.BAK") == (0, True), line
    assert counts.get("STAGE1.BIN") == (3, False), line


def test_good_stage1_marked_good_survives_power_off_without_another_try(tmp_path, qemu):
    """A blank store: the runtime formats it, stage1 writes the record at the boot manager; after
    a power off STAGE1.BIN starts as known good."""
    disk = hello_disk(tmp_path, (BUILD / "stage1.bin").read_bytes())
    store = tmp_path / "vars.fd"
    store.write_bytes(b"\xff" * MIB)
    run = qemu(disk, machine="pc", reboot=True, vars_store=store)
    assert run.wait_for(HELLO, BOOT_TIMEOUT), run.log()
    assert "pflash store not formatted yet: boot counts in CMOS only" in run.output, run.log()
    assert "STAGE1.BIN is not yet known good: try 1 of 3" in run.output, run.log()
    assert "copy=STAGE1.BIN try=1 passed=none" in run.output, run.log()
    counts, line = wait_for_counts(store, "STAGE1.BIN", (0, True))
    assert counts.get("STAGE1.BIN") == (0, True), line
    run.kill()
    run = qemu(disk, machine="pc", reboot=True, vars_store=store)
    assert run.wait_for(HELLO, BOOT_TIMEOUT), run.log()
    out = run.output
    assert "boot counts from the variable store on pflash (CMOS held none: powered on)" in out
    assert "not yet known good" not in out, run.log()
    assert "copy=STAGE1.BIN try=0 passed=none" in out, run.log()
    # A known-good boot writes nothing: the store is as the first boot left it.
    before = store.read_bytes()
    run.kill()
    run = qemu(disk, machine="pc", reboot=True, vars_store=store)
    assert run.wait_for(HELLO, BOOT_TIMEOUT), run.log()
    assert "copy=STAGE1.BIN try=0 passed=none" in run.output, run.log()
    run.kill()
    assert store.read_bytes() == before


def test_without_pflash_a_power_off_still_starts_the_count_over(tmp_path, qemu):
    """-bios: no store, the record is in CMOS only, as before (docs/updating.md says so)."""
    disk = hello_disk(tmp_path, patched_stage1(CLI_HLT))
    for _ in range(2):
        run = qemu(disk, machine="pc", reboot=True)
        assert run.wait_for("STAGE1.BIN is not yet known good: try 1 of 3", TRY_TIMEOUT), \
            run.log()
        assert "variable store on pflash" not in run.output, run.log()
        assert "pflash store" not in run.output, run.log()
        run.kill()
