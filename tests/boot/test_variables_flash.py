# SPDX-License-Identifier: MIT
"""Variables that survive a power cycle: the store on pflash unit 1, as libvirt sets it up."""
import subprocess

import pytest
from conftest import BUILD, build_disk, shipped_image
from qemu_harness import OVMF_CODE, OVMF_VARS, QemuRun, ovmf_command

APPS = BUILD / "efi-apps"
TIMEOUT = 60
MIB = 1024 * 1024
VARCOUNT_GUID = "3f0b3e1c-7a54-4b1e-9d2c-5354524154a2"  # efi-apps/varcount


def varcount_disk(tmp_path):
    return build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": APPS / "varcount.efi",
    })


def power_on(qemu, disk, vars_store):
    """One boot of varcount to its power-off; the console."""
    run = qemu(disk, vars_store=vars_store)
    assert run.wait_for("varcount: wrote", TIMEOUT), run.log()
    assert run.wait_exit(TIMEOUT) == 0, "varcount's ResetSystem did not power off\n" + run.log()
    return run.output


def test_variable_written_by_an_efi_app_survives_power_off(tmp_path, qemu):
    disk = varcount_disk(tmp_path)
    store = tmp_path / "vars.fd"
    store.write_bytes(b"\xff" * MIB)
    out = power_on(qemu, disk, store)
    assert "variables: 1024 KiB store on pflash, 0 variables kept, blank: formatted" in out, out
    assert "varcount: no earlier run" in out and "varcount: wrote 1" in out, out
    for n in (1, 2):
        out = power_on(qemu, disk, store)
        assert f"varcount: earlier runs {n}\n" in out.replace("\r", ""), out
        assert f"varcount: wrote {n + 1}" in out, out
        assert "DAMAGED" not in out and "formatted" not in out, out
    # The host tool reads what the firmware wrote, with the same store code.
    got = subprocess.run([str(BUILD / "mkimage"), "vars", "get", str(store), "StrataRunCount",
                          "--guid", VARCOUNT_GUID], check=True, capture_output=True).stdout
    assert got == (3).to_bytes(4, "little")


def test_zeroed_store_is_formatted_and_damage_is_reported_not_fatal(tmp_path, qemu):
    disk = varcount_disk(tmp_path)
    store = tmp_path / "vars.fd"
    store.write_bytes(b"\x00" * (128 * 1024))  # the smallest size, all zeroes
    out = power_on(qemu, disk, store)
    assert "variables: 128 KiB store on pflash, 0 variables kept, blank: formatted" in out, out
    power_on(qemu, disk, store)
    # A flipped byte in the first record's data (PlatformLang, seeded on the first boot):
    # skipped, said so, and the boot goes on.
    data = bytearray(store.read_bytes())
    data[32 + 40 + 26] ^= 0x01
    store.write_bytes(bytes(data))
    out = power_on(qemu, disk, store)
    assert "DAMAGED: 1 records or stretches skipped" in out, out
    assert "varcount: earlier runs 2" in out, out


def test_without_pflash_variables_are_volatile_and_the_console_says_so(tmp_path, qemu):
    disk = varcount_disk(tmp_path)
    run = qemu(disk)
    assert run.wait_for("varcount: wrote 1", TIMEOUT), run.log()
    assert run.output.count("non-volatile variables will not survive a power off") == 1, \
        run.log()


def test_read_only_store_boots_with_volatile_variables(tmp_path, qemu):
    disk = varcount_disk(tmp_path)
    store = tmp_path / "vars.fd"
    store.write_bytes(b"\xff" * MIB)
    rom = BUILD / "stage0.rom"
    run = qemu(disk, extra=["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={rom}",
                            "-drive", f"if=pflash,format=raw,unit=1,readonly=on,file={store}"])
    assert run.wait_for("varcount: ", TIMEOUT), run.log()
    assert "store on pflash not usable (read-only or failing)" in run.output, run.log()
    assert "varcount: wrote 1" in run.output, run.log()


