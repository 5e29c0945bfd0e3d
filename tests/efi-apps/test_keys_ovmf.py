# SPDX-License-Identifier: MIT
"""Keys typed with QMP send-key reach efi-apps/keys on OVMF: the reference for Strata's keyboard."""
from ovmf_boot import APPS, build_disk, ovmf  # noqa: F401 (ovmf is a fixture; puts tests/ on the path)

from keys_typing import type_and_check  # noqa: E402


def test_ps2_keys_arrive_with_their_modifiers_on_ovmf(ovmf, tmp_path):
    disk = build_disk(tmp_path / "keys.img", {"/EFI/BOOT/BOOTX64.EFI": APPS / "keys.efi"})
    qmp = tmp_path / "qmp.sock"
    run = ovmf(disk, extra=["-qmp", f"unix:{qmp},server=on,wait=off"])
    type_and_check(run, qmp)
