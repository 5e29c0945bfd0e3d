# SPDX-License-Identifier: MIT
"""The release tarball as a user gets it: digests, firmware descriptor, install, its README's boot."""
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from qemu_harness import ROOT, QemuRun  # noqa: E402

# mk/dist.mk's dist-tests passes these; run through `make dist-tests`.
TARBALL = os.environ.get("STRATA_DIST_TARBALL")
NAME = os.environ.get("STRATA_DIST_NAME")
MAKE = shlex.split(os.environ.get("STRATA_DIST_MAKE", "make"))
BOOT_TIMEOUT = 180  # seconds: Debian's kernel to userspace under TCG, with room to spare

# What each image prints once booted (images/expected.txt has the full table).
MARKERS = {
    "linux-uki": "STRATA-USERSPACE-OK",
    "hello": "Hello from Strata efi-apps/hello",
}

# QEMU's docs/interop/firmware.json: the required members of Firmware and the enums' values.
FIRMWARE_KEYS = {"description", "interface-types", "mapping", "targets", "features", "tags"}
INTERFACES = {"bios", "openfirmware", "uboot", "uefi"}
DEVICES = {"flash", "kernel", "memory"}
FEATURES = {"acpi-s3", "acpi-s4", "amd-sev", "amd-sev-es", "amd-sev-snp", "intel-tdx",
            "enrolled-keys", "requires-smm", "secure-boot", "verbose-dynamic", "verbose-static"}

pytestmark = pytest.mark.skipif(not TARBALL, reason="run through `make dist-tests`")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make(*args, **env):
    """The tree's make with extra variables; its output is shown only when it fails."""
    run = subprocess.run(MAKE + ["-C", str(ROOT), "--no-print-directory", *args],
                         capture_output=True, text=True, env={**os.environ, **env})
    assert run.returncode == 0, f"make {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    """The tarball unpacked into an empty folder: the only files the user has."""
    dest = tmp_path_factory.mktemp("unpacked")
    # The "data" filter (no absolute names, links out, devices) where this Python has it.
    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    with tarfile.open(TARBALL) as tar:
        tar.extractall(dest, **safe)
    return dest / NAME


def readme_block(readme, start):
    """The first fenced code block line starting with `start`, continuation lines joined."""
    lines = readme.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(start):
            command = line
            while command.endswith("\\"):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            return command
    pytest.fail(f"{readme}: no line starting with {start!r}")


def readme_command(readme, marker):
    """The ```sh block after the README's <!-- marker: ... --> line, continuations joined."""
    text = readme.read_text()
    start = text.index(f"<!-- {marker}:")
    block = re.search(r"```sh\n(.*?)```", text[start:], re.S)
    assert block, f"no ```sh block after the {marker} marker"
    return block.group(1).replace("\\\n", " ")


def launcher_command(readme):
    """The README's one boot command: the launcher."""
    args = shlex.split(readme_command(readme, "boot-command"))
    assert args[0] == "./strata-run"
    return args


def qemu_command(readme):
    """The README's plain QEMU command, serial on a pipe, with the accelerator that the tarball's
    own strata-accel picks."""
    command = readme_command(readme, "qemu-command")
    assert "accel=$(./strata-accel)" in command
    picked = subprocess.run(["./strata-accel"], cwd=readme.parent, check=True,
                            stdout=subprocess.PIPE, text=True).stdout.strip()
    assert picked in ("kvm", "tcg")
    args = shlex.split(command.replace("$(./strata-accel)", picked))
    assert args[0] == "qemu-system-x86_64" and "-nographic" in args
    i = args.index("-nographic")
    return args[:i] + ["-display", "none", "-serial", "stdio"] + args[i + 1:]


def boot(args, cwd, image):
    """Run args in cwd until the image's marker shows; the serial log on failure."""
    marker = MARKERS[image]
    old = os.getcwd()
    os.chdir(cwd)
    try:
        run = QemuRun(args)
    finally:
        os.chdir(old)
    try:
        assert run.wait_for(marker, BOOT_TIMEOUT), f"no {marker!r}:\n{run.log()}"
    finally:
        run.kill()
    return run.output


def test_tarball_is_one_folder_owned_by_root_with_one_date_and_sorted_names():
    with tarfile.open(TARBALL) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert all(n == NAME or n.startswith(NAME + "/") for n in names), names
    assert names == sorted(names)
    assert {(m.uid, m.gid) for m in members} == {(0, 0)}
    assert len({m.mtime for m in members}) == 1
    files = {n[len(NAME) + 1:] for n in names if n != NAME}
    assert {"stage0.rom", "stage1.bin", "runtime.bin", "mkimage", "strata-accel", "strata-run",
            "SHA256SUMS", "README.md", "60-strata.json", "images/manifest.txt", "images/linux-uki.img"} <= files


def test_sha256sums_cover_every_file_and_verify(unpacked):
    listed = {}
    for line in (unpacked / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    on_disk = {str(p.relative_to(unpacked)) for p in unpacked.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"SHA256SUMS"}
    subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=unpacked, check=True)