@pytest.mark.skipif(not OVMF_CODE.exists(), reason="OVMF (Debian's ovmf) not installed")
def test_varcount_counts_the_same_way_on_ovmf(tmp_path):
    disk = build_disk(tmp_path / "disk.img", {"/EFI/BOOT/BOOTX64.EFI": APPS / "varcount.efi"})
    store = tmp_path / "vars.fd"
    subprocess.run(["cp", str(OVMF_VARS), str(store)], check=True)
    for n in (0, 1):
        run = QemuRun(ovmf_command(disk, store))
        try:
            assert run.wait_for("varcount: wrote", 180), run.log()
            want = "varcount: no earlier run" if n == 0 else "varcount: earlier runs 1"
            assert want in run.output, run.log()
            run.wait_exit(60)
        finally:
            run.kill()


LINUX_TIMEOUT = 300


def test_efivarfs_writes_from_linux_persist(tmp_path, qemu):
    disk = shipped_image("linux-uki", tmp_path)
    store = tmp_path / "vars.fd"
    store.write_bytes(b"\xff" * MIB)
    run = qemu(disk, memory="512", vars_store=store)
    assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
    # Written after SetVirtualAddressMap, through the flash mapping Linux made for the runtime.
    assert "strata: efivar readback: strata-var-ok" in run.output, run.log()
    assert run.wait_exit(60) == 0, run.log()
    first = run.output
    assert "StrataLinuxTest" not in first.split("strata: efivars names:")[1].split("\n")[0]

    run = qemu(disk, memory="512", vars_store=store)
    assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
    names = run.output.split("strata: efivars names:")[1].split("\n")[0]
    # Listed before this boot's initramfs writes it again: it came from the flash.
    assert "StrataLinuxTest" in names, run.log()
    assert "[Firmware Bug]" not in run.output, run.log()


def systemd_boot_action(tmp_path, action, files=()):
    """A copy of the systemd-boot image whose one entry, booted at once, passes
    strata.action=ACTION to the initramfs; files: (host path, ESP path) pairs added."""
    disk = shipped_image("systemd-boot", tmp_path)
    entry = tmp_path / f"{action}.conf"
    entry.write_text(f"title Strata {action}\nlinux /linux/vmlinuz\ninitrd /linux/initrd.img\n"
                     f"options console=ttyS0 panic=-1 strata.action={action}\n")
    loader = tmp_path / "loader.conf"
    loader.write_text(f"timeout 0\ndefault {action}.conf\n")
    image = f"{disk}@@1M"
    for src, dest in ((entry, f"/loader/entries/{action}.conf"),
                      (loader, "/loader/loader.conf"), *files):
        folder = dest.rsplit("/", 1)[0]
        if folder and subprocess.run(["mdir", "-i", image, f"::{folder}"],
                                     capture_output=True).returncode:
            subprocess.run(["mmd", "-D", "s", "-i", image, f"::{folder}"], check=True)
        subprocess.run(["mcopy", "-o", "-i", image, str(src), f"::{dest}"], check=True)
    return disk


HELLO = "Hello from Strata efi-apps/hello"
EFIBOOTMGR_LABEL = "Strata efibootmgr test"  # images/initramfs/init, strata.action=efibootmgr


def efibootmgr_boot_entry(out):
    """The number of the Boot entry efibootmgr created, checked first in its BootOrder."""
    import re

    assert "strata: efibootmgr status: 0" in out, out
    created = re.search(r"strata: efibootmgr: Boot([0-9A-F]{4})\* " + EFIBOOTMGR_LABEL, out)
    order = re.search(r"strata: efibootmgr: BootOrder: ([0-9A-F,]+)", out)
    assert created and order, out
    assert order.group(1).split(",")[0] == created.group(1), out
    # A partition and a file: HD(1,GPT,...)/File(\EFI\STRATA\HELLO.EFI), as efibootmgr writes.
    assert re.search(r"strata: efibootmgr -v: Boot" + created.group(1) + r"\* " +
                     EFIBOOTMGR_LABEL + r"\s+HD\(1,GPT,.*File\(\\EFI\\STRATA\\HELLO.EFI\)",
                     out), out
    return created.group(1)


def load_option(description, file_path):
    """An EFI_LOAD_OPTION (UEFI 2.10 §3.1.3): active, a File() path alone, no optional data."""
    import struct

    name = (file_path + "\0").encode("utf-16-le")
    path = struct.pack("<BBH", 4, 4, 4 + len(name)) + name + bytes((0x7f, 0xff, 4, 0))
    return struct.pack("<IH", 1, len(path)) + (description + "\0").encode("utf-16-le") + path


def efibootmgr_disk(tmp_path):
    return systemd_boot_action(tmp_path, "efibootmgr",
                               files=[(APPS / "hello.efi", "/EFI/STRATA/HELLO.EFI")])


