# SPDX-License-Identifier: MIT
"""libvirt picks Strata as a domain's UEFI firmware through the installed firmware descriptor and
boots the UKI image to userspace. libvirt's session daemon runs as an unprivileged user with its
own XDG folders, so nothing of the host's libvirt or /etc is read or changed."""
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from test_dist import MARKERS, ROOT, make

pytestmark = pytest.mark.skipif(not os.environ.get("STRATA_DIST_TARBALL"),
                                reason="run through `make dist-tests`")

BUILD = Path(os.environ.get("STRATA_BUILD", ROOT / "build"))
IMAGE = BUILD / "images" / "linux-uki.img"
NOBODY = 65534  # the session daemon's user: root's qemu:///session is the system daemon
BOOT_TIMEOUT = 240


def why_libvirt_cannot_run():
    """None when a libvirt session daemon can run here, else what is missing."""
    for tool in ("virsh", "libvirtd", "setpriv"):
        if not shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin"):
            return f"{tool} is not installed (make deps installs libvirt)"
    if os.geteuid() != 0:
        return "the test switches to an unprivileged user for libvirt's session daemon: run as root"
    return None


@pytest.fixture
def session(tmp_path):
    """virsh on a private qemu:///session, as nobody, in a folder nobody may use."""
    reason = why_libvirt_cannot_run()
    if reason:
        pytest.skip(reason)
    top = Path(tempfile.mkdtemp(prefix="strata-libvirt-", dir="/tmp"))
    dirs = {name: top / name for name in ("home", "config", "runtime", "cache", "data")}
    for d in dirs.values():
        d.mkdir(mode=0o700)
    env = {"PATH": "/usr/bin:/usr/sbin:/bin:/sbin", "HOME": str(dirs["home"]),
           "XDG_CONFIG_HOME": str(dirs["config"]), "XDG_RUNTIME_DIR": str(dirs["runtime"]),
           "XDG_CACHE_HOME": str(dirs["cache"]), "XDG_DATA_HOME": str(dirs["data"])}

    def virsh(*args, check=True):
        run = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                              "--clear-groups", "virsh", "-c", "qemu:///session", *args],
                             env=env, capture_output=True, text=True, timeout=60)
        if check:
            assert run.returncode == 0, f"virsh {' '.join(args)}: {run.stderr}"
        return run

    virsh.top, virsh.config = top, dirs["config"]
    yield virsh
    virsh("destroy", "strata-test", check=False)
    virsh("undefine", "strata-test", check=False)
    subprocess.run(["pkill", "-u", str(NOBODY), "-f", "libvirtd --session"], check=False)
    shutil.rmtree(top, ignore_errors=True)


def test_libvirt_boots_the_uki_with_strata_chosen_by_its_descriptor(session, tmp_path):
    if not IMAGE.exists():
        pytest.skip(f"{IMAGE} not built (make images)")
    top = session.top
    prefix = top / "prefix"
    # A real install (no DESTDIR), so the descriptor names the ROM where it is.
    make("install", f"PREFIX={prefix}", f"DIST_BUILD={tmp_path / 'dist'}")
    descriptor = prefix / "share/qemu/firmware/60-strata.json"
    assert descriptor.is_file()
    # Lower number than OVMF's 60-edk2-*.json: Strata is the first UEFI firmware that fits.
    (session.config / "qemu" / "firmware").mkdir(parents=True)
    (session.config / "qemu" / "firmware" / "10-strata.json").symlink_to(descriptor)
    disk = top / "linux-uki.img"
    shutil.copyfile(IMAGE, disk)
    serial = top / "serial.log"
    domain = top / "domain.xml"
    domain.write_text(f"""<domain type='qemu'>
  <name>strata-test</name>
  <memory unit='MiB'>512</memory>
  <os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='{disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='file'><source path='{serial}'/><target port='0'/></serial>
  </devices>
</domain>
""")
    subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(top)], check=True)

    session("define", str(domain))
    session("start", "strata-test")
    live = session("dumpxml", "strata-test").stdout
    assert f"<loader type='rom'>{prefix}/share/strata/stage0.rom</loader>" in live, live
    assert session("domstate", "strata-test").stdout.strip() in ("running", "shut off")

    deadline = time.monotonic() + BOOT_TIMEOUT
    text = ""
    while time.monotonic() < deadline:
        text = serial.read_text(errors="replace") if serial.exists() else ""
        if MARKERS["linux-uki"] in text:
            break
        time.sleep(0.5)
    assert MARKERS["linux-uki"] in text, text[-4000:]
    assert "stage0: Strata stage0" in text
    # The UKI's init powers off: libvirt sees the guest shut itself down.
    while time.monotonic() < deadline:
        state = session("domstate", "--reason", "strata-test").stdout.strip()
        if state.startswith("shut off"):
            break
        time.sleep(0.5)
    assert state == "shut off (shutdown)", state
