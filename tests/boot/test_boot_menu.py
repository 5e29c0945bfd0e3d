# SPDX-License-Identifier: MIT
"""The boot menu: Esc or F12 at boot (PS/2 keyboard or serial) lists the active Boot#### options
of BootOrder on ConOut, arrows and Enter choose, and the choice boots once as BootNext."""
import re
import time

import pytest
from conftest import BUILD, build_disk
from keys_typing import qmp_commands, send_key
from qemu_harness import build_efi_app
from test_boot_options import APP_SOURCE

TIMEOUT = 120
MIB = 1024 * 1024
# test_boot_options' application, which also sets Timeout: a window to press the hotkey in.
MENU_APP_SOURCE = APP_SOURCE.replace(
    '\tPrint(L"OPT: options written\\n");',
    '\t{\n\t\tUINT16 t = 10;\n\n\t\tset(L"Timeout", sizeof(t), &t);\n\t}\n'
    '\tPrint(L"OPT: options written\\n");')


def wait_for_count(run, marker, count, timeout=TIMEOUT):
    """True once marker has shown count times (the menu drawn again after a key)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if run.output.count(marker) >= count:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def menu_app(tmp_path_factory):
    assert MENU_APP_SOURCE != APP_SOURCE
    return build_efi_app(MENU_APP_SOURCE, tmp_path_factory.mktemp("menu-app"))


def options_written(tmp_path, qemu, menu_app):
    """A disk and a variable store in which the app has written its options and Timeout."""
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": menu_app,
    })
    store = tmp_path / "vars.fd"
    store.write_bytes(b"\xff" * MIB)
    run = qemu(disk, vars_store=store)
    assert run.wait_for("nothing more to boot", TIMEOUT), run.log()
    assert "OPT: options written" in run.output and "OPT: cannot set" not in run.output, run.log()
    # No Timeout yet and no key: the hotkey is named, and the boot did not stop for a menu.
    assert "boot: Esc or F12: boot menu" in run.output, run.log()
    assert "Strata boot menu" not in run.output, run.log()
    run.kill()
    return disk, store


@pytest.mark.parametrize("keyboard", ["ps2", "serial"])
def test_boot_menu_chooses_an_option_that_boots_once(tmp_path, qemu, menu_app, keyboard):
    disk, store = options_written(tmp_path, qemu, menu_app)
    qmp = tmp_path / "qmp.sock"
    run = qemu(disk, vars_store=store, extra=["-qmp", f"unix:{qmp},server=on,wait=off"])
    assert run.wait_for("boot: Esc or F12: boot menu", TIMEOUT), run.log()

    def press(key, serial):
        if keyboard == "ps2":
            qmp_commands(qmp, [send_key([key])])
        else:
            run.send(serial)

    press("f12", b"\x1b[24~")
    assert run.wait_for("the usual boot order", TIMEOUT), run.log()
    # Active, valid options of BootOrder (4, 1, 2, 5, 6, 7, 8): 4 is inactive, 7 not a load
    # option, 8 missing.
    menu = run.output[run.output.index("Strata boot menu"):]
    entries = re.findall(r"(Boot[0-9A-F]{4})  (\w+)", menu)
    assert entries == [("Boot0001", "missing"), ("Boot0002", "short"), ("Boot0005", "file"),
                       ("Boot0006", "device")], run.log()
    shown = run.output.count("the usual boot order")
    for _ in range(2):
        press("down", b"\x1b[B")
        shown += 1
        assert wait_for_count(run, "the usual boot order", shown), run.log()
    press("ret", b"\r")
    assert run.wait_for("OPT: ran mode=fileonly", TIMEOUT), run.log()
    out = run.output
    chosen = out[out.index("boot menu: Boot0005 chosen"):]
    assert "boot: BootNext: Boot0005" in chosen, run.log()
    # The first to run, as BootCurrent 5, and once: BootNext is gone when it runs.
    first = re.search(r"OPT: ran mode=(\w+) current=0*([0-9A-F]+) bootnext=([^\n]+)", chosen)
    assert first.groups() == ("fileonly", "5", "Not Found"), run.log()