def test_efibootmgr_from_linux_adds_the_entry_the_next_boot_runs(tmp_path, qemu):
    """Debian's efibootmgr creates a Boot entry first in BootOrder; the VM powers off; at the
    next power on Strata's boot manager runs that entry (hello.efi, not systemd-boot)."""
    disk = efibootmgr_disk(tmp_path)
    store = tmp_path / "vars.fd"
    assert mkimage_vars("create", store).returncode == 0
    # An installed system's state: Boot0000 runs systemd-boot and is all of BootOrder.
    option = tmp_path / "boot0000"
    option.write_bytes(load_option("Linux (systemd-boot)", "\\EFI\\BOOT\\BOOTX64.EFI"))
    order = tmp_path / "bootorder"
    order.write_bytes(b"\x00\x00")
    for name, data in (("Boot0000", option), ("BootOrder", order)):
        assert mkimage_vars("set", store, name, "--data-file", data).returncode == 0
    run = qemu(disk, memory="512", vars_store=store)
    assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
    assert run.wait_exit(60) == 0, run.log()
    assert "Boot0000 (Linux (systemd-boot))" in run.output, run.log()
    number = efibootmgr_boot_entry(run.output)
    assert number != "0000" and f"BootOrder: {number},0000\n" in run.output, run.log()
    listed = mkimage_vars("list", store).stdout.decode()
    assert f"Boot{number} " in listed, listed
    assert mkimage_vars("get", store, "BootOrder").stdout == bytes.fromhex(number)[::-1] + \
        b"\x00\x00"

    run = qemu(disk, memory="512", vars_store=store)
    assert run.wait_for(HELLO, TIMEOUT * 3), run.log()
    before = run.output.split(HELLO)[0]
    assert f"Boot{number} ({EFIBOOTMGR_LABEL})" in before, run.log()
    assert "STRATA-USERSPACE-OK" not in before and "systemd-boot" not in before.lower(), \
        run.log()


@pytest.mark.skipif(not OVMF_CODE.exists(), reason="OVMF (Debian's ovmf) not installed")
def test_efibootmgr_entry_runs_the_same_way_on_ovmf(tmp_path):
    """The reference: the same efibootmgr run and power cycle under OVMF, its own pflash vars."""
    disk = efibootmgr_disk(tmp_path)
    store = tmp_path / "vars.fd"
    subprocess.run(["cp", str(OVMF_VARS), str(store)], check=True)
    run = QemuRun(ovmf_command(disk, store))
    try:
        assert run.wait_for("STRATA-DONE", LINUX_TIMEOUT), run.log()
        run.wait_exit(60)
    finally:
        run.kill()
    efibootmgr_boot_entry(run.output)
    run = QemuRun(ovmf_command(disk, store))
    try:
        assert run.wait_for(HELLO, 180), run.log()
        assert "STRATA-USERSPACE-OK" not in run.output, run.log()
    finally:
        run.kill()


LOOP_GUID = "3f0b3e1c-7a54-4b1e-9d2c-5354524154a1"  # images/initramfs/init, strata.action=varloop
LOOP_PAD = b"-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
# Writes a store may hold before the SIGKILL test starts another: a run of up to 1.5 s writes a
# few hundred under TCG, and a bank holds about 2,980 (record_cost of each is 176 bytes).
LOOP_STORE_REFILL = 2000


def mkimage_vars(*args):
    return subprocess.run([str(BUILD / "mkimage"), "vars", *map(str, args)], capture_output=True)


