# SPDX-License-Identifier: MIT
"""The UEFI Shell script both firmwares run (issue 18), and what its output must hold.

One copy for tests/images/test_shell_ovmf.py (the reference) and tests/boot/test_shell.py
(Strata): each check is a command's output that depends on the firmware doing its part.
"""
import re
import subprocess

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# Commands of issue 18's list; Debian's Shell build has no `acpiview`.
SCRIPT = r"""@echo -off
ver
map -r
fs0:
mkdir testdir
cd testdir
echo strata-file-body > a.txt
type a.txt
cp a.txt b.txt
ls
rm b.txt
ls b.txt
cd ..
memmap
dmpstore PlatformLang
dh -p LoadedImage
devtree
pci
smbiosview -t 1
date
stall 1000
setvar StrataShellTest -guid 4a7c9e1c-1111-4e0d-9a30-535452415441 -bs =0x41
dmpstore StrataShellTest -guid 4a7c9e1c-1111-4e0d-9a30-535452415441
bcfg boot dump
echo STRATA-SHELL-SCRIPT-DONE
reset -s
"""

# (what, text the output holds)
CHECKS = [
    ("ver", "UEFI Interactive Shell v2"),
    ("map -r names the ESP", "FS0:"),
    ("type reads a file echo wrote", "strata-file-body"),
    ("ls lists the copy", "b.txt"),
    ("rm deletes it", "Delete successful"),
    ("memmap sums the map", "Total Memory:"),
    ("dmpstore shows PlatformLang", "EFIGlobalVariable:PlatformLang"),
    ("dh -p names the Shell's image", r"LoadedImage(\EFI\BOOT\BOOTX64.EFI)"),
    ("devtree walks controllers", "Ctrl["),
    ("pci lists the virtio-blk disk through PciRootBridgeIo", "Vendor 1AF4 Device 1001"),
    ("smbiosview reads SMBIOS type 1", "Manufacturer: QEMU"),
    ("setvar then dmpstore", "StrataShellTest' DataSize = 0x01"),
    ("the script ran to its end", "STRATA-SHELL-SCRIPT-DONE"),
]


def install_script(disk):
    """Put SCRIPT on the shell image's ESP (at 1 MiB) as startup.nsh."""
    install(disk, SCRIPT)


def check_output(out, log, dates):
    """Every check's text is in out; `date` printed one of dates (mm/dd/yyyy, the host's UTC day
    when the run started and ended: QEMU's RTC starts at the host's UTC time)."""
    out = ANSI.sub("", out)  # both Shells colour their output on the serial terminal
    for what, text in CHECKS:
        assert text in out, f"{what}: {text!r} missing\n{log}"
    assert any(d in out for d in dates), f"date: none of {dates} printed\n{log}"
    # `ls b.txt` after `rm b.txt` finds nothing.
    assert "File Not Found" in out, f"ls b.txt after rm b.txt found it\n{log}"


def today():
    """The host's UTC date as the Shell's `date` prints it."""
    import datetime
    return datetime.datetime.now(datetime.timezone.utc).strftime("%m/%d/%Y")


# A kernel started from the Shell with its command line and an initrd= of the same volume, as a
# user does when a boot entry is broken (issue 18).
KERNEL_SCRIPT = r"""@echo -off
fs0:
\linux\vmlinuz console=ttyS0 panic=-1 initrd=\linux\initrd.img strata.entry=from-shell
"""

# `bcfg boot add` writes Boot0000 and BootOrder; with a persistent store they outlive the VM.
BCFG_SCRIPT = r"""@echo -off
bcfg boot add 0 fs0:\EFI\BOOT\BOOTX64.EFI "Strata Shell entry"
bcfg boot dump
echo STRATA-SHELL-BCFG-DONE
reset -s
"""


def install(disk, script, files=()):
    """Put script on the shell image's ESP as startup.nsh, and each (host path, ESP path)."""
    subprocess.run(["mcopy", "-o", "-i", f"{disk}@@1M", "-", "::/startup.nsh"],
                   input=script.replace("\n", "\r\n").encode(), check=True)
    for src, dest in files:
        subprocess.run(["mmd", "-D", "s", "-i", f"{disk}@@1M", "::" + dest.rsplit("/", 1)[0]],
                       capture_output=True)
        subprocess.run(["mcopy", "-o", "-i", f"{disk}@@1M", str(src), "::" + dest], check=True)


def kernel_files(native_linux_image, tmp_path):
    """The Debian kernel and initrd of the native-linux image, copied out to tmp_path."""
    out = []
    for name in ("vmlinuz", "initrd.img"):
        dest = tmp_path / name
        subprocess.run(["mcopy", "-o", "-i", f"{native_linux_image}@@1M",
                        f"::/linux/{name}", str(dest)], check=True)
        out.append((dest, f"/linux/{name}"))
    return out
