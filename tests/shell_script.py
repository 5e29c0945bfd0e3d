# SPDX-License-Identifier: MIT
"""The UEFI Shell script both firmwares run (issue 18), and what its output must hold.

One copy for tests/images/test_shell_ovmf.py (the reference) and tests/boot/test_shell.py
(Strata): each check is a command's output that depends on the firmware doing its part.
"""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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


# A UEFI driver loaded, connected, listed and disconnected (issue 18): efi-apps/pci-driver, built
# by build_pci_driver for the ids of QEMU's pci-testdev, which the VM gets at PCI_DRIVER_DEVICE.
PCI_DRIVER_DEVICE = ["-device", "pci-testdev,addr=0x9"]
PCI_DRIVER_IDS = (0x1B36, 0x0005)
DRIVER_SCRIPT = r"""@echo -off
fs0:
load -nc pcidrv.efi
echo STRATA-CONNECT
connect -r
drivers
dh -d -p DriverBinding
echo STRATA-DISCONNECT
disconnect -r
echo STRATA-SHELL-DRIVER-DONE
reset -s
"""


def build_pci_driver(tmp_path, vendor=PCI_DRIVER_IDS[0], device=PCI_DRIVER_IDS[1]):
    """pci_driver.c as a boot-service driver (PE subsystem 11), with gnu-efi as efi-apps use it."""
    gcc_include = subprocess.run(["gcc", "-print-file-name=include"], capture_output=True,
                                 text=True, check=True).stdout.strip()
    obj, so, efi = (tmp_path / f"pcidrv.{ext}" for ext in ("o", "so", "efi"))
    subprocess.run(["gcc", "-std=gnu11", "-O2", f"-I{ROOT}", "-I/usr/include/efi",
                    "-I/usr/include/efi/x86_64", "-nostdinc", "-isystem", gcc_include,
                    "-DGNU_EFI_USE_MS_ABI", "-fpic", "-fshort-wchar", "-ffreestanding",
                    "-fno-stack-protector", "-fno-stack-check", "-fno-strict-aliasing",
                    "-mno-red-zone", "-maccumulate-outgoing-args", "-fcf-protection=none",
                    "-Wno-strict-prototypes", f"-DMATCH_VENDOR={vendor:#x}",
                    f"-DMATCH_DEVICE={device:#x}", "-c",
                    str(ROOT / "efi-apps/pci-driver/pci_driver.c"), "-o", str(obj)], check=True)
    subprocess.run(["ld", "-nostdlib", "-shared", "-Bsymbolic", "-znocombreloc", "-z",
                    "noexecstack", "--no-undefined", "--build-id=none", "-T",
                    "/usr/lib/elf_x86_64_efi.lds", "-o", str(so), "/usr/lib/crt0-efi-x86_64.o",
                    str(obj), "/usr/lib/libefi.a", "/usr/lib/libgnuefi.a"], check=True)
    sections = [a for s in (".text", ".sdata", ".data", ".rodata", ".dynamic", ".dynsym", ".rel",
                            ".rela", ".rel.*", ".rela.*", ".reloc") for a in ("-j", s)]
    subprocess.run(["objcopy", *sections, "--target", "efi-app-x86_64", "--subsystem=11",
                    str(so), str(efi)], check=True)
    return efi


def check_driver_output(output, log):
    """What the driver printed, and what the Shell showed of it, between the script's markers."""
    out = ANSI.sub("", output)
    assert "pci-driver: loaded, binding Success" in out, log
    # load -nc binds nothing; connect does: Supported matched the testdev alone, Start found it
    # where QEMU put it, and the child handle it made was bound by ConnectController's recursion.
    loaded, connected = out.split("STRATA-CONNECT", 1)
    connected, disconnected = connected.split("STRATA-DISCONNECT", 1)
    assert "pci-driver: started" not in loaded, log
    assert connected.count("pci-driver: started on 1B36:0005 at 00:09.0, child Success") == 1, \
        log
    assert connected.count("pci-driver: started on its child") == 1, log
    # `drivers`: a bus driver of version 0x10 managing two controllers with one child;
    # `dh -d`: the device and, under it, the child.
    assert re.search(r"00000010 B - -\s+2\s+1 Strata PCI test driver", connected), log
    assert re.search(r"Ctrl\[\w+\]\s+: PciRoot\(0x0\)/Pci\(0x9,0x0\)\r?\n", connected), log
    assert re.search(r"Child\[\w+\]\s+: PciRoot\(0x0\)/Pci\(0x9,0x0\)/VenHw\(5A7A0002-",
                     connected), log
    # disconnect -r: the child's own driver stopped first, then the child, then the device.
    assert re.search(r"pci-driver: stopped\s+pci-driver: child stopped\s+pci-driver: stopped",
                     disconnected), log