def test_sigkill_during_a_write_loop_from_linux_loses_nothing(tmp_path, qemu):
    """QEMU killed twenty times at random moments while Linux writes variables in a loop: each
    time the store verifies, every write that returned is there whole, and the one in flight is
    there whole or not at all."""
    import random
    import re
    import time

    disk = systemd_boot_action(tmp_path, "varloop")
    store = tmp_path / "vars.fd"
    store.write_bytes(b"\xff" * MIB)
    rng = random.Random(16)
    returned = {}  # run -> writes that returned
    total = 0  # writes that returned, over every store
    for kill in range(20):
        if sum(returned.values()) > LOOP_STORE_REFILL:
            # Every name is new, so the store fills up (about 2,980 of these in a bank), as fast
            # as the host lets Linux write: a fresh store before a run could fill it.
            store.write_bytes(b"\xff" * MIB)
            returned = {}
        run = qemu(disk, memory="512", vars_store=store)
        assert run.wait_for("strata: varloop started", LINUX_TIMEOUT), run.log()
        time.sleep(rng.uniform(0.0, 1.5))
        run.kill()  # SIGKILL
        assert "varloop write failed" not in run.output, run.log()
        before = sum(returned.values())
        for r, i in re.findall(r"strata: varloop ([0-9a-f]{8}) (\d+)", run.output):
            returned[r] = max(returned.get(r, 0), int(i))
        total += sum(returned.values()) - before
        verify = mkimage_vars("verify", store)
        assert verify.returncode == 0, (kill, verify.stdout, verify.stderr)
        names = re.findall(rb"StrataLoop_([0-9a-f]{8})_(\d+) attrs=0x7 size=(\d+)",
                           mkimage_vars("list", store).stdout)
        found = {}
        for r, i, size in names:
            found.setdefault(r.decode(), set()).add(int(i))
        for r, last in returned.items():
            # Every write that returned survived; at most the one in flight besides.
            assert set(range(1, last + 1)) <= found.get(r, set()), (kill, r, last)
            assert found[r] <= set(range(1, last + 2)), (kill, r, last, max(found[r]))
        # Each is whole: its own name's value, never a mix.
        for r, i, size in names[-3:]:
            got = mkimage_vars("get", store, f"StrataLoop_{r.decode()}_{i.decode()}", "--guid",
                               LOOP_GUID).stdout
            assert got == b"value-" + r + b"-" + i + LOOP_PAD, (kill, got[:40])
    assert total > 20


# docs/variables.md, Limits: usable = a bank (half the device) less its 32-byte header; each
# variable costs a 40-byte header, its name (UTF-16, NUL included) and data, rounded up to 8.
BANK_HEADER = 32
RECORD_HEADER = 40
EFI_INVALID_PARAMETER = 0x8000000000000002
EFI_OUT_OF_RESOURCES = 0x8000000000000009


def record_cost(name, data_size):
    return (RECORD_HEADER + 2 * (len(name) + 1) + data_size + 7) & ~7


def varinfo_lines(out):
    """varinfo's lines in order as (label, {field: int}) (statuses hex, figures decimal)."""
    got = []
    for line in out.replace("\r", "").splitlines():
        if not line.startswith("varinfo: ") or "=" not in line:
            continue
        words = line[len("varinfo: "):].split()
        got.append((" ".join(w for w in words if "=" not in w),
                    {k: int(v, 16 if k == "status" else 10)
                     for k, v in (w.split("=") for w in words if "=" in w)}))
    return got


def varinfo_boot(tmp_path, qemu, store_bytes):
    """One boot of efi-apps/varinfo on a store holding store_bytes; (its lines, the run)."""
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": APPS / "varinfo.efi",
    })
    store = tmp_path / "vars.fd"
    store.write_bytes(store_bytes)
    run = qemu(disk, vars_store=store)
    assert run.wait_for("varinfo: done", TIMEOUT), run.log()
    assert run.wait_exit(TIMEOUT) == 0, run.log()
    return varinfo_lines(run.output), run