def test_firmware_descriptor_follows_qemu_schema(unpacked):
    fw = json.loads((unpacked / "60-strata.json").read_text())
    assert set(fw) == FIRMWARE_KEYS
    assert fw["interface-types"] and set(fw["interface-types"]) <= INTERFACES
    assert fw["interface-types"][0] == "uefi"
    mapping = fw["mapping"]
    assert mapping["device"] in DEVICES
    if mapping["device"] == "memory":
        assert set(mapping) == {"device", "filename"}
    elif mapping["device"] == "flash":
        assert mapping.get("mode") == "stateless" and "nvram-template" not in mapping
    assert mapping.get("filename", mapping.get("executable", {}).get("filename", "")).endswith(
        "/share/strata/stage0.rom")
    assert fw["targets"] == [{"architecture": "x86_64", "machines": ["pc-i440fx-*", "pc-q35-*"]}]
    assert set(fw["features"]) <= FEATURES
    assert all(isinstance(t, str) for t in fw["tags"])


def test_flash_descriptor_names_the_rom_and_the_nvram_template(unpacked):
    fw = json.loads((unpacked / "60-strata-flash.json").read_text())
    assert set(fw) == FIRMWARE_KEYS
    mapping = fw["mapping"]
    assert mapping["device"] == "flash" and mapping["mode"] == "split"
    assert mapping["executable"] == {"filename": mapping["executable"]["filename"],
                                     "format": "raw"}
    assert mapping["executable"]["filename"].endswith("/share/strata/stage0.rom")
    assert mapping["nvram-template"]["filename"].endswith("/share/strata/strata-vars.fd")
    assert mapping["nvram-template"]["format"] == "raw"
    # The template is an empty store the firmware mounts without formatting.
    mkimage = subprocess.run([str(unpacked / "mkimage"), "vars", "verify",
                              str(unpacked / "strata-vars.fd")], capture_output=True, text=True)
    assert mkimage.returncode == 0 and "0 variables, verified" in mkimage.stdout, mkimage


def test_install_puts_the_tarball_files_where_the_descriptor_says(unpacked, tmp_path):
    fw = json.loads((unpacked / "60-strata.json").read_text())
    rom = fw["mapping"]["filename"]
    prefix = rom[: -len("/share/strata/stage0.rom")]
    destdir = tmp_path / "destdir"
    make("install", f"DESTDIR={destdir}", f"PREFIX={prefix}")
    root = Path(f"{destdir}{prefix}")

    installed_fw = root / "share/qemu/firmware/60-strata.json"
    assert json.loads(installed_fw.read_text()) == fw
    assert Path(f"{destdir}{rom}").is_file()
    assert json.loads((root / "share/qemu/firmware/60-strata-flash.json").read_text()) == \
        json.loads((unpacked / "60-strata-flash.json").read_text())
    same = {"share/strata/stage0.rom": "stage0.rom", "share/strata/stage1.bin": "stage1.bin",
            "share/strata/strata-vars.fd": "strata-vars.fd",
            "share/strata/runtime.bin": "runtime.bin", "bin/strata-mkimage": "mkimage",
            "bin/strata-accel": "strata-accel", "bin/strata-run": "strata-run",
            "share/doc/strata/README.md": "README.md"}
    same.update({f"share/strata/images/{p.name}": f"images/{p.name}"
                 for p in (unpacked / "images").iterdir()})
    for dest, src in same.items():
        assert sha256(root / dest) == sha256(unpacked / src), dest
    assert sorted(p.name for p in (root / "share/strata/images").iterdir()) == \
        sorted(p.name for p in (unpacked / "images").iterdir())
    assert os.access(root / "bin/strata-mkimage", os.X_OK)
    assert os.access(root / "bin/strata-accel", os.X_OK)
    # The installed launcher finds the installed ROM and the probe beside it.
    dry = subprocess.run([str(root / "bin/strata-run"), str(unpacked / "images/hello.img"),
                          "--dry-run"], capture_output=True, text=True, check=True)
    assert f"-bios {destdir}{rom} " in dry.stderr


def test_readme_launcher_boots_an_image_and_prints_its_qemu_command(unpacked):
    args = launcher_command(unpacked / "README.md")
    output = boot(args, unpacked, Path(args[1]).stem)
    assert "strata-run: qemu-system-x86_64 -machine q35,accel=" in output
    assert "stage0: Strata stage0" in output


def test_readme_qemu_command_boots_an_image_with_only_the_tarball_files(unpacked):
    args = qemu_command(unpacked / "README.md")
    files = [v.split("file=")[-1].split(",")[0] for v in args if "file=" in v]
    files += [args[args.index("-bios") + 1]] if "-bios" in args else []
    for f in files:
        assert not os.path.isabs(f) and (unpacked / f).is_file(), f
    image = Path(files[0]).stem
    output = boot(args, unpacked, image)
    assert "stage0: Strata stage0" in output


