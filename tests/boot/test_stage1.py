# SPDX-License-Identifier: MIT
"""stage1 under stage0: EFI payloads boot, and the self-test passes every case required of Strata."""
import sys

import pytest
from conftest import BUILD, ROOT, build_disk

sys.path.insert(0, str(ROOT / "tests" / "efi-apps"))
from ovmf_boot import selftest_files  # noqa: E402
from selftest_log import SelftestResult, required_cases  # noqa: E402

APPS = BUILD / "efi-apps"
BOOT_TIMEOUT = 60
SELFTEST_TIMEOUT = 240


def strata_files(payloads, runtime=True):
    files = {"/STRATA/STAGE1.BIN": BUILD / "stage1.bin"}
    if runtime:
        files["/STRATA/RUNTIME.BIN"] = BUILD / "runtime.bin"
    files.update(payloads)
    return files


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_hello_payload_runs_and_returns(tmp_path, qemu, machine):
    disk = build_disk(tmp_path / "disk.img",
                      strata_files({"/EFI/BOOT/BOOTX64.EFI": APPS / "hello.efi"}))
    run = qemu(disk, machine=machine)
    assert run.wait_for("nothing more to boot", BOOT_TIMEOUT), run.log()
    out = run.output
    assert "stage1: UEFI environment ready" in out
    assert "boot: starting \\EFI\\BOOT\\BOOTX64.EFI" in out
    assert "Hello from Strata efi-apps/hello" in out
    assert "boot: \\EFI\\BOOT\\BOOTX64.EFI returned" in out


def test_payload_that_is_not_a_pe_image_is_reported(tmp_path, qemu):
    disk = build_disk(tmp_path / "disk.img",
                      strata_files({"/EFI/BOOT/BOOTX64.EFI": b"MZ this is not a PE image" * 40}))
    run = qemu(disk)
    assert run.wait_for("nothing more to boot", BOOT_TIMEOUT), run.log()
    assert "not a loadable x86-64 EFI image" in run.output
    assert "cannot load \\EFI\\BOOT\\BOOTX64.EFI: EFI_LOAD_ERROR" in run.output


def test_boots_without_runtime_blob(tmp_path, qemu):
    disk = build_disk(tmp_path / "disk.img",
                      strata_files({"/EFI/BOOT/BOOTX64.EFI": APPS / "hello.efi"}, runtime=False))
    run = qemu(disk)
    assert run.wait_for("nothing more to boot", BOOT_TIMEOUT), run.log()
    assert "runtime services will report EFI_UNSUPPORTED" in run.output
    assert "Hello from Strata efi-apps/hello" in run.output


# The console and GOP cases on virtio-gpu too, whose Blt flushes through the device.
@pytest.mark.parametrize("machine,display", [("q35", None), ("pc", None),
                                             ("q35", "virtio-gpu-pci")])
def test_selftest_passes_required_cases(tmp_path, qemu, machine, display):
    disk = build_disk(tmp_path / "disk.img", strata_files(selftest_files()))
    extra = ["-vga", "none", "-device", display] if display else []
    run = qemu(disk, machine=machine, memory="512", extra=extra)
    assert run.wait_for(" failed\n", SELFTEST_TIMEOUT), run.log()
    result = SelftestResult(run.output)
    assert result.tally is not None, run.log()
    missing = [name for name in required_cases() if name not in result.passed]
    assert not missing, f"required cases not passed: {missing}\n" + "\n".join(
        f"FAIL {n}: {r}" for n, r in result.failed.items())
    if display:
        assert "Blt only (virtio-gpu)" in run.output, run.log()
    print(f"self-test under Strata ({machine}): {result.tally[0]} passed, "
          f"{result.tally[1]} failed")
    # The self-test ends with ResetSystem(EfiResetShutdown): QEMU must power off.
    assert run.wait_exit(30) is not None, "ResetSystem(EfiResetShutdown) did not power off\n" + run.log()
