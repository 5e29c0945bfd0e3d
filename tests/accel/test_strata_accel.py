# SPDX-License-Identifier: MIT
"""dist/strata-accel, the one KVM probe: its ROM really runs, a KVM that cannot run firmware is
refused with a reason, a missing /dev/kvm is TCG without a word, and forcing works."""
import os
import subprocess
import time
from pathlib import Path

import pytest

PROBE = Path(__file__).resolve().parents[2] / "dist" / "strata-accel"
ROM_SIZE = 64 * 1024


def probe(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STRATA_")}
    return subprocess.run([str(PROBE), *args], env=dict(clean, **env), capture_output=True,
                          text=True, timeout=60)


def hanging_rom(path):
    """A ROM whose reset vector spins (jmp $): what firmware looks like under a broken KVM."""
    rom = bytearray(b"\xF4" * ROM_SIZE)
    rom[0xFFF0:0xFFF2] = b"\xEB\xFE"
    path.write_bytes(rom)
    return path


def test_probe_rom_is_64_kib_with_its_reset_vector_jumping_to_the_mode_switch(tmp_path):
    rom = tmp_path / "probe.rom"
    assert probe("--write-rom", str(rom)).returncode == 0
    data = rom.read_bytes()
    assert len(data) == ROM_SIZE
    assert data[0xFFF0:0xFFF2] == b"\xEB\x8E"  # jmp short 0xff80
    assert data[0xFF80] == 0xFA  # cli, then lgdt and the switch to protected mode


def test_probe_rom_reaches_isa_debug_exit_through_protected_mode_under_tcg():
    assert probe("--run", "tcg").returncode == 0


def test_a_rom_that_never_exits_fails_the_run_within_the_probe_time(tmp_path):
    start = time.monotonic()
    result = probe("--run", "tcg", STRATA_KVM_PROBE_ROM=str(hanging_rom(tmp_path / "hang.rom")),
                   STRATA_KVM_PROBE_SECONDS="2")
    assert result.returncode != 0
    assert time.monotonic() - start < 20


def test_kvm_that_opens_but_does_not_run_firmware_gives_tcg_and_says_why(tmp_path):
    device = tmp_path / "kvm"  # opens read-write, as a broken /dev/kvm does
    device.write_bytes(b"")
    result = probe(STRATA_KVM_DEVICE=str(device), STRATA_KVM_PROBE_SECONDS="2",
                   STRATA_KVM_PROBE_ROM=str(hanging_rom(tmp_path / "hang.rom")))
    assert result.returncode == 0
    assert result.stdout == "tcg\n"
    assert "did not run a test ROM" in result.stderr and "using TCG" in result.stderr


def test_no_kvm_device_gives_tcg_silently(tmp_path):
    result = probe(STRATA_KVM_DEVICE=str(tmp_path / "absent"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "tcg\n", "")


@pytest.mark.parametrize("forced", ["kvm", "tcg"])
def test_strata_accel_forces_the_answer_without_probing(tmp_path, forced):
    result = probe(STRATA_ACCEL=forced, STRATA_KVM_DEVICE=str(tmp_path / "absent"))
    assert (result.returncode, result.stdout) == (0, f"{forced}\n")


def test_a_bad_forced_value_is_refused():
    result = probe(STRATA_ACCEL="hvf")
    assert result.returncode == 2 and "must be kvm or tcg" in result.stderr


def test_the_answer_on_this_host_is_one_qemu_can_use():
    result = probe()
    assert result.stdout.strip() in ("kvm", "tcg")
    if result.stdout.strip() == "kvm":
        assert probe("--run", "kvm").returncode == 0


def test_make_run_on_a_kvm_that_cannot_run_firmware_boots_under_tcg_and_says_so(tmp_path):
    """make run with the probe pointed at a never-exiting ROM and a device node that opens."""
    root = PROBE.parents[1]
    build = Path(os.environ.get("STRATA_BUILD", root / "build"))
    if not (build / "images" / "hello.img").exists():
        pytest.skip("build/images/hello.img not built (make images)")
    device = tmp_path / "kvm"
    device.write_bytes(b"")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STRATA_ACCEL", "MAKE", "MFLAGS"))}
    env.update(STRATA_KVM_DEVICE=str(device), STRATA_KVM_PROBE_SECONDS="2",
               STRATA_KVM_PROBE_ROM=str(hanging_rom(tmp_path / "hang.rom")))
    proc = subprocess.Popen(["make", "-s", "-C", str(root), f"BUILD={build}", "run-image",
                             "IMAGE=hello"], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    output = b""
    try:
        deadline = time.monotonic() + 120
        while b"Hello from Strata" not in output and time.monotonic() < deadline:
            chunk = proc.stdout.read1(4096)
            if not chunk:
                break
            output += chunk
    finally:
        os.killpg(proc.pid, 9)
        proc.wait()
    text = output.decode(errors="replace")
    assert "did not run a test ROM" in text and "using TCG" in text, text
    assert "-machine q35,accel=tcg" in text, text
    assert "Hello from Strata" in text, text
