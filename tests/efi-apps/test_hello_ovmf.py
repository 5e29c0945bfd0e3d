# SPDX-License-Identifier: MIT
"""The smallest payloads boot on OVMF: hello prints its line, exit-on-entry ends QEMU at once."""
from ovmf_boot import APPS, build_disk, ovmf  # noqa: F401 (ovmf is a fixture)

BOOT_TIMEOUT = 180  # OVMF under TCG takes tens of seconds to reach the boot manager


def test_hello_prints_its_line_on_ovmf(ovmf, tmp_path):
    disk = build_disk(tmp_path / "hello.img", {"/EFI/BOOT/BOOTX64.EFI": APPS / "hello.efi"})
    run = ovmf(disk)
    # hello returns to the boot manager, which goes on to other options: wait for the line only.
    assert run.wait_for("Hello from Strata efi-apps/hello", BOOT_TIMEOUT), run.log()


def test_exit_on_entry_ends_qemu_with_status_1_on_ovmf(ovmf, tmp_path):
    disk = build_disk(tmp_path / "exit.img", {"/EFI/BOOT/BOOTX64.EFI": APPS / "exit-on-entry.efi"})
    run = ovmf(disk)
    # isa-debug-exit: QEMU's status is (value << 1) | 1, so writing 0 exits with 1.
    rc = run.wait_exit(BOOT_TIMEOUT)
    assert rc == 1, run.log()
    assert "no isa-debug-exit device" not in run.output, run.log()


def test_exit_on_entry_falls_through_to_its_message_without_the_device(ovmf, tmp_path):
    """Its entry stub hands the firmware's arguments on to crt0 intact when nothing stops QEMU."""
    disk = build_disk(tmp_path / "exit.img", {"/EFI/BOOT/BOOTX64.EFI": APPS / "exit-on-entry.efi"})
    run = ovmf(disk, debug_exit=False)
    assert run.wait_for("exit-on-entry: no isa-debug-exit device at 0xf4", BOOT_TIMEOUT), run.log()
