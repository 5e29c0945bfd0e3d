# SPDX-License-Identifier: MIT
"""A UEFI driver loaded with the Shell's `load -nc` binds through PCI I/O and ConnectController
(issue 18): built here with gnu-efi for the ids of a pci-testdev, `connect -r` must start it on
that function and, by the recursion, on the child it makes; `drivers` and `dh -d` show what it
manages, and `disconnect -r` runs its Stop, children first."""
import re
import subprocess
import sys
from pathlib import Path

from conftest import shipped_image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shell_script import ANSI, install  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 400
# QEMU's pci-testdev; the driver is built for these ids and must leave every other function alone.
VENDOR, DEVICE = 0x1B36, 0x0005

SCRIPT = r"""@echo -off
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


def build_driver(tmp_path, vendor, device):
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


def test_loaded_driver_binds_its_pci_device_and_child_and_stops(tmp_path, qemu):
    disk = shipped_image("shell", tmp_path)
    install(disk, SCRIPT, [(build_driver(tmp_path, VENDOR, DEVICE), "/pcidrv.efi")])
    run = qemu(disk, memory="512", extra=["-device", "pci-testdev,addr=0x9"])
    assert run.wait_for("STRATA-SHELL-DRIVER-DONE", TIMEOUT), run.log()
    assert run.wait_exit(60) == 0, run.log()
    out = ANSI.sub("", run.output)
    assert "pci-driver: loaded, binding Success" in out, run.log()
    # load -nc binds nothing; connect does: Supported matched the testdev alone, Start found it
    # where QEMU put it, and the child handle it made was bound by ConnectController's recursion.
    loaded, connected = out.split("STRATA-CONNECT", 1)
    connected, disconnected = connected.split("STRATA-DISCONNECT", 1)
    assert "pci-driver: started" not in loaded, run.log()
    assert connected.count("pci-driver: started on 1B36:0005 at 00:09.0, child Success") == 1, \
        run.log()
    assert connected.count("pci-driver: started on its child") == 1, run.log()
    # `drivers`: a bus driver of version 0x10 managing two controllers with one child;
    # `dh -d`: the device and, under it, the child.
    assert re.search(r"00000010 B - -\s+2\s+1 Strata PCI test driver", connected), run.log()
    assert re.search(r"Ctrl\[\w+\]\s+: PciRoot\(0x0\)/Pci\(0x9,0x0\)\n", connected), run.log()
    assert re.search(r"Child\[\w+\]\s+: PciRoot\(0x0\)/Pci\(0x9,0x0\)/VenHw\(5A7A0002-",
                     connected), run.log()
    # disconnect -r: the child's own driver stopped first, then the child, then the device.
    assert re.search(r"pci-driver: stopped\s+pci-driver: child stopped\s+pci-driver: stopped",
                     disconnected), run.log()
