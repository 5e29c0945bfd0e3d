# SPDX-License-Identifier: MIT
"""The runtime blob as Linux uses it: variables through efivarfs, the clock, power-off and reboot."""
import re
import subprocess
import time

from conftest import shipped_image

LINUX_TIMEOUT = 300
ESP = "@@1M"  # mkimage puts the ESP at 1 MiB


def test_variables_clock_and_poweroff_from_linux(tmp_path, qemu):
    disk = shipped_image("linux-uki", tmp_path)
    run = qemu(disk, memory="512", extra=["-cpu", "max"])
    assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
    out = run.output
    # Linux called SetVirtualAddressMap; a variable written afterwards through efivarfs reads back.
    assert "strata: efivar readback: strata-var-ok" in out, run.log()
    guest = int(re.search(r"strata: date: (\d+)", out).group(1))
    assert abs(guest - time.time()) < 120, f"guest clock {guest}, host {time.time():.0f}"
    hwclock = re.search(r"strata: hwclock: (.*)", out).group(1)
    assert time.strftime("%Y", time.gmtime()) in hwclock, hwclock
    assert "[Firmware Bug]" not in out and "EFI Runtime Services are disabled" not in out
    assert run.wait_for("reboot: Power down", 30), run.log()
    assert run.wait_exit(30) == 0, "power-off did not end QEMU\n" + run.log()


def test_reboot_from_linux_restarts_the_firmware(tmp_path, qemu):
    disk = shipped_image("systemd-boot", tmp_path)
    # A third boot entry, made the default, that asks the initramfs to reboot.
    entry = tmp_path / "reboot.conf"
    entry.write_text("title Strata reboot\nlinux /linux/vmlinuz\ninitrd /linux/initrd.img\n"
                     "options console=ttyS0 panic=-1 strata.action=reboot\n")
    loader = tmp_path / "loader.conf"
    loader.write_text("timeout 0\ndefault reboot.conf\n")
    for src, dest in ((entry, "::/loader/entries/reboot.conf"), (loader, "::/loader/loader.conf")):
        subprocess.run(["mcopy", "-o", "-i", f"{disk}{ESP}", str(src), dest], check=True)
    run = qemu(disk, memory="512", reboot=True)
    assert run.wait_for("reboot: Restarting system", LINUX_TIMEOUT), run.log()
    # The reset lands in stage0 again: a second banner.
    deadline = time.monotonic() + 60
    while run.output.count("Strata stage0") < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert run.output.count("Strata stage0") >= 2, run.log()
