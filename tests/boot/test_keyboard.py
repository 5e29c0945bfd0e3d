# SPDX-License-Identifier: MIT
"""The PS/2 keyboard as ConIn: keys typed with QMP send-key reach efi-apps/keys through
SimpleTextInputEx with their scan code, character, shift and toggle state, and a
RegisterKeyNotify callback runs for its key."""
import pytest
from conftest import BUILD, build_disk
from keys_typing import type_and_check
from test_stage1 import strata_files

APPS = BUILD / "efi-apps"


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_ps2_keys_arrive_with_their_modifiers(tmp_path, qemu, machine):
    disk = build_disk(tmp_path / "keys.img",
                      strata_files({"/EFI/BOOT/BOOTX64.EFI": APPS / "keys.efi"}))
    qmp = tmp_path / "qmp.sock"
    run = qemu(disk, machine=machine, extra=["-qmp", f"unix:{qmp},server=on,wait=off"])
    type_and_check(run, qmp)
    assert "ps2: " not in run.output, run.log()  # no warning from the keyboard's start