def test_readme_mkimage_commands_make_an_image_that_boots(unpacked, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(unpacked, work)
    # A payload the user might bring: the linux-uki image's UKI, read back out of its ESP.
    subprocess.run(["mcopy", "-n", "-i", f"{work}/images/linux-uki.img@@1M",
                    "::/EFI/BOOT/BOOTX64.EFI", str(work / "my-uki.efi")], check=True)
    readme = work / "README.md"
    create = re.sub(r"\s*\[[^\]]*\]", "", readme_block(readme, "./mkimage create"))
    subprocess.run(shlex.split(create), cwd=work, check=True, capture_output=True)
    update = readme_block(readme, "./mkimage update").split("#")[0]
    subprocess.run(shlex.split(update), cwd=work, check=True, capture_output=True)
    inspect = subprocess.run(["./mkimage", "inspect", "my.img"], cwd=work, check=True,
                             capture_output=True, text=True).stdout
    assert "STAGE1.BAK: absent" not in inspect and "verifies: no" not in inspect, inspect

    args = [a.replace("images/linux-uki.img", "my.img") for a in launcher_command(readme)]
    boot(args, work, "linux-uki")


def member_text(tarball, name):
    with tarfile.open(tarball) as tar:
        return tar.extractfile(f"{NAME}/{name}").read().decode()


def test_dist_built_again_gives_the_same_bytes(tmp_path):
    again = tmp_path / "dist"
    make("dist", f"DIST_BUILD={again}", f"VERSION={os.environ['STRATA_DIST_VERSION']}",
         f"SOURCE_DATE_EPOCH={os.environ['STRATA_DIST_EPOCH']}")
    second = again / Path(TARBALL).name
    # Others may rebuild build/ (an image, stage1) between the two: then the inputs differ and
    # the bytes may too. SHA256SUMS names every input's digest, so compare those first.
    sums = [member_text(t, "SHA256SUMS") for t in (TARBALL, second)]
    if sums[0] != sums[1]:
        changed = sorted(set(sums[0].splitlines()) ^ set(sums[1].splitlines()))
        pytest.skip("inputs changed between the two builds: " + " ".join(
            sorted({line.split()[1] for line in changed})))
    assert sha256(second) == sha256(TARBALL)


def launcher(unpacked, *args):
    return subprocess.run(["./strata-run", *args], cwd=unpacked, capture_output=True, text=True)


def test_launcher_attaches_what_it_is_asked_to_on_the_machine_asked_for(unpacked, tmp_path):
    qcow2 = tmp_path / "disk.qcow2"
    qcow2.write_bytes(b"QFI\xfb" + bytes(508))
    run = launcher(unpacked, str(qcow2), "--machine", "pc", "--memory", "512", "--cdrom",
                   "images/hello.img", "--display", "--dry-run", "--", "-no-reboot")
    assert run.returncode == 0, run.stderr
    command = run.stderr.splitlines()[-1]
    assert command.startswith("strata-run: qemu-system-x86_64 -machine pc,accel=")
    for part in ["-m 512", "-no-reboot", f"format=qcow2,file={qcow2}",
                 "-device virtio-blk-pci,drive=disk0,bootindex=1", "media=cdrom",
                 "file=images/hello.img", "-device ide-cd,drive=cd0,bus=ide.1",
                 "-serial mon:stdio"]:
        assert part in command, part
    assert "-nographic" not in command and "snapshot=on" not in command


@pytest.mark.parametrize("args,status,message", [
    ([], 2, "usage: strata-run DISK"),
    (["absent.img"], 1, "no disk image absent.img"),
    (["images/hello.img", "--machine", "microvm"], 1, "--machine is q35 or pc"),
    (["images/hello.img", "--memory", "1G"], 1, "--memory is a size in MiB"),
    (["images/hello.img", "--bogus"], 2, "unknown option --bogus"),
])
def test_launcher_refuses_what_it_cannot_do_with_a_reason(unpacked, args, status, message):
    run = launcher(unpacked, *args)
    assert run.returncode == status and message in run.stderr, run.stderr


def test_launcher_vars_makes_a_store_from_the_template_once_and_boots_from_pflash(unpacked,
                                                                                 tmp_path):
    store = tmp_path / "vm.fd"
    run = launcher(unpacked, "images/hello.img", "--vars", str(store), "--dry-run")
    assert run.returncode == 0, run.stderr
    assert store.read_bytes() == (unpacked / "strata-vars.fd").read_bytes()
    assert "new variable store" in run.stderr
    command = run.stderr.splitlines()[-1]
    assert "-drive if=pflash,format=raw,unit=0,readonly=on,file=" in command
    assert f"-drive if=pflash,format=raw,unit=1,file={store}" in command
    assert "-bios" not in command
    # A store that exists is the VM's own: never replaced.
    store.write_bytes(b"\x00" * len(store.read_bytes()))
    run = launcher(unpacked, "images/hello.img", "--vars", str(store), "--dry-run")
    assert run.returncode == 0 and "new variable store" not in run.stderr
    assert store.read_bytes().count(0) == len(store.read_bytes())