def test_query_variable_info_tells_the_truth_about_the_flash_store(tmp_path, qemu):
    # The NVRAM template, 1 MiB.
    lines, run = varinfo_boot(tmp_path, qemu, (BUILD / "strata-vars.fd").read_bytes())
    store = tmp_path / "vars.fd"
    f = dict(lines)  # the last line of each label
    usable = store.stat().st_size // 2 - BANK_HEADER
    assert usable == 524256  # the figure docs/variables.md gives for the template
    queries = [fields for _, fields in lines if "max" in fields]
    assert len(queries) > 10, run.log()
    for fields in queries:
        assert fields["status"] == 0, run.log()
        assert fields["max"] == usable, run.log()
        assert fields["maxvar"] == 64 * 1024, run.log()
    before = f["before"]["remaining"]
    assert 0 < before < usable, run.log()  # stage1 seeded a few variables
    # The write costs exactly what the format says, and a delete gives it back at once
    # (a dead record counts as free: the next reclaim recovers it).
    assert f["write"]["status"] == 0 and f["readback"]["status"] == 0, run.log()
    cost = record_cost("StrataQviTest", 10000)
    assert cost >= 10000 + RECORD_HEADER
    assert f["after-write"]["remaining"] == before - cost, run.log()
    assert f["delete"]["status"] == 0, run.log()
    assert f["after-delete"]["remaining"] == before, run.log()
    # A variable of exactly MaximumVariableSize (name and data) fits; one byte more does not,
    # and the spec's answer to a DataSize over the maximum is EFI_INVALID_PARAMETER (or
    # EFI_OUT_OF_RESOURCES); nothing of it is kept.
    assert f["at-max"]["status"] == 0, run.log()
    assert f["after-at-max"]["remaining"] == before - record_cost("StrataQviBig", 64 * 1024
                                                                  - 2 * len("StrataQviBig\0")), \
        run.log()
    assert f["at-max-delete"]["status"] == 0, run.log()
    assert f["over-max"]["status"] in (EFI_INVALID_PARAMETER, EFI_OUT_OF_RESOURCES), run.log()
    assert f["after-over-max"]["remaining"] == before, run.log()
    # Exactly what it says remains can be filled, across reclaims of the dead records written
    # so far (the last fill is sized to the rest); then not one byte more; deleting gives it all
    # back.
    fills = [fields["status"] for label, fields in lines if label == "fill"]
    assert len(fills) >= 8 and set(fills) == {0}, run.log()
    assert f["full"]["remaining"] == 0, run.log()
    assert f["over-full"]["status"] == EFI_OUT_OF_RESOURCES, run.log()
    unfills = [fields["status"] for label, fields in lines if label == "unfill"]
    assert unfills == fills, run.log()
    assert f["emptied"]["remaining"] == before, run.log()
    assert f["rewrite"]["status"] == 0, run.log()
    assert f["final"]["remaining"] == before - cost, run.log()
    # The host tool, with the same store code, reads the same figures off the file.
    listing = subprocess.run([str(BUILD / "mkimage"), "vars", "list", str(store)], check=True,
                             capture_output=True, text=True).stdout
    head = listing.splitlines()[0]
    assert f"{f['final']['remaining']} of {usable} bytes free" in head, listing
    assert "StrataQviTest" in listing and "StrataQviBig" not in listing, listing
    assert "StrataQviFill" not in listing, listing
    assert "generation 1," not in head, listing  # the fill went through a reclaim
    # And the remaining figure is the usable size less what the listed variables cost.
    costs = 0
    for line in listing.splitlines()[1:]:
        # GUID, name, attrs, size; StrataBootRecord's line adds its decoded counts.
        _, name, _, size = line.split()[:4]
        costs += record_cost(name, int(size.removeprefix("size=")))
    assert f["final"]["remaining"] == usable - costs, listing


def test_query_variable_info_on_the_smallest_store(tmp_path, qemu):
    # 128 KiB: a bank is smaller than 64 KiB plus a header, so the largest variable is less.
    lines, run = varinfo_boot(tmp_path, qemu, b"\xff" * (128 * 1024))
    f = dict(lines)
    usable = 64 * 1024 - BANK_HEADER
    assert usable == 65504  # docs/variables.md, Limits
    for fields in (fields for _, fields in lines if "max" in fields):
        assert fields["status"] == 0, run.log()
        assert fields["max"] == usable and fields["maxvar"] == usable - RECORD_HEADER, run.log()
    before = f["before"]["remaining"]
    assert f["after-write"]["remaining"] == before - record_cost("StrataQviTest", 10000)
    assert f["after-delete"]["remaining"] == before, run.log()
    # Exactly the maximum would fit an empty store, but stage1's seeded variables take room.
    assert f["at-max"]["status"] == EFI_OUT_OF_RESOURCES, run.log()
    # Over this store's maximum but within the format's 64 KiB: it does not fit.
    assert f["over-max"]["status"] in (EFI_INVALID_PARAMETER, EFI_OUT_OF_RESOURCES), run.log()
    assert f["after-over-max"]["remaining"] == before, run.log()
    assert f["full"]["remaining"] == 0, run.log()
    assert f["over-full"]["status"] == EFI_OUT_OF_RESOURCES, run.log()
    assert f["emptied"]["remaining"] == before, run.log()
    listing = subprocess.run([str(BUILD / "mkimage"), "vars", "list", str(tmp_path / "vars.fd")],
                             check=True, capture_output=True, text=True).stdout
    assert f"{f['final']['remaining']} of {usable} bytes free" in listing, listing
